// Process instances (designers and auditors): search by the record served (customer, company, phone, tracking
// code); filter by process, business key, state, starter, time.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, digits, locale, t } from '../core/i18n.js';
import { personPicker, personText } from '../core/people.js';
import { setQuery } from '../core/router.js';
import { empty, errorBox, field, loading, pageHeader, pager, stateBadge, table } from '../core/ui.js';
import { elementName, processName } from './names.js';
import { recordTitle } from './tasklist.js';
import { dateField, isoOf } from './timefields.js';

const STATES = ['', 'running', 'completed', 'failed', 'cancelled'];
const LIMIT = 50;

// The record an instance serves: its kind and title, linking to its page.
export function recordCell(instance) {
  const record = instance.record;
  if (!record) return '—';
  if (record.hidden) {
    return [h('span', { class: 'muted' }, `${t(`record.type.${record.type}`)}: `),
      h('span', { class: 'muted', 'data-testid': 'record-hidden' }, t('record.hidden'))];
  }
  const title = h('span', {}, record.title ? recordTitle(record.title) : digits(record.id));
  return [h('span', { class: 'muted' }, `${t(`record.type.${record.type}`)}: `),
    record.url ? h('a', { href: record.url, 'data-testid': 'instance-record-link' }, title) : title];
}

export async function render({ root, query }) {
  const filters = h('form', { class: 'filters card', 'aria-label': t('common.filters') },
    field(t('instances.search'), h('input', { type: 'search', name: 'q', class: 'input', value: query.q || '', maxlength: 200, 'data-testid': 'instance-search' })),
    field(t('instances.key'), h('input', { name: 'key', class: 'input', value: query.key || '', dir: 'ltr' })),
    field(t('instances.business_key'), h('input', { name: 'business_key', class: 'input', value: query.business_key || '', dir: 'ltr', 'data-search': '' })),
    field(t('instances.state'), h('select', { name: 'state', class: 'input' },
      STATES.map((s) => h('option', { value: s, selected: s === (query.state || '') }, s ? t(`state.${s}`) : t('common.any'))))),
    field(t('instances.started_by'), personPicker('started_by', query.started_by || '', { 'data-testid': 'instances-started-by' })),
    dateField(t('common.after'), 'started_after', query.started_after),
    dateField(t('common.before'), 'started_before', query.started_before, { endOfDay: true }),
    h('input', { type: 'hidden', name: 'definition_id', value: query.definition_id || '' }),
    h('div', { class: 'row end filters-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.search'))));
  const results = h('div', { 'data-testid': 'instances' }, loading());
  replace(root, pageHeader(t('nav.instances')), filters, results);

  let controller = null;  // a search sent while the first page loads: only its answer is drawn
  async function load(offset = 0) {
    const values = Object.fromEntries(new FormData(filters));
    const params = { ...values, started_after: isoOf(values.started_after), started_before: isoOf(values.started_before, true) };
    setQuery(values);
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/process-instances', { ...params, limit: LIMIT, offset }, { signal: controller.signal });
      if (!page.items.length) { replace(results, empty(t(values.q ? 'instances.search_none' : 'instances.empty'))); return; }
      replace(results,
        table([
          { label: t('instances.id'), cell: (i) => h('a', { href: `/app/instances/${i.id}`, 'data-nav-item': '' }, ltr(i.id.slice(0, 8))) },
          { label: t('instances.key'), cell: (i) => processName(i) },
          { label: t('instances.record'), cell: recordCell },
          { label: t('instances.business_key'), cell: (i) => (i.business_key ? ltr(i.business_key) : '—') },
          { label: t('instances.state'), cell: (i) => [stateBadge(i.state), i.incidents?.length ? [' ', h('span', { class: 'badge badge-danger' }, t('instance.incidents_n', { n: i.incidents.length }))] : null] },
          { label: t('instances.waiting_at'), cell: (i) => (i.active_elements || []).map((e) => elementName(i, e)).flatMap((n, k) => (k ? [locale() === 'fa' ? '، ' : ', ', n] : [n])) },
          { label: t('instances.started'), cell: (i) => [dateTime(i.started_at), i.started_by ? h('span', { class: 'muted' }, ' · ', personText(i.started_by)) : null] },
        ], page.items, { rowAttrs: (i) => ({ 'data-instance': i.id }) }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }
  filters.addEventListener('submit', (event) => { event.preventDefault(); load(0); });
  await load(0);
}

// The audit journal (auditors): search by instance, business key, actor, kind and time range; verify
// the hash chain and see where it breaks; export what was found as CSV. Newest first unless the auditor asks
// for the oldest first; each entry's kind in words and its data as labelled fields in the reader's language
// (the server's `kind_text` and `details`, api/journal_words.py), the raw JSON behind «جزئیات فنی».

import { api, url } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, number, t, word } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { empty, errorBox, field, loading, pageHeader, pager, setBusy, table } from '../core/ui.js';
import { dataCell, kindCell } from './journal_entry.js';
import { dateField, isoOf } from './timefields.js';
import { personPicker, personText } from '../core/people.js';

const KINDS = ['deployed', 'instance.', 'task.', 'variables.changed', 'incident.', 'timer.fired', 'message.', 'signal.broadcast', 'crm.'];
const LIMIT = 50;

export async function render({ root, query }) {
  const filters = h('form', { class: 'filters card', 'aria-label': t('common.filters'), 'data-testid': 'journal-filters' },
    field(t('journal.instance'), h('input', { name: 'process_instance', class: 'input', value: query.process_instance || '', dir: 'ltr', 'data-search': '' })),
    field(t('journal.business_key'), h('input', { name: 'business_key', class: 'input', value: query.business_key || '', dir: 'ltr' })),
    field(t('journal.actor'), personPicker('actor', query.actor || '', { 'data-testid': 'journal-actor' })),
    field(t('journal.kind'), h('select', { name: 'kind', class: 'input', 'data-testid': 'journal-kind' },
      h('option', { value: '' }, t('common.any')),
      [...KINDS, ...(query.kind && !KINDS.includes(query.kind) ? [query.kind] : [])].map((k) => h('option', { value: k, selected: k === query.kind }, word('kind', k))))),
    dateField(t('common.after'), 'after', query.after),
    dateField(t('common.before'), 'before', query.before, { endOfDay: true }),
    field(t('journal.order'), h('select', { name: 'order', class: 'input', 'data-testid': 'journal-order' },
      h('option', { value: 'newest', selected: query.order !== 'oldest' }, t('journal.newest_first')),
      h('option', { value: 'oldest', selected: query.order === 'oldest' }, t('journal.oldest_first')))),
    h('div', { class: 'row end filters-actions' },
      h('button', { type: 'reset', class: 'btn btn-ghost' }, t('common.clear')),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'journal-search' }, t('common.search'))));
  const verifyBox = h('div', { 'aria-live': 'polite', 'data-testid': 'verify-result' });
  const results = h('div', { 'data-testid': 'journal-results' }, loading());
  const csv = h('a', { class: 'btn', download: '', 'data-testid': 'csv' }, t('journal.csv')); // the server names the file by its filters and day
  const verifyButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'verify', onclick: () => verify() }, t('journal.verify'));
  let brokenAt = null;
  replace(root, pageHeader(t('nav.journal'), csv, verifyButton), verifyBox, filters, results);

  function params() {
    const values = Object.fromEntries(new FormData(filters));
    const { order, ...rest } = values;
    return { values, newest: order !== 'oldest', api: { ...rest, after: isoOf(values.after), before: isoOf(values.before, true) } };
  }

  async function verify() {
    setBusy(verifyButton, true);
    try {
      const result = await api.get('/journal/verify');
      brokenAt = result.ok ? null : result.first_broken;
      replace(verifyBox, result.ok
        ? h('p', { class: 'alert alert-ok', 'data-testid': 'chain-ok' }, t('journal.chain_ok', { n: number(result.checked) }))
        : h('div', { class: 'alert alert-error', 'data-testid': 'chain-broken', role: 'alert' },
          h('strong', {}, t('journal.chain_broken', { seq: number(result.first_broken) })),
          result.reason ? h('p', {}, result.reason) : null,
          h('p', { class: 'muted' }, t('journal.chain_checked', { n: number(result.checked) }))));
      for (const row of results.querySelectorAll('tr[data-seq]')) row.classList.toggle('row-broken', Number(row.dataset.seq) === brokenAt);
    } catch (error) {
      replace(verifyBox, errorBox(error));
    } finally {
      setBusy(verifyButton, false);
    }
  }

  let controller = null;  // a filter sent while the first page loads: only its answer is drawn
  async function load(offset = 0) {
    const { values, newest, api: apiParams } = params();
    setQuery(values);
    csv.href = url('/journal', { ...apiParams, format: 'csv' }); // every matching entry, newest first, no row cap
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/journal', { ...apiParams, order: newest ? 'newest' : 'oldest', limit: LIMIT, offset },
        { signal: controller.signal });
      if (!page.items.length) { replace(results, empty(t('journal.empty'))); return; }
      replace(results,
        h('p', { class: 'muted' }, t('journal.found', { n: number(page.total) })),
        table([
          { label: '#', cell: (e) => number(e.seq), class: 'num' },
          { label: t('journal.at'), cell: (e) => dateTime(e.at), class: 'nowrap' },
          { label: t('journal.kind'), cell: kindCell },
          { label: t('journal.actor'), cell: (e) => (e.actor ? personText(e.actor, e.actor_text) : '—') },
          { label: t('journal.instance'), cell: (e) => (e.process_instance ? h('a', { href: `/app/instances/${e.process_instance}` }, ltr(e.process_instance.slice(0, 8))) : '—') },
          { label: t('journal.business_key'), cell: (e) => (e.business_key ? ltr(e.business_key) : '—') },
          { label: t('journal.element'), cell: (e) => (e.element_name ? h('span', { dir: 'auto', title: e.element_id }, e.element_name) : e.element_id ? ltr(e.element_id) : '—') },
          { label: t('journal.data'), cell: dataCell },
          { label: t('journal.hash'), cell: (e) => h('code', { dir: 'ltr', title: e.hash }, e.hash.slice(0, 10)) },
        ], page.items, { rowAttrs: (e) => ({ 'data-seq': e.seq, class: e.seq === brokenAt ? 'row-broken' : undefined }) }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }

  filters.addEventListener('submit', (event) => { event.preventDefault(); load(0); });
  filters.addEventListener('reset', () => setTimeout(() => load(0)));
  await load(0);
}

// Complaints for the support desk: search by tracking code (however typed: case, dashes, digits' script) or
// the complainant's name, filters by status, kind, category (the managed lists' labels), severity and tier,
// a page at a time with the total; each row opens the complaint's page. A passed SLA deadline is marked.

import { api } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { date, dateTime, number, t, totalOf, word } from '../core/i18n.js';
import { groupText, listSelect, loadGroups } from '../core/lists.js';
import { chip, listTools, readSort, sortHeaders } from '../core/listtools.js';
import { setQuery } from '../core/router.js';
import { badge, empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { statusBadge } from './crmtext.js';
import { listLabels } from './leads.js';
import { DAY_FILTERS, drillNotice } from './drilldown.js';
import { personName, personText } from '../core/people.js';

const LIMIT = 50;
export const STATUSES = ['received', 'in_progress', 'escalated', 'waiting_customer', 'resolved', 'closed'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const TIERS = ['1', '2', '3'];
const OPEN = ['received', 'in_progress', 'escalated'];
const SORTABLE = ['tracking_code', 'kind', 'category', 'severity', 'tier', 'status', 'assignee', 'sla_due', 'created_at'];
const LISTED = [['kind', 'complaint_kind', 'complaints.any_kind'], ['category', 'complaint_category', 'complaints.any_category']];

export const complainant = (c) => c.contact_name || c.customer_name || (c.customer_id ? `${t('complaints.customer')} #${number(c.customer_id)}` : '—');

export const severityBadge = (severity) => badge(word('complaint.severity', severity), { high: 'warn', critical: 'danger' }[severity] || '');

// The SLA deadline; past it (while the complaint is still being handled) it is marked overdue.
export function slaDue(c, format = date) {
  if (!c.sla_due) return '—';
  const late = OPEN.includes(c.status) && new Date(c.sla_due) < new Date();
  return h('span', { class: late ? 'badge badge-danger' : '', 'data-testid': late ? 'complaint-overdue' : 'complaint-sla' },
    format(c.sla_due), late ? ` · ${t('tasks.overdue')}` : '');
}

function columns(label) {
  return [
    { sort: 'tracking_code', label: t('complaint.tracking_code'), cell: (c) => h('a', { href: `/app/complaints/${c.id}`, 'data-nav-item': '', 'data-testid': 'complaint-link' }, ltr(c.tracking_code)), class: 'nowrap' },
    { label: t('complaints.complainant'), cell: (c) => h('span', { dir: 'auto' }, complainant(c)) },
    { sort: 'kind', label: t('complaints.kind'), cell: (c) => label('complaint_kind', c.kind) },
    { sort: 'category', label: t('portal.category'), cell: (c) => label('complaint_category', c.category) },
    { sort: 'severity', label: t('portal.severity'), cell: (c) => severityBadge(c.severity) },
    { sort: 'tier', label: t('complaint.tier'), cell: (c) => number(c.tier), class: 'num' },
    { sort: 'status', label: t('customer.status'), cell: (c) => statusBadge('complaint.status', c.status) },
    { sort: 'assignee', label: t('complaints.assignee'), cell: (c) => (c.assignee ? personText(c.assignee) : (c.team ? groupText(c.team) : '—')) },
    { sort: 'sla_due', label: t('complaints.sla_due'), cell: (c) => slaDue(c, dateTime), class: 'nowrap' },
    { sort: 'created_at', label: t('complaints.created_at'), cell: (c) => date(c.created_at), class: 'nowrap' },
  ];
}

function choice(name, values, prefix, any, state, load) {
  return h('select', { class: 'input', 'aria-label': t(any), 'data-testid': `complaint-filter-${name}`,
    onchange: (event) => { state[name] = event.target.value; load(0); } },
  options(values, prefix, { empty: t(any), selected: state[name] }));
}

function filters(state, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('complaints.search'),
    'aria-label': t('complaints.search'), 'data-search': '', 'data-testid': 'complaint-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const listed = LISTED.map(([field, list, any]) => {
    const select = listSelect(list, { empty: t(any), selected: state[field],
      attrs: { 'aria-label': t(any), 'data-testid': `complaint-filter-${field}` } });
    select.addEventListener('change', () => { state[field] = select.value; load(0); });
    return select;
  });
  const tier = h('select', { class: 'input', 'aria-label': t('complaints.any_tier'), 'data-testid': 'complaint-filter-tier',
    onchange: (event) => { state.tier = event.target.value; load(0); } },
  h('option', { value: '' }, t('complaints.any_tier')),
  TIERS.map((n) => h('option', { value: n, selected: state.tier === n }, `${t('complaint.tier')} ${number(Number(n))}`)));
  return h('div', { class: 'toolbar', role: 'search' }, search,
    choice('status', ['open', ...STATUSES], 'complaint.status', 'customers.any_status', state, load), ...listed,
    choice('severity', SEVERITIES, 'complaint.severity', 'complaints.any_severity', state, load), tier);
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', status: [...STATUSES, 'open'].includes(query.status) ? query.status : '',
    severity: SEVERITIES.includes(query.severity) ? query.severity : '', tier: TIERS.includes(query.tier) ? query.tier : '',
    kind: query.kind || '', category: query.category || '', assignee: query.assignee || '', sort: readSort(query, SORTABLE) };
  for (const name of DAY_FILTERS) state[name] = query[name] || ''; // a dashboard figure's records
  state.breached = ['true', 'false'].includes(query.breached) ? query.breached : '';
  const tools = listTools({ list: 'complaints', me });
  const chips = h('div', { class: 'chips' });
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'complaint-summary' });
  const results = h('div', { 'data-testid': 'complaints' }, loading());
  const newOne = h('a', { href: '/app/complaints/new', class: 'btn', 'data-testid': 'new-complaint' }, t('complaint_new.title'));
  const [label] = await Promise.all([listLabels(['complaint_kind', 'complaint_category']), loadGroups()]);

  let controller;
  let left = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (left) return;
    const wanted = { q: state.q, status: state.status, kind: state.kind, category: state.category,
      severity: state.severity, tier: state.tier, assignee: state.assignee, sort: state.sort,
      created_from: state.created_from, created_to: state.created_to, breached: state.breached };
    setQuery(wanted);
    tools.update(wanted);
    replace(chips, state.assignee ? chip(t('complaints.handled_by', { user: personName(state.assignee) }), () => { state.assignee = ''; load(0); }, 'complaint-chip-assignee') : null);
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/complaints', { ...wanted, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('complaints.summary', { shown: number(page.items.length), total: totalOf(page) });
      if (!page.items.length) {
        replace(results, empty(Object.entries(wanted).some(([k, v]) => k !== 'sort' && v) ? t('complaints.none_match') : t('complaints.empty')));
        return;
      }
      const shown = columns(label);
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (c) => ({ 'data-complaint-id': c.id, 'data-testid': 'complaint-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }

  const drilled = drillNotice(state, { names: [...DAY_FILTERS, 'breached'], kind: 'received', onClear: () => load(0) });
  replace(root, pageHeader(t('complaints.title'), newOne), drilled, filters(state, load), chips, tools.element, summary, results);
  await load(0);
  return { cleanup: () => { left = true; controller?.abort(); } };
}

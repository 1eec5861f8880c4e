// Leads: search (names however they were typed, "علي" finds "علی"; telephone digits in any script; e-mail),
// filters by status and by the managed lists (source, product, province: their labels in the reader's
// language, their keys sent), a page at a time with the total; each row opens the lead's page.

import { api } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { date, number, t, totalOf } from '../core/i18n.js';
import { entries, groupText, labelOf, listSelect, loadGroups } from '../core/lists.js';
import { chip, listTools, readSort, sortHeaders } from '../core/listtools.js';
import { setQuery } from '../core/router.js';
import { empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { customerName, phone, statusBadge } from './crmtext.js';

const LIMIT = 50;
const SORTABLE = ['name', 'source', 'product', 'region', 'score', 'status', 'sales_group', 'created_at'];
export const STATUSES = ['new', 'qualifying', 'qualified', 'disqualified', 'nurture'];
// the record's field, the managed list its keys come from, and the filter's word for "any"
const LISTED = [['source', 'lead_source', 'leads.any_source'], ['product', 'product', 'leads.any_product'],
  ['region', 'province', 'leads.any_province']];

// key → label in the reader's language for each of the lists a lead refers to (the key when unknown).
export async function listLabels(names) {
  const loaded = await Promise.all(names.map((name) => entries(name).catch(() => [])));
  const maps = Object.fromEntries(names.map((name, i) => [name, new Map(loaded[i].map((e) => [e.key, labelOf(e)]))]));
  return (name, key) => (key ? maps[name]?.get(key) || key : '—');
}

function nameCell(lead) {
  const main = lead.company_name && lead.person_name ? lead.company_name : customerName(lead);
  return h('a', { href: `/app/leads/${lead.id}`, 'data-nav-item': '', 'data-testid': 'lead-link', dir: 'auto' }, main,
    lead.company_name && lead.person_name ? h('span', { class: 'muted' }, ` · ${lead.person_name}`) : null);
}

function columns(label) {
  return [
    { sort: 'name', label: t('leads.name'), cell: nameCell },
    { label: t('customer.mobile'), cell: (l) => phone(l.mobile || l.phone), class: 'nowrap' },
    { sort: 'source', label: t('lead.source'), cell: (l) => label('lead_source', l.source) },
    { sort: 'product', label: t('lead.product'), cell: (l) => label('product', l.product) },
    { sort: 'region', label: t('lists.province'), cell: (l) => label('province', l.region) },
    { sort: 'score', label: t('lead.score'), cell: (l) => h('span', { 'data-testid': 'lead-row-score' }, number(l.score), l.grade ? ' · ' : '', l.grade ? ltr(l.grade) : ''), class: 'nowrap' },
    { sort: 'status', label: t('customer.status'), cell: (l) => statusBadge('lead.status', l.status) },
    { sort: 'sales_group', label: t('lead.sales_group'), cell: (l) => (l.sales_group ? groupText(l.sales_group) : '—') },
    { sort: 'created_at', label: t('leads.created_at'), cell: (l) => date(l.created_at), class: 'nowrap' },
  ];
}

function filters(state, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('leads.search'),
    'aria-label': t('leads.search'), 'data-search': '', 'data-testid': 'lead-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const status = h('select', { class: 'input', 'aria-label': t('customer.status'), 'data-testid': 'lead-status',
    onchange: (event) => { state.status = event.target.value; load(0); } },
  options(STATUSES, 'lead.status', { empty: t('customers.any_status'), selected: state.status }));
  const listed = LISTED.map(([field, list, any]) => {
    const select = listSelect(list, { empty: t(any), selected: state[field],
      attrs: { 'aria-label': t(any), 'data-testid': `lead-filter-${field}` } });
    select.addEventListener('change', () => { state[field] = select.value; load(0); });
    return select;
  });
  return h('div', { class: 'toolbar', role: 'search' }, search, status, ...listed);
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', status: STATUSES.includes(query.status) ? query.status : '',
    created_from: query.created_from || '', sort: readSort(query, SORTABLE) };
  const tools = listTools({ list: 'leads', me });
  const chips = h('div', { class: 'chips' });
  for (const [field] of LISTED) state[field] = query[field] || '';
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'lead-summary' });
  const results = h('div', { 'data-testid': 'leads' }, loading());
  const newLead = h('a', { href: '/app/leads/new', class: 'btn', 'data-testid': 'new-lead' }, t('lead_new.title'));
  const [label] = await Promise.all([listLabels(['lead_source', 'product', 'province']), loadGroups()]);

  let controller;
  let left = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (left) return;
    const wanted = { q: state.q, status: state.status, source: state.source, product: state.product, region: state.region,
      created_from: state.created_from, sort: state.sort };
    setQuery(wanted);
    tools.update(wanted);
    replace(chips, state.created_from ? chip(t('leads.since', { date: date(state.created_from) }), () => { state.created_from = ''; load(0); }, 'lead-chip-since') : null);
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/leads', { ...wanted, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('leads.summary', { shown: number(page.items.length), total: totalOf(page) });
      if (!page.items.length) {
        replace(results, empty(Object.entries(wanted).some(([k, v]) => k !== 'sort' && v) ? t('leads.none_match') : t('leads.empty')));
        return;
      }
      const shown = columns(label);
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (l) => ({ 'data-lead-id': l.id, 'data-testid': 'lead-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }

  replace(root, pageHeader(t('leads.title'), newLead), filters(state, load), chips, tools.element, summary, results);
  await load(0);
  return { cleanup: () => { left = true; controller?.abort(); } };
}

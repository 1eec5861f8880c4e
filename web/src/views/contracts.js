// Contracts: search by number (12, #12, ۱۲) or words of the title or the customer's name however typed;
// filters by status, the approval level still to decide, amount range (rials) and the period it was drafted
// in (days in either calendar); sorted by date, amount or status; a page at a time with the total and the sum
// of the amounts shown. Each row opens the contract's page. The server judges the filters: a bad amount or
// day is said beside the filters, in the reader's language.

import { api, ApiError } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { inLanguage } from '../core/bilingual.js';
import { date, locale, money, number, percent, t, totalOf } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { listTools, readSort, sortHeaders } from '../core/listtools.js';
import { empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { statusBadge } from './crmtext.js';

const LIMIT = 50;
export const STATUSES = ['draft', 'changes_requested', 'in_approval', 'approved', 'rejected', 'sent', 'signed', 'expired'];
export const LEVELS = ['manager', 'finance', 'legal', 'ceo'];
const SORTS = ['-created_at', 'created_at', '-amount', 'amount', 'status'];
const TEXT_FILTERS = ['amount_min', 'amount_max', 'created_from', 'created_to'];
const SORTABLE = ['id', 'title', 'amount', 'discount_percent', 'status', 'created_at'];

export const contractNumber = (id) => `#${number(id, { useGrouping: false })}`;
export const levels = (list) => (list?.length ? list.map((level) => t(`contract.level.${level}`)).join('، ') : '—');

function columns() {
  return [
    { sort: 'id', label: t('contracts.number'), cell: (c) => h('a', { href: `/app/contracts/${c.id}`, 'data-nav-item': '', 'data-testid': 'contract-link' }, contractNumber(c.id)), class: 'nowrap' },
    { sort: 'title', label: t('customer.title_field'), cell: (c) => h('span', { dir: 'auto' }, c.title) },
    { label: t('contracts.customer'), cell: (c) => h('a', { href: `/app/customers/${c.customer_id}`, dir: 'auto' }, c.customer_name || `#${number(c.customer_id)}`) },
    { sort: 'amount', label: t('customer.amount'), cell: (c) => h('span', { 'data-testid': 'contract-row-amount' }, money(c.amount, { toman: false })), class: 'num nowrap' },
    { sort: 'discount_percent', label: t('contract.discount'), cell: (c) => (c.discount_percent ? percent(c.discount_percent) : '—'), class: 'num' },
    { sort: 'status', label: t('customer.status'), cell: (c) => statusBadge('contract.status', c.status) },
    { label: t('contracts.waiting_for'), cell: (c) => h('span', { 'data-testid': 'contract-row-waiting' }, levels(c.waiting_for)) },
    { sort: 'created_at', label: t('contracts.created_at'), cell: (c) => date(c.created_at), class: 'nowrap' },
  ];
}

function select(name, values, prefix, any, state, load) {
  return h('select', { class: 'input', 'aria-label': t(any), 'data-testid': `contract-filter-${name}`,
    onchange: (event) => { state[name] = event.target.value; load(0); } },
  options(values, prefix, { empty: t(any), selected: state[name] }));
}

function textFilter(name, state, load, attrs) {
  return h('input', { class: 'input', value: state[name], maxlength: 20, dir: 'ltr', autocomplete: 'off',
    placeholder: t(`contracts.${name}`), 'aria-label': t(`contracts.${name}`), 'data-filter': name,
    'data-testid': `contract-filter-${name}`, ...attrs,
    oninput: debounce((event) => { state[name] = event.target.value.trim(); load(0); }, 400) });
}

function filters(state, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('contracts.search'),
    'aria-label': t('contracts.search'), 'data-search': '', 'data-testid': 'contract-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const sort = h('select', { class: 'input', 'aria-label': t('contracts.sort'), 'data-testid': 'contract-sort',
    onchange: (event) => { state.sort = event.target.value; load(0); } },
  SORTS.map((value) => h('option', { value: value === '-created_at' ? '' : value, selected: (state.sort || '-created_at') === value }, t(`contracts.sort_${value.replace('-', 'desc_')}`))));
  return [h('div', { class: 'toolbar', role: 'search' }, search,
    select('status', STATUSES, 'contract.status', 'customers.any_status', state, load),
    select('level', LEVELS, 'contract.level', 'contracts.any_level', state, load), sort),
  h('div', { class: 'toolbar' },
    textFilter('amount_min', state, load, { inputmode: 'numeric' }), textFilter('amount_max', state, load, { inputmode: 'numeric' }),
    textFilter('created_from', state, load, {}), textFilter('created_to', state, load, {}))];
}

// A refused filter: its field marked, the server's words beside the filters (in the reader's language).
export function filterProblem(root, error, labels) {
  for (const input of root.querySelectorAll('[data-filter]')) input.removeAttribute('aria-invalid');
  if (!(error instanceof ApiError) || error.status !== 422 || !Object.keys(error.errors).length) return errorBox(error);
  const lines = Object.entries(error.errors).map(([name, sent]) => {
    root.querySelector(`[data-filter="${name}"]`)?.setAttribute('aria-invalid', 'true');
    const said = (Array.isArray(sent) ? sent : [sent]).map((text) => inLanguage(String(text), locale())).join(' ');
    return h('li', { 'data-error-for': name }, h('strong', {}, labels(name)), ': ', h('span', { dir: 'auto' }, said));
  });
  return h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'filter-errors' }, t('contracts.bad_filter'), h('ul', {}, lines));
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', status: STATUSES.includes(query.status) ? query.status : '',
    level: LEVELS.includes(query.level) ? query.level : '', sort: SORTS.includes(query.sort) ? query.sort : readSort(query, SORTABLE),
    customer_id: /^\d+$/.test(query.customer_id || '') ? query.customer_id : '' };
  for (const name of TEXT_FILTERS) state[name] = query[name] || '';
  const tools = listTools({ list: 'contracts', me });
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'contract-summary' });
  const results = h('div', { 'data-testid': 'contracts' }, loading());
  const newOne = h('a', { href: `/app/contracts/new${state.customer_id ? `?customer_id=${state.customer_id}` : ''}`, class: 'btn', 'data-testid': 'new-contract' }, t('contract_new.title'));

  let controller;
  let left = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (left) return;
    const wanted = { q: state.q, status: state.status, level: state.level, customer_id: state.customer_id, sort: state.sort };
    for (const name of TEXT_FILTERS) wanted[name] = state[name];
    setQuery(wanted);
    tools.update(wanted);
    const sorter = root.querySelector('[data-testid=contract-sort]');
    if (sorter) sorter.value = state.sort === '-created_at' ? '' : state.sort; // blank for a header's order it does not offer
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/contracts', { ...wanted, limit: LIMIT, offset }, { signal: controller.signal });
      for (const input of root.querySelectorAll('[data-filter]')) input.removeAttribute('aria-invalid');
      const sum = page.items.reduce((total, c) => total + Number(c.amount || 0), 0);
      summary.textContent = `${t('contracts.summary', { shown: number(page.items.length), total: totalOf(page) })} · ${t('contracts.sum', { amount: money(sum) })}`;
      if (!page.items.length) {
        replace(results, empty(Object.entries(wanted).some(([k, v]) => k !== 'sort' && v) ? t('contracts.none_match') : t('contracts.empty')));
        return;
      }
      const shown = columns();
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (c) => ({ 'data-contract-id': c.id, 'data-testid': 'contract-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name === 'AbortError') return;
      summary.textContent = '';
      replace(results, filterProblem(root, error, (name) => (TEXT_FILTERS.includes(name) ? t(`contracts.${name}`) : ltr(name))));
    }
  }

  const customerChip = state.customer_id ? h('p', { class: 'muted' }, t('contracts.of_customer'), ' ',
    h('a', { href: `/app/customers/${state.customer_id}` }, `#${number(Number(state.customer_id))}`), ' · ',
    h('a', { href: '/app/contracts', 'data-testid': 'contract-all' }, t('contracts.all'))) : null;
  replace(root, pageHeader(t('contracts.title'), newOne), customerChip, ...filters(state, load), tools.element, summary, results);
  await load(0);
  return { cleanup: () => { left = true; controller?.abort(); } };
}

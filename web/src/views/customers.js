// Customers: search (names however they were typed, "علي" finds "علی"; telephone digits in any
// script; e-mail), filters by status and tier, a page at a time; each row opens the customer's 360°.

import { api } from '../core/api.js';
import { debounce, h, replace } from '../core/dom.js';
import { date, number, t, totalOf, word } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { listTools, readSort, sortHeaders } from '../core/listtools.js';
import { empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { ROLES } from '../routes.js';
import { customerName, email, phone, statusBadge } from './crmtext.js';
import { listLabels } from './leads.js';

const LIMIT = 50;
const STATUSES = ['potential', 'actual'];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const SORTABLE = ['name', 'kind', 'status', 'region', 'created_at'];

export function newRecordLinks(me, customerId) {
  if (!ROLES.work.includes(me.role)) return [];
  const suffix = customerId ? `?customer_id=${encodeURIComponent(customerId)}` : '';
  return [
    customerId ? null : h('a', { href: '/app/leads/new', class: 'btn', 'data-testid': 'new-lead' }, t('lead_new.title')),
    h('a', { href: `/app/complaints/new${suffix}`, class: 'btn', 'data-testid': 'new-complaint' }, t('complaint_new.title')),
    customerId ? h('a', { href: `/app/contracts/new${suffix}`, class: 'btn', 'data-testid': 'new-contract-link' }, t('customer.new_contract')) : null,
    customerId ? h('a', { href: `/app/referrals/new${suffix}`, class: 'btn', 'data-testid': 'new-referral-link' }, t('customer.new_referral')) : null,
  ];
}

export async function render({ root, me, query }) {
  const state = { q: query.q || '', status: STATUSES.includes(query.status) ? query.status : '', tier: TIERS.includes(query.tier) ? query.tier : '',
    sort: readSort(query, SORTABLE) };
  const tools = listTools({ list: 'customers', me });
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('customers.search'),
    'aria-label': t('customers.search'), 'data-search': '', 'data-testid': 'customer-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const status = h('select', { class: 'input', 'aria-label': t('customers.status'), 'data-testid': 'customer-status',
    onchange: (event) => { state.status = event.target.value; load(0); } },
  options(STATUSES, 'customer.status_value', { empty: t('customers.any_status'), selected: state.status }));
  const tier = h('select', { class: 'input', 'aria-label': t('customers.tier'),
    onchange: (event) => { state.tier = event.target.value; load(0); } },
  options(TIERS, 'customer.tier_value', { empty: t('customers.any_tier'), selected: state.tier }));
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'customer-summary' });
  const results = h('div', { 'data-testid': 'customers' }, loading());
  const importLink = ROLES.work.includes(me.role)
    ? h('a', { href: '/app/customers/import', class: 'btn', 'data-testid': 'import-customers' }, t('import.title')) : null;
  replace(root, pageHeader(t('customers.title'), newRecordLinks(me), importLink),
    h('div', { class: 'toolbar', role: 'search' }, search, status, tier), tools.element, summary, results);

  let controller;
  let label; // province key → its words in the reader's language, read once
  async function load(offset = 0) {
    const wanted = { q: state.q, status: state.status, tier: state.tier, sort: state.sort };
    setQuery(wanted);
    tools.update(wanted);
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/customers', { ...wanted, limit: LIMIT, offset }, { signal: controller.signal });
      label ||= await listLabels(['province']);
      summary.textContent = t('customers.summary', { shown: number(page.items.length), total: totalOf(page) });
      if (!page.items.length) {
        replace(results, empty(state.q ? t('customers.none_match') : t('customers.empty'), state.q ? null : t('customers.empty_hint')));
        return;
      }
      const shown = [
        { sort: 'name', label: t('customer.name'), cell: (c) => h('a', { href: `/app/customers/${c.id}`, 'data-nav-item': '', 'data-testid': 'customer-link' }, customerName(c)) },
        { sort: 'kind', label: t('customer.kind'), cell: (c) => word('customer.kind_value', c.kind) },
        { label: t('customer.mobile'), cell: (c) => phone(c.mobile || c.phone) },
        { label: t('customer.email'), cell: (c) => email(c.email) },
        { sort: 'status', label: t('customer.status'), cell: (c) => statusBadge('customer.status_value', c.status) },
        { sort: 'region', label: t('customer.region'), cell: (c) => label('province', c.region) },
        { sort: 'created_at', label: t('customer.created_at'), cell: (c) => date(c.created_at), class: 'nowrap' },
      ];
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (c) => ({ 'data-customer-id': c.id, 'data-testid': 'customer-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
      pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }

  await load(0);
  return { cleanup: () => controller?.abort() };
}

// Loyalty accounts: search by the customer's name however typed, filters by tier and a least balance, a sort,
// a page at a time with the total; each row opens the account's page (its ledger, vouchers, adjustments). The
// header leads to the loyalty club's page (rules, tiers, rewards, gifts waiting).

import { api } from '../core/api.js';
import { debounce, h, replace } from '../core/dom.js';
import { options } from '../core/fields.js';
import { date, latinDigits, money, number, t, totalOf } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { listTools } from '../core/listtools.js';
import { badge, empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';

const LIMIT = 50;
export const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const SORTS = ['points_desc', 'points_asc', 'score_desc', 'value_desc', 'customer'];

export const tierBadge = (tier) => badge(t(`customer.tier_value.${tier}`), { gold: 'warn', platinum: 'ok' }[tier] || '');

function columns() {
  return [
    { label: t('purchases.customer'), cell: (a) => h('a', { href: `/app/loyalty/${a.customer_id}`, 'data-nav-item': '', dir: 'auto',
      'data-testid': 'loyalty-link' }, a.customer_name || `#${number(a.customer_id)}`) },
    { label: t('customer.tier'), cell: (a) => tierBadge(a.tier) },
    { label: t('loyalty.points'), cell: (a) => number(a.points), class: 'num' },
    { label: t('loyalty.score'), cell: (a) => number(a.score, { maximumFractionDigits: 1 }), class: 'num' },
    { label: t('loyalty.lifetime_value'), cell: (a) => money(a.lifetime_value, { toman: false }), class: 'num' },
    { label: t('loyalty.ranked_at'), cell: (a) => (a.ranked_at ? date(a.ranked_at) : '—'), class: 'nowrap' },
  ];
}

function filters(state, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('loyalty.search'),
    'aria-label': t('loyalty.search'), 'data-search': '', 'data-testid': 'loyalty-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const tier = h('select', { class: 'input', 'aria-label': t('customers.any_tier'), 'data-testid': 'loyalty-filter-tier',
    onchange: (event) => { state.tier = event.target.value; load(0); } },
  options(TIERS, 'customer.tier_value', { empty: t('customers.any_tier'), selected: state.tier }));
  const least = h('input', { type: 'search', class: 'input', value: state.min, inputmode: 'numeric', placeholder: t('loyalty.min_points'),
    'aria-label': t('loyalty.min_points'), 'data-testid': 'loyalty-filter-min', dir: 'auto',
    oninput: debounce((event) => { state.min = event.target.value.trim(); load(0); }, 300) });
  const sort = h('select', { class: 'input', 'aria-label': t('purchases.sort'), 'data-testid': 'loyalty-sort',
    onchange: (event) => { state.sort = event.target.value; load(0); } },
  SORTS.map((s) => h('option', { value: s, selected: state.sort === s }, t(`loyalty.sort_value.${s}`))));
  return h('div', { class: 'toolbar', role: 'search' }, search, tier, least, sort);
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', tier: TIERS.includes(query.tier) ? query.tier : '', min: query.min || '',
    sort: SORTS.includes(query.sort) ? query.sort : 'points_desc' };
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'loyalty-summary' });
  const results = h('div', { 'data-testid': 'loyalty-accounts' }, loading());
  const tools = listTools({ list: 'loyalty', me });

  let controller;
  let gone = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (gone) return;
    setQuery({ ...state, sort: state.sort === 'points_desc' ? '' : state.sort });
    controller?.abort();
    controller = new AbortController();
    const asked = { q: state.q, tier: state.tier, min_points: latinDigits(state.min), sort: state.sort };
    tools.update(asked);
    try {
      const page = await api.get('/loyalty-accounts', { ...asked, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('loyalty.summary', { shown: number(page.items.length), total: totalOf(page) });
      if (!page.items.length) {
        replace(results, empty(state.q || state.tier || state.min ? t('loyalty.none_match') : t('loyalty.empty')));
        return;
      }
      replace(results, table(columns(), page.items, { rowAttrs: (a) => ({ 'data-customer-id': a.customer_id, 'data-testid': 'loyalty-row' }) }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name === 'AbortError') return;
      summary.textContent = '';
      replace(results, errorBox(error));
    }
  }

  const club = h('a', { class: 'btn', href: '/app/club', 'data-testid': 'loyalty-club-link' }, t('club.open'));
  replace(root, pageHeader(t('loyalty.title'), club), filters(state, load), tools.element, summary, results);
  await load(0);
  return { cleanup: () => { gone = true; controller?.abort(); } };
}

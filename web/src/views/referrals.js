// Referrals: search by either person's name however typed ("علي" finds "علی") or by part of either one's
// mobile in any digits; filters by status, the referrer (from a customer's page) and the period it was made in
// (days in either calendar); sorted by date, status or name; a page at a time with the total. Each row opens
// the referral's page.

import { api } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { date, number, t, totalOf, word } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { listTools, readSort, sortHeaders } from '../core/listtools.js';
import { empty, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { email, phone, statusBadge } from './crmtext.js';
import { filterProblem } from './contracts.js';
import { DAY_FILTERS, drillNotice } from './drilldown.js';

const LIMIT = 50;
export const STATUSES = ['pending', 'lead', 'purchased', 'rewarded', 'declined', 'expired'];
const SORTS = ['-created_at', 'created_at', 'status', 'referred_name'];
const DAYS = ['created_from', 'created_to'];
const SORTABLE = ['id', 'referred_name', 'status', 'created_at'];

export const reward = (r) => (r.reward_value ? `${number(r.reward_value)} ${word('referral.reward_kind', r.reward_kind)}` : '—');

function columns() {
  return [
    { sort: 'id', label: t('referrals.number'), cell: (r) => h('a', { href: `/app/referrals/${r.id}`, 'data-nav-item': '', 'data-testid': 'referral-link' }, `#${number(r.id, { useGrouping: false })}`), class: 'nowrap' },
    { sort: 'referred_name', label: t('referrals.referred'), cell: (r) => h('span', { dir: 'auto' }, r.referred_name) },
    { label: t('referrals.contact'), cell: (r) => (r.referred_mobile ? phone(r.referred_mobile) : email(r.referred_email)), class: 'nowrap' },
    { label: t('referrals.referrer'), cell: (r) => h('a', { href: `/app/customers/${r.referrer_id}`, dir: 'auto', 'data-testid': 'referral-row-referrer' }, r.referrer_name || `#${number(r.referrer_id)}`) },
    { sort: 'status', label: t('customer.status'), cell: (r) => statusBadge('referral.status', r.status) },
    { label: t('referral.reward'), cell: reward },
    { sort: 'created_at', label: t('contracts.created_at'), cell: (r) => date(r.created_at), class: 'nowrap' },
  ];
}

function filters(state, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('referrals.search'),
    'aria-label': t('referrals.search'), 'data-search': '', 'data-testid': 'referral-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const status = h('select', { class: 'input', 'aria-label': t('customers.any_status'), 'data-testid': 'referral-filter-status',
    onchange: (event) => { state.status = event.target.value; load(0); } },
  options([...STATUSES, 'converted'], 'referral.status', { empty: t('customers.any_status'), selected: state.status }));
  const sort = h('select', { class: 'input', 'aria-label': t('contracts.sort'), 'data-testid': 'referral-sort',
    onchange: (event) => { state.sort = event.target.value; load(0); } },
  SORTS.map((value) => h('option', { value: value === '-created_at' ? '' : value, selected: (state.sort || '-created_at') === value }, t(`referrals.sort_${value.replace('-', 'desc_')}`))));
  const days = DAYS.map((name) => h('input', { class: 'input', value: state[name], maxlength: 20, dir: 'ltr', autocomplete: 'off',
    placeholder: t(`contracts.${name}`), 'aria-label': t(`contracts.${name}`), 'data-filter': name, 'data-testid': `referral-filter-${name}`,
    oninput: debounce((event) => { state[name] = event.target.value.trim(); load(0); }, 400) }));
  return h('div', { class: 'toolbar', role: 'search' }, search, status, ...days, sort);
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', status: [...STATUSES, 'converted'].includes(query.status) ? query.status : '',
    sort: SORTS.includes(query.sort) ? query.sort : readSort(query, SORTABLE), referrer_id: /^\d+$/.test(query.referrer_id || '') ? query.referrer_id : '' };
  for (const name of DAYS) state[name] = query[name] || '';
  const tools = listTools({ list: 'referrals', me });
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'referral-summary' });
  const results = h('div', { 'data-testid': 'referrals' }, loading());
  const newOne = h('a', { href: `/app/referrals/new${state.referrer_id ? `?customer_id=${state.referrer_id}` : ''}`, class: 'btn', 'data-testid': 'new-referral' }, t('referral_new.title'));

  let controller;
  let left = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (left) return;
    const wanted = { q: state.q, status: state.status, referrer_id: state.referrer_id, created_from: state.created_from,
      created_to: state.created_to, sort: state.sort };
    setQuery(wanted);
    tools.update(wanted);
    const sorter = root.querySelector('[data-testid=referral-sort]');
    if (sorter) sorter.value = state.sort === '-created_at' ? '' : state.sort; // blank for a header's order it does not offer
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/referrals', { ...wanted, limit: LIMIT, offset }, { signal: controller.signal });
      for (const input of root.querySelectorAll('[data-filter]')) input.removeAttribute('aria-invalid');
      summary.textContent = t('referrals.summary', { shown: number(page.items.length), total: totalOf(page) });
      if (!page.items.length) {
        replace(results, empty(Object.entries(wanted).some(([k, v]) => k !== 'sort' && v) ? t('referrals.none_match') : t('referrals.empty')));
        return;
      }
      const shown = columns();
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (r) => ({ 'data-referral-id': r.id, 'data-testid': 'referral-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name === 'AbortError') return;
      summary.textContent = '';
      replace(results, filterProblem(root, error, (name) => (DAYS.includes(name) ? t(`contracts.${name}`) : ltr(name))));
    }
  }

  const referrerChip = state.referrer_id ? h('p', { class: 'muted' }, t('referrals.of_referrer'), ' ',
    h('a', { href: `/app/customers/${state.referrer_id}` }, `#${number(Number(state.referrer_id))}`), ' · ',
    h('a', { href: '/app/referrals' }, t('contracts.all'))) : null;
  const drilled = drillNotice(state, { names: DAY_FILTERS, onClear: () => {
    for (const input of root.querySelectorAll('[data-filter]')) input.value = state[input.dataset.filter] ?? input.value;
    load(0);
  } });
  replace(root, pageHeader(t('referrals.title'), newOne), referrerChip, drilled, filters(state, load), tools.element, summary, results);
  await load(0);
  return { cleanup: () => { left = true; controller?.abort(); } };
}

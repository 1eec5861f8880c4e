// Opportunities: search by title or customer name, filters by stage (the funnel's stages from the server),
// owner ("mine") and kind, a page at a time with the total and the sum of the amounts shown in rials and
// tomans; each row opens the opportunity's page and its customer's.

import { api } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { date, money, number, percent, t, totalOf } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { listTools, readSort, sortHeaders } from '../core/listtools.js';
import { empty, errorBox, loading, pageHeader, pager, table } from '../core/ui.js';
import { options } from '../core/fields.js';
import { statusBadge } from './crmtext.js';
import { DAY_FILTERS, drillNotice } from './drilldown.js';
import { personText } from '../core/people.js';

const LIMIT = 50;
export const KINDS = ['new', 'upsell', 'renewal'];
const SORTABLE = ['title', 'stage', 'kind', 'amount', 'probability', 'expected_close', 'owner'];

// The funnel's stages in order (setting funnel_stages), then won and lost; the default funnel if unreadable.
export async function funnelStages() {
  try {
    return await api.get('/opportunities/stages');
  } catch {
    return ['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'].map((stage) => ({ stage }));
  }
}

function columns() {
  return [
    { sort: 'title', label: t('customer.title_field'), cell: (o) => h('a', { href: `/app/opportunities/${o.id}`, 'data-nav-item': '', 'data-testid': 'opportunity-link', dir: 'auto' }, o.title) },
    { label: t('opportunities.customer'), cell: (o) => h('a', { href: `/app/customers/${o.customer_id}`, dir: 'auto' }, o.customer_name || `#${number(o.customer_id)}`) },
    { sort: 'stage', label: t('dash.stage'), cell: (o) => statusBadge('dash.stage', o.stage) },
    { sort: 'kind', label: t('opportunities.kind'), cell: (o) => t(`opportunities.kind_value.${o.kind}`) },
    { sort: 'amount', label: t('customer.amount'), cell: (o) => money(o.amount), class: 'num' },
    { sort: 'probability', label: t('customer.probability'), cell: (o) => percent(o.probability), class: 'num' },
    { sort: 'expected_close', label: t('customer.expected_close'), cell: (o) => (o.expected_close ? date(o.expected_close) : '—'), class: 'nowrap' },
    { sort: 'owner', label: t('opportunities.owner'), cell: (o) => (o.owner ? personText(o.owner) : '—') },
  ];
}

function filters(state, stages, load) {
  const search = h('input', {
    type: 'search', class: 'input', value: state.q, maxlength: 200, placeholder: t('opportunities.search'),
    'aria-label': t('opportunities.search'), 'data-search': '', 'data-testid': 'opportunity-search', dir: 'auto',
    oninput: debounce((event) => { state.q = event.target.value.trim(); load(0); }, 250),
  });
  const select = (name, values, prefix, any) => h('select', {
    class: 'input', 'aria-label': t(any), 'data-testid': `opportunity-filter-${name}`,
    onchange: (event) => { state[name] = event.target.value; load(0); },
  }, options(values, prefix, { empty: t(any), selected: state[name] }));
  return h('div', { class: 'toolbar', role: 'search' }, search,
    select('stage', ['open', ...stages.map((s) => s.stage)], 'dash.stage', 'opportunities.any_stage'),
    select('owner', ['mine'], 'opportunities.owner_value', 'opportunities.any_owner'),
    select('kind', KINDS, 'opportunities.kind_value', 'opportunities.any_kind'));
}

export async function render({ root, query, me }) {
  const stages = await funnelStages();
  const state = { q: query.q || '', stage: query.stage || '', owner: query.owner === 'mine' ? 'mine' : '',
    kind: KINDS.includes(query.kind) ? query.kind : '', sort: readSort(query, SORTABLE) };
  for (const name of [...DAY_FILTERS, 'reached']) state[name] = query[name] || ''; // a dashboard figure's records
  const tools = listTools({ list: 'opportunities', me });
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'opportunity-summary' });
  const totals = h('p', { class: 'summary', 'data-testid': 'opportunity-totals' });
  const results = h('div', { 'data-testid': 'opportunities' }, loading());

  let controller;
  let gone = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (gone) return;
    setQuery({ ...state });
    controller?.abort();
    controller = new AbortController();
    const asked = { q: state.q, stage: state.stage, kind: state.kind, owner: state.owner === 'mine' ? me.username : '', sort: state.sort,
      created_from: state.created_from, created_to: state.created_to, reached: state.reached };
    tools.update(asked);
    try {
      const page = await api.get('/opportunities', { ...asked, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('opportunities.summary', { shown: number(page.items.length), total: totalOf(page) });
      totals.textContent = page.items.length
        ? t('opportunities.totals', { amount: money(page.items.reduce((sum, o) => sum + Number(o.amount || 0), 0)) }) : '';
      if (!page.items.length) {
        replace(results, empty(Object.entries(state).some(([k, v]) => k !== 'sort' && v) ? t('opportunities.none_match') : t('opportunities.empty')));
        return;
      }
      const shown = columns();
      replace(results, sortHeaders(table(shown, page.items, { rowAttrs: (o) => ({ 'data-opportunity-id': o.id, 'data-testid': 'opportunity-row' }) }),
        shown, state.sort, (sort) => { state.sort = sort; load(0); }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }

  const drilled = drillNotice(state, { names: [...DAY_FILTERS, 'reached'], onClear: () => load(0) });
  replace(root, pageHeader(t('opportunities.title')), drilled, filters(state, stages, load), tools.element, summary, totals, results);
  await load(0);
  return { cleanup: () => { gone = true; controller?.abort(); } };
}

// Purchases of every customer: search by the customer's name however typed, filters by reference,
// product, channel, payment, period (days typed in Jalali or Gregorian) and amount range, a sort, a page at a time with
// the total and the sum shown; a row opens the purchase's details beside the list. "Record a purchase" for a
// known customer sends the form to the server, whose field errors show in place.

import { api, ApiError } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { checkField, formField, options, sendsTo } from '../core/fields.js';
import { date, dateTime, latinDigits, money, number, t, totalOf } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { setQuery } from '../core/router.js';
import { listTools } from '../core/listtools.js';
import { badge, empty, errorBox, facts, loading, pageHeader, pager, table, toast } from '../core/ui.js';
import { listLabels } from './leads.js';
import { shown } from './lead_edit.js';
import { isoDay } from './timefields.js';
import { personText } from '../core/people.js';

const LIMIT = 50;
export const CHANNELS = ['store', 'online', 'phone', 'agent'];
const SORTS = ['newest', 'oldest', 'amount_desc', 'amount_asc'];
const DAY_HINT = () => t('purchases.day_hint');

// A typed day as the ISO day the API takes (the text itself when it is no day, for the server to refuse);
// `next` gives the day after, for an inclusive "to" filter sent as an exclusive bound.
function dayParam(text, next = false) {
  if (!text) return '';
  const iso = isoDay(text);
  if (!iso) return text;
  if (!next) return iso;
  const day = new Date(`${iso}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

const paidBadge = (p) => (p.paid_on_time ? badge(t('purchases.on_time'), 'ok') : badge(t('purchases.late'), 'warn'));
const customerLink = (p) => h('a', { href: `/app/customers/${p.customer_id}`, dir: 'auto', 'data-testid': 'purchase-customer' },
  p.customer_name || `#${number(p.customer_id)}`);

function detail(p, label) {
  return h('section', { class: 'card stack', 'aria-labelledby': 'purchase-detail-title', 'data-testid': 'purchase-detail' },
    h('h2', { id: 'purchase-detail-title', tabindex: '-1' }, t('purchases.detail', { id: number(p.id) })),
    facts([
      [t('purchases.customer'), customerLink(p)],
      [t('purchases.purchased_at'), dateTime(p.purchased_at)],
      [t('customer.amount'), money(p.amount)],
      [t('purchases.discount'), p.discount ? money(p.discount) : '—'],
      [t('purchases.product'), label('product', p.product)],
      [t('customer.channel'), t(`customer.channel_value.${p.channel}`)],
      [t('purchases.payment'), paidBadge(p)],
      [t('purchases.reference'), p.reference ? h('span', { dir: 'auto' }, p.reference) : '—'],
      [t('purchases.voucher'), p.voucher_id ? number(p.voucher_id) : '—'],
      [t('purchases.created_by'), p.created_by ? personText(p.created_by) : '—'],
    ]),
    h('p', { class: 'row' },
      h('a', { class: 'btn btn-small', href: `/app/loyalty/${p.customer_id}` }, t('loyalty.open_account')),
      h('a', { class: 'btn btn-small btn-ghost', href: `/app/purchases?customer_id=${p.customer_id}` }, t('purchases.of_customer'))));
}

function columns(open, label) {
  return [
    { label: t('purchases.purchased_at'), cell: (p) => h('button', { type: 'button', class: 'link', 'data-testid': 'purchase-open',
      onclick: () => open(p) }, date(p.purchased_at)), class: 'nowrap' },
    { label: t('purchases.customer'), cell: customerLink },
    { label: t('customer.amount'), cell: (p) => money(p.amount), class: 'num' },
    { label: t('purchases.product'), cell: (p) => label('product', p.product) },
    { label: t('customer.channel'), cell: (p) => t(`customer.channel_value.${p.channel}`) },
    { label: t('purchases.payment'), cell: paidBadge },
    { label: t('purchases.reference'), cell: (p) => (p.reference ? h('span', { dir: 'auto' }, p.reference) : '—') },
  ];
}

function filters(state, load) {
  const input = (name, label, attrs = {}) => h('input', {
    type: 'search', class: 'input', value: state[name], maxlength: 200, placeholder: label, 'aria-label': label,
    'data-testid': `purchase-filter-${name}`, dir: 'auto', ...attrs,
    oninput: debounce((event) => { state[name] = event.target.value.trim(); load(0); }, 300),
  });
  const select = (name, values, prefix, any) => h('select', {
    class: 'input', 'aria-label': t(any), 'data-testid': `purchase-filter-${name}`,
    onchange: (event) => { state[name] = event.target.value; load(0); },
  }, options(values, prefix, { empty: t(any), selected: state[name] }));
  const product = listSelect('product', { empty: t('leads.any_product'), selected: state.product,
    attrs: { 'aria-label': t('leads.any_product'), 'data-testid': 'purchase-filter-product' } });
  product.addEventListener('change', () => { state.product = product.value; load(0); });
  const sort = h('select', { class: 'input', 'aria-label': t('purchases.sort'), 'data-testid': 'purchase-sort',
    onchange: (event) => { state.sort = event.target.value; load(0); } },
  SORTS.map((s) => h('option', { value: s, selected: state.sort === s }, t(`purchases.sort_value.${s}`))));
  return h('div', { class: 'stack' },
    h('div', { class: 'toolbar', role: 'search' },
      input('q', t('purchases.search'), { 'data-search': '', 'data-testid': 'purchase-search' }),
      input('reference', t('purchases.reference'), { maxlength: 80 }),
      product, select('channel', CHANNELS, 'customer.channel_value', 'purchases.any_channel'),
      select('paid', ['yes', 'no'], 'purchases.paid_value', 'purchases.any_payment'), sort),
    h('div', { class: 'toolbar', 'aria-label': t('common.filters') },
      input('from', t('purchases.from'), { title: DAY_HINT() }), input('to', t('purchases.to'), { title: DAY_HINT() }),
      input('min', t('purchases.min_amount'), { inputmode: 'numeric' }), input('max', t('purchases.max_amount'), { inputmode: 'numeric' })));
}

// The form recording a purchase of a known customer (POST /customers/{id}/purchases).
function recordForm(customerId, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'purchase-save' }, t('purchases.record'));
  const text = (name, attrs = {}) => h('input', { class: 'input', dir: 'auto', 'data-testid': `purchase-${name}`, ...attrs });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'purchase-form' },
    h('h2', { tabindex: '-1' }, t('purchases.record_title')),
    h('div', { class: 'pair' },
      formField('customer_id', t('purchases.customer_id'), text('customer_id', { inputmode: 'numeric', value: customerId || '' }), { required: true }),
      formField('amount', t('purchases.amount_rials'), text('amount', { inputmode: 'numeric' }), { required: true, hint: t('purchases.amount_hint') })),
    h('div', { class: 'pair' },
      formField('purchased_at', t('purchases.purchased_at'), text('purchased_at'), { hint: t('purchases.when_hint') }),
      formField('channel', t('customer.channel'), h('select', { class: 'input', 'data-testid': 'purchase-channel' },
        options(CHANNELS, 'customer.channel_value', { selected: 'store' })))),
    formField('product', t('purchases.product'), listSelect('product', { empty: '—', attrs: { 'data-testid': 'purchase-product' } })),
    h('div', { class: 'pair' },
      formField('reference', t('purchases.reference'), text('reference', { maxlength: 80 })),
      formField('voucher_code', t('purchases.voucher_code'), text('voucher_code', { maxlength: 32 }))),
    checkField('paid_on_time', t('purchases.paid_on_time'), { checked: true }),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown,
    send: async (values) => {
      const id = latinDigits(values.customer_id);
      if (!/^\d{1,10}$/.test(id)) throw new ApiError(422, { title: t('form.fix_fields'), errors: { customer_id: [t('purchases.customer_id_needed')] } });
      const body = { ...values };
      delete body.customer_id;
      if (body.amount !== undefined && /^[\d۰-۹٠-٩,٬،\s]+$/.test(body.amount)) body.amount = Number(latinDigits(body.amount));
      if (body.purchased_at) {
        const day = isoDay(body.purchased_at);
        if (day) body.purchased_at = `${day}T00:00:00Z`;
      }
      try {
        return await api.post(`/customers/${id}/purchases`, body);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          throw new ApiError(422, { title: error.message, errors: { customer_id: [error.message] } });
        }
        throw error;
      }
    },
    done: (purchase) => { toast(t('purchases.recorded'), 'ok'); saved(purchase); },
  });
  return form;
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', channel: CHANNELS.includes(query.channel) ? query.channel : '',
    paid: ['yes', 'no'].includes(query.paid) ? query.paid : '', from: query.from || '', to: query.to || '',
    min: query.min || '', max: query.max || '', reference: query.reference || '', sort: SORTS.includes(query.sort) ? query.sort : 'newest', product: query.product || '',
    customer_id: /^\d+$/.test(query.customer_id || '') ? query.customer_id : '' };
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'purchase-summary' });
  const results = h('div', { 'data-testid': 'purchases' }, loading());
  const side = h('aside', { class: 'side', 'aria-label': t('purchases.detail_label') });
  const formBox = h('div');
  const scope = h('div');
  const label = await listLabels(['product']);
  const tools = listTools({ list: 'purchases', me });

  let controller;
  let gone = false; // a search typed just before leaving must not rewrite the next page's address
  async function load(offset = 0) {
    if (gone) return;
    setQuery({ ...state, sort: state.sort === 'newest' ? '' : state.sort });
    controller?.abort();
    controller = new AbortController();
    const asked = { q: state.q, channel: state.channel, customer_id: state.customer_id, sort: state.sort, product: state.product, reference: state.reference,
      paid_on_time: { yes: 'true', no: 'false' }[state.paid] || '', since: dayParam(state.from), until: dayParam(state.to, true),
      min_amount: latinDigits(state.min), max_amount: latinDigits(state.max) };
    tools.update(asked);
    try {
      const page = await api.get('/purchases', { ...asked, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('purchases.summary', { shown: number(page.items.length), total: totalOf(page),
        amount: money(page.items.reduce((sum, p) => sum + Number(p.amount || 0), 0)) });
      if (!page.items.length) {
        replace(results, empty(Object.entries(state).some(([k, v]) => k !== 'sort' && v) ? t('purchases.none_match') : t('purchases.empty')));
        return;
      }
      const open = (p) => { replace(side, detail(p, label)); side.querySelector('h2')?.focus(); };
      replace(results, table(columns(open, label), page.items, { rowAttrs: (p) => ({ 'data-purchase-id': p.id, 'data-testid': 'purchase-row' }) }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name === 'AbortError') return;
      summary.textContent = '';
      replace(results, errorBox(error));
    }
  }

  function drawScope() {
    replace(scope, state.customer_id ? h('p', { class: 'row', 'data-testid': 'purchase-scope' },
      t('purchases.only_customer', { id: number(Number(state.customer_id)) }),
      h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { state.customer_id = ''; drawScope(); load(0); } }, t('common.clear'))) : null);
  }

  const newOne = h('button', { type: 'button', class: 'btn', 'data-testid': 'new-purchase', onclick: () => {
    const form = recordForm(state.customer_id, (purchase) => { replace(formBox); replace(side, detail(purchase, label)); load(0); });
    replace(formBox, form);
    form.querySelector('input')?.focus();
  } }, t('purchases.record'));
  drawScope();
  replace(root, pageHeader(t('purchases.title'), newOne), formBox, filters(state, load), tools.element, scope, summary,
    h('div', { class: 'split' }, h('div', { class: 'split-main' }, results), side));
  await load(0);
  return { cleanup: () => { gone = true; controller?.abort(); } };
}

// One customer's loyalty account: tier, points, score and estimated lifetime value; the ledger (earned and
// spent points, newest first, a page at a time); the vouchers (used, expired or open); their latest purchases.
// Administrators and managers correct the balance by hand with a required reason; the server checks it and
// its field errors show in place.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo } from '../core/fields.js';
import { date, dateTime, latinDigits, money, number, percent, t } from '../core/i18n.js';
import { badge, empty, errorBox, facts, loading, pager, table, toast } from '../core/ui.js';
import { customerName } from './crmtext.js';
import { shown } from './lead_edit.js';
import { tierBadge } from './loyalty.js';

const LIMIT = 20;

const mayAdjust = (me) => me.role === 'admin' || (me.groups || []).includes('managers');

function pointsCell(points) {
  return h('span', { class: points < 0 ? 'badge badge-warn' : 'badge badge-ok', dir: 'ltr' },
    `${points > 0 ? '+' : points < 0 ? '−' : ''}${number(Math.abs(points))}`);
}

function voucherState(v) {
  if (v.redeemed_at) return badge(t('loyalty.voucher_used'), '');
  if (new Date(v.expires_at) < new Date()) return badge(t('loyalty.voucher_expired'), 'warn');
  return badge(t('loyalty.voucher_open'), 'ok');
}

function ledgerSection(customerId) {
  const box = h('div', { 'data-testid': 'loyalty-ledger' }, loading());
  let total = null; // the API gives no count: a "next" page is offered while a page comes back full
  async function load(offset = 0) {
    try {
      const account = await api.get(`/customers/${customerId}/loyalty`, { limit: LIMIT, offset });
      const entries = account.ledger;
      if (!entries.length && !offset) { replace(box, empty(t('loyalty.no_entries'))); return; }
      total = entries.length < LIMIT ? offset + entries.length : offset + LIMIT + 1;
      replace(box, table([
        { label: t('loyalty.at'), cell: (e) => dateTime(e.at), class: 'nowrap' },
        { label: t('loyalty.kind'), cell: (e) => t(e.points > 0 ? 'loyalty.earned' : 'loyalty.redeemed') },
        { label: t('loyalty.points'), cell: (e) => pointsCell(e.points), class: 'num' },
        { label: t('loyalty.reason'), cell: (e) => h('span', { dir: 'auto' }, e.reason) },
        { label: t('loyalty.by'), cell: (e) => (e.by ? ltr(e.by) : '—') },
      ], entries, { rowAttrs: (e) => ({ 'data-testid': 'loyalty-entry', 'data-points': e.points }) }),
      pager({ total, limit: LIMIT, offset, onPage: load }));
    } catch (error) {
      replace(box, errorBox(error));
    }
  }
  load(0);
  return { section: h('section', { class: 'card', 'aria-labelledby': 'ledger-title' }, h('h2', { id: 'ledger-title' }, t('loyalty.ledger')), box), reload: () => load(0) };
}

function vouchersSection(customerId) {
  const box = h('div', { 'data-testid': 'loyalty-vouchers' }, loading());
  api.get(`/customers/${customerId}/vouchers`).then((items) => {
    replace(box, items.length ? table([
      { label: t('loyalty.voucher_code'), cell: (v) => h('code', { dir: 'ltr' }, v.code) },
      { label: t('loyalty.voucher_value'), cell: (v) => (v.kind === 'percent' ? percent(v.value) : money(v.value)) },
      { label: t('loyalty.voucher_state'), cell: voucherState },
      { label: t('loyalty.expires'), cell: (v) => date(v.expires_at), class: 'nowrap' },
      { label: t('purchases.discount'), cell: (v) => (v.discount ? money(v.discount) : '—'), class: 'num' },
    ], items) : empty(t('loyalty.no_vouchers')));
  }).catch((error) => replace(box, errorBox(error)));
  return h('section', { class: 'card', 'aria-labelledby': 'vouchers-title' }, h('h2', { id: 'vouchers-title' }, t('loyalty.vouchers')), box);
}

function adjustForm(customerId, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'adjust-save' }, t('loyalty.adjust_save'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'loyalty-adjust' },
    h('h2', {}, t('loyalty.adjust')), h('p', { class: 'muted' }, t('loyalty.adjust_intro')),
    formField('points', t('loyalty.adjust_points'), h('input', { class: 'input', inputmode: 'numeric', dir: 'ltr', 'data-testid': 'adjust-points' }),
      { required: true, hint: t('loyalty.adjust_points_hint') }),
    formField('reason', t('loyalty.reason'), h('textarea', { class: 'input', rows: 2, maxlength: 255, dir: 'auto', 'data-testid': 'adjust-reason' }), { required: true }),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown,
    send: (values) => {
      const typed = latinDigits(values.points).replace(/^−/, '-');
      const points = /^[-+]?\d{1,10}$/.test(typed) ? Number(typed) : values.points ?? null;
      return api.post(`/customers/${customerId}/loyalty/adjustments`, { points, reason: values.reason ?? '' });
    },
    done: (answer) => { form.reset(); toast(t('loyalty.adjusted', { balance: number(answer.balance) }), 'ok'); saved(); },
  });
  return form;
}

export async function render({ root, params, me }) {
  const id = Number(params.id);
  const [customer, account] = await Promise.all([api.get(`/customers/${id}`), api.get(`/customers/${id}/loyalty`, { limit: 1 })]);
  const summary = h('section', { class: 'card', 'data-testid': 'loyalty-account' });
  const drawSummary = (a) => replace(summary, facts([
    [t('customer.tier'), tierBadge(a.tier)],
    [t('loyalty.balance'), h('strong', { 'data-testid': 'loyalty-balance' }, number(a.points))],
    [t('loyalty.score'), number(a.score, { maximumFractionDigits: 1 })],
    [t('loyalty.lifetime_value'), money(a.lifetime_value)],
    [t('loyalty.ranked_at'), a.ranked_at ? dateTime(a.ranked_at) : t('loyalty.never_ranked')],
  ]));
  drawSummary(account);
  const ledger = ledgerSection(id);
  const refresh = async () => { drawSummary(await api.get(`/customers/${id}/loyalty`, { limit: 1 })); ledger.reload(); };
  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/loyalty' }, t('loyalty.title'))),
        h('h1', { tabindex: '-1', dir: 'auto', 'data-testid': 'loyalty-title' }, customerName(customer))),
      h('div', { class: 'page-actions' },
        h('a', { class: 'btn', href: `/app/customers/${id}` }, t('loyalty.customer_page')),
        h('a', { class: 'btn', href: `/app/purchases?customer_id=${id}`, 'data-testid': 'loyalty-purchases' }, t('purchases.of_customer')))),
    h('div', { class: 'split' },
      h('div', { class: 'split-main stack' }, summary, ledger.section, vouchersSection(id)),
      h('aside', { class: 'side stack' }, mayAdjust(me) ? adjustForm(id, refresh) : h('p', { class: 'muted' }, t('loyalty.adjust_who')))));
}

// One customer's loyalty account: tier, points, score and estimated lifetime value; the ledger (earned and
// spent points, newest first, a page at a time); the vouchers (used, expired or open); their latest purchases.
// Administrators and managers correct the balance by hand with a required reason; the server checks it and
// its field errors show in place. From the club's statement: the tier's benefits and the points lapsing soon,
// the catalogue with a "take for the customer" button per reward the balance affords, the rewards taken; and
// the customer's club link sent by SMS (refused without a mobile number).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo } from '../core/fields.js';
import { date, dateTime, latinDigits, locale, money, number, percent, t, word } from '../core/i18n.js';
import { badge, empty, errorBox, facts, loading, pager, setBusy, table, toast } from '../core/ui.js';
import { entryWords, rewardGives, rewardName } from './clubtext.js';
import { customerName } from './crmtext.js';
import { shown } from './lead_edit.js';
import { tierBadge } from './loyalty.js';
import { personText } from '../core/people.js';

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

function ledgerSection(customerId, rewards) {
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
        { label: t('loyalty.reason'), cell: (e) => entryWords(e, rewards) },
        { label: t('loyalty.by'), cell: (e) => (e.by ? personText(e.by) : '—') },
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
  const load = () => api.get(`/customers/${customerId}/vouchers`).then((items) => {
    replace(box, items.length ? table([
      { label: t('loyalty.voucher_code'), cell: (v) => h('code', { dir: 'ltr' }, v.code) },
      { label: t('loyalty.voucher_value'), cell: (v) => (v.kind === 'percent' ? percent(v.value) : money(v.value)) },
      { label: t('loyalty.voucher_state'), cell: voucherState },
      { label: t('loyalty.expires'), cell: (v) => date(v.expires_at), class: 'nowrap' },
      { label: t('purchases.discount'), cell: (v) => (v.discount ? money(v.discount) : '—'), class: 'num' },
    ], items, { rowAttrs: () => ({ 'data-testid': 'loyalty-voucher' }) }) : empty(t('loyalty.no_vouchers')));
  }).catch((error) => replace(box, errorBox(error)));
  load();
  return { section: h('section', { class: 'card', 'aria-labelledby': 'vouchers-title' }, h('h2', { id: 'vouchers-title' }, t('loyalty.vouchers')), box), reload: load };
}

// -- the club: the tier's benefits, points lapsing soon, the catalogue, the rewards taken ---------------

const REDEMPTION_KIND = { issued: 'ok', requested: 'info', delivered: 'ok', cancelled: 'muted' };

function benefits(statement) {
  const perks = locale() === 'fa' ? statement.perks_fa : statement.perks_en;
  return [
    facts([
      [t('club.earn_percent'), percent(statement.earn_percent)],
      [t('club.points_months'), statement.points_months ? t('club.months', { n: number(statement.points_months) }) : t('club.never_lapse')],
      [t('club.perks'), perks ? h('span', { class: 'prewrap' }, perks) : '—'],
      [t('club.next_tier'), statement.next_tier ? word('customer.tier_value', statement.next_tier) : t('club.top_tier')],
    ]),
    h('h3', {}, t('club.expiring')),
    statement.expiring.length
      ? h('ul', { class: 'plain-list', 'data-testid': 'loyalty-expiring' }, statement.expiring.map((e) =>
        h('li', {}, t('club.expiring_line', { points: number(e.points), date: date(e.at) }))))
      : h('p', { class: 'muted', 'data-testid': 'loyalty-expiring' }, t('club.expiring_none')),
  ];
}

function takeButton(customerId, reward, done) {
  if (!reward.affordable) {
    return h('span', { class: 'muted' }, reward.in_stock ? t('club.not_enough') : t('club.out_of_stock'));
  }
  const button = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'reward-take' }, t('club.take_for_customer'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('club.take_confirm', { name: rewardName(reward), n: number(reward.points) }))) return;
    setBusy(button, true);
    try {
      const taken = await api.post(`/customers/${customerId}/loyalty/rewards/${reward.id}`);
      toast(taken.state === 'issued' ? t('club.taken_voucher', { name: rewardName(reward) }) : t('club.taken_gift', { name: rewardName(reward) }), 'ok');
      await done();
    } catch (error) {
      toast(error.message, 'error');
      setBusy(button, false);
    }
  });
  return button;
}

function clubSections(customerId, statement, refresh) {
  const benefitsBox = h('div', { 'data-testid': 'loyalty-benefits' });
  const catalogue = h('div', { 'data-testid': 'loyalty-catalogue' });
  const taken = h('div', { 'data-testid': 'loyalty-taken' });
  const draw = (s) => {
    replace(benefitsBox, benefits(s));
    replace(catalogue, s.rewards.length ? table([
      { label: t('club.reward'), cell: (r) => h('bdi', {}, rewardName(r)) },
      { label: t('club.gives'), cell: rewardGives },
      { label: t('club.reward_points'), cell: (r) => number(r.points), class: 'num' },
      { label: t('club.actions'), cell: (r) => takeButton(customerId, r, refresh) },
    ], s.rewards, { rowAttrs: (r) => ({ 'data-reward': r.id, 'data-testid': 'catalogue-row' }) }) : empty(t('club.rewards_empty')));
    replace(taken, s.redemptions.length ? table([
      { label: t('club.reward'), cell: (r) => h('bdi', {}, rewardName(r)) },
      { label: t('club.reward_points'), cell: (r) => number(r.points), class: 'num' },
      { label: t('club.redemption_state'), cell: (r) => badge(word('club.redemption_value', r.state), REDEMPTION_KIND[r.state]) },
      { label: t('club.channel'), cell: (r) => word('club.channel_value', r.channel) },
      { label: t('loyalty.at'), cell: (r) => dateTime(r.at), class: 'nowrap' },
    ], s.redemptions, { rowAttrs: (r) => ({ 'data-testid': 'taken-row', 'data-state': r.state }) }) : empty(t('club.taken_none')));
  };
  draw(statement);
  const card = (id, title, ...body) => h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), body);
  return {
    benefits: card('benefits-title', t('club.benefits'), benefitsBox),
    catalogue: card('catalogue-title', t('club.catalogue'), h('p', { class: 'muted' }, t('club.catalogue_intro')), catalogue),
    taken: card('taken-title', t('club.taken'), taken),
    draw,
  };
}

function sendLinkButton(customerId) {
  const button = h('button', { type: 'button', class: 'btn', 'data-testid': 'club-link-send' }, t('club.send_link'));
  button.addEventListener('click', async () => {
    setBusy(button, true);
    try {
      const sent = await api.post(`/customers/${customerId}/loyalty/club-link`);
      if (sent.queued) toast(t('club.link_sent', { n: number(sent.expires_in_days) }), 'ok');
      else toast(t('club.link_capped'), 'error');
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      setBusy(button, false);
    }
  });
  return button;
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
  const [customer, account, statement, catalogue] = await Promise.all([api.get(`/customers/${id}`), api.get(`/customers/${id}/loyalty`, { limit: 1 }),
    api.get(`/customers/${id}/loyalty/statement`), api.get('/loyalty/rewards', { include_inactive: true }).catch(() => [])]);
  const rewards = new Map(catalogue.map((r) => [r.id, r])); // names the rewards the ledger's entries spent points on
  const summary = h('section', { class: 'card', 'data-testid': 'loyalty-account' });
  const drawSummary = (a) => replace(summary, facts([
    [t('customer.tier'), tierBadge(a.tier)],
    [t('loyalty.balance'), h('strong', { 'data-testid': 'loyalty-balance' }, number(a.points))],
    [t('loyalty.score'), number(a.score, { maximumFractionDigits: 1 })],
    [t('loyalty.lifetime_value'), money(a.lifetime_value)],
    [t('loyalty.ranked_at'), a.ranked_at ? dateTime(a.ranked_at) : t('loyalty.never_ranked')],
  ]));
  drawSummary(account);
  const ledger = ledgerSection(id, rewards);
  const vouchers = vouchersSection(id);
  let club = null;
  const refresh = async () => {
    const [fresh, again] = await Promise.all([api.get(`/customers/${id}/loyalty`, { limit: 1 }), api.get(`/customers/${id}/loyalty/statement`)]);
    drawSummary(fresh);
    club.draw(again);
    ledger.reload();
    vouchers.reload();
  };
  club = clubSections(id, statement, refresh);
  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/loyalty' }, t('loyalty.title'))),
        h('h1', { tabindex: '-1', dir: 'auto', 'data-testid': 'loyalty-title' }, customerName(customer))),
      h('div', { class: 'page-actions' },
        sendLinkButton(id),
        h('a', { class: 'btn', href: `/app/customers/${id}` }, t('loyalty.customer_page')),
        h('a', { class: 'btn', href: `/app/purchases?customer_id=${id}`, 'data-testid': 'loyalty-purchases' }, t('purchases.of_customer')))),
    h('div', { class: 'split' },
      h('div', { class: 'split-main stack' }, summary, club.catalogue, ledger.section, club.taken, vouchers.section),
      h('aside', { class: 'side stack' }, club.benefits,
        mayAdjust(me) ? adjustForm(id, refresh) : h('p', { class: 'muted' }, t('loyalty.adjust_who')))));
}

// One customer's 360° view: profile, loyalty (tier, points, the ledger), purchases, contacts, leads,
// opportunities, complaints, contracts, referrals made and received, and from the engine the open
// tasks and process instances about them. Amounts in rials with tomans beside; Persian digits in fa.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, money, number, percent, t, word } from '../core/i18n.js';
import { facts, pageHeader, stateBadge, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { customerName, email, phone, statusBadge } from './crmtext.js';
import { newRecordLinks } from './customers.js';
import { listLabels } from './leads.js';
import { activitiesSection } from './activities.js';
import { processName } from './names.js';
import { historySection } from './record_history.js';
import { placementSection } from './record_placement.js';
import { personText } from '../core/people.js';
import { entryWords } from './clubtext.js';

// A card with the records' table; with no records, a small chip instead (gathered at the page's end).
function section(key, rows, columns, { note } = {}) {
  const list = rows || [];
  const title = [t(`customer.${key}`), ' ', h('span', { class: 'count' }, number(list.length))];
  if (!list.length && !note) {
    return h('section', { class: 'c360-chip', 'data-testid': `c360-${key}`, 'data-empty': '' }, title);
  }
  return h('section', { class: 'card c360-card', 'aria-labelledby': `c360-${key}`, 'data-testid': `c360-${key}` },
    h('h2', { id: `c360-${key}` }, title),
    note || null,
    list.length ? table(columns, list) : h('p', { class: 'muted' }, t('customer.none')));
}

// The cards with records first, in order; the empty ones as chips in one row at the end.
function arrange(sections) {
  const full = sections.filter((s) => !s.hasAttribute('data-empty'));
  const chips = sections.filter((s) => s.hasAttribute('data-empty'));
  return [...full, chips.length
    ? h('div', { class: 'card c360-empties', 'data-testid': 'c360-empty' }, h('span', { class: 'muted' }, t('customer.nothing_yet')), chips)
    : null];
}

const yes = (value) => t(value ? 'common.yes' : 'common.no');
const amount = (value) => h('span', { class: 'num' }, money(value));

function profile(c, label) {
  return h('section', { class: 'card', 'aria-labelledby': 'c360-profile', 'data-testid': 'c360-profile' },
    h('h2', { id: 'c360-profile' }, t('customer.profile')),
    facts([
      [t('customer.kind'), word('customer.kind_value', c.kind)],
      c.company_name && c.person_name ? [t('customer.company'), c.company_name] : null,
      [t('customer.mobile'), phone(c.mobile)],
      [t('customer.phone'), phone(c.phone)],
      [t('customer.email'), email(c.email)],
      c.address ? [t('customer.address'), h('span', { dir: 'auto' }, c.address)] : null,
      [t('customer.region'), label('province', c.region)],
      [t('customer.segment'), c.segment || '—'],
      c.industry ? [t('customer.industry'), c.industry] : null,
      [t('customer.owner'), c.owner ? personText(c.owner) : '—'],
      c.interests?.length ? [t('customer.interests'), c.interests.join('، ')] : null,
      [t('customer.referral_code'), ltr(c.referral_code || '—')],
      [t('customer.language'), c.locale === 'fa' ? 'فارسی' : 'English'],
      [t('customer.created_at'), dateTime(c.created_at)],
    ]));
}

function loyalty(account) {
  const a = account || {};
  return h('section', { class: 'card', 'aria-labelledby': 'c360-loyalty', 'data-testid': 'c360-loyalty' },
    h('h2', { id: 'c360-loyalty' }, t('customer.loyalty')),
    h('div', { class: 'kpis' },
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', 'data-testid': 'c360-tier' }, word('customer.tier_value', a.tier)), h('span', { class: 'kpi-label' }, t('customer.tier'))),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value', 'data-testid': 'c360-points' }, number(a.points ?? 0)), h('span', { class: 'kpi-label' }, t('customer.points'))),
      h('div', { class: 'kpi' }, h('span', { class: 'kpi-value' }, number(a.score ?? 0, { maximumFractionDigits: 1 })), h('span', { class: 'kpi-label' }, t('customer.score')))),
    facts([[t('customer.lifetime_value'), amount(a.lifetime_value ?? 0)], [t('customer.ranked_at'), a.ranked_at ? dateTime(a.ranked_at) : '—']]),
    (a.ledger || []).length ? [h('h3', {}, t('customer.ledger')), table([
      { label: t('customer.at'), cell: (e) => dateTime(e.at), class: 'nowrap' },
      { label: t('customer.points'), cell: (e) => h('span', { class: 'num', dir: 'ltr' }, `${e.points > 0 ? '+' : ''}${number(e.points)}`), class: 'num' },
      { label: t('customer.reason'), cell: (e) => entryWords(e) },  // in words, as the loyalty page says it
    ], a.ledger)] : null);
}

function purchases(p) {
  const summary = p || { count: 0, total: 0, items: [] };
  const note = h('div', { class: 'kpis' },
    h('div', { class: 'kpi' }, h('span', { class: 'kpi-value' }, number(summary.count)), h('span', { class: 'kpi-label' }, t('customer.purchase_count'))),
    h('div', { class: 'kpi' }, h('span', { class: 'kpi-value kpi-money', 'data-testid': 'c360-total' }, money(summary.total)),
      h('span', { class: 'kpi-label' }, t('customer.purchase_total'))),
    h('div', { class: 'kpi' }, h('span', { class: 'kpi-value' }, summary.last_at ? date(summary.last_at) : '—'), h('span', { class: 'kpi-label' }, t('customer.last_purchase'))));
  return section('purchases', summary.items, [
    { label: t('customer.date'), cell: (x) => dateTime(x.purchased_at), class: 'nowrap' },
    { label: t('customer.amount'), cell: (x) => amount(x.amount), class: 'num' },
    { label: t('customer.channel'), cell: (x) => word('customer.channel_value', x.channel) },
    { label: t('customer.paid_on_time'), cell: (x) => yes(x.paid_on_time) },
    { label: t('customer.reference'), cell: (x) => (x.reference ? ltr(x.reference) : '—') },
  ], { note });
}

export async function render({ root, params, me }) {
  const id = params.id;
  const [data, label] = await Promise.all([api.get(`/customers/${encodeURIComponent(id)}/360`), listLabels(['province'])]);
  const c = data.customer;
  const canSeeInstances = ROLES.read.includes(me.role);
  document.title = `${customerName(c)} · ${t('app.name')}`;
  replace(root,
    h('p', { class: 'crumbs' }, h('a', { href: '/app/customers' }, t('customers.title'))),
    pageHeader(customerName(c), statusBadge('customer.status_value', c.status), statusBadge('customer.tier_value', data.loyalty?.tier || 'bronze'),
      newRecordLinks(me, c.id), ROLES.work.includes(me.role) ? h('a', { href: `/app/opportunities/new?customer_id=${c.id}`, class: 'btn', 'data-testid': 'new-opportunity-link' }, t('opportunity_new.title')) : null),
    h('div', { class: 'c360', 'data-testid': 'customer-page', 'data-customer-id': c.id },
      h('div', { class: 'grid-2' }, profile(c, label), loyalty(data.loyalty)),
      arrange([purchases(data.purchases),
      section('open_tasks', data.open_tasks, [
        { label: t('customer.task'), cell: (x) => (ROLES.work.includes(me.role) ? h('a', { href: `/app/tasks/${encodeURIComponent(x.id)}` }, x.name) : x.name) },
        { label: t('task.process'), cell: (x) => processName(x) },
        { label: t('task.assignee'), cell: (x) => (x.assignee ? personText(x.assignee) : t('tasks.unassigned')) },
        { label: t('task.due'), cell: (x) => (x.due_at ? dateTime(x.due_at) : '—'), class: 'nowrap' },
      ]),
      section('leads', data.leads, [
        { label: t('customer.name'), cell: (x) => (ROLES.work.includes(me.role)
          ? h('a', { href: `/app/leads/${x.id}`, 'data-testid': 'c360-lead-link' }, customerName(x)) : customerName(x)) },
        { label: t('customer.status'), cell: (x) => statusBadge('lead.status', x.status) },
        { label: t('lead.source'), cell: (x) => word('lead.source_value', x.source) },
        { label: t('lead.grade'), cell: (x) => (x.grade ? ltr(x.grade) : '—') },
        { label: t('lead.score'), cell: (x) => number(x.score), class: 'num' },
        { label: t('lead.estimated_revenue'), cell: (x) => amount(x.estimated_revenue), class: 'num' },
        { label: t('customer.created_at'), cell: (x) => date(x.created_at), class: 'nowrap' },
      ]),
      section('opportunities', data.opportunities, [
        { label: t('customer.title_field'), cell: (x) => h('a', { href: `/app/opportunities/${x.id}`, dir: 'auto' }, x.title) },
        { label: t('dash.stage'), cell: (x) => statusBadge('dash.stage', x.stage) },
        { label: t('customer.amount'), cell: (x) => amount(x.amount), class: 'num' },
        { label: t('customer.probability'), cell: (x) => percent(x.probability), class: 'num' },
        { label: t('customer.expected_close'), cell: (x) => (x.expected_close ? date(x.expected_close) : '—'), class: 'nowrap' },
      ]),
      section('complaints', data.complaints, [
        { label: t('complaint.tracking_code'), cell: (x) => h('a', { href: `/app/complaints/${x.id}` }, ltr(x.tracking_code)) },
        { label: t('portal.category'), cell: (x) => word('complaint.category', x.category) },
        { label: t('portal.severity'), cell: (x) => word('complaint.severity', x.severity) },
        { label: t('customer.status'), cell: (x) => statusBadge('complaint.status', x.status) },
        { label: t('complaint.tier'), cell: (x) => number(x.tier), class: 'num' },
        { label: t('complaint.satisfaction'), cell: (x) => (x.satisfaction ? `${number(x.satisfaction)} / ${number(5)}` : '—') },
        { label: t('customer.created_at'), cell: (x) => date(x.created_at), class: 'nowrap' },
      ]),
      section('contracts', data.contracts, [
        { label: t('customer.title_field'), cell: (x) => (ROLES.work.includes(me.role)
          ? h('a', { href: `/app/contracts/${x.id}`, dir: 'auto', 'data-testid': 'c360-contract-link' }, x.title) : h('span', { dir: 'auto' }, x.title)) },
        { label: t('customer.amount'), cell: (x) => amount(x.amount), class: 'num' },
        { label: t('contract.discount'), cell: (x) => percent(x.discount_percent), class: 'num' },
        { label: t('customer.status'), cell: (x) => statusBadge('contract.status', x.status) },
        { label: t('contract.revision'), cell: (x) => number(x.revision), class: 'num' },
        { label: t('contract.expires'), cell: (x) => (x.expires_at ? date(x.expires_at) : '—'), class: 'nowrap' },
      ]),
        section('referrals_made', data.referrals_made, [
          { label: t('customer.name'), cell: (x) => (ROLES.work.includes(me.role)
            ? h('a', { href: `/app/referrals/${x.id}`, dir: 'auto', 'data-testid': 'c360-referral-link' }, x.referred_name) : h('span', { dir: 'auto' }, x.referred_name)) },
          { label: t('customer.status'), cell: (x) => statusBadge('referral.status', x.status) },
          { label: t('referral.reward'), cell: (x) => (x.reward_value ? `${number(x.reward_value)} ${word('referral.reward_kind', x.reward_kind)}` : '—') },
        ]),
        section('referrals_received', data.referrals_received, [
          { label: t('referral.code'), cell: (x) => (ROLES.work.includes(me.role) ? h('a', { href: `/app/referrals/${x.id}` }, ltr(x.code)) : ltr(x.code)) },
          { label: t('customer.status'), cell: (x) => statusBadge('referral.status', x.status) },
          { label: t('customer.created_at'), cell: (x) => date(x.created_at), class: 'nowrap' },
        ]),
        section('contacts', data.contacts, [
          { label: t('customer.name'), cell: (x) => h('span', { dir: 'auto' }, x.name) },
          { label: t('customer.role'), cell: (x) => x.role || '—' },
          { label: t('customer.mobile'), cell: (x) => phone(x.mobile || x.phone) },
          { label: t('customer.email'), cell: (x) => email(x.email) },
        ]),
        section('instances', data.instances, [
          { label: t('task.process'), cell: (x) => (canSeeInstances ? h('a', { href: `/app/instances/${encodeURIComponent(x.id)}` }, processName(x)) : processName(x)) },
          { label: t('task.business_key'), cell: (x) => (x.business_key ? ltr(x.business_key) : '—') },
          { label: t('instances.state'), cell: (x) => stateBadge(x.state) },
          { label: t('instances.started'), cell: (x) => dateTime(x.started_at), class: 'nowrap' },
        ])])),
    placementSection('customers', c.id), ROLES.work.includes(me.role) ? activitiesSection('customer', c.id) : null, historySection('customer', c.id));
}

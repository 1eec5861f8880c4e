// One referral: the person referred (name, how to reach them, the referrer's note, the customer they became)
// and the referrer (name, mobile, code), where it stands (status, the reason it lapsed or was declined, the lead
// it became, when it qualified), the purchase that qualified and the reward with its voucher, every try at this
// person (accepted or refused, and why), its open tasks and process, and its own history.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, money, number, percent, t, word } from '../core/i18n.js';
import { errorBox, facts, loading, pageHeader, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { email, phone, statusBadge } from './crmtext.js';
import { groupNames, loadGroups } from '../core/lists.js';
import { historySection } from './record_history.js';
import { reward } from './referrals.js';
import { personText } from '../core/people.js';

const link = (href, text, testid) => h('a', { href, dir: 'auto', 'data-testid': testid }, text);

function people(r) {
  return h('section', { class: 'card', 'data-testid': 'referral-people' }, h('h2', {}, t('referral_page.people')), facts([
    [t('referrals.referred'), h('span', { dir: 'auto', 'data-testid': 'referral-referred' }, r.referred_name)],
    [t('customer.mobile'), h('span', { 'data-testid': 'referral-mobile' }, phone(r.referred_mobile))],
    [t('customer.email'), email(r.referred_email)],
    r.note ? [t('referral_new.note'), h('span', { class: 'prewrap', dir: 'auto', 'data-testid': 'referral-note' }, r.note)] : null,
    r.referred_customer_id ? [t('referral_page.became'), link(`/app/customers/${r.referred_customer_id}`, r.referred_customer_name || `#${number(r.referred_customer_id)}`, 'referral-referred-customer')] : null,
    [t('referrals.referrer'), link(`/app/customers/${r.referrer_id}`, r.referrer_name || `#${number(r.referrer_id)}`, 'referral-referrer')],
    [t('referral_page.referrer_mobile'), phone(r.referrer_mobile)],
    [t('referral.code'), ltr(r.code)],
    [t('leads.created_at'), [dateTime(r.created_at), r.created_by ? [' · ', personText(r.created_by)] : null]],
  ]));
}

function tasksOf(r, me) {
  const list = r.tasks || [];
  if (!list.length) return h('span', { class: 'muted', 'data-testid': 'referral-no-task' }, t('contract_page.no_task'));
  return h('ul', { class: 'plain' }, list.map((task) => h('li', { 'data-testid': 'referral-task' },
    ROLES.work.includes(me.role) ? h('a', { href: `/app/tasks/${encodeURIComponent(task.id)}` }, task.name) : task.name, ' · ',
    task.assignee ? personText(task.assignee) : groupNames(task.candidate_groups) || '—')));
}

function voucher(v) {
  if (!v) return null;
  const value = v.kind === 'percent' ? percent(v.value) : money(v.value);
  return [t('referral_page.voucher'), h('span', { 'data-testid': 'referral-voucher' }, ltr(v.code), ` · ${value} · `,
    v.redeemed_at ? t('referral_page.redeemed', { at: dateTime(v.redeemed_at) }) : t('referral_page.valid_until', { at: dateTime(v.expires_at) }))];
}

function standing(r, me) {
  return h('section', { class: 'card', 'data-testid': 'referral-standing' }, h('h2', {}, t('lead_page.work')), facts([
    [t('customer.status'), h('span', { 'data-testid': 'referral-status' }, statusBadge('referral.status', r.status))],
    r.reject_reason ? [t('referral_page.reason'), h('span', { dir: 'auto', 'data-testid': 'referral-reason' }, r.reject_reason)] : null,
    r.lead_id ? [t('lead_page.title'), link(`/app/leads/${r.lead_id}`, `#${number(r.lead_id)}`, 'referral-lead')] : null,
    r.qualified_at ? [t('referral_page.qualified_at'), dateTime(r.qualified_at)] : null,
    [t('referral_page.purchase'), r.purchase_id || r.purchase_total ? h('span', { 'data-testid': 'referral-purchase' },
      r.purchase_id ? `#${number(r.purchase_id)}` : '', r.purchase_total ? ` · ${t('referral_page.bought', { amount: money(r.purchase_total) })}` : '')
      : h('span', { class: 'muted' }, t('referral_page.no_purchase'))],
    [t('referral.reward'), h('span', { 'data-testid': 'referral-reward' }, reward(r), r.rewarded_at ? ` · ${dateTime(r.rewarded_at)}` : '')],
    voucher(r.voucher),
    [t('contract_page.tasks'), tasksOf(r, me)],
    r.process_instance_id && ROLES.read.includes(me.role) ? [t('lead_page.process'), h('a', { href: `/app/instances/${r.process_instance_id}` }, t('complaint_page.open_process'))] : null,
  ]));
}

function attempts(r) {
  const list = r.attempts || [];
  return h('section', { class: 'card', 'data-testid': 'referral-attempts' }, h('h2', {}, t('referral_page.attempts')),
    list.length ? table([
      { label: t('lead_page.at'), cell: (a) => dateTime(a.at), class: 'nowrap' },
      { label: t('referral_page.channel'), cell: (a) => word('referral_page.channel_value', a.channel) },
      { label: t('referral_page.outcome'), cell: (a) => statusBadge('referral_page.outcome_value', a.outcome) },
      { label: t('referral_page.reason'), cell: (a) => (a.reason ? word('referral_page.reason_value', a.reason) : '—') },
      { label: t('lead_page.by'), cell: (a) => (a.by ? personText(a.by) : '—') },
    ], list, { rowAttrs: (a) => ({ 'data-testid': 'referral-attempt', 'data-outcome': a.outcome }) }) : h('p', { class: 'muted' }, '—'));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  let r;
  try {
    [r] = await Promise.all([api.get(`/referrals/${encodeURIComponent(params.id)}`), loadGroups()]);
  } catch (error) {
    replace(root, pageHeader(t('referral_page.title')), errorBox(error));
    return;
  }
  replace(root,
    pageHeader(h('span', {}, t('referral_page.title'), ' ', h('span', { dir: 'auto' }, r.referred_name)), statusBadge('referral.status', r.status),
      h('a', { href: '/app/referrals', class: 'btn' }, t('referrals.title'))),
    h('div', { class: 'grid-2' }, people(r), standing(r, me)),
    attempts(r),
    historySection('referral', r.id));
  root.querySelector('h1')?.focus();
}

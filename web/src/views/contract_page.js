// One contract for the people who draft and approve it: the customer and the terms (amount, discount, the net,
// VAT and the payable sum in rials and tomans, the period, instalments, the terms' text), where it stands
// (status, the approval levels still to decide, rounds, the signing link's state, the document and its PDF),
// what changed since the last round of decisions and every revision before it, the decisions round by round,
// its open tasks and process, and its own history. While it is a draft or sent back for changes, the terms
// are corrected here (the server judges them; its field errors show in place).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, digits, money, number, percent, t, word } from '../core/i18n.js';
import { errorBox, facts, loading, pageHeader, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { phone, statusBadge } from './crmtext.js';
import { contractEditForm, EDITING } from './contract_new.js';
import { contractNumber, levels } from './contracts.js';
import { activitiesSection } from './activities.js';
import { historySection } from './record_history.js';
import { groupNames, loadGroups } from '../core/lists.js';
import { placementSection } from './record_placement.js';
import { personText } from '../core/people.js';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

// A term's value as people read it: amounts in rials and tomans, days in the reader's calendar, yes or no.
function termValue(field, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'amount') return money(value);
  if (field === 'discount_percent') return percent(value);
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'string' && ISO_DAY.test(value)) return date(`${value}T00:00:00`);
  if (Array.isArray(value)) return value.map((i) => `${date(`${i.due}T00:00:00`)}: ${money(i.amount, { toman: false })}`).join(' · ') || '—';
  const text = String(value);
  return h('span', { dir: 'auto' }, digits(text.length > 160 ? `${text.slice(0, 160)}…` : text));
}

function changeList(changes) {
  return h('ul', { class: 'plain' }, Object.entries(changes || {}).map(([field, [before, after]]) =>
    h('li', { 'data-testid': 'contract-change', 'data-field': field }, h('strong', {}, word('contract_page.field', field)), ': ',
      h('span', { class: 'muted', 'data-testid': 'change-before' }, termValue(field, before)), ' → ',
      h('span', { 'data-testid': 'change-after' }, termValue(field, after)))));
}

function terms(c) {
  const instalments = c.instalments || [];
  return h('section', { class: 'card', 'data-testid': 'contract-terms' }, h('h2', {}, t('contract_page.terms')), facts([
    [t('contracts.customer'), h('a', { href: `/app/customers/${c.customer_id}`, dir: 'auto', 'data-testid': 'contract-customer' }, c.customer_name || `#${number(c.customer_id)}`)],
    c.opportunity_id ? [t('opportunity_page.title'), h('a', { href: `/app/opportunities/${c.opportunity_id}` }, `#${number(c.opportunity_id)}`)] : null,
    [t('customer.amount'), h('span', { 'data-testid': 'contract-amount' }, money(c.amount))],
    [t('contract.discount'), h('span', { 'data-testid': 'contract-discount' }, percent(c.discount_percent || 0))],
    [t('contract_page.net'), h('span', { 'data-testid': 'contract-net' }, money(c.net))],
    [t('contract_page.vat', { rate: percent(c.vat_rate) }), h('span', { 'data-testid': 'contract-vat' }, money(c.vat_amount),
      c.vat_percent === null || c.vat_percent === undefined ? h('small', { class: 'muted' }, ` · ${t('contract_page.vat_today')}`) : null)],
    [t('contract_page.payable'), h('strong', { 'data-testid': 'contract-payable' }, money(c.payable_now))],
    [t('contract_page.period'), c.start_date || c.end_date
      ? `${c.start_date ? date(`${c.start_date}T00:00:00`) : '—'} – ${c.end_date ? date(`${c.end_date}T00:00:00`) : '—'}` : '—'],
    [t('contract_page.instalments'), instalments.length ? h('ol', { class: 'plain', 'data-testid': 'contract-instalments' },
      instalments.map((i) => h('li', {}, date(`${i.due}T00:00:00`), ': ', money(i.amount)))) : '—'],
    [t('contract_page.terms_kind'), t(c.standard_terms ? 'contract_page.standard' : 'contract_page.custom')],
  ]), c.terms ? h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'contract-terms-text' }, c.terms) : null);
}

// The customer's signing link: not sent yet, open until a day, lapsed, or signed (how, from which number).
function signing(c) {
  if (c.status === 'signed') {
    return h('span', { 'data-testid': 'contract-signing', 'data-state': 'signed' }, t('contract_page.signed', { at: dateTime(c.signed_at) }),
      c.signed_via ? ` · ${word('contract_page.via', c.signed_via)}` : '', c.signed_mobile ? [' · ', phone(c.signed_mobile)] : null);
  }
  if (c.status === 'sent' && c.expires_at && new Date(c.expires_at) > new Date()) {
    return h('span', { 'data-testid': 'contract-signing', 'data-state': 'open' }, t('contract_page.link_open', { at: dateTime(c.expires_at) }));
  }
  if (c.status === 'sent' || c.status === 'expired') {
    return h('span', { class: 'badge', 'data-testid': 'contract-signing', 'data-state': 'lapsed' }, t('contract_page.link_lapsed', { at: dateTime(c.expires_at) }));
  }
  return h('span', { class: 'muted', 'data-testid': 'contract-signing', 'data-state': 'unsent' }, t('contract_page.link_unsent'));
}

function tasksOf(c, me) {
  const list = c.tasks || [];
  if (!list.length) return h('span', { class: 'muted', 'data-testid': 'contract-no-task' }, t('contract_page.no_task'));
  return h('ul', { class: 'plain' }, list.map((task) => h('li', { 'data-testid': 'contract-task' },
    ROLES.work.includes(me.role) ? h('a', { href: `/app/tasks/${encodeURIComponent(task.id)}` }, task.name) : task.name, ' · ',
    task.assignee ? personText(task.assignee) : groupNames(task.candidate_groups) || '—',
    task.due ? h('span', { class: 'muted' }, ` · ${t('task.due')} ${dateTime(task.due)}`) : null)));
}

function standing(c, me) {
  return h('section', { class: 'card', 'data-testid': 'contract-standing' }, h('h2', {}, t('lead_page.work')), facts([
    [t('customer.status'), h('span', { 'data-testid': 'contract-status' }, statusBadge('contract.status', c.status))],
    [t('contracts.waiting_for'), h('span', { 'data-testid': 'contract-waiting' }, levels(c.waiting_for))],
    [t('contract_page.rounds'), number(c.rounds)],
    [t('contract.revision'), number(c.revision)],
    [t('contract_page.signing'), signing(c)],
    [t('contract_page.document'), c.has_document ? [
      h('a', { href: `/api/v1/contracts/${c.id}/document`, target: '_blank', rel: 'noopener', 'data-testid': 'contract-document' }, t('contract_page.read')), ' · ',
      h('a', { href: `/api/v1/contracts/${c.id}/document.pdf`, target: '_blank', rel: 'noopener', 'data-testid': 'contract-pdf' }, 'PDF')]
      : h('span', { class: 'muted', 'data-testid': 'contract-no-document' }, t('contract_page.no_document'))],
    [t('contract_page.tasks'), tasksOf(c, me)],
    c.process_instance_id && ROLES.read.includes(me.role) ? [t('lead_page.process'), h('a', { href: `/app/instances/${c.process_instance_id}`, 'data-testid': 'contract-process' }, t('complaint_page.open_process'))] : null,
    [t('leads.created_at'), [dateTime(c.created_at), c.created_by ? [' · ', personText(c.created_by)] : null]],
  ]));
}

// The revisions made after the last round's decisions: what the approvers have not seen yet.
function sinceLastRound(revisions, decisions) {
  if (!decisions.length) return null;
  const last = Math.max(...decisions.map((d) => new Date(d.at).getTime()));
  const later = revisions.filter((r) => new Date(r.at).getTime() > last && r.number > 1);
  const merged = {};
  for (const r of later) {
    for (const [field, [before, after]] of Object.entries(r.changes || {})) merged[field] = [field in merged ? merged[field][0] : before, after];
  }
  return h('section', { class: 'card', 'data-testid': 'contract-since-round' }, h('h2', {}, t('contract_page.since_round')),
    Object.keys(merged).length ? changeList(merged) : h('p', { class: 'muted' }, t('contract_page.nothing_since')));
}

function revisionTable(revisions) {
  return h('section', { class: 'card', 'data-testid': 'contract-revisions' }, h('h2', {}, t('contract_page.revisions')),
    revisions.length ? table([
      { label: t('contract.revision'), cell: (r) => number(r.number), class: 'num' },
      { label: t('lead_page.at'), cell: (r) => dateTime(r.at), class: 'nowrap' },
      { label: t('lead_page.by'), cell: (r) => (r.by ? personText(r.by) : '—') },
      { label: t('contract_page.changes'), cell: (r) => (r.number === 1 ? h('span', { class: 'muted' }, t('contract_page.first_draft')) : changeList(r.changes)) },
    ], [...revisions].reverse(), { rowAttrs: () => ({ 'data-testid': 'contract-revision' }) }) : h('p', { class: 'muted' }, '—'));
}

function decisionTable(decisions) {
  return h('section', { class: 'card', 'data-testid': 'contract-decisions' }, h('h2', {}, t('contract_page.decisions')),
    decisions.length ? table([
      { label: t('contract_page.round'), cell: (d) => number(d.round), class: 'num' },
      { label: t('contract_page.level'), cell: (d) => t(`contract.level.${d.level}`) },
      { label: t('contract_page.decision'), cell: (d) => h('span', { 'data-testid': 'decision-value' }, statusBadge('contract_page.decision_value', d.decision)) },
      { label: t('lead_page.notes'), cell: (d) => (d.comment ? h('span', { dir: 'auto' }, d.comment) : '—') },
      { label: t('lead_page.by'), cell: (d) => (d.by ? personText(d.by) : '—') },
      { label: t('lead_page.at'), cell: (d) => dateTime(d.at), class: 'nowrap' },
    ], decisions, { rowAttrs: () => ({ 'data-testid': 'contract-decision' }) }) : h('p', { class: 'muted', 'data-testid': 'contract-no-decisions' }, t('contract_page.no_decisions')));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  async function draw(focusHeading = true) {
    let c;
    let revisions;
    let decisions;
    try {
      const id = encodeURIComponent(params.id);
      [c, revisions, decisions] = await Promise.all([api.get(`/contracts/${id}`), api.get(`/contracts/${id}/revisions`), api.get(`/contracts/${id}/decisions`), loadGroups()]);
    } catch (error) {
      replace(root, pageHeader(t('contract_page.title')), errorBox(error));
      return;
    }
    const editable = EDITING.includes(c.status) && ROLES.work.includes(me.role);
    replace(root,
      pageHeader(h('span', {}, h('span', { dir: 'auto', 'data-testid': 'contract-title' }, c.title), ' ', h('small', { class: 'muted' }, contractNumber(c.id))),
        statusBadge('contract.status', c.status), h('a', { href: '/app/contracts', class: 'btn' }, t('contracts.title'))),
      h('div', { class: 'grid-2' }, terms(c), standing(c, me)),
      sinceLastRound(revisions, decisions),
      decisionTable(decisions),
      editable ? contractEditForm(c, () => draw(false)) : h('p', { class: 'muted', 'data-testid': 'contract-locked' }, t('contract_page.locked')),
      revisionTable(revisions),
      placementSection('contracts', c.id), activitiesSection('contract', c.id), historySection('contract', c.id));
    if (focusHeading) root.querySelector('h1')?.focus();
  }
  await draw();
}

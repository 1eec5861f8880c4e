// One lead: its facts (list labels in the reader's language, never keys), the score and why, its open
// qualification call, what it became (customer, opportunity), every call (answers, outcome, reason) and,
// while it is open or nurtured, a form that corrects it (the server scores and routes it again).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, digits, locale, money, number, t, word } from '../core/i18n.js';
import { errorBox, facts, loading, pageHeader, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { customerName, email, phone, statusBadge } from './crmtext.js';
import { editForm, EDITABLE_STATUSES } from './lead_edit.js';
import { listLabels } from './leads.js';
import { groupNames, groupText, loadGroups } from '../core/lists.js';
import { activitiesSection } from './activities.js';
import { historySection } from './record_history.js';
import { placementSection } from './record_placement.js';
import { personText } from '../core/people.js';

const yes = (value) => (value === null || value === undefined ? '—' : t(value ? 'common.yes' : 'common.no'));

function about(lead, label) {
  return h('section', { class: 'card', 'data-testid': 'lead-facts' }, h('h2', {}, t('lead_page.facts')), facts([
    [t('lead.person_name'), lead.person_name ? h('span', { dir: 'auto' }, lead.person_name) : '—'],
    [t('lead.company_name'), lead.company_name ? h('span', { dir: 'auto' }, lead.company_name) : '—'],
    [t('customer.mobile'), phone(lead.mobile)],
    [t('leadcard.phone'), phone(lead.phone)],
    [t('leadcard.email'), email(lead.email)],
    [t('lead.source'), h('span', { 'data-testid': 'lead-source' }, label('lead_source', lead.source))],
    [t('lead.product'), h('span', { 'data-testid': 'lead-product' }, label('product', lead.product))],
    [t('lists.province'), h('span', { 'data-testid': 'lead-province' }, label('province', lead.region))],
    [t('lead.estimated_revenue'), money(lead.estimated_revenue)],
    [t('lead.need'), word('lead.need_value', lead.need)],
    [t('lead.timeline'), word('lead.timeline_value', lead.timeline)],
    [t('lead.budget_confirmed'), yes(lead.budget_confirmed)],
    [t('lead.authority'), yes(lead.authority)],
    [t('lead.sales_group'), h('span', { 'data-testid': 'lead-sales-group' }, lead.sales_group ? groupText(lead.sales_group) : '—')],
    lead.disqualify_reason ? [t('leadcard.reason'), [label('disqualify_reason', lead.disqualify_reason),
      lead.disqualify_comment ? h('span', { class: 'muted', dir: 'auto' }, ` · ${lead.disqualify_comment}`) : null]] : null,
    lead.recontact_at ? [t('leadcard.recontact'), dateTime(lead.recontact_at)] : null,
    [t('leads.created_at'), [dateTime(lead.created_at), lead.created_by ? [' · ', personText(lead.created_by)] : '']],
  ]));
}

function score(lead) {
  const parts = lead.score_why || [];
  return h('section', { class: 'card', 'data-testid': 'lead-score' }, h('h2', {}, t('lead_page.score')),
    h('p', {}, h('strong', {}, t('leadcard.score', { score: number(lead.score), grade: lead.grade || '—' }))),
    parts.length ? h('ul', { class: 'plain', 'data-testid': 'lead-score-why' }, parts.map((part) =>
      h('li', {}, ltr(digits(part.points >= 0 ? `+${part.points}` : String(part.points))), ` · ${part[locale()] || part.why}`)))
      : h('p', { class: 'muted' }, t('lead_page.no_parts')));
}

function work(lead, me) {
  const task = lead.task;
  const became = [
    lead.customer_id ? [t('lead_page.customer'), h('a', { href: `/app/customers/${lead.customer_id}`, 'data-testid': 'lead-customer' }, `#${number(lead.customer_id)}`)] : null,
    lead.opportunity_id ? [t('lead_page.opportunity'), h('a', { href: `/app/opportunities/${lead.opportunity_id}`, 'data-testid': 'lead-opportunity' }, `#${number(lead.opportunity_id)}`)] : null,
    lead.duplicate_of ? [t('lead_page.duplicate_of'), h('a', { href: `/app/customers/${lead.duplicate_of}` }, `#${number(lead.duplicate_of)}`)] : null,
    lead.process_instance_id && ROLES.read.includes(me.role) ? [t('lead_page.process'), h('a', { href: `/app/instances/${lead.process_instance_id}` }, t('lead_page.open_process'))] : null,
  ];
  return h('section', { class: 'card', 'data-testid': 'lead-work' }, h('h2', {}, t('lead_page.work')),
    task ? facts([
      [t('lead_page.task'), h('a', { href: `/app/tasks/${task.id}`, class: 'btn', 'data-testid': 'lead-task' }, t('lead_page.open_task'))],
      [t('lead_page.held_by'), task.assignee ? personText(task.assignee) : groupNames(task.candidate_groups) || '—'],
      [t('task.due'), task.due ? dateTime(task.due) : '—'],
    ]) : h('p', { class: 'muted', 'data-testid': 'lead-no-task' }, t('lead_page.no_task')),
    facts(became));
}

function answers(call) {
  const bits = [
    call.budget_confirmed !== null && call.budget_confirmed !== undefined ? `${t('lead.budget_confirmed')}: ${yes(call.budget_confirmed)}` : null,
    call.authority !== null && call.authority !== undefined ? `${t('lead.authority')}: ${yes(call.authority)}` : null,
    call.need ? `${t('lead.need')}: ${word('lead.need_value', call.need)}` : null,
    call.timeline ? `${t('lead.timeline')}: ${word('lead.timeline_value', call.timeline)}` : null,
  ].filter(Boolean);
  return bits.length ? h('ul', { class: 'plain' }, bits.map((bit) => h('li', {}, bit))) : '—';
}

function calls(lead, label) {
  const list = lead.calls || [];
  return h('section', { class: 'card', 'data-testid': 'lead-calls' }, h('h2', {}, t('lead_page.calls')),
    list.length ? table([
      { label: t('lead_page.at'), cell: (c) => dateTime(c.at), class: 'nowrap' },
      { label: t('lead_page.by'), cell: (c) => (c.by ? personText(c.by) : '—') },
      { label: t('lead_page.outcome'), cell: (c) => statusBadge('lead.status', c.outcome) },
      { label: t('lead_page.notes'), cell: (c) => h('span', { dir: 'auto' }, [c.notes, c.comment].filter(Boolean).join(' · ') || '—') },
      { label: t('lead_page.answers'), cell: answers },
      { label: t('leadcard.reason'), cell: (c) => (c.reason ? label('disqualify_reason', c.reason) : '—') },
      { label: t('lead.score'), cell: (c) => (c.score === null || c.score === undefined ? '—' : `${number(c.score)} · ${c.grade || '—'}`), class: 'nowrap' },
      { label: t('leadcard.recontact'), cell: (c) => (c.recontact_at ? date(c.recontact_at) : '—'), class: 'nowrap' },
    ], list, { rowAttrs: () => ({ 'data-testid': 'lead-call-row' }) }) : h('p', { class: 'muted' }, t('lead_page.no_calls')));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  const [label] = await Promise.all([listLabels(['lead_source', 'product', 'province', 'disqualify_reason']), loadGroups()]);
  async function draw(focusHeading = true) {
    let lead;
    try {
      lead = await api.get(`/leads/${encodeURIComponent(params.id)}`);
    } catch (error) {
      replace(root, pageHeader(t('lead_page.title')), errorBox(error));
      return;
    }
    const mayEdit = ROLES.work.includes(me.role) && EDITABLE_STATUSES.includes(lead.status);
    replace(root,
      pageHeader(customerName(lead), statusBadge('lead.status', lead.status),
        h('a', { href: '/app/leads', class: 'btn' }, t('leads.title'))),
      h('div', { class: 'grid-2' }, about(lead, label), h('div', {}, score(lead), work(lead, me))),
      calls(lead, label),
      mayEdit ? editForm(lead, () => draw(false)) : h('p', { class: 'muted', 'data-testid': 'lead-closed' }, t('lead_page.closed')),
      placementSection('leads', lead.id), activitiesSection('lead', lead.id), historySection('lead', lead.id));
    if (focusHeading) root.querySelector('h1')?.focus();
  }
  await draw();
}

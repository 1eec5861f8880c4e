// One complaint for the support desk: what the complainant wrote and how to reach them, its kind, category
// and severity (the lists' labels), where it stands (status, tier, team, assignee, the SLA deadline, breaches),
// the open task and the customer, who did what (the handling history), every note (internal ones marked) and,
// while it is not closed, a note form and the triage correction.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, number, t, word } from '../core/i18n.js';
import { errorBox, facts, loading, pageHeader, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { email, phone, statusBadge } from './crmtext.js';
import { complainant, severityBadge, slaDue } from './complaints.js';
import { correctForm, noteForm } from './complaint_edit.js';
import { listLabels } from './leads.js';
import { groupNames, groupText, loadGroups } from '../core/lists.js';
import { activitiesSection } from './activities.js';
import { historySection } from './record_history.js';
import { placementSection } from './record_placement.js';
import { personText } from '../core/people.js';

const text = (value, testid) => (value ? h('span', { dir: 'auto', 'data-testid': testid }, value) : '—');

function about(c, label) {
  return h('section', { class: 'card', 'data-testid': 'complaint-facts' }, h('h2', {}, t('complaint_page.facts')),
    h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'complaint-description' }, c.description),
    facts([
      [t('complaints.complainant'), h('span', { dir: 'auto', 'data-testid': 'complaint-complainant' }, complainant(c))],
      [t('customer.mobile'), phone(c.contact_mobile)],
      [t('customer.email'), email(c.contact_email)],
      [t('complaints.kind'), h('span', { 'data-testid': 'complaint-kind' }, label('complaint_kind', c.kind))],
      [t('portal.category'), h('span', { 'data-testid': 'complaint-category' }, label('complaint_category', c.category))],
      [t('portal.severity'), h('span', { 'data-testid': 'complaint-severity' }, severityBadge(c.severity))],
      [t('complaint.channel'), word('complaint.channel_value', c.channel)],
      [t('complaints.created_at'), [dateTime(c.created_at), c.created_by ? [' · ', personText(c.created_by)] : '']],
      c.public_resolution ? [t('complaint_page.public_resolution'), text(c.public_resolution)] : null,
      c.resolution ? [t('complaint_page.resolution'), text(c.resolution)] : null,
      c.satisfaction ? [t('complaint.satisfaction'), `${number(c.satisfaction)} / ${number(5)}`] : null,
    ]));
}

function standing(c, me) {
  const task = c.task;
  return h('section', { class: 'card', 'data-testid': 'complaint-work' }, h('h2', {}, t('lead_page.work')), facts([
    [t('customer.status'), h('span', { 'data-testid': 'complaint-status' }, statusBadge('complaint.status', c.status))],
    [t('complaint.tier'), h('span', { 'data-testid': 'complaint-tier' }, number(c.tier))],
    [t('complaint_page.team'), c.team ? groupText(c.team) : '—'],
    [t('complaints.assignee'), c.assignee ? personText(c.assignee) : '—'],
    [t('complaints.sla_due'), slaDue(c, dateTime)],
    [t('complaint_page.breaches'), h('span', { 'data-testid': 'complaint-breaches' }, number(c.breaches || 0))],
    c.paused_at ? [t('complaint_page.paused_at'), dateTime(c.paused_at)] : null,
    [t('lead_page.task'), task ? h('a', { href: `/app/tasks/${task.id}`, class: 'btn', 'data-testid': 'complaint-task' }, t('complaint_page.open_task'))
      : h('span', { class: 'muted', 'data-testid': 'complaint-no-task' }, t('complaint_page.no_task'))],
    task ? [t('lead_page.held_by'), task.assignee ? personText(task.assignee) : groupNames(task.candidate_groups) || '—'] : null,
    c.customer_id ? [t('complaint_page.customer'), h('a', { href: `/app/customers/${c.customer_id}`, 'data-testid': 'complaint-customer', dir: 'auto' },
      c.customer_name || `#${number(c.customer_id)}`)] : null,
    c.process_instance_id && ROLES.read.includes(me.role) ? [t('lead_page.process'), h('a', { href: `/app/instances/${c.process_instance_id}` }, t('complaint_page.open_process'))] : null,
  ]));
}

function handling(c) {
  const steps = c.handling || [];
  return h('section', { class: 'card', 'data-testid': 'complaint-handling' }, h('h2', {}, t('complaint_page.handling')),
    steps.length ? table([
      { label: t('lead_page.at'), cell: (s) => dateTime(s.at), class: 'nowrap' },
      { label: t('lead_page.by'), cell: (s) => (s.user ? personText(s.user) : '—') },
      { label: t('complaint_page.action'), cell: (s) => word('complaint.action', s.action) },
      { label: t('complaint.tier'), cell: (s) => number(s.tier), class: 'num' },
      { label: t('lead_page.notes'), cell: (s) => text(s.note) },
    ], steps, { rowAttrs: () => ({ 'data-testid': 'complaint-step' }) }) : h('p', { class: 'muted' }, t('complaint_page.no_handling')));
}

function notes(c) {
  const list = c.updates || [];
  return h('section', { class: 'card', 'data-testid': 'complaint-notes' }, h('h2', {}, t('complaint_page.notes')),
    list.length ? h('ul', { class: 'plain stack' }, list.map((u) => h('li', { 'data-testid': 'complaint-note-item', 'data-public': String(u.public) },
      h('div', { class: 'muted' }, dateTime(u.at), u.author ? [' · ', personText(u.author)] : null, ' ',
        statusBadge('complaint_page.visibility', u.public ? 'public' : 'internal')),
      h('p', { class: 'prewrap', dir: 'auto' }, u.text))))
      : h('p', { class: 'muted' }, t('complaint_page.no_notes')));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  const [label] = await Promise.all([listLabels(['complaint_kind', 'complaint_category']), loadGroups()]);
  async function draw(focusHeading = true) {
    let complaint;
    try {
      complaint = await api.get(`/complaints/${encodeURIComponent(params.id)}`);
    } catch (error) {
      replace(root, pageHeader(t('complaint_page.title')), errorBox(error));
      return;
    }
    const mayEdit = ROLES.work.includes(me.role) && complaint.status !== 'closed';
    replace(root,
      pageHeader(h('span', {}, t('complaint_page.title'), ' ', ltr(complaint.tracking_code)), statusBadge('complaint.status', complaint.status),
        h('a', { href: '/app/complaints', class: 'btn' }, t('complaints.title'))),
      h('div', { class: 'grid-2' }, about(complaint, label), standing(complaint, me)),
      notes(complaint),
      mayEdit ? h('div', { class: 'grid-2' }, noteForm(complaint, () => draw(false)), correctForm(complaint, () => draw(false)))
        : h('p', { class: 'muted', 'data-testid': 'complaint-closed' }, t('complaint_page.closed')),
      handling(complaint),
      placementSection('complaints', complaint.id), activitiesSection('complaint', complaint.id), historySection('complaint', complaint.id));
    if (focusHeading) root.querySelector('h1')?.focus();
  }
  await draw();
}

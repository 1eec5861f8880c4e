// One opportunity: its facts (stage, kind and loss reason as words in the reader's language, amount in rials
// and tomans, Jalali dates for Persian readers), where it came from and what it became (customer, lead,
// contract, purchase), every stay in a stage, and while it is open: move it to another stage, correct it.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, money, number, percent, t } from '../core/i18n.js';
import { errorBox, facts, loading, pageHeader, table } from '../core/ui.js';
import { ROLES } from '../routes.js';
import { statusBadge } from './crmtext.js';
import { listLabels } from './leads.js';
import { funnelStages } from './opportunities.js';
import { editForm, stageForm } from './opportunity_actions.js';
import { activitiesSection } from './activities.js';
import { quotesSection } from './quotes.js';
import { historySection } from './record_history.js';
import { placementSection } from './record_placement.js';
import { personText } from '../core/people.js';

const CLOSED = ['won', 'lost'];

function about(o, label) {
  return h('section', { class: 'card', 'data-testid': 'opportunity-facts' }, h('h2', {}, t('opportunity_page.facts')), facts([
    [t('dash.stage'), h('span', { 'data-testid': 'opportunity-stage' }, statusBadge('dash.stage', o.stage))],
    [t('opportunities.kind'), t(`opportunities.kind_value.${o.kind}`)],
    [t('customer.amount'), h('span', { 'data-testid': 'opportunity-amount' }, money(o.amount))],
    [t('customer.probability'), percent(o.probability)],
    [t('customer.expected_close'), h('span', { 'data-testid': 'opportunity-close' }, o.expected_close ? date(o.expected_close) : '—')],
    [t('opportunities.owner'), o.owner ? personText(o.owner) : '—'],
    o.loss_reason ? [t('opportunity_page.loss_reason'), [h('span', { 'data-testid': 'opportunity-loss-reason' }, label('loss_reason', o.loss_reason)),
      o.loss_comment ? h('span', { class: 'muted', dir: 'auto' }, ` · ${o.loss_comment}`) : null]] : null,
    o.closed_at ? [t('opportunity_page.closed_at'), dateTime(o.closed_at)] : null,
    [t('leads.created_at'), [dateTime(o.created_at), o.created_by ? [' · ', personText(o.created_by)] : '']],
  ]));
}

function links(o) {
  const to = (href, text, testid) => h('a', { href, 'data-testid': testid }, text);
  return h('section', { class: 'card', 'data-testid': 'opportunity-links' }, h('h2', {}, t('opportunity_page.links')), facts([
    [t('opportunities.customer'), to(`/app/customers/${o.customer_id}`, o.customer_name || `#${number(o.customer_id)}`, 'opportunity-customer')],
    o.lead_id ? [t('lead_page.title'), to(`/app/leads/${o.lead_id}`, `#${number(o.lead_id)}`, 'opportunity-lead')] : null,
    o.contract_id ? [t('opportunity_page.contract'), to(`/app/contracts/${o.contract_id}`, `#${number(o.contract_id)}`, 'opportunity-contract')] : null,
    o.purchase_id ? [t('opportunity_page.purchase'), to(`/app/customers/${o.customer_id}`, `#${number(o.purchase_id)}`, 'opportunity-purchase')] : null,
  ]));
}

function history(o) {
  const visits = o.visits || [];
  return h('section', { class: 'card', 'data-testid': 'opportunity-history' }, h('h2', {}, t('opportunity_page.history')),
    visits.length ? table([
      { label: t('dash.stage'), cell: (v) => statusBadge('dash.stage', v.stage) },
      { label: t('opportunity_page.entered'), cell: (v) => dateTime(v.entered_at), class: 'nowrap' },
      { label: t('opportunity_page.left'), cell: (v) => (v.left_at ? dateTime(v.left_at) : '—'), class: 'nowrap' },
    ], visits, { rowAttrs: () => ({ 'data-testid': 'opportunity-visit' }) }) : h('p', { class: 'muted' }, '—'));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  const [label, stages] = await Promise.all([listLabels(['loss_reason']), funnelStages()]);
  async function draw(focusHeading = true) {
    let o;
    try {
      o = await api.get(`/opportunities/${encodeURIComponent(params.id)}`);
    } catch (error) {
      replace(root, pageHeader(t('opportunity_page.title')), errorBox(error));
      return;
    }
    const open = !CLOSED.includes(o.stage) && ROLES.work.includes(me.role);
    replace(root,
      pageHeader(h('span', { dir: 'auto' }, o.title), statusBadge('dash.stage', o.stage),
        open && !o.contract_id ? h('a', { href: `/app/contracts/new?opportunity_id=${o.id}`, class: 'btn', 'data-testid': 'new-contract-link' }, t('contract_new.title')) : null,
        h('a', { href: '/app/opportunities', class: 'btn' }, t('opportunities.title'))),
      h('div', { class: 'grid-2' }, about(o, label), h('div', {}, links(o), history(o))),
      open ? h('div', { class: 'grid-2' }, stageForm(o, stages, () => draw(false)), editForm(o, () => draw(false)))
        : h('p', { class: 'muted', 'data-testid': 'opportunity-closed' }, t('opportunity_page.closed')),
      quotesSection(o, { writer: open }),
      placementSection('opportunities', o.id), activitiesSection('opportunity', o.id), historySection('opportunity', o.id));
    if (focusHeading) root.querySelector('h1')?.focus();
  }
  await draw();
}

// The lead beside its qualification call: who to call and how, where the lead came from and what it
// wants, the score and why, what the customer who referred them wrote, and the earlier calls. All of it
// is the task's own data (the process puts the lead's card there), so the caller needs no other page.

import { h, ltr } from '../core/dom.js';
import { dateTime, digits, locale, money, number, t, word } from '../core/i18n.js';
import { facts } from '../core/ui.js';
import { email, phone } from './crmtext.js';
import { personText } from '../core/people.js';

// A list entry's label ({fa, en}) in the reader's language, else the key.
function listLabel(labels, key) {
  if (labels && typeof labels === 'object') return labels[locale()] || labels.en || key || '—';
  return key || '—';
}

function dial(value) {
  return value ? h('a', { href: `tel:${value}`, 'data-testid': 'lead-dial' }, phone(value)) : null;
}

function scoreWhy(data) {
  const parts = Array.isArray(data.score_why) ? data.score_why : [];
  const score = h('p', { 'data-testid': 'lead-score' }, h('strong', {}, t('leadcard.score', {
    score: number(data.score), grade: data.grade || '—' })));
  if (!parts.length) return score;
  return h('div', {}, score, h('ul', { class: 'plain', 'data-testid': 'lead-score-why' }, parts.map((part) =>
    h('li', {}, ltr(digits(part.points >= 0 ? `+${part.points}` : String(part.points))), ` · ${part[locale()] || part.en || part.why}`))));
}

function earlierCall(call) {
  const lines = [
    h('p', { class: 'comment-meta muted' }, dateTime(call.at), call.by ? [' · ', personText(call.by)] : '', ' · ',
      h('strong', {}, word('lead.status', call.outcome))),
    call.score !== null && call.score !== undefined ? h('p', {}, t('leadcard.score', { score: number(call.score), grade: call.grade || '—' })) : null,
    call.reason ? h('p', {}, `${t('leadcard.reason')}: ${call.reason}`) : null,
    call.recontact_at ? h('p', {}, `${t('leadcard.recontact')}: ${dateTime(call.recontact_at)}`) : null,
    call.notes ? h('p', { class: 'comment-text' }, call.notes) : null,
    call.comment ? h('p', { class: 'comment-text' }, call.comment) : null,
  ];
  return h('li', { class: 'comment' }, lines);
}

function earlierCalls(calls) {
  const list = Array.isArray(calls) ? calls : [];
  return h('div', { 'data-testid': 'lead-earlier-calls' }, h('h3', {}, t('leadcard.earlier_calls')),
    list.length ? h('ol', { class: 'comments' }, [...list].reverse().map(earlierCall)) : h('p', { class: 'muted' }, t('leadcard.no_calls')));
}

// True when the task is about a lead (its data carries the lead's card).
export function isLeadTask(data) {
  return Boolean(data && data.lead_id && ('mobile' in data || 'lead_name' in data));
}

export function leadCard(data) {
  const name = data.lead_name || data.company_name || data.person_name || `#${data.lead_id}`;
  return h('section', { class: 'card customer', 'data-testid': 'lead-card' },
    h('h2', {}, t('leadcard.title')),
    h('p', { class: 'customer-name' }, h('strong', {}, name),
      data.company_name && data.person_name ? h('span', { class: 'muted' }, ` · ${data.person_name}`) : null),
    facts([
      data.mobile ? [t('leadcard.mobile'), dial(data.mobile)] : null,
      data.phone ? [t('leadcard.phone'), dial(data.phone)] : null,
      data.email ? [t('leadcard.email'), email(data.email)] : null,
      !data.mobile && !data.phone && !data.email ? [t('leadcard.contact'), t('leadcard.no_contact')] : null,
      [t('lead.source'), listLabel(data.source_label, data.source)],
      data.product ? [t('lead.product'), listLabel(data.product_label, data.product)] : null,
      data.region ? [t('leadcard.region'), listLabel(data.region_label, data.region)] : null,
      data.estimated_revenue ? [t('lead.estimated_revenue'), money(data.estimated_revenue)] : null,
    ]),
    scoreWhy(data),
    data.referral_note ? h('div', { 'data-testid': 'lead-referral-note' }, h('h3', {}, t('leadcard.referral_note')),
      h('p', { class: 'comment-text' }, data.referral_note)) : null,
    earlierCalls(data.earlier_calls));
}

// The card of the record a task (or any page) is about: `fillRecordCard(aside)` fills an
// `<aside class="record-aside" data-record-type data-record-id>` with the fields that matter for working on it
// (GET /records/{type}/{id}/card, labelled in the reader's language), a link to the record's page and the
// latest entries of its history.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, digits, locale, money, number, percent, t } from '../core/i18n.js';
import { errorBox, facts, loading } from '../core/ui.js';
import { groupText, loadGroups } from '../core/lists.js';
import { email, phone } from './crmtext.js';
import { historyList, shownValue } from './record_history.js';
import { recordTitle } from './tasklist.js';
import { personText } from '../core/people.js';

const LATEST = 5;
const words = (label) => (label ? label[locale()] || label.en || '' : '');
const text = (value) => (value === null || value === undefined || value === '' ? '—' : h('span', { dir: 'auto' }, digits(value)));
const list = (items, line) => (items?.length ? h('ul', { class: 'plain' }, items.map((item) => h('li', {}, line(item)))) : '—');
const arrow = () => (locale() === 'fa' ? ' ← ' : ' → ');

const SHOW = {
  text: (f) => text(f.value),
  longtext: (f) => (f.value ? h('p', { class: 'record-longtext', dir: 'auto' }, f.value) : '—'),
  phone: (f) => phone(f.value),
  email: (f) => email(f.value),
  money: (f) => (f.value === null || f.value === undefined ? '—' : money(f.value)),
  percent: (f) => (f.value === null || f.value === undefined ? '—' : percent(f.value)),
  number: (f) => number(f.value),
  date: (f) => (f.value ? date(`${f.value}T00:00:00`) : '—'),
  datetime: (f) => (f.value ? dateTime(f.value) : '—'),
  label: (f) => (f.text ? words(f.text) : text(f.value)),
  link: (f) => (f.href ? h('a', { href: f.href, dir: 'auto' }, f.value) : text(f.value)),
  why: (f) => list(f.items, (part) => [ltr(digits(part.points >= 0 ? `+${part.points}` : String(part.points))), ` · ${part[locale()] || part.why}`]),
  changes: (f) => list(f.items, (c) => [h('span', {}, words(c.label)), ': ', shownValue(c.before), arrow(), shownValue(c.after)]),
  counts: (f) => list(f.items, (item) => `${words(item.label)}: ${number(item.count)}`),
  score: (f) => (f.value === null || f.value === undefined ? '—' : `${number(f.value)} (${t('lead.grade')} ${f.grade || '—'})`),
};

const GROUP_FIELDS = new Set(['sales_group', 'team']);  // a group's key: shown by its label, never digit-converted

const PERSON_FIELDS = new Set(['owner', 'assignee']);  // a user name: shown as the person's name

function showField(field) {
  if (GROUP_FIELDS.has(field.name) && field.value) return groupText(field.value);
  if (PERSON_FIELDS.has(field.name) && typeof field.value === 'string' && field.value) return personText(field.value);
  return (SHOW[field.kind] || SHOW.text)(field);
}

// The card as an element (for pages that have the card already).
export function recordCard(card, latest = []) {
  const shown = card.fields.filter((f) => !(f.value === null && !f.items?.length && !f.text && f.kind !== 'link'));
  return h('section', { class: 'card record-card', 'data-testid': 'record-card', 'data-record-type': card.type, 'data-record-id': String(card.id) },
    h('h2', {}, `${words(card.label)}: `, h('span', { 'data-testid': 'record-card-title' }, recordTitle(card.title))),
    h('p', {}, h('a', { href: card.url, class: 'btn', 'data-testid': 'record-card-link' }, t('record_card.open_page'))),
    facts(shown.map((f) => [words(f.label), h('span', { 'data-field': f.name }, showField(f))])),
    h('h3', {}, t('record_card.latest')),
    historyList(latest),
    latest.length ? h('p', {}, h('a', { href: `${card.url}#history` }, t('record_card.full_history'))) : null);
}

// Fill the aside a page put beside its form; an aside without a record type or id stays empty.
export async function fillRecordCard(aside) {
  const type = aside?.dataset.recordType;
  const id = aside?.dataset.recordId;
  if (!type || !id) return null;
  replace(aside, loading());
  const base = `/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
  try {
    const [card, history] = await Promise.all([api.get(`${base}/card`), api.get(`${base}/history`, { limit: LATEST }), loadGroups()]);
    replace(aside, recordCard(card, history.items));
    return card;
  } catch (error) {
    replace(aside, errorBox(error));
    return null;
  }
}

export default fillRecordCard;

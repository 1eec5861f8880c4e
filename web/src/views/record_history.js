// A record's own history, newest first, from the journal (GET /records/{type}/{id}/history): who did what and
// when, and each field's value before → after; the steps of its processes in between. Dates are Jalali and
// digits Persian on a Persian page. `historySection` is the paged section for record pages; `historyList`
// renders entries already read (the record card beside a task shows the latest few).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, digits, isRtl, locale, money, number, t } from '../core/i18n.js';
import { errorBox, loading, pager } from '../core/ui.js';
import { personText } from '../core/people.js';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const words = (label) => (label ? label[locale()] || label.en || '' : '');

// One value as people read it: words for states, dates in the page's calendar, digits in the page's script.
export function shownValue(value, text) {
  if (text) return words(text);
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string' && ISO_DAY.test(value)) return date(`${value}T00:00:00`);
  if (typeof value === 'string' && ISO_TIME.test(value)) return dateTime(value);
  if (typeof value === 'string' && /^\+?[\d\s-]+$/.test(value)) return ltr(digits(value));
  if (Array.isArray(value) && value.length && value.every((i) => i && typeof i === 'object' && 'due' in i && 'amount' in i)) {
    // a contract's instalments: each day in the reader's calendar and its amount
    return value.map((i) => `${date(`${i.due}T00:00:00`)}: ${money(i.amount)}`).join(locale() === 'fa' ? '؛ ' : '; ');
  }
  if (typeof value === 'object') return h('span', { dir: 'ltr' }, JSON.stringify(value));
  return h('span', { dir: 'auto' }, textDigits(String(value)));
}

// Typed or sent text with the page's digits where it is the page's language: an English sentence (the message an
// English customer was sent) keeps its own digits, and so do an address or a link inside Persian text.
export function textDigits(text) {
  const latin = (text.match(/[A-Za-z]/g) || []).length;
  const arabic = (text.match(/[\u0600-\u06FF]/g) || []).length;
  if (latin > arabic) return text;
  return text.replace(/\S+/g, (token) => (/[A-Za-z]/.test(token) ? token : digits(token)));
}

function change(item) {
  const text = item.text || {};
  const after = shownValue(item.after, text.after);
  const before = item.before === null || item.before === undefined ? null : shownValue(item.before, text.before);
  return h('li', { class: 'history-change', 'data-testid': 'history-change', 'data-field': item.name },
    h('span', { class: 'history-field' }, words(item.label)), ': ',
    before === null ? null : [h('del', { class: 'history-before' }, before),
      h('span', { class: 'history-arrow', title: t('record_history.became') }, isRtl() ? ' ← ' : ' → ')],
    h('ins', { class: 'history-after' }, after));
}

function entry(item) {
  return h('li', { class: ['history-entry', `history-${item.category}`], 'data-testid': 'history-entry', 'data-kind': item.kind },
    h('div', { class: 'history-head' },
      h('time', { datetime: item.at, class: 'muted nowrap' }, dateTime(item.at)),
      ' · ', h('strong', { class: 'history-actor' }, item.actor ? personText(item.actor, item.actor_text) : t('record_history.system')),
      ' · ', h('span', { class: 'history-title' }, words(item.title))),
    item.redacted ? h('p', { class: 'muted' }, t('record_history.redacted')) : null,
    item.changes?.length ? h('ul', { class: 'plain history-changes' }, item.changes.map(change)) : null);
}

// The entries as a list (newest first, as the API gives them).
export function historyList(items) {
  if (!items.length) return h('p', { class: 'muted', 'data-testid': 'history-empty' }, t('record_history.empty'));
  return h('ol', { class: 'plain history', 'data-testid': 'history-list' }, items.map(entry));
}

// The record's full history as a section of its page, a page of `limit` entries at a time.
export function historySection(type, id, { limit = 20 } = {}) {
  const body = h('div', {}, loading());
  const section = h('section', { class: 'card record-history', id: 'history', 'data-testid': 'record-history' },
    h('h2', {}, t('record_history.title')), body);
  async function show(offset) {
    let found;
    try {
      found = await api.get(`/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/history`, { limit, offset });
    } catch (error) {
      replace(body, errorBox(error));
      return;
    }
    replace(body,
      found.total ? h('p', { class: 'muted' }, t('record_history.summary', { total: found.total })) : null,
      historyList(found.items),
      pager({ total: found.total, limit, offset, onPage: show }));
  }
  show(0);
  return section;
}

// A journal entry as people read it (the journal, an instance's timeline): its kind in words and its data as
// labelled fields in the reader's language (the server's `kind_text` and `details`, api/journal_words.py), the
// raw JSON behind «جزئیات فنی».

import { h, ltr } from '../core/dom.js';
import { isRtl, locale, number, t, word } from '../core/i18n.js';
import { shownValue } from './record_history.js';

const kindLabel = (kind) => word('kind', kind);
const inLocale = (label) => (label ? label[locale()] || label.en || '' : '');
const SHOWN_FIELDS = 8; // labelled fields in the row; the rest (and all of it raw) behind the details toggle

// The entry's kind in words: the server's words, else the catalogue's, else the kind itself (left to right).
export function kindCell(entry) {
  const said = inLocale(entry.kind_text);
  const text = said && said !== entry.kind ? said : kindLabel(entry.kind);
  return h('span', { class: 'journal-kind', title: entry.kind }, text === entry.kind ? ltr(text) : text);
}

function fieldValue(item, side) {
  const value = side === 'before' ? item.before : item.value;
  const text = item.text?.[side];
  if (!text && typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value) && /^[\w.:/+#@-]+$/.test(value) && /[A-Za-z]/.test(value)) return ltr(value);
  // data kept as JSON (a list, variables set): left to right as written, its digits untouched
  if (!text && typeof value === 'string' && /^[[{]/.test(value)) return h('code', { dir: 'ltr', class: 'journal-json' }, value);
  return shownValue(value, text);
}

function fieldItem(item) {
  const label = item.known === false ? ltr(item.name) : inLocale(item.label);
  return h('li', { 'data-field': item.name },
    h('span', { class: 'journal-field' }, label), ': ',
    'before' in item ? [h('del', {}, fieldValue(item, 'before')), isRtl() ? ' ← ' : ' → '] : null,
    h('span', { class: 'journal-value' }, fieldValue(item, 'value')));
}

// The entry's data: its fields labelled in the reader's language, and the raw JSON for auditors.
export function dataCell(entry) {
  const details = Array.isArray(entry.details) ? entry.details : [];
  const raw = JSON.stringify(entry.data || {}, null, 2);
  return h('div', { class: 'journal-data' },
    details.length ? h('ul', { class: 'plain journal-fields', 'data-testid': 'journal-fields' }, details.slice(0, SHOWN_FIELDS).map(fieldItem)) : null,
    raw === '{}' ? null : h('details', { class: 'journal-raw', 'data-testid': 'journal-raw' },
      h('summary', {}, details.length > SHOWN_FIELDS ? t('journal.raw_more', { n: number(details.length - SHOWN_FIELDS) }) : t('journal.raw')),
      details.length > SHOWN_FIELDS ? h('ul', { class: 'plain journal-fields' }, details.slice(SHOWN_FIELDS).map(fieldItem)) : null,
      h('pre', { dir: 'ltr', class: 'data code' }, raw)));
}

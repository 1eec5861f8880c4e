// Date-time filters: the browser's picker, and under it the chosen moment in the interface's
// calendar (Jalali in Persian), sent to the server as an ISO instant.

import { h } from '../core/dom.js';
import { dateTime } from '../core/i18n.js';
import { field } from '../core/ui.js';

function localValue(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function isoOf(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function dateField(label, name, initial) {
  const preview = h('small', { class: 'muted date-preview', 'data-testid': `${name}-preview` }, initial ? dateTime(initial) : '');
  const input = h('input', {
    type: 'datetime-local', name, class: 'input', value: localValue(initial), dir: 'ltr',
    oninput: (event) => { preview.textContent = event.target.value ? dateTime(event.target.value) : ''; },
  });
  return field(label, input, preview);
}

// Task forms for Persian users: form-js's date picker is Gregorian, so a date field (`datetime`, subtype
// date) is shown as a text field that takes a Jalali date (۱۴۰۵/۱۱/۱۵) or a Gregorian one (2027-02-04), and
// what was typed is sent as the Gregorian ISO day the server stores. A text that is not a date is sent as
// typed, for the server to refuse with its message in place.

const DAY = 86400000;
const PERSIAN_PARTS = new Intl.DateTimeFormat('en-US-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });
const JALALI_TEXT = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
const DATE_HINT = 'تاریخ شمسی، مانند ۱۴۰۵/۱۱/۱۵ (تاریخ میلادی مانند 2027-02-04 هم پذیرفته است)';

function asciiDigits(text) {
  return String(text).replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

function jalaliParts(ms) {
  const parts = Object.fromEntries(PERSIAN_PARTS.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return [parseInt(parts.year, 10), parseInt(parts.month, 10), parseInt(parts.day, 10)];
}

const dayOfYear = (m, d) => (m <= 6 ? (m - 1) * 31 : 186 + (m - 7) * 30) + d;

// The Gregorian ISO day of a Jalali date, or null when there is no such day (Esfand 30 in a common year).
export function gregorianOfJalali(jy, jm, jd) {
  if (jm < 1 || jm > 12 || jd < 1 || jd > 31) return null;
  let ms = Date.UTC(jy + 621, 2, 20) + (dayOfYear(jm, jd) - 1) * DAY;
  for (let step = 0; step < 8; step += 1) {
    const [y, m, d] = jalaliParts(ms);
    if (y === jy && m === jm && d === jd) return new Date(ms).toISOString().slice(0, 10);
    const diff = (jy - y) * 365 + dayOfYear(jm, jd) - dayOfYear(m, d);
    ms += (diff || Math.sign(jy - y)) * DAY; // a year of 366 days can leave a difference of 0 across its end
  }
  return null;
}

// A typed day (Jalali for years 1300-1499, else Gregorian; any digits; - or /) as an ISO day, or null.
export function isoDay(text) {
  const found = asciiDigits(text || '').trim().match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/);
  if (!found) return null;
  const [y, m, d] = found.slice(1).map(Number);
  if (y >= 1300 && y <= 1499) return gregorianOfJalali(y, m, d);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

function jalaliText(value) {
  const iso = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
  return iso ? JALALI_TEXT.format(new Date(`${iso}T00:00:00Z`)) : value;
}

// The schema with its date fields as Jalali text fields, the data with their values in Jalali, their keys.
export function jalaliDateFields(schema, data) {
  const keys = [];
  const swap = (c) => {
    if (c.type === 'datetime' && (c.subtype || 'date') === 'date' && c.key) {
      keys.push(c.key);
      return {
        id: c.id, key: c.key, type: 'textfield', label: c.label || c.dateLabel,
        description: c.description ? `${c.description} — ${DATE_HINT}` : DATE_HINT,
        validate: c.validate?.required ? { required: true } : {}, disabled: c.disabled, readonly: c.readonly,
        conditional: c.conditional, properties: { ...(c.properties || {}), 'ravand:calendar': 'jalali' },
      };
    }
    return Array.isArray(c.components) ? { ...c, components: c.components.map(swap) } : c;
  };
  if (!schema || !Array.isArray(schema.components)) return { schema, data, keys };
  const out = { ...schema, components: schema.components.map(swap) };
  const shown = { ...data };
  for (const key of keys) if (shown[key]) shown[key] = jalaliText(shown[key]);
  return { schema: out, data: shown, keys };
}

// What a submitted form sends: each Jalali date field's text as its Gregorian ISO day when it is one.
export function gregorianDays(data, keys) {
  const out = { ...data };
  for (const key of keys) {
    const iso = out[key] ? isoDay(out[key]) : null;
    if (iso) out[key] = iso;
  }
  return out;
}

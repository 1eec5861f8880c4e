// Messages, direction, dates and numbers for the two interface languages. Persian shows Jalali dates
// and Persian digits (Intl's fa-IR with the Persian calendar), English Gregorian dates.

import baseEn from '../../i18n/en.json';
import baseFa from '../../i18n/fa.json';
import activities from '../../i18n/parts/activities.json';
import dashboards from '../../i18n/parts/dashboards.json';
import editors from '../../i18n/parts/editors.json';
import feedback from '../../i18n/parts/feedback.json';
import forms from '../../i18n/parts/forms.json';
import labels from '../../i18n/parts/labels.json';
import names from '../../i18n/parts/names.json';
import assets from '../../i18n/parts/assets.json';
import sms from '../../i18n/parts/sms.json';
import campaigns from '../../i18n/parts/campaigns.json';
import quotes from '../../i18n/parts/quotes.json';
import club from '../../i18n/parts/club.json';

// en.json and fa.json hold the app's messages; each file in i18n/parts/ holds one area's messages
// in both languages ({"en": {...}, "fa": {...}}), so areas grow without touching one shared file.
const PARTS = [activities, dashboards, editors, feedback, forms, labels, names, assets, sms, campaigns, quotes, club];
const en = Object.assign({}, baseEn, ...PARTS.map((part) => part.en));
const fa = Object.assign({}, baseFa, ...PARTS.map((part) => part.fa));
const CATALOGUES = { en, fa };
const INTL = { en: 'en-GB', fa: 'fa-IR-u-ca-persian' };
let current = 'en';

export function setLocale(locale) {
  current = CATALOGUES[locale] ? locale : 'en';
  document.documentElement.lang = current;
  document.documentElement.dir = dir();
}

export const locale = () => current;
export const dir = () => (current === 'fa' ? 'rtl' : 'ltr');
export const isRtl = () => current === 'fa';

// t('tasks.count', { n: 3 }): the message with {name} placeholders filled (numbers localised).
export function t(key, params) {
  const message = CATALOGUES[current][key] ?? en[key] ?? key;
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = params[name];
    if (value === undefined || value === null) return whole;
    return typeof value === 'number' ? number(value) : String(value);
  });
}

export function has(key) {
  return key in CATALOGUES[current] || key in en;
}

// A value in words: the catalogue's `${group}.${value}`, else the value itself ('—' when empty).
export function word(group, value) {
  if (value === null || value === undefined || value === '') return '—';
  return has(`${group}.${value}`) ? t(`${group}.${value}`) : String(value);
}

export function number(value, options) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  return new Intl.NumberFormat(INTL[current], options).format(Number(value));
}

// A list's total as the API gives it: a lower bound ("more than 10,025") when counting stopped early.
export function totalOf(page) {
  return page.total_exact === false ? t('common.more_than', { n: number(page.total) }) : number(page.total);
}

export function percent(value) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '—';
  // the reports give percentages (45.5 means 45.5 %)
  return number(Number(value) / 100, { style: 'percent', maximumFractionDigits: 1 });
}

function asDate(value) {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function dateTime(value) {
  const date = asDate(value);
  if (!date) return '—';
  return new Intl.DateTimeFormat(INTL[current], { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function date(value) {
  const date_ = asDate(value);
  if (!date_) return '—';
  return new Intl.DateTimeFormat(INTL[current], { dateStyle: 'medium' }).format(date_);
}

// "in 3 hours", "2 days ago"
export function relative(value, now = Date.now()) {
  const target = asDate(value);
  if (!target) return '';
  const seconds = Math.round((target.getTime() - now) / 1000);
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]];
  const format = new Intl.RelativeTimeFormat(current === 'fa' ? 'fa-IR' : 'en-GB', { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(seconds, 'second');
}

// Persian digits in free text (counts inside sentences built elsewhere).
// A code that mixes Latin letters and digits (a tracking code RC-KUN2R8Y7RU, a voucher V-8C7T4L9G, a group key
// support-1) keeps its digits: it is typed and read out as written.
export function digits(text) {
  if (current !== 'fa') return String(text);
  return String(text).replace(/[A-Za-z0-9_-]+/g, (word) => (/[A-Za-z]/.test(word) ? word : word.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d])));
}

// Persian and Arabic-Indic digits as Latin ones, everything else kept (a day, a time, a code as typed).
export const asciiDigits = (text) => String(text ?? '').replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
  .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));

// What a person typed as a number, in Latin digits: Persian and Arabic digits read as Latin ones, the
// Persian decimal sign as a point, group separators and spaces dropped ("۱٬۲۵۰٬۰۰۰" → "1250000").
export function latinDigits(text) {
  return asciiDigits(String(text ?? '').trim())
    .replace(/٫/g, '.')
    .replace(/[,٬،\s]/g, '');
}

// The same as a number; text that is still no number comes back as typed (trimmed), so the server
// names the field's error instead of a silent NaN.
export function typedNumber(text) {
  const latin = latinDigits(text);
  return latin !== '' && Number.isFinite(Number(latin)) ? Number(latin) : String(text ?? '').trim();
}

// Amounts are whole rials: "1,250,000 rials (125,000 tomans)", in Persian "۱٬۲۵۰٬۰۰۰ ریال (۱۲۵٬۰۰۰ تومان)".
export function money(rials, { toman = true } = {}) {
  if (rials === null || rials === undefined || rials === '' || Number.isNaN(Number(rials))) return '—';
  const value = Number(rials);
  const text = t('money.rials', { amount: number(value, { maximumFractionDigits: 0 }) });
  if (!toman) return text;
  return `${text} (${t('money.tomans', { amount: number(value / 10, { maximumFractionDigits: 1 }) })})`;
}

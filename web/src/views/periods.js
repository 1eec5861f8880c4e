// Report periods for the dashboards: Jalali months, quarters (seasons) and fiscal years in Persian, Gregorian
// ones in English, "this month", "last month", "this quarter", "last quarter", "this year", or days typed in
// either calendar. A period is a token kept in the page address (?period=q1405-1) and becomes whole days: the
// API counts them from the first day's midnight to the midnight after the last one in the company's time zone.
// Jalali month lengths come from date-fns-jalali; no calendar arithmetic by hand.

import { getDate as jDate, getMonth as jMonth, getYear as jYear, format as jFormat, newDate as jNewDate } from 'date-fns-jalali';
import { faIR } from 'date-fns-jalali/locale';
import { asciiDigits, digits, locale, t } from '../core/i18n.js';

// The company's time zone ("timezone" setting, Asia/Tehran unless changed): "today" is Tehran's today. The
// server turns days into instants in its own setting; only the choice of "this month" reads this.
export const ZONE = 'Asia/Tehran';
// The fiscal year: Iran's, the Jalali year from 1 Farvardin (Ravand has no setting that moves it).
export const FISCAL_START_MONTH = 0;

const JALALI = {
  name: 'jalali',
  year: (d) => jYear(d),
  month0: (d) => jMonth(d),
  day: (d) => jDate(d),
  make: (y, m0, d) => jNewDate(y, m0, d),
};
const GREGORIAN = {
  name: 'gregorian',
  year: (d) => d.getFullYear(),
  month0: (d) => d.getMonth(),
  day: (d) => d.getDate(),
  make: (y, m0, d) => new Date(y, m0, d),
};

const pad = (n) => String(n).padStart(2, '0');
// a Jalali year is 1300–1499, a Gregorian one 1900–2100 (as the server reads days)
export const calendarOfYear = (year) => (year < 1700 ? JALALI : GREGORIAN);
export const localCalendar = () => (locale() === 'fa' ? JALALI : GREGORIAN);
export const calendarName = () => localCalendar().name;

// today in the company's time zone, as a local-midnight Date (only its day matters)
export function today(now = new Date()) {
  const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(now).split('-').map(Number);
  return new Date(y, m - 1, d);
}

const dayBefore = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1);
// 2026-03-21: the Gregorian day the API reads
export const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
// the day in the reader's calendar, Latin digits (1405-01-01 in Persian): what a list's day filter shows
export const typedDay = (d) => {
  const cal = localCalendar();
  return `${cal.year(d)}-${pad(cal.month0(d) + 1)}-${pad(cal.day(d))}`;
};

// a day as typed (1405-01-01, ۱۴۰۵/۰۱/۰۱, 2026-03-21) → a Date, or null
const latin = (text) => asciiDigits(String(text ?? '').trim());

export function parseDay(text) {
  const found = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(latin(text));
  if (!found) return null;
  const [y, m, d] = found.slice(1).map(Number);
  const cal = calendarOfYear(y);
  const day = cal.make(y, m - 1, d);
  return cal.year(day) === y && cal.month0(day) === m - 1 && cal.day(day) === d ? day : null;
}

function months(cal, y, m0, count) {
  const first = cal.make(y, m0, 1);
  const next = cal.make(y, m0 + count, 1); // date-fns-jalali's newDate carries month 12 into the next year
  return { first, last: dayBefore(next) };
}

const SEASONS = ['spring', 'summer', 'autumn', 'winter'];

function monthName(cal, first) {
  if (cal === JALALI) return digits(jFormat(first, 'MMMM yyyy', { locale: faIR }));
  return new Intl.DateTimeFormat(locale() === 'fa' ? 'fa-IR-u-ca-gregory' : 'en-GB', { month: 'long', year: 'numeric' }).format(first);
}

const yearText = (y) => digits(String(y));

// a token → { token, first, last, label } (first and last are days, both included), or null
export function resolve(token, { from = '', to = '' } = {}) {
  let found;
  if ((found = /^m(\d{4})-(\d{1,2})$/.exec(token || ''))) {
    const [y, m] = [Number(found[1]), Number(found[2])];
    if (m < 1 || m > 12) return null;
    const cal = calendarOfYear(y);
    const range = months(cal, y, m - 1, 1);
    return { token, ...range, label: monthName(cal, range.first), kind: 'month' };
  }
  if ((found = /^q(\d{4})-([1-4])$/.exec(token || ''))) {
    const [y, q] = [Number(found[1]), Number(found[2])];
    const cal = calendarOfYear(y);
    const range = months(cal, y, FISCAL_START_MONTH + (q - 1) * 3, 3);
    const label = cal === JALALI
      ? t('dash.period.quarter_jalali', { season: t(`dash.period.season.${SEASONS[q - 1]}`), ordinal: t(`dash.period.ordinal.${q}`), year: yearText(y) })
      : t('dash.period.quarter_gregorian', { n: digits(String(q)), year: yearText(y), months: `${monthName(cal, range.first).split(' ')[0]}–${monthName(cal, range.last).split(' ')[0]}` });
    return { token, ...range, label, kind: 'quarter' };
  }
  if ((found = /^y(\d{4})$/.exec(token || ''))) {
    const y = Number(found[1]);
    const cal = calendarOfYear(y);
    const range = months(cal, y, FISCAL_START_MONTH, 12);
    return { token, ...range, label: t(cal === JALALI ? 'dash.period.fiscal_year' : 'dash.period.year', { year: yearText(y) }), kind: 'year' };
  }
  if (token === 'custom') {
    const first = parseDay(from);
    const last = parseDay(to);
    if (!from && !to) return null;
    return { token, first, last, from, to, label: t('dash.period.custom'), kind: 'custom' };
  }
  const cal = localCalendar();
  const now = today();
  const [y, m0] = [cal.year(now), cal.month0(now)];
  const quarter0 = Math.floor(m0 / 3) * 3;
  const relative = {
    this_month: () => months(cal, y, m0, 1),
    last_month: () => months(cal, y, m0 - 1, 1),
    this_quarter: () => months(cal, y, quarter0, 3),
    last_quarter: () => months(cal, y, quarter0 - 3, 3),
    this_year: () => months(cal, y, FISCAL_START_MONTH, 12),
  }[token];
  return relative ? { token, ...relative(), label: t(`dash.period.${token}`), kind: 'relative' } : null;
}

// the choices offered: relative ones, the last twelve months, eight quarters and four years of the reader's
// calendar (Jalali in Persian), and days typed
export function choices() {
  const cal = localCalendar();
  const now = today();
  const [y, m0] = [cal.year(now), cal.month0(now)];
  const monthTokens = [];
  for (let i = 0; i < 12; i += 1) {
    const first = cal.make(y, m0 - i, 1);
    monthTokens.push(`m${cal.year(first)}-${pad(cal.month0(first) + 1)}`);
  }
  const quarterTokens = [];
  for (let i = 0; i < 8; i += 1) {
    const first = cal.make(y, Math.floor(m0 / 3) * 3 - 3 * i, 1);
    quarterTokens.push(`q${cal.year(first)}-${Math.floor(cal.month0(first) / 3) + 1}`);
  }
  const yearTokens = [0, 1, 2, 3].map((i) => `y${y - i}`);
  return [
    { group: null, tokens: ['', 'this_month', 'last_month', 'this_quarter', 'last_quarter', 'this_year'] },
    { group: t('dash.period.months'), tokens: monthTokens },
    { group: t('dash.period.quarters'), tokens: quarterTokens },
    { group: t(cal === JALALI ? 'dash.period.fiscal_years' : 'dash.period.years'), tokens: yearTokens },
    { group: null, tokens: ['custom'] },
  ];
}

export const labelOf = (token) => (token === '' ? t('dash.period.all') : token === 'custom' ? t('dash.period.custom') : resolve(token)?.label || token);

// the period's days for the reports (from/to, Gregorian) and for the lists (created_from/created_to, in the
// reader's calendar); a custom period passes the days as typed (the server reads either calendar)
export function reportDays(period) {
  if (!period) return {};
  if (period.kind === 'custom') return { from: period.from || undefined, to: period.to || undefined };
  return { from: isoDay(period.first), to: isoDay(period.last) };
}

export function listDays(first, last) {
  return { created_from: first ? typedDay(first) : undefined, created_to: last ? typedDay(last) : undefined };
}

// a month of a report's series ("1405-03" in Jalali, "2026-03") clipped to the period: its first and last day
export function monthWithin(label, period) {
  const found = /^(\d{4})-(\d{2})$/.exec(String(label));
  if (!found) return null;
  const range = resolve(`m${found[1]}-${found[2]}`);
  if (!range) return null;
  let { first, last } = range;
  if (period?.first && period.first > first) first = period.first;
  if (period?.last && period.last < last) last = period.last;
  return { first, last, label: range.label };
}

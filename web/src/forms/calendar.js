// Jalali calendar arithmetic for the date picker (date-fns-jalali): a month's days, a day's ISO form
// (the Gregorian YYYY-MM-DD that form-js stores), typed days read in either calendar.

import { addMonths, format, getDate, getDaysInMonth, getMonth, getYear, newDate, startOfMonth } from 'date-fns-jalali';
import { faIR } from 'date-fns-jalali/locale';
import { persianDigits, plainNumber } from './numbers.js';

const pad = (n) => String(n).padStart(2, '0');

// A local Date's Gregorian ISO day (form-js stores the local day of the picked date).
export const isoOf = (date) => `${String(date.getFullYear()).padStart(4, '0')}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;

// The local Date of an ISO day ("2026-12-06", or the day part of a date-time), or null.
export function dateOfIso(value) {
  const found = typeof value === 'string' && value.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (!found) return null;
  const date = new Date(Number(found[1]), Number(found[2]) - 1, Number(found[3]));
  return isoOf(date) === found[0] ? date : null;
}

// A Jalali day as a local Date, or null when there is no such day (Esfand 30 in a common year).
export function jalaliDay(year, month, day) {
  const date = newDate(year, month - 1, day);
  return getYear(date) === year && getMonth(date) === month - 1 && getDate(date) === day ? date : null;
}

// "۱۴۰۵/۰۹/۱۵" for a Date.
export const jalaliText = (date) => persianDigits(format(date, 'yyyy/MM/dd'));

// What was typed as a Date: Jalali for years 1300-1499 (۱۴۰۵/۰۹/۱۵), Gregorian otherwise (2026-12-06).
export function typedDay(text) {
  const latin = String(text || '').replace(/[۰-۹٠-٩]/g, (d) => plainNumber(d)).trim();
  const found = latin.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/);
  if (!found) return null;
  const [y, m, d] = found.slice(1).map(Number);
  if (y >= 1300 && y <= 1499) return jalaliDay(y, m, d);
  const date = new Date(y, m - 1, d);
  return date.getFullYear() === y && date.getMonth() === m - 1 && date.getDate() === d ? date : null;
}

// The weeks of the Jalali month holding `date`, Saturday first: rows of Dates (null outside the month).
export function monthWeeks(date) {
  const first = startOfMonth(date);
  const lead = (first.getDay() + 1) % 7; // Saturday is the Persian week's first day
  const cells = Array.from({ length: lead }, () => null);
  const days = getDaysInMonth(first);
  for (let day = 0; day < days; day += 1) cells.push(new Date(first.getFullYear(), first.getMonth(), first.getDate() + day));
  while (cells.length % 7) cells.push(null);
  const weeks = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

export const monthTitle = (date) => persianDigits(format(date, 'MMMM yyyy', { locale: faIR }));
export const shiftMonth = (date, months) => addMonths(startOfMonth(date), months);
export const dayNumber = (date) => persianDigits(getDate(date));
export const sameDay = (a, b) => Boolean(a && b) && isoOf(a) === isoOf(b);
export const WEEKDAYS = ['ش', 'ی', 'د', 'س', 'چ', 'پ', 'ج'];
export const WEEKDAY_NAMES = ['شنبه', 'یکشنبه', 'دوشنبه', 'سه‌شنبه', 'چهارشنبه', 'پنجشنبه', 'جمعه'];
export const fullDay = (date) => persianDigits(format(date, 'EEEE d MMMM yyyy', { locale: faIR }));

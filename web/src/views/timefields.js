// The lists' date-time filters (journal, instances) and typed days (purchases). In English the browser's
// picker; in Persian a text box that takes a Jalali day with an optional time (۱۴۰۵/۰۹/۱۶ ۱۴:۳۰, any digits,
// a Gregorian day too) beside the Jalali month picker, with the moment it means written under it or, when it
// is not a date, why. The server gets an ISO instant either way. Calendar arithmetic: date-fns-jalali
// (forms/calendar.js).

import { h as preact, render as preactRender } from 'preact';
import { h } from '../core/dom.js';
import { asciiDigits, dateTime, locale, t } from '../core/i18n.js';
import { field } from '../core/ui.js';
import { isoOf as isoDayOf, jalaliText, typedDay } from '../forms/calendar.js';
import { JalaliCalendar, calendarIcon } from '../forms/jalali_calendar.js';
import { persianDigits } from '../forms/numbers.js';

const pad = (n) => String(n).padStart(2, '0');

// A typed day (either calendar) with an optional HH:MM as a local Date, or null; `endOfDay` reads a bare day
// as its last minute (an "until" filter takes the whole day in).
function typedMoment(text, endOfDay) {
  const found = asciiDigits(text).trim().match(/^(\S+?)(?:[\sT،,]+(\d{1,2})[:٫.](\d{2}))?$/);
  const day = found ? typedDay(found[1]) : null;
  if (!day) return null;
  if (found[2] === undefined) return endOfDay ? new Date(day.getFullYear(), day.getMonth(), day.getDate(), 23, 59, 59, 999) : day;
  const [hour, minute] = [Number(found[2]), Number(found[3])];
  if (hour > 23 || minute > 59) return null;
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), hour, minute);
}

function asDate(value, endOfDay = false) {
  if (!value) return null;
  const typed = typedMoment(value, endOfDay);
  if (typed) return typed;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

// The ISO instant of a filter's value (typed Jalali or Gregorian, the browser's picker's, or ISO), or ''.
export function isoOf(value, endOfDay = false) {
  const date = asDate(value, endOfDay);
  return date ? date.toISOString() : '';
}

// A typed day (Jalali for years 1300-1499, else Gregorian; any digits; - or /) as an ISO day, or null.
export function isoDay(text) {
  const day = typedDay(text);
  return day ? isoDayOf(day) : null;
}

const timeOf = (date) => `${pad(date.getHours())}:${pad(date.getMinutes())}`;
const pickerValue = (date) => (date ? `${isoDayOf(date)}T${timeOf(date)}` : '');
const jalaliValue = (date) => {
  if (!date) return '';
  const time = timeOf(date);
  return time === '00:00' || time === '23:59' ? jalaliText(date) : `${jalaliText(date)} ${persianDigits(time)}`;
};

function jalaliField(label, name, initial, endOfDay) {
  const input = h('input', {
    type: 'text', name, class: 'input', value: jalaliValue(asDate(initial, endOfDay)), autocomplete: 'off',
    inputmode: 'numeric', placeholder: '۱۴۰۵/۰۹/۱۶ ۱۴:۳۰', 'data-calendar': 'jalali', 'data-testid': `${name}-date`,
  });
  const preview = h('small', { class: 'muted date-preview', 'aria-live': 'polite', 'data-testid': `${name}-preview` });
  const popup = h('div');
  const button = h('button', {
    type: 'button', class: 'btn btn-ghost date-filter-open', 'aria-label': t('forms.date.open'), 'aria-expanded': 'false',
    'data-testid': `${name}-calendar`,
  });
  preactRender(calendarIcon(), button);
  const close = (focusButton) => {
    preactRender(null, popup);
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  };
  const show = () => {
    const text = input.value.trim();
    const date = asDate(text, endOfDay);
    preview.classList.toggle('field-error', Boolean(text && !date));
    preview.textContent = !text ? '' : date ? dateTime(date.toISOString()) : t('forms.error.date');
    input.setAttribute('aria-invalid', text && !date ? 'true' : 'false');
  };
  const pick = (day) => {
    const time = asciiDigits(input.value).match(/\s(\d{1,2}[:٫.]\d{2})$/);
    input.value = time ? `${jalaliText(day)} ${persianDigits(time[1])}` : jalaliText(day);
    show();
    close(true);
  };
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-expanded') === 'true') { close(false); return; }
    button.setAttribute('aria-expanded', 'true');
    const day = asDate(input.value.trim(), endOfDay);
    preactRender(preact(JalaliCalendar, { selected: day, onPick: pick, onClose: close, id: `${name}-calendar` }), popup);
  });
  input.addEventListener('input', show);
  show();
  const holder = h('div', { class: 'date-filter' }, h('div', { class: 'row date-filter-row' }, input, button), popup);
  holder.addEventListener('focusout', (event) => {
    if (!event.relatedTarget || !holder.contains(event.relatedTarget)) close(false);
  });
  const built = field(label, holder, preview);
  built.querySelector('label').setAttribute('for', input.id = `f-${name}`);
  return built;
}

// A date-time filter; `endOfDay` for an "until" filter (a day alone means up to its end).
export function dateField(label, name, initial, { endOfDay = false } = {}) {
  if (locale() === 'fa') return jalaliField(label, name, initial, endOfDay);
  const preview = h('small', { class: 'muted date-preview', 'data-testid': `${name}-preview` }, initial ? dateTime(initial) : '');
  const input = h('input', {
    type: 'datetime-local', name, class: 'input', value: pickerValue(asDate(initial, endOfDay)), dir: 'ltr',
    oninput: (event) => { preview.textContent = event.target.value ? dateTime(event.target.value) : ''; },
  });
  return field(label, input, preview);
}

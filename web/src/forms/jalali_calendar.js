// The Jalali month picker (preact): Persian month names and digits, Saturday first, today marked, Escape
// closes it. Task forms' date fields (forms/fields.js) and the lists' date filters
// (views/timefields.js) open it; date-fns-jalali does the calendar arithmetic (forms/calendar.js).

import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../core/i18n.js';
import '../styles/calendar.css';
import { WEEKDAY_NAMES, WEEKDAYS, dayNumber, fullDay, isoOf, monthTitle, monthWeeks, sameDay, shiftMonth } from './calendar.js';

const SVG = 'http://www.w3.org/2000/svg';
export const calendarIcon = () => h('svg', { xmlns: SVG, width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false' },
  h('path', { fill: 'currentColor', d: 'M5 1h1v2h4V1h1v2h2.5A1.5 1.5 0 0 1 15 4.5v9a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 13.5v-9A1.5 1.5 0 0 1 2.5 3H5V1Zm-2.5 3a.5.5 0 0 0-.5.5V6h12V4.5a.5.5 0 0 0-.5-.5h-11ZM14 7H2v6.5a.5.5 0 0 0 .5.5h11a.5.5 0 0 0 .5-.5V7Zm-10 1.5h2v2H4v-2Zm3 0h2v2H7v-2Zm3 0h2v2h-2v-2Z' }));

export function JalaliCalendar({ selected, onPick, onClose, id }) {
  const [month, setMonth] = useState(() => shiftMonth(selected || new Date(), 0));
  const today = new Date();
  const grid = useRef();
  useEffect(() => { (grid.current?.querySelector('[aria-selected=true]') || grid.current?.querySelector('[data-today]') || grid.current?.querySelector('button.ravand-day'))?.focus(); }, []);
  const onKeyDown = (event) => { if (event.key === 'Escape') { event.preventDefault(); onClose(true); } };
  return h('div', { class: 'ravand-calendar', id, role: 'dialog', 'aria-label': t('forms.date.pick'), onKeyDown, 'data-testid': 'jalali-calendar' },
    h('div', { class: 'ravand-calendar-head' },
      h('button', { type: 'button', class: 'ravand-month-step', 'aria-label': t('forms.date.previous_month'), 'data-testid': 'previous-month', onClick: () => setMonth(shiftMonth(month, -1)) }, '›'),
      h('strong', { 'aria-live': 'polite', 'data-testid': 'calendar-month' }, monthTitle(month)),
      h('button', { type: 'button', class: 'ravand-month-step', 'aria-label': t('forms.date.next_month'), 'data-testid': 'next-month', onClick: () => setMonth(shiftMonth(month, 1)) }, '‹')),
    h('table', { class: 'ravand-month', role: 'grid', ref: grid },
      h('thead', {}, h('tr', {}, WEEKDAYS.map((d, i) => h('th', { scope: 'col', abbr: WEEKDAY_NAMES[i] }, d)))),
      h('tbody', {}, monthWeeks(month).map((week) => h('tr', {}, week.map((day) => h('td', {}, day ? h('button', {
        type: 'button', class: `ravand-day${sameDay(day, selected) ? ' is-selected' : ''}${sameDay(day, today) ? ' is-today' : ''}`,
        'aria-selected': sameDay(day, selected) ? 'true' : undefined, 'data-today': sameDay(day, today) ? '' : undefined,
        'aria-label': fullDay(day), 'data-iso': isoOf(day), onClick: () => onPick(day),
      }, dayNumber(day)) : null)))))),
    h('div', { class: 'ravand-calendar-foot' },
      h('button', { type: 'button', class: 'ravand-today', onClick: () => onPick(new Date(today.getFullYear(), today.getMonth(), today.getDate())) }, t('forms.date.today'))));
}

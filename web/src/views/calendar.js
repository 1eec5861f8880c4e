// The calendar (GET /activities/calendar): my own, or my team's, activities and tasks by their due time (or,
// undated, when done) as a month, a week or a day, in the reader's calendar: Jalali months and a Saturday-first
// week in Persian (date-fns-jalali through views/periods.js), Gregorian and Monday-first in English. Days are
// the company's (Asia/Tehran); each entry links to its record or task, what is overdue is marked. View, day and
// whose are kept in the page address.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { digits, locale, t } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { errorBox, loading, pageHeader } from '../core/ui.js';
import { isoDay, localCalendar, today, ZONE } from './periods.js';
import { recordTitle } from './tasklist.js';

const VIEWS = ['month', 'week', 'day'];
const DAY_OF = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const addDays = (d, n) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
const weekStart = (d) => addDays(d, -((d.getDay() + (locale() === 'fa' ? 1 : 6)) % 7)); // Saturday, or Monday

function parse(text) {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
  return found ? new Date(Number(found[1]), Number(found[2]) - 1, Number(found[3])) : null;
}

function monthOf(anchor) {
  const cal = localCalendar();
  const first = cal.make(cal.year(anchor), cal.month0(anchor), 1);
  const next = cal.make(cal.year(anchor), cal.month0(anchor) + 1, 1);
  return { first, last: addDays(next, -1) };
}

function period(view, anchor) {
  if (view === 'day') return { first: anchor, last: anchor };
  if (view === 'week') { const first = weekStart(anchor); return { first, last: addDays(first, 6) }; }
  return monthOf(anchor);
}

const formatter = (options) => new Intl.DateTimeFormat(locale() === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB', options);

function title(view, { first, last }) {
  if (view === 'month') return formatter({ month: 'long', year: 'numeric' }).format(first);
  if (view === 'day') return formatter({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(first);
  const day = formatter({ day: 'numeric', month: 'long' });
  return `${day.format(first)} – ${formatter({ day: 'numeric', month: 'long', year: 'numeric' }).format(last)}`;
}

const time = (iso) => formatter({ hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(new Date(iso));

function entry(item) {
  const when = item.due_at || item.done_at;
  const label = item.subject || (item.source === 'lead_call' ? t('activities.lead_call') : t(`activities.kind.${item.kind}`));
  return h('li', { class: ['cal-entry', `activity-${item.kind}`, item.overdue ? 'is-overdue' : null, item.done_at ? 'is-done' : null],
    'data-testid': 'calendar-activity' },
  h('span', { class: 'cal-time muted' }, time(when)), ' ',
  h('a', { href: item.record.url, title: item.record.title }, h('bdi', {}, label)),
  item.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('activities.overdue'))] : null,
  h('div', { class: 'cal-record muted' }, recordTitle(item.record.title)));
}

function taskEntry(task) {
  return h('li', { class: ['cal-entry', 'cal-task', task.overdue ? 'is-overdue' : null], 'data-testid': 'calendar-task' },
    h('span', { class: 'cal-time muted' }, time(task.due)), ' ',
    h('a', { href: `/app/tasks/${encodeURIComponent(task.id)}` }, h('bdi', {}, task.name)),
    h('div', { class: 'cal-record muted' }, task.process_name));
}

function byDay(found) {
  const days = new Map();
  const put = (iso, node) => { if (!days.has(iso)) days.set(iso, []); days.get(iso).push(node); };
  for (const item of found.activities) put(DAY_OF.format(new Date(item.due_at || item.done_at)), entry(item));
  for (const task of found.tasks) put(DAY_OF.format(new Date(task.due)), taskEntry(task));
  return days;
}

function dayCell(day, entries, { muted = false } = {}) {
  const cal = localCalendar();
  const iso = isoDay(day);
  return h('td', { class: ['cal-day', iso === isoDay(today()) ? 'is-today' : null, muted ? 'is-outside' : null], 'data-day': iso },
    h('div', { class: 'cal-number' }, digits(String(cal.day(day)))),
    entries?.length ? h('ol', { class: 'plain cal-entries' }, entries) : null);
}

function weekdayNames(first) {
  const name = formatter({ weekday: 'short' });
  return Array.from({ length: 7 }, (_, i) => name.format(addDays(first, i)));
}

function grid(view, range, days) {
  const start = weekStart(range.first);
  const weeks = view === 'week' ? 1 : Math.ceil(((range.last - start) / 86400000 + 1) / 7);
  return h('table', { class: 'calendar-grid', 'data-testid': `calendar-${view}` },
    h('thead', {}, h('tr', {}, weekdayNames(start).map((n) => h('th', { scope: 'col' }, n)))),
    h('tbody', {}, Array.from({ length: weeks }, (_, w) => h('tr', {}, Array.from({ length: 7 }, (__, d) => {
      const day = addDays(start, w * 7 + d);
      const outside = day < range.first || day > range.last;
      return dayCell(day, outside ? null : days.get(isoDay(day)), { muted: outside });
    })))));
}

export async function render({ root, query }) {
  let view = VIEWS.includes(query.view) ? query.view : 'month';
  let anchor = parse(query.day) || today();
  let scope = query.scope === 'team' ? 'team' : 'mine';
  const heading = h('h2', { class: 'cal-title', 'data-testid': 'calendar-title' });
  const body = h('div', { 'data-testid': 'calendar' }, loading());
  const viewSelect = h('select', { class: 'input', 'aria-label': t('calendar.view'), 'data-testid': 'calendar-view' },
    VIEWS.map((v) => h('option', { value: v, selected: v === view }, t(`calendar.${v}`))));
  const scopeSelect = h('select', { class: 'input', 'aria-label': t('my_day.scope'), 'data-testid': 'calendar-scope' },
    h('option', { value: 'mine', selected: scope === 'mine' }, t('my_day.mine')),
    h('option', { value: 'team', selected: scope === 'team' }, t('my_day.team')));
  const step = (sign) => {
    if (view === 'day') anchor = addDays(anchor, sign);
    else if (view === 'week') anchor = addDays(anchor, 7 * sign);
    else { const cal = localCalendar(); anchor = cal.make(cal.year(anchor), cal.month0(anchor) + sign, 1); }
    load();
  };
  const button = (label, testid, onclick) => h('button', { type: 'button', class: 'btn', 'data-testid': testid, onclick }, label);
  replace(root, pageHeader(t('calendar.title'),
    button(t('calendar.previous'), 'calendar-previous', () => step(-1)),
    button(t('my_day.today'), 'calendar-today', () => { anchor = today(); load(); }),
    button(t('calendar.next'), 'calendar-next', () => step(1)), viewSelect, scopeSelect), heading, body);
  viewSelect.addEventListener('change', () => { view = viewSelect.value; load(); });
  scopeSelect.addEventListener('change', () => { scope = scopeSelect.value; load(); });

  async function load() {
    const range = period(view, anchor);
    setQuery({ view: view === 'month' ? '' : view, day: isoDay(anchor), scope: scope === 'team' ? 'team' : '' });
    heading.textContent = title(view, range);
    try {
      const found = await api.get('/activities/calendar', { start: isoDay(range.first), end: isoDay(range.last), scope });
      const days = byDay(found);
      replace(body, view === 'day'
        ? h('ol', { class: 'plain cal-entries cal-day-list' }, days.get(isoDay(range.first)) || h('li', { class: 'muted' }, t('my_day.none')))
        : grid(view, range, days));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  await load();
}

// The calendar (GET /activities/calendar): my own, or my team's, activities and tasks by their due time (or,
// undated, when done) as a month, a week or a day, in the reader's calendar: Jalali months and a Saturday-first
// week in Persian (date-fns-jalali through views/periods.js), Gregorian and Monday-first in English. Days are
// the company's (Asia/Tehran); each entry links to its record or task, what is overdue is marked. View, day and
// whose are kept in the page address.
// An open activity moves to another day (PATCH /activities/{id}, due_at and a reminder by as much): dragged onto
// a day of the month or week grid, or, from the keyboard, with its "Move…" button and a typed day. It keeps its
// time of day in the company's zone; the server decides who may (403, said in the reader's language). Tasks'
// due dates belong to their process and stay put.

import '../styles/calendar.css';
import { api } from '../core/api.js';
import { inLanguage } from '../core/bilingual.js';
import { h, replace } from '../core/dom.js';
import { digits, locale, t } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { fullDay } from '../forms/calendar.js';
import { dialog, errorBox, field, loading, pageHeader, toast } from '../core/ui.js';
import { isoDay, localCalendar, parseDay, today, typedDay, ZONE } from './periods.js';
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
  if (view === 'day') return longDay(first);
  const day = formatter({ day: 'numeric', month: 'long' });
  return `${day.format(first)} – ${formatter({ day: 'numeric', month: 'long', year: 'numeric' }).format(last)}`;
}

const time = (iso) => formatter({ hour: '2-digit', minute: '2-digit', timeZone: ZONE }).format(new Date(iso));
// "چهارشنبه ۱۸ آذر ۱۴۰۵" (date-fns-jalali; Intl writes "۱۴۰۵ آذر ۱۸, چهارشنبه"), "Wednesday 9 December 2026"
const longDay = (day) => (locale() === 'fa' ? fullDay(day)
  : formatter({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(day));

// An instant's wall clock in the company's zone, and the instant of a wall clock there (two rounds of the
// zone's offset: right across a change of offset too).
const WALL = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit',
  day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
function wall(ms) {
  const parts = Object.fromEntries(WALL.formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}
const offsetAt = (ms) => wall(ms) - Math.floor(ms / 1000) * 1000;
function instantOf(wallMs) {
  const guess = wallMs - offsetAt(wallMs);
  return wallMs - offsetAt(guess);
}

// The same time of day as `iso` (the company's), on `day` (a local-midnight Date, as the grid's days are).
function sameTimeOn(iso, day) {
  const from = new Date(iso).getTime();
  const clock = (wall(from) % 86400000 + 86400000) % 86400000 + (from % 1000);
  return new Date(instantOf(Date.UTC(day.getFullYear(), day.getMonth(), day.getDate()) + clock));
}

const labelOf = (item) => item.subject || (item.source === 'lead_call' ? t('activities.lead_call') : t(`activities.kind.${item.kind}`));
// an open activity with a due time moves; a done one is history, a task's due date its process's
const movable = (item) => Boolean(item.due_at) && !item.done_at;

function problemText(error) {
  const first = Object.values(error.errors || {})[0];
  return inLanguage([].concat(first || [])[0] || error.detail || error.message || String(error), locale());
}

// Send the move: the due time to `day` at the same time of day, a reminder by as much. Then say so (or the
// server's refusal) and show the period again.
async function moveTo(item, day, reload) {
  const due = sameTimeOn(item.due_at, day);
  const shift = due.getTime() - new Date(item.due_at).getTime();
  if (!shift) return;
  const body = { due_at: due.toISOString() };
  if (item.remind_at) body.remind_at = new Date(new Date(item.remind_at).getTime() + shift).toISOString();
  try {
    await api.patch(`/activities/${item.id}`, body);
    toast(t('calendar.moved', { name: labelOf(item), day: longDay(day) }), 'ok');
  } catch (error) {
    toast(problemText(error), 'error');
  }
  await reload();
}

// The keyboard's way: a day typed in the reader's calendar (either calendar, any digits; the English browser's
// date picker), its name written under it.
async function askDay(item, reload) {
  const current = parse(DAY_OF.format(new Date(item.due_at)));
  const fa = locale() === 'fa';
  const example = fa ? digits(typedDay(current).replaceAll('-', '/')) : isoDay(current);
  const input = h('input', fa
    ? { type: 'text', name: 'day', class: 'input', value: example, autocomplete: 'off', inputmode: 'numeric', required: true,
      'data-testid': 'calendar-move-day' }
    : { type: 'date', name: 'day', class: 'input', value: example, required: true, dir: 'ltr', 'data-testid': 'calendar-move-day' });
  const preview = h('small', { class: 'muted cal-move-preview', 'aria-live': 'polite', 'data-testid': 'calendar-move-preview' });
  const read = () => (fa ? parseDay(input.value) : parse(input.value));
  const show = () => {
    const day = read();
    input.setCustomValidity(day ? '' : t('calendar.move_invalid', { example }));
    preview.textContent = day ? longDay(day) : t('calendar.move_invalid', { example });
  };
  input.addEventListener('input', show);
  show();
  const hint = h('small', { class: 'muted' }, t('calendar.move_keeps_time', { time: time(item.due_at) }));
  const answer = await dialog(t('calendar.move_title', { name: labelOf(item) }),
    [field(t('calendar.move_day'), input, h('div', { class: 'cal-move-notes' }, preview, hint))],
    { submit: t('calendar.move_submit') });
  const day = answer && read();
  if (day) await moveTo(item, day, reload);
}

function entry(item, moves) {
  const when = item.due_at || item.done_at;
  const label = labelOf(item);
  const canMove = moves && movable(item) && moves.may(item);
  const li = h('li', { class: ['cal-entry', `activity-${item.kind}`, item.overdue ? 'is-overdue' : null, item.done_at ? 'is-done' : null,
    canMove ? 'is-movable' : null],
  'data-testid': 'calendar-activity', 'data-activity-id': String(item.id), 'data-owner': item.owner,
  draggable: canMove ? 'true' : null, title: canMove ? t('calendar.drag_hint') : null },
  h('span', { class: 'cal-time muted' }, time(when)), ' ',
  h('a', { href: item.record.url, title: item.record.title, draggable: canMove ? 'false' : null }, h('bdi', {}, label)),
  item.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('activities.overdue'))] : null,
  h('div', { class: 'cal-foot' },
    h('span', { class: 'cal-record muted' }, recordTitle(item.record.title)),
    canMove ? h('button', { type: 'button', class: 'btn btn-ghost btn-small cal-move', 'data-testid': 'calendar-move',
      'aria-label': t('calendar.move_label', { name: label }), onclick: () => askDay(item, moves.reload) }, t('calendar.move')) : null));
  if (canMove) {
    li.addEventListener('dragstart', (event) => {
      moves.dragging = item;
      event.dataTransfer.effectAllowed = 'move';
      event.dataTransfer.setData('text/plain', String(item.id));
      li.classList.add('is-dragging');
    });
    li.addEventListener('dragend', () => { li.classList.remove('is-dragging'); moves.dragging = null; });
  }
  return li;
}

function taskEntry(task) {
  return h('li', { class: ['cal-entry', 'cal-task', task.overdue ? 'is-overdue' : null], 'data-testid': 'calendar-task' },
    h('span', { class: 'cal-time muted' }, time(task.due)), ' ',
    h('a', { href: `/app/tasks/${encodeURIComponent(task.id)}` }, h('bdi', {}, task.name)),
    h('div', { class: 'cal-record muted' }, task.process_name));
}

function byDay(found, moves) {
  const days = new Map();
  const put = (iso, node) => { if (!days.has(iso)) days.set(iso, []); days.get(iso).push(node); };
  for (const item of found.activities) put(DAY_OF.format(new Date(item.due_at || item.done_at)), entry(item, moves));
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

// Drops on the grid's days: the dragged activity (moves.dragging) to the day under it.
function droppable(table, moves) {
  const cellOf = (event) => (moves.dragging ? event.target.closest?.('td[data-day]') : null);
  let over = null;
  const mark = (cell) => {
    if (over === cell) return;
    over?.classList.remove('is-drop-target');
    over = cell;
    over?.classList.add('is-drop-target');
  };
  table.addEventListener('dragover', (event) => {
    const cell = cellOf(event);
    if (!cell) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    mark(cell);
  });
  table.addEventListener('dragleave', (event) => { if (!table.contains(event.relatedTarget)) mark(null); });
  table.addEventListener('drop', (event) => {
    const cell = cellOf(event);
    const item = moves.dragging;
    mark(null);
    if (!cell) return;
    event.preventDefault();
    moves.dragging = null;
    const day = parse(cell.dataset.day);
    if (day && DAY_OF.format(new Date(item.due_at)) !== cell.dataset.day) moveTo(item, day, moves.reload);
  });
  return table;
}

function grid(view, range, days, moves) {
  const start = weekStart(range.first);
  const weeks = view === 'week' ? 1 : Math.ceil(((range.last - start) / 86400000 + 1) / 7);
  return droppable(h('table', { class: 'calendar-grid', 'data-testid': `calendar-${view}` },
    h('thead', {}, h('tr', {}, weekdayNames(start).map((n) => h('th', { scope: 'col' }, n)))),
    h('tbody', {}, Array.from({ length: weeks }, (_, w) => h('tr', {}, Array.from({ length: 7 }, (__, d) => {
      const day = addDays(start, w * 7 + d);
      const outside = day < range.first || day > range.last;
      return dayCell(day, outside ? null : days.get(isoDay(day)), { muted: outside });
    }))))), moves);
}

export async function render({ root, query, me }) {
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

  // who may move an activity, as the server decides it: its owner, whoever logged it, a manager, an administrator
  const may = (item) => me.role === 'admin' || (me.groups || []).includes('managers')
    || [item.owner, item.created_by].includes(me.username);
  const moves = { dragging: null, reload: () => load(), may };

  async function load() {
    const range = period(view, anchor);
    setQuery({ view: view === 'month' ? '' : view, day: isoDay(anchor), scope: scope === 'team' ? 'team' : '' });
    heading.textContent = title(view, range);
    try {
      const found = await api.get('/activities/calendar', { start: isoDay(range.first), end: isoDay(range.last), scope });
      const days = byDay(found, moves);
      replace(body, view === 'day'
        ? h('ol', { class: 'plain cal-entries cal-day-list' }, days.get(isoDay(range.first)) || h('li', { class: 'muted' }, t('my_day.none')))
        : grid(view, range, days, moves));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  await load();
}

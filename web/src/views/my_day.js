// My day (GET /activities/day): one day of my own, or my team's, activities and tasks: what is overdue
// (marked), what is due that day, what was done that day, and the open tasks assigned to us due by its end;
// each activity names its record and links to it. The day moves a day at a time or is typed (Jalali in
// Persian); the choices are kept in the page address.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { date, dateTime, number, t } from '../core/i18n.js';
import { setQuery } from '../core/router.js';
import { empty, errorBox, loading, pageHeader } from '../core/ui.js';
import { activityItem } from './activities.js';
import { personText } from '../core/people.js';

const pad = (n) => String(n).padStart(2, '0');
const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

function shift(day, days) {
  const [y, m, d] = day.split('-').map(Number);
  return isoDay(new Date(y, m - 1, d + days));
}

function group(title, testid, items, render) {
  return h('section', { class: 'card day-group', 'data-testid': testid },
    h('h2', {}, title, ' ', h('span', { class: 'badge' }, number(items.length))),
    items.length ? h('ol', { class: 'plain activities' }, items.map(render)) : h('p', { class: 'muted' }, t('my_day.none')));
}

function taskItem(task) {
  return h('li', { class: ['activity', task.overdue ? 'is-overdue' : null], 'data-testid': 'day-task' },
    h('div', { class: 'activity-head' },
      h('a', { href: `/app/tasks/${encodeURIComponent(task.id)}` }, h('bdi', {}, task.name)),
      ' · ', h('span', { class: 'muted' }, task.process_name),
      task.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('activities.overdue'))] : null),
    h('div', { class: 'activity-meta muted' }, task.due ? t('activities.due', { when: dateTime(task.due) }) : '', task.assignee ? [' · ', personText(task.assignee)] : null));
}

export async function render({ root, query }) {
  let day = query.day || null;
  let scope = query.scope === 'team' ? 'team' : 'mine';
  const results = h('div', { 'data-testid': 'my-day' }, loading());
  const heading = h('p', { class: 'muted', 'data-testid': 'my-day-date' });
  const scopeSelect = h('select', { class: 'input', 'data-testid': 'my-day-scope', 'aria-label': t('my_day.scope') },
    h('option', { value: 'mine', selected: scope === 'mine' }, t('my_day.mine')),
    h('option', { value: 'team', selected: scope === 'team' }, t('my_day.team')));
  const previous = h('button', { type: 'button', class: 'btn', 'data-testid': 'my-day-previous' }, t('my_day.previous'));
  const today = h('button', { type: 'button', class: 'btn', 'data-testid': 'my-day-today' }, t('my_day.today'));
  const next = h('button', { type: 'button', class: 'btn', 'data-testid': 'my-day-next' }, t('my_day.next'));
  replace(root, pageHeader(t('my_day.title'), previous, today, next, scopeSelect), heading, results);

  async function load() {
    setQuery({ day: day || '', scope: scope === 'team' ? 'team' : '' });
    try {
      const found = await api.get('/activities/day', { day: day || undefined, scope });
      day = found.day;
      heading.textContent = date(`${found.day}T00:00:00`);
      const reload = () => load();
      const activities = (item) => activityItem(item, { onDone: reload, record: item.record });
      const total = found.overdue.length + found.due.length + found.done.length + found.tasks.length;
      replace(results,
        total ? null : empty(t('my_day.empty')),
        group(t('my_day.overdue'), 'my-day-overdue', found.overdue, activities),
        group(t('my_day.due'), 'my-day-due', found.due, activities),
        group(t('my_day.tasks'), 'my-day-tasks', found.tasks, taskItem),
        group(t('my_day.done'), 'my-day-done', found.done, activities));
    } catch (error) {
      replace(results, errorBox(error));
    }
  }
  previous.addEventListener('click', () => { day = shift(day || isoDay(new Date()), -1); load(); });
  next.addEventListener('click', () => { day = shift(day || isoDay(new Date()), 1); load(); });
  today.addEventListener('click', () => { day = null; load(); });
  scopeSelect.addEventListener('change', () => { scope = scopeSelect.value; load(); });
  await load();
}

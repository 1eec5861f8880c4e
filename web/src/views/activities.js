// A record's activities (GET|POST /records/{type}/{id}/activities, PATCH /activities/{id}): calls, meetings,
// notes and to-dos, the open ones first with what is overdue marked, each with its words (kind, direction,
// outcome), when, whose and its notes in their own direction; a form that logs one (its fields follow the
// kind; due time and reminder in the page's calendar, Jalali in Persian) with the server's refusals in place;
// "done" on the open ones. `activityItem` also draws the rows of the day page (views/my_day.js).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo, showProblem } from '../core/fields.js';
import { dateTime, locale, number, t } from '../core/i18n.js';
import { errorBox, loading, pager, setBusy, toast } from '../core/ui.js';
import { recordTitle } from './tasklist.js';
import { dateField, isoOf } from './timefields.js';
import { personText } from '../core/people.js';

const KINDS = ['call', 'meeting', 'note', 'todo'];
const FOR_KIND = { direction: ['call'], outcome: ['call'], duration_minutes: ['call', 'meeting'], attendees: ['meeting'], place: ['meeting'] };

function subjectOf(item) {
  if (item.subject) return h('span', { dir: 'auto' }, item.subject);
  if (item.source === 'lead_call') return t('activities.lead_call');
  return t(`activities.kind.${item.kind}`);
}

function facts(item) {
  const parts = [
    item.direction ? t(`activities.direction.${item.direction}`) : null,
    item.outcome ? t(`activities.outcome.${item.outcome}`) : null,
    item.duration_minutes !== null && item.duration_minutes !== undefined ? t('activities.minutes', { n: number(item.duration_minutes) }) : null,
    item.place ? h('span', { dir: 'auto' }, item.place) : null,
    item.attendees?.length ? h('span', { dir: 'auto' }, item.attendees.join(locale() === 'fa' ? '، ' : ', ')) : null,
  ].filter(Boolean);
  return parts.flatMap((part, i) => (i ? [' · ', part] : [part]));
}

// One activity: its kind and subject, when (done, or due), whose, its facts and notes; `done` draws the button.
export function activityItem(item, { onDone, record } = {}) {
  const open = !item.done_at;
  const when = open
    ? (item.due_at ? t('activities.due', { when: dateTime(item.due_at) }) : t('activities.open'))
    : t('activities.done_at', { when: dateTime(item.done_at) });
  const doneButton = open && onDone ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'activity-done' }, t('activities.mark_done')) : null;
  doneButton?.addEventListener('click', async () => {
    setBusy(doneButton, true);
    try {
      await api.patch(`/activities/${item.id}`, { done: true });
      toast(t('activities.marked_done'), 'ok');
      onDone();
    } catch (error) {
      setBusy(doneButton, false);
      toast(error.message, 'error');
    }
  });
  return h('li', { class: ['activity', `activity-${item.kind}`, item.overdue ? 'is-overdue' : null, open ? 'is-open' : 'is-done'],
    'data-testid': 'activity', 'data-kind': item.kind, 'data-id': item.id },
  h('div', { class: 'activity-head' },
    h('span', { class: 'badge' }, t(`activities.kind.${item.kind}`)), ' ',
    h('strong', { class: 'activity-subject' }, subjectOf(item)),
    item.overdue ? [' ', h('span', { class: 'badge badge-danger', 'data-testid': 'activity-overdue' }, t('activities.overdue'))] : null,
    record ? [' · ', h('a', { href: record.url, 'data-testid': 'activity-record' }, `${record.label?.[locale()] || record.label?.en || ''}: `, recordTitle(record.title))] : null),
  h('div', { class: 'activity-meta muted' }, when, ' · ', personText(item.owner), facts(item).length ? [' · ', facts(item)] : null),
  item.notes ? h('p', { class: 'activity-notes', dir: 'auto' }, item.notes) : null,
  doneButton);
}

function kindField(form) {
  const select = h('select', { class: 'input', 'data-testid': 'activity-kind' },
    KINDS.map((kind) => h('option', { value: kind }, t(`activities.kind.${kind}`))));
  const follow = () => {
    for (const [name, kinds] of Object.entries(FOR_KIND)) {
      const field = form.querySelector(`[data-field="${name}"]`);
      const shown = kinds.includes(select.value);
      field.hidden = !shown;
      for (const control of field.querySelectorAll('input, select, textarea')) control.disabled = !shown;
    }
    form.querySelector('[data-field=subject] label').firstChild.textContent = t(select.value === 'note' ? 'activities.subject_optional' : 'activities.subject');
  };
  select.addEventListener('change', follow);
  return { control: select, follow };
}

// A date-time box (Jalali in Persian) with the slot the server's refusals go to.
function momentField(name, label) {
  const built = dateField(label, name, '', {});
  built.dataset.field = name;
  built.append(h('div', { class: 'field-error', 'data-error-for': name, hidden: true }));
  return built;
}

function logForm(type, id, onLogged) {
  const form = h('form', { class: 'activity-form', novalidate: true, 'data-testid': 'activity-form' });
  const kind = kindField(form);
  const alertBox = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'activity-submit' }, t('activities.log'));
  form.append(
    h('div', { class: 'form-grid' },
      formField('kind', t('activities.kind_label'), kind.control),
      formField('subject', t('activities.subject'), h('input', { class: 'input', maxlength: 200, dir: 'auto', 'data-testid': 'activity-subject' })),
      formField('direction', t('activities.direction_label'), h('select', { class: 'input' },
        ['outbound', 'inbound'].map((d) => h('option', { value: d }, t(`activities.direction.${d}`))))),
      formField('outcome', t('activities.outcome_label'), h('select', { class: 'input', 'data-testid': 'activity-outcome' },
        h('option', { value: '' }, '—'),
        ['reached', 'no_answer', 'busy', 'voicemail', 'wrong_number'].map((o) => h('option', { value: o }, t(`activities.outcome.${o}`))))),
      formField('duration_minutes', t('activities.duration'), h('input', { class: 'input', inputmode: 'numeric', 'data-testid': 'activity-duration' })),
      formField('attendees', t('activities.attendees'), h('input', { class: 'input', dir: 'auto' }), { hint: t('activities.attendees_hint') }),
      formField('place', t('activities.place'), h('input', { class: 'input', dir: 'auto' })),
      momentField('due_at', t('activities.due_label')),
      momentField('remind_at', t('activities.remind_label'))),
    formField('notes', t('activities.notes'), h('textarea', { class: 'input', rows: 3, dir: 'auto', 'data-testid': 'activity-notes' })),
    alertBox, h('div', { class: 'row end' }, submit));
  kind.follow();
  sendsTo(form, {
    alertBox, submit,
    shown: (f, box, error) => showProblem(f, box, error, { prefix: 'activities.error' }),
    send: (values) => {
      const body = { ...values };
      for (const name of ['due_at', 'remind_at']) if (body[name]) body[name] = isoOf(body[name]) || body[name];
      return api.post(`/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/activities`, body);
    },
    done: () => {
      setBusy(submit, false);
      form.reset();
      kind.follow();
      toast(t('activities.logged'), 'ok');
      onLogged();
    },
  });
  return form;
}

// The activities of a record as a section of its page (for the roles that work records).
export function activitiesSection(type, id, { limit = 20 } = {}) {
  const body = h('div', {}, loading());
  const formBox = h('div', { hidden: true });
  const toggle = h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'activity-new' }, t('activities.new'));
  const section = h('section', { class: 'card record-activities', id: 'activities', 'data-testid': 'record-activities' },
    h('div', { class: 'row between' }, h('h2', {}, t('activities.title')), toggle), formBox, body);
  async function show(offset = 0) {
    let found;
    try {
      found = await api.get(`/records/${encodeURIComponent(type)}/${encodeURIComponent(id)}/activities`, { limit, offset });
    } catch (error) {
      replace(body, errorBox(error));
      return;
    }
    replace(body,
      found.items.length
        ? h('ol', { class: 'plain activities', 'data-testid': 'activity-list' }, found.items.map((item) => activityItem(item, { onDone: () => show(offset) })))
        : h('p', { class: 'muted', 'data-testid': 'activities-empty' }, t('activities.empty')),
      pager({ total: found.total, limit, offset, onPage: show }));
  }
  toggle.addEventListener('click', () => {
    const opening = formBox.hidden;
    if (opening && !formBox.firstChild) formBox.append(logForm(type, id, () => { formBox.hidden = true; toggle.setAttribute('aria-expanded', 'false'); show(0); }));
    formBox.hidden = !opening;
    toggle.setAttribute('aria-expanded', String(opening));
    if (opening) formBox.querySelector('select')?.focus();
  });
  show(0);
  return section;
}

// One task: what it is, claim/unclaim, its form (form-js) validated by the server with the field errors
// shown in place, comments, and beside it the customer's 360° view.

import { api, ApiError } from '../core/api.js';
import { refusal } from '../core/bilingual.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, digits, locale, number, relative, t } from '../core/i18n.js';
import { mountTaskForm, placeErrors } from '../forms/index.js';
import { groupNames, loadGroups } from '../core/lists.js';
import { badge, errorBox, facts, setBusy, stateBadge, toast } from '../core/ui.js';
import { renderCustomer } from './customer.js';
import { isLeadTask, leadCard } from './leadcard.js';
import { fillRecordCard } from './record_card.js';
import { dueState, recordTitle } from './tasklist.js';
import { processName } from './names.js';
import { peopleNames, personName, personText } from '../core/people.js';

function header(task, me) {
  const due = dueState(task);
  return h('header', { class: 'page-header' },
    h('div', {},
      h('p', { class: 'crumbs' }, h('a', { href: '/app/tasks' }, t('nav.tasks'))),
      h('h1', { tabindex: '-1', 'data-testid': 'task-title' }, task.name),
      task.record ? h('p', { class: 'task-record', 'data-testid': 'task-record' }, `${t(`record.type.${task.record.type}`)}: `,
        recordLink(task.record)) : null),
    h('div', { class: 'page-actions' },
      stateBadge(task.state),
      due ? badge(t(due === 'overdue' ? 'tasks.overdue' : 'tasks.due_soon'), due === 'overdue' ? 'danger' : 'warn') : null,
      task.assignee === me.username ? badge(t('tasks.assigned_me'), 'ok') : null));
}

// The record's title, linking to its page where the web app has one.
export function recordLink(record) {
  if (record.hidden) return h('span', { class: 'muted', 'data-testid': 'record-hidden' }, t('record.hidden')); // no title, no link
  const title = h('span', {}, record.title ? recordTitle(record.title) : digits(record.id));
  return record.url ? h('a', { href: record.url, 'data-testid': 'task-record-link' }, title) : title;
}

function details(task) {
  return facts([
    [t('task.process'), processName(task)],
    [t('task.business_key'), task.business_key ? ltr(task.business_key) : '—'],
    [t('task.assignee'), task.assignee ? personText(task.assignee) : t('tasks.unassigned')],
    [t('task.candidates'), [groupNames(task.candidate_groups), peopleNames(task.candidate_users)].filter(Boolean).join(locale() === 'fa' ? '، ' : ', ') || '—'],
    [t('task.due'), task.due ? `${dateTime(task.due)} (${relative(task.due)})` : '—'],
    [t('task.priority'), number(task.priority)],
    [t('task.created'), dateTime(task.created_at)],
  ]);
}

function comments(task, canWrite) {
  const list = h('ol', { class: 'comments', 'data-testid': 'comments' });
  const text = h('textarea', { class: 'input', rows: 3, maxlength: 10000, required: true, 'aria-label': t('task.comment_text'), 'data-testid': 'comment-text' });
  const section = h('section', { class: 'card', 'aria-labelledby': 'comments-title' },
    h('h2', { id: 'comments-title' }, t('task.comments')), list);
  async function load() {
    const items = await api.get(`/tasks/${encodeURIComponent(task.id)}/comments`);
    replace(list, items.length ? items.map((c) => h('li', { class: 'comment' },
      h('p', { class: 'comment-meta muted' }, h('strong', {}, personText(c.author)), ' · ', dateTime(c.created_at)),
      h('p', { class: 'comment-text' }, c.text))) : h('li', { class: 'muted' }, t('task.no_comments')));
  }
  if (canWrite) {
    const button = h('button', { type: 'submit', class: 'btn' }, t('task.add_comment'));
    section.append(h('form', {
      class: 'stack', onsubmit: async (event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        setBusy(button, true);
        try {
          await api.post(`/tasks/${encodeURIComponent(task.id)}/comments`, { text: text.value.trim() });
          text.value = '';
          await load();
        } catch (error) {
          toast(error.message, 'error');
        } finally {
          setBusy(button, false);
        }
      },
    }, text, h('small', { class: 'muted', id: 'comment-hint' }, t('task.mention_hint')), h('div', { class: 'row end' }, button)));
    text.setAttribute('aria-describedby', 'comment-hint');
  }
  load().catch((error) => list.append(errorBox(error)));
  return section;
}

export async function render({ root, params, me, navigate }) {
  const id = params.id;
  const [task] = await Promise.all([api.get(`/tasks/${encodeURIComponent(id)}`), loadGroups()]);  // groups: by name
  const mine = task.assignee === me.username;
  const open = task.state === 'ready' || task.state === 'claimed';
  const takenByOther = task.assignee && !mine;
  const formBox = h('div', { class: 'form-box', 'data-testid': 'task-form' });
  const formErrors = h('div', { 'aria-live': 'assertive' });
  const actions = h('div', { class: 'row' });
  const customer = h('aside', { class: 'side', 'aria-label': t('customer.title') });
  let form = null;

  async function act(action, button) {
    setBusy(button, true);
    try {
      await api.post(`/tasks/${encodeURIComponent(id)}/${action}`);
      toast(t(action === 'claim' ? 'task.claimed' : 'task.unclaimed'), 'ok');
      navigate(`/app/tasks/${encodeURIComponent(id)}`, { replace: true });
    } catch (error) {
      setBusy(button, false);
      toast(refusal(error, locale(), t('task.claim_conflict')), 'error');
    }
  }

  // form.submit() runs form-js's own checks and emits "submit" with the data; the server decides.
  function complete(button) {
    if (form) form.submit();
    else send({}, button);
  }

  async function send(data, button) {
    replace(formErrors);
    setBusy(button, true);
    try {
      await api.post(`/tasks/${encodeURIComponent(id)}/complete`, { data });
      toast(t('task.completed'), 'ok');
      navigate('/app/tasks');
    } catch (error) {
      setBusy(button, false);
      if (error instanceof ApiError && error.status === 422 && form) {
        const { mapped, unplaced } = placeErrors(form, error.errors);
        form._setState({ errors: mapped });
        replace(formErrors, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'form-errors' },
          t(unplaced.length ? 'task.fix_fields' : 'form.fix_fields'), unplaced.length ? h('ul', {}, unplaced.map((m) => h('li', {}, m))) : null));
        const first = formBox.querySelector('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select');
        first?.focus();
      } else {
        replace(formErrors, errorBox(error));
      }
    }
  }

  if (open && !task.assignee) {
    actions.append(h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'claim', onclick: (e) => act('claim', e.currentTarget) }, t('task.claim')));
  }
  if (open && mine) {
    actions.append(h('button', { type: 'button', class: 'btn', 'data-testid': 'unclaim', onclick: (e) => act('unclaim', e.currentTarget) }, t('task.unclaim')));
  }
  const canComplete = open && !takenByOther;
  const completeButton = canComplete
    ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'complete', onclick: (e) => complete(e.currentTarget) }, t('task.complete'))
    : null;

  replace(root,
    header(task, me),
    h('div', { class: 'split' },
      h('div', { class: 'split-main stack' },
        h('section', { class: 'card' }, details(task), actions),
        h('section', { class: 'card', 'aria-labelledby': 'form-title' },
          h('h2', { id: 'form-title' }, t('task.form')),
          takenByOther && open ? h('p', { class: 'alert' }, t('task.taken_by', { user: personName(task.assignee) })) : null,
          !open ? h('p', { class: 'alert' }, t('task.closed')) : null,
          formErrors, formBox,
          canComplete && !mine ? h('p', { class: 'muted' }, t('task.complete_claims')) : null,
          h('div', { class: 'row end' }, completeButton)),
        comments(task, open)),
      customer));

  if (task.form) {
    // the task form in the reader's language, digits, calendar and unit (forms/index.js)
    form = await mountTaskForm(formBox, task.form, task.data || {}, { readOnly: !canComplete });
    form.on('submit', ({ data }) => { if (completeButton) send(data, completeButton); });
  } else {
    formBox.append(h('p', { class: 'muted' }, t('task.no_form')));
  }
  const customerId = task.data?.customer_id ?? task.data?.customerId;
  if (task.record && !task.record.hidden) {
    // the record's card and latest history (record_card.js) come first, beside the form
    const aside = h('aside', { class: 'record-aside', 'data-record-type': task.record.type, 'data-record-id': task.record.id, 'data-testid': 'record-aside' });
    customer.append(aside);
    fillRecordCard(aside);
  }
  if (isLeadTask(task.data)) {
    // the lead's card comes first; the customer's 360° view follows only when the lead is a known customer
    const holder = h('div');
    customer.append(leadCard(task.data), holder);
    if (customerId !== undefined && customerId !== null) renderCustomer(holder, customerId);
  } else {
    const holder = h('div');
    customer.append(holder); // after the record's card
    renderCustomer(holder, customerId);
  }
  return { cleanup: () => form?.destroy() };
}

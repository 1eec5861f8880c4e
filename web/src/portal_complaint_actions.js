// What a customer can do on their complaint's tracking page besides the survey: answer the question we
// asked while the complaint waits for them (status waiting_customer, POST .../reply), and ask to reopen it
// when the problem is back, within the window after its resolution (view.reopen_until, POST .../reopen).
// Each card sends its text and hands the complaint's new view to `redraw(view, notice)`; when the API
// answers 409 (the complaint moved on meanwhile), the page is fetched again and redrawn with a sentence
// saying why, in the visitor's language.

import { ApiError, publicApi } from './core/api.js';
import { h } from './core/dom.js';
import { formField, sendsTo, showProblem } from './core/fields.js';
import { date, t } from './core/i18n.js';

const ACTIVE = ['received', 'in_progress', 'escalated', 'waiting_customer'];
const MAX_TEXT = 2000;

const complaintPath = (code, action = '') =>
  `/portal/complaints/${encodeURIComponent(code)}${action ? `/${action}` : ''}`;

export const notice = (kind, text, testid) => ({ kind, text, testid });

// After a 409: the complaint as it is now, with `explain(view)`'s sentence; if even that fails, the form says it.
async function refreshed(code, redraw, explain, fallback) {
  let view;
  try {
    view = await publicApi.get(complaintPath(code));
  } catch {
    fallback();
    return;
  }
  redraw(view, notice('error', explain(view), 'portal-action-refused'));
}

// A failed send: field errors in the visitor's words under the text box; a conflict redraws the page; the rest
// (too many requests, the network) in the form's alert, without English.
function failed(code, redraw, { prefix, explain }) {
  return (form, alertBox, error) => {
    const fields = error instanceof ApiError ? error.errors : {};
    if (fields.text || fields.reason) { // `reason` is the record's name for the reopening's text
      fields.text = [t(`${prefix}.text`)]; // said plainly in either language, not the validator's words
      delete fields.reason;
    }
    const show = () => showProblem(form, alertBox, error, {
      prefix, details: false, fixKey: 'portal.fix_fields', testid: 'portal-error', other: (e) => [
        e instanceof ApiError && e.status === 429 ? t('portal.too_many') : t('portal.failed')],
    });
    if (error instanceof ApiError && error.status === 409) refreshed(code, redraw, explain, show);
    else show();
  };
}

function textForm(testid, { label, hint, submitText, send, done, shown }) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${testid}-submit` }, submitText);
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': `${testid}-form` },
    formField('text', label, h('textarea', { class: 'input', rows: 4, maxlength: MAX_TEXT, dir: 'auto' }),
      { required: true, hint }),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, { alertBox, submit, send: (values) => send({ text: values.text ?? '' }), done, shown });
  return form;
}

// While we wait for the customer: what we asked, and a box for the answer.
export function questionCard(view, redraw) {
  const code = view.tracking_code;
  const form = textForm('reply', {
    label: t('portal.reply_label'),
    hint: t('portal.reply_hint'),
    submitText: t('portal.reply_submit'),
    send: (body) => publicApi.post(complaintPath(code, 'reply'), body),
    done: (answer) => redraw(answer, notice('ok', t('portal.reply_thanks'), 'portal-reply-thanks')),
    shown: failed(code, redraw, { prefix: 'portal.reply_error', explain: () => t('portal.reply_closed') }),
  });
  return h('section', { class: 'card portal-card', 'aria-labelledby': 'question-title', 'data-testid': 'portal-waiting' },
    h('h2', { id: 'question-title' }, t('portal.question_title')),
    view.question
      ? [h('p', {}, t('portal.question_intro')),
        h('p', { class: 'alert prewrap', dir: 'auto', 'data-testid': 'portal-question' }, view.question)]
      : h('p', { 'data-testid': 'portal-question' }, t('portal.question_none')),
    form);
}

// Resolved or closed, within the window: "Still a problem? Ask to reopen" with the reason.
export function reopenCard(view, redraw) {
  const code = view.tracking_code;
  const form = textForm('reopen', {
    label: t('portal.reopen_reason'),
    hint: t('portal.reopen_hint'),
    submitText: t('portal.reopen_submit'),
    send: (body) => publicApi.post(complaintPath(code, 'reopen'), body),
    done: (answer) => redraw(answer, notice('ok', t('portal.reopen_thanks'), 'portal-reopen-thanks')),
    shown: failed(code, redraw, {
      prefix: 'portal.reopen_error',
      explain: (now) => t(ACTIVE.includes(now.status) ? 'portal.reopen_already' : 'portal.reopen_too_late'),
    }),
  });
  return h('section', { class: 'card portal-card', 'aria-labelledby': 'reopen-title', 'data-testid': 'portal-reopen' },
    h('h2', { id: 'reopen-title' }, t('portal.reopen_title')),
    h('p', { class: 'muted' }, t('portal.reopen_intro', { date: date(view.reopen_until) })),
    form);
}

// Resolved or closed after the window: where to go instead.
export function reopenExpired(fileHref) {
  return h('p', { class: 'muted', 'data-testid': 'portal-reopen-expired' }, t('portal.reopen_expired'), ' ',
    h('a', { href: fileHref }, t('portal.file_new')));
}

// The customer portal (public, no account): file a complaint and get its tracking code; follow a
// complaint by its code (status, who handles it, public notes, resolution), answer our question while it
// waits for the customer, answer the survey, and ask to reopen it (portal_complaint_actions.js). The other
// pages load their own code: a contract, a quote (portal_quote.js), a referral, an opt-out, the loyalty club
// (portal_club.js).
// The server picked the language (?lang=, else Accept-Language) and wrote it on <html lang>; the
// calls go to the public /api/v1/portal routes without cookies (publicApi), so no session is involved.

import './styles/app.css';
import './styles/portal.css';
import { ApiError, publicApi } from './core/api.js';
import { h, ltr, replace } from './core/dom.js';
import { choiceGroup, formField, sendsTo, showProblem } from './core/fields.js';
import { dateTime, locale, number, setLocale, t } from './core/i18n.js';
import { listSelect } from './core/lists.js';
import { SEVERITIES } from './views/crmtext.js';
import { notice, questionCard, reopenCard, reopenExpired } from './portal_complaint_actions.js';

const STEPS = ['received', 'in_progress', 'resolved', 'closed'];
const AT_STEP = { escalated: 1, waiting_customer: 1 }; // shown on the "being handled" step, in their own words
const SCORES = [1, 2, 3, 4, 5];

const statusPath = (code) => `/portal/complaints/${encodeURIComponent(code)}?lang=${locale()}`;

function focusHeading(main) {
  main.querySelector('h1')?.focus({ preventScroll: false });
}

// What a visitor reads when a call fails for another reason than the fields (no English needed).
function visitorLines(error) {
  if (error instanceof ApiError && error.status === 429) return [t('portal.too_many')];
  if (error instanceof ApiError && error.status === 409) return [t('portal.survey_closed')];
  return [t('portal.failed'), ' ', h('span', { lang: 'en', dir: 'auto' }, error.message)];
}

// A failed call in a form: field errors in place (in the visitor's words only), the rest in the form's alert.
function problemShown(form, alertBox, error) {
  showProblem(form, alertBox, error, {
    prefix: 'portal.error', details: false, fixKey: 'portal.fix_fields', testid: 'portal-error', other: visitorLines,
  });
}

function lookupCard() {
  const input = h('input', { class: 'input', dir: 'ltr', autocomplete: 'off', spellcheck: 'false', maxlength: 64,
    placeholder: 'RC-XXXXXXXXXX', 'data-testid': 'portal-lookup-code' });
  const form = h('form', { class: 'stack', role: 'search', novalidate: true },
    formField('code', t('portal.lookup_code'), input),
    h('div', { class: 'row end' }, h('button', { type: 'submit', class: 'btn' }, t('portal.lookup_submit'))));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = input.value.trim().toUpperCase();
    if (code) location.assign(statusPath(code));
  });
  return h('aside', { class: 'card portal-side', 'aria-labelledby': 'lookup-title' },
    h('h2', { id: 'lookup-title' }, t('portal.lookup_title')),
    h('p', { class: 'muted' }, t('portal.lookup_body')), form);
}

function filed(main, code) {
  const copy = h('button', { type: 'button', class: 'btn', 'data-testid': 'portal-copy' }, t('portal.copy'));
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(code);
      copy.textContent = t('portal.copied');
    } catch {
      window.getSelection()?.selectAllChildren(main.querySelector('.tracking-code'));
    }
  });
  replace(main, h('section', { class: 'card portal-card portal-narrow portal-centred', 'data-testid': 'portal-filed' },
    h('h1', { tabindex: '-1' }, t('portal.filed_title')),
    h('p', {}, t('portal.filed_body')),
    h('p', { class: 'tracking-code', 'data-testid': 'tracking-code' }, ltr(code, 'span')),
    h('p', { class: 'muted' }, t('portal.keep_code')),
    h('div', { class: 'row' }, copy,
      h('a', { class: 'btn btn-primary', href: statusPath(code), 'data-testid': 'portal-follow' }, t('portal.follow')))));
  document.title = `${t('portal.filed_title')} · ${t('app.name')}`;
  focusHeading(main);
}

// The kind goes only when it is not the usual one, so a plain complaint is what it always was.
const withKind = ({ kind, ...values }) => (kind && kind !== 'complaint' ? { ...values, kind } : values);

function filePage(main) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'portal-submit' }, t('portal.submit'));
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'portal-form' },
    formField('name', t('portal.name'), h('input', { class: 'input', autocomplete: 'name', maxlength: 255 }), { required: true }),
    h('div', { class: 'pair' },
      formField('mobile', t('portal.mobile'), h('input', {
        class: 'input', type: 'tel', autocomplete: 'tel', inputmode: 'tel', dir: 'ltr', maxlength: 40, placeholder: '09xx xxx xxxx',
      })),
      formField('email', t('portal.email'), h('input', { class: 'input', type: 'email', autocomplete: 'email', dir: 'ltr', maxlength: 255 }))),
    h('p', { class: 'muted field-hint' }, t('portal.contact_hint')),
    h('div', { class: 'pair' },
      formField('kind', t('lists.complaint_kind'), listSelect('complaint_kind', { portal: true, selected: 'complaint' }), { required: true }),
      formField('category', t('portal.category'), listSelect('complaint_category', { portal: true, empty: t('portal.choose') }), { required: true })),
    choiceGroup('severity', t('portal.severity'), SEVERITIES.map((s) => [s, t(`complaint.severity.${s}`)]), { required: true }),
    formField('description', t('portal.description'), h('textarea', { class: 'input', rows: 6, maxlength: 10000, dir: 'auto' }),
      { required: true, hint: t('portal.description_hint') }),
    alertBox,
    h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    send: (values) => publicApi.post('/portal/complaints', withKind(values)),
    done: (answer) => filed(main, answer.tracking_code),
    shown: problemShown,
  });
  replace(main, h('div', { class: 'portal-grid' },
    h('section', { class: 'card portal-card', 'aria-labelledby': 'file-title' },
      h('h1', { id: 'file-title', tabindex: '-1' }, t('portal.file_title')),
      h('p', { class: 'muted' }, t('portal.file_intro')), form),
    lookupCard()));
  document.title = `${t('portal.file_title')} · ${t('app.name')}`;
}

// The status in the customer's words: "waiting for your answer" rather than the staff's "for the customer".
const statusText = (status) => (status === 'waiting_customer' ? t('portal.waiting_you') : t(`complaint.status.${status}`));

function steps(status) {
  const at = AT_STEP[status] ?? STEPS.indexOf(status);
  return h('ol', { class: 'steps', 'aria-label': t('portal.progress'), 'data-testid': 'portal-steps' },
    STEPS.map((step, index) => h('li', {
      class: ['step', (index < at || status === 'closed') && 'step-done', index === at && status !== 'closed' && 'step-current'],
      'aria-current': index === at ? 'step' : null,
    }, h('span', { class: 'step-dot', 'aria-hidden': 'true' }, number(index + 1)),
    h('span', {}, index === at && AT_STEP[status] ? statusText(status) : t(`complaint.status.${step}`)))));
}

function surveyForm(main, view) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'survey-submit' }, t('portal.survey_submit'));
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'survey-form' },
    choiceGroup('score', t('portal.survey_question'),
      SCORES.map((score) => [score, [h('strong', {}, number(score)), ' ', t(`portal.score.${score}`)]]), { required: true }),
    formField('comment', t('portal.survey_comment'), h('textarea', { class: 'input', rows: 3, maxlength: 2000, dir: 'auto' })),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    send: (values) => publicApi.post(`/portal/complaints/${encodeURIComponent(view.tracking_code)}/survey`,
      { score: values.score === undefined ? null : Number(values.score), comment: values.comment ?? null }),
    done: (answer) => drawStatus(main, answer, notice('ok', t('portal.survey_thanks'), 'survey-thanks')),
    shown: problemShown,
  });
  return h('section', { class: 'card portal-card', 'aria-labelledby': 'survey-title', 'data-testid': 'survey' },
    h('h2', { id: 'survey-title' }, t('portal.survey_title')), h('p', { class: 'muted' }, t('portal.survey_intro')), form);
}

// After the resolution: rate it, ask to reopen it (or learn that it is too late for that).
function afterResolution(main, view) {
  const redraw = (fresh, told) => drawStatus(main, fresh, told);
  const done = view.status === 'resolved' || view.status === 'closed';
  return [
    view.survey_open ? surveyForm(main, view) : null,
    done && view.reopen_until ? reopenCard(view, redraw) : null,
    done && !view.reopen_until ? reopenExpired(`/portal?lang=${locale()}`) : null,
  ];
}

function drawStatus(main, view, told = null) {
  const updates = view.updates || [];
  replace(main, h('div', { class: 'portal-status stack', 'data-testid': 'portal-status', 'data-status': view.status },
    h('section', { class: 'card portal-card' },
      h('p', { class: 'crumbs' }, h('a', { href: `/portal?lang=${locale()}` }, t('portal.file_another'))),
      h('h1', { tabindex: '-1' }, t('portal.status_title')),
      h('p', { class: 'tracking-code small', 'data-testid': 'tracking-code' }, ltr(view.tracking_code, 'span')),
      told ? h('p', { class: `alert alert-${told.kind}`, role: told.kind === 'ok' ? 'status' : 'alert', 'data-testid': told.testid },
        told.text) : null,
      steps(view.status),
      h('dl', { class: 'facts' },
        h('dt', {}, t('portal.status')), h('dd', { 'data-testid': 'portal-status-text' }, h('strong', {}, statusText(view.status))),
        h('dt', {}, t('portal.category')), h('dd', {}, t(`complaint.category.${view.category}`)),
        h('dt', {}, t('portal.filed_at')), h('dd', {}, dateTime(view.created_at)),
        h('dt', {}, t('portal.handled_by')), h('dd', { dir: 'auto', 'data-testid': 'portal-tier' }, view.tier || '—'),
        view.description ? [h('dt', {}, t('portal.your_description')),
          h('dd', { class: 'prewrap', dir: 'auto', 'data-testid': 'portal-description' }, view.description)] : null)),
    view.status === 'waiting_customer' ? questionCard(view, (fresh, told) => drawStatus(main, fresh, told)) : null,
    view.resolution ? h('section', { class: 'card portal-card', 'aria-labelledby': 'resolution-title', 'data-testid': 'portal-resolution' },
      h('h2', { id: 'resolution-title' }, t('portal.resolution')), h('p', { class: 'prewrap', dir: 'auto' }, view.resolution)) : null,
    h('section', { class: 'card portal-card', 'aria-labelledby': 'updates-title' },
      h('h2', { id: 'updates-title' }, t('portal.updates')),
      updates.length
        ? h('ol', { class: 'timeline', 'data-testid': 'portal-updates' }, updates.map((u) => h('li', {},
          h('span', { class: 'timeline-time muted' }, dateTime(u.at)), ' ', h('span', { class: 'prewrap', dir: 'auto' }, u.text))))
        : h('p', { class: 'muted' }, t('portal.no_updates'))),
    afterResolution(main, view)));
  document.title = `${t('portal.status_title')} · ${t('app.name')}`;
  focusHeading(main);
}

function notFound(main, code) {
  replace(main, h('div', { class: 'portal-narrow stack' },
    h('section', { class: 'card portal-card portal-centred', 'data-testid': 'portal-not-found' },
      h('h1', { tabindex: '-1' }, t('portal.not_found_title')),
      h('p', {}, t('portal.not_found_body')),
      code ? h('p', { class: 'tracking-code small' }, ltr(code, 'span')) : null,
      h('p', {}, h('a', { class: 'btn btn-primary', href: `/portal?lang=${locale()}` }, t('portal.file_new')))),
    lookupCard()));
  document.title = `${t('portal.not_found_title')} · ${t('app.name')}`;
}

async function statusPage(main, code) {
  let view;
  try {
    view = await publicApi.get(`/portal/complaints/${encodeURIComponent(code)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) { notFound(main, code); return; }
    const text = error instanceof ApiError && error.status === 429 ? t('portal.too_many') : `${t('portal.failed')} ${error.message}`;
    replace(main, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, text));
    return;
  }
  drawStatus(main, view);
}

async function boot() {
  setLocale(document.documentElement.lang);
  const main = document.getElementById('portal');
  try {
    if (main.dataset.page === 'contract') await (await import('./contract_view.js')).contractPage(main, main.dataset.code);
    else if (main.dataset.page === 'quote') await (await import('./portal_quote.js')).quotePage(main, main.dataset.code || '');
    else if (main.dataset.page === 'refer') (await import('./portal_referral.js')).referralPage(main, main.dataset.code || '');
    else if (main.dataset.page === 'status') await statusPage(main, main.dataset.code || '');
    else if (main.dataset.page === 'optout') await (await import('./portal_optout.js')).optOutPage(main, main.dataset.code || '');
    else if (main.dataset.page === 'club') (await import('./portal_club.js')).clubAskPage(main);
    else if (main.dataset.page === 'club_statement') await (await import('./portal_club.js')).clubStatementPage(main, main.dataset.code || '');
    else filePage(main);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

boot().catch((error) => {
  replace(document.getElementById('portal'), h('p', { class: 'alert alert-error', role: 'alert' }, error.message || String(error)));
});

// What can be done to an open opportunity: move it to another stage (lost asks for a reason from the
// loss_reason list in the reader's language and a comment; won may name the contract or purchase it became)
// and correct its title, amount or expected close (Jalali or Gregorian). The server's field errors appear
// under their fields in the reader's language; someone else's deal is refused (403) with a plain message.

import { api, ApiError } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { formField, options, sendsTo, showProblem } from '../core/fields.js';
import { inLanguage } from '../core/bilingual.js';
import { locale, number, t, typedNumber } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { setBusy, toast } from '../core/ui.js';
import { changes } from './lead_edit.js';
import { personName } from '../core/people.js';

const PERSIAN = /[\u0600-\u06FF]/;

// 403 → who may change it; field errors → in the reader's language beside their fields; else as it came.
export function shown(opportunity) {
  return (form, alertBox, error) => {
    if (error instanceof ApiError && error.errors) {
      error.errors = Object.fromEntries(Object.entries(error.errors).map(([field, sent]) =>
        [field, (Array.isArray(sent) ? sent : [sent]).map((text) => inLanguage(String(text), locale()))]));
    }
    showProblem(form, alertBox, error, {
      other: error?.status === 403 ? () => h('span', { 'data-testid': 'opportunity-refused' },
        t('opportunity_page.refused', { owner: personName(opportunity.owner) || '—' })) : undefined,
    });
    for (const detail of form.querySelectorAll('.field-error-detail')) {
      if (PERSIAN.test(detail.textContent)) Object.assign(detail, { lang: 'fa', dir: 'rtl' });
    }
    // the loss reason is picked from a list: not the general "write the reason (255 characters at most)"
    const first = form.querySelector('[data-field="reason"]:has(select) .field-error > p:not(.field-error-detail)');
    if (first && locale() === 'fa') first.textContent = t('opportunity_page.reason_pick');
  };
}

function input(name, value, attrs = {}) {
  return h('input', { class: 'input', value: value ?? '', autocomplete: 'off', ...attrs, 'data-testid': `opportunity-input-${name}` });
}

export function stageForm(opportunity, stages, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'opportunity-move' }, t('opportunity_page.move'));
  const others = stages.map((s) => s.stage).filter((stage) => stage !== opportunity.stage);
  const stage = h('select', { class: 'input', 'data-testid': 'opportunity-stage-select' }, options(others, 'dash.stage'));
  const lost = h('div', { class: 'stack', 'data-testid': 'opportunity-lost-fields' },
    formField('reason', t('opportunity_page.loss_reason'), listSelect('loss_reason', { empty: '—', attrs: { 'data-testid': 'opportunity-reason' } }), { required: true }),
    formField('comment', t('opportunity_page.comment'), h('textarea', { class: 'input', rows: 2, maxlength: 2000, dir: 'auto', 'data-testid': 'opportunity-comment' }), { required: true }));
  const won = h('div', { class: 'pair', 'data-testid': 'opportunity-won-fields' },
    formField('contract_id', t('opportunity_page.contract'), input('contract', '', { inputmode: 'numeric', dir: 'ltr' })),
    formField('purchase_id', t('opportunity_page.purchase'), input('purchase', '', { inputmode: 'numeric', dir: 'ltr' })));
  const shownFor = () => {
    for (const [part, wanted] of [[lost, 'lost'], [won, 'won']]) {
      part.style.display = stage.value === wanted ? '' : 'none';
      for (const control of part.querySelectorAll('select,textarea,input')) control.disabled = stage.value !== wanted;
    }
  };
  stage.addEventListener('change', shownFor);
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'opportunity-stage-form' },
    h('h2', {}, t('opportunity_page.move_title')), formField('stage', t('dash.stage'), stage), lost, won, alertBox,
    h('div', { class: 'row end' }, submit));
  shownFor();
  sendsTo(form, {
    alertBox, submit, shown: shown(opportunity),
    send: (values) => {
      const body = { ...values };
      for (const name of ['contract_id', 'purchase_id']) if (body[name]) body[name] = typedNumber(body[name]);
      return api.post(`/opportunities/${opportunity.id}/stage`, body);
    },
    done: () => { toast(t('opportunity_page.moved'), 'ok'); saved(); },
  });
  return form;
}

// A day as the reader types it back: Jalali with Persian digits (۱۴۰۵/۱۱/۱۵) in Persian, else ISO.
function typed(day) {
  if (!day) return undefined;
  if (locale() !== 'fa') return day;
  const parts = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' })
    .formatToParts(new Date(`${day}T00:00:00Z`));
  const part = (type) => parts.find((p) => p.type === type)?.value;
  return `${part('year')}/${part('month')}/${part('day')}`;
}

export function editForm(opportunity, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'opportunity-save' }, t('lead_page.save'));
  // the amount grouped in the reader's digits, as it is typed back (the server reads any digits and separators)
  const before = { title: opportunity.title, amount: opportunity.amount === null || opportunity.amount === undefined ? '' : number(opportunity.amount, { useGrouping: true }),
    expected_close: typed(opportunity.expected_close) };
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'opportunity-edit' },
    h('h2', {}, t('opportunity_page.edit')),
    formField('title', t('customer.title_field'), input('title', before.title, { maxlength: 255, dir: 'auto' })),
    h('div', { class: 'pair' },
      formField('amount', t('opportunity_page.amount_rials'), input('amount', before.amount, { inputmode: 'numeric', maxlength: 64, dir: 'ltr' }), { hint: t('lead_new.revenue_hint') }),
      formField('expected_close', t('customer.expected_close'), input('expected_close', before.expected_close, { maxlength: 20, dir: 'ltr' }), { hint: t('opportunity_page.day_hint') })),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown: shown(opportunity),
    send: (values) => {
      const changed = changes(before, values);
      return Object.keys(changed).length ? api.patch(`/opportunities/${opportunity.id}`, changed) : null;
    },
    done: (answer) => {
      if (answer === null) {
        setBusy(submit, false);
        replace(alertBox, h('p', { class: 'alert', role: 'status' }, t('lead_page.unchanged')));
        return;
      }
      toast(t('lead_page.saved'), 'ok');
      saved();
    },
  });
  return form;
}

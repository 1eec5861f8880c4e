// Correcting a lead (PATCH /leads/{id}): only what was changed is sent (a cleared field as null); the server
// judges it and its 422 field errors are shown under the fields they name, in the reader's language (the
// server writes some messages as "English / Persian"). While the call waits, the server scores and routes
// the lead again, so the page is drawn afresh from the answer.

import { api, ApiError } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { checkField, formField, formValues, options, sendsTo, showProblem } from '../core/fields.js';
import { inLanguage } from '../core/bilingual.js';
import { locale, t } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { setBusy, toast } from '../core/ui.js';

export const EDITABLE_STATUSES = ['new', 'qualifying', 'nurture'];
const NEEDS = ['low', 'medium', 'high'];
const TIMELINES = ['now', 'quarter', 'year', 'unknown'];
const PERSIAN = /[\u0600-\u06FF]/;

function input(name, value, attrs = {}) {
  return h('input', { class: 'input', value: value ?? '', autocomplete: 'off', ...attrs, 'data-testid': `edit-${name}` });
}

function listed(list, value, name) {
  return listSelect(list, { empty: '—', selected: value || '', attrs: { 'data-testid': `edit-${name}` } });
}

// What changed since the form was drawn: new values, and null for a field that was emptied.
export function changes(before, after) {
  const out = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[name] !== after[name]) out[name] = after[name] ?? null;
  }
  return out;
}

// The server's field messages in the reader's language; a Persian message reads right to left.
export function shown(form, alertBox, error) {
  if (error instanceof ApiError && error.errors) {
    error.errors = Object.fromEntries(Object.entries(error.errors).map(([field, sent]) =>
      [field, (Array.isArray(sent) ? sent : [sent]).map((text) => inLanguage(String(text), locale()))]));
  }
  showProblem(form, alertBox, error);
  for (const detail of form.querySelectorAll('.field-error-detail')) {
    if (PERSIAN.test(detail.textContent)) Object.assign(detail, { lang: 'fa', dir: 'rtl' });
  }
}

function fields(lead) {
  return [
    h('div', { class: 'pair' },
      formField('person_name', t('lead.person_name'), input('person_name', lead.person_name, { maxlength: 255, dir: 'auto' })),
      formField('company_name', t('lead.company_name'), input('company_name', lead.company_name, { maxlength: 255, dir: 'auto' }))),
    h('div', { class: 'pair' },
      formField('mobile', t('customer.mobile'), input('mobile', lead.mobile, { type: 'tel', dir: 'ltr', maxlength: 40 })),
      formField('phone', t('customer.phone'), input('phone', lead.phone, { type: 'tel', dir: 'ltr', maxlength: 40 })),
      formField('email', t('customer.email'), input('email', lead.email, { type: 'email', dir: 'ltr', maxlength: 255 }))),
    h('div', { class: 'pair' },
      formField('source', t('lead.source'), listed('lead_source', lead.source, 'source')),
      formField('product', t('lead.product'), listed('product', lead.product, 'product')),
      formField('region', t('lists.province'), listed('province', lead.region, 'region'))),
    formField('estimated_revenue', t('lead.estimated_revenue'),
      input('estimated_revenue', lead.estimated_revenue ? String(lead.estimated_revenue) : '', { inputmode: 'numeric', maxlength: 64, dir: 'ltr' }),
      { hint: t('lead_new.revenue_hint') }),
    h('div', { class: 'pair' },
      formField('need', t('lead.need'), h('select', { class: 'input' }, options(NEEDS, 'lead.need_value', { empty: '—', selected: lead.need }))),
      formField('timeline', t('lead.timeline'), h('select', { class: 'input' }, options(TIMELINES, 'lead.timeline_value', { empty: '—', selected: lead.timeline })))),
    h('div', { class: 'row' }, checkField('budget_confirmed', t('lead.budget_confirmed'), { checked: Boolean(lead.budget_confirmed) }),
      checkField('authority', t('lead.authority'), { checked: Boolean(lead.authority) })),
  ];
}

export function editForm(lead, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'lead-save' }, t('lead_page.save'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'lead-edit' },
    h('h2', {}, t('lead_page.edit')), h('p', { class: 'muted' }, t('lead_page.edit_intro')),
    ...fields(lead), alertBox, h('div', { class: 'row end' }, submit));
  // the lists fill their selects after a moment: what was drawn is read once they are all filled
  const ready = Promise.all([...form.querySelectorAll('select[data-list]')].map((select) => new Promise((resolve) => {
    if (!select.hasAttribute('aria-busy')) resolve();
    else new MutationObserver((_, observer) => { if (!select.hasAttribute('aria-busy')) { observer.disconnect(); resolve(); } })
      .observe(select, { attributes: true });
  }))).then(() => formValues(form));
  sendsTo(form, {
    alertBox,
    submit,
    shown,
    send: async (values) => {
      const changed = changes(await ready, values);
      if (!Object.keys(changed).length) return null;
      return api.patch(`/leads/${lead.id}`, changed);
    },
    done: (answer) => {
      if (answer === null) {
        setBusy(submit, false);
        replace(alertBox, h('p', { class: 'alert', role: 'status', 'data-testid': 'lead-unchanged' }, t('lead_page.unchanged')));
        return;
      }
      toast(t('lead_page.saved'), 'ok');
      saved();
    },
  });
  return form;
}

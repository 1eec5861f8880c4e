// Register a referral for a customer (POST /referrals, channel "staff"): from the customer's page
// (?customer_id=, their referral code filled in) or typed with the referrer's code, the person's name, mobile
// or e-mail and the customer's note. The server judges it: field errors show in place; a refusal (self-referral,
// an existing customer, someone already referred) is said in the reader's language and recorded as an attempt.
// Accepted, the referral rewards process starts and the referral's page opens.

import { api, ApiError } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { inLanguage } from '../core/bilingual.js';
import { formField, sendsTo } from '../core/fields.js';
import { locale, t } from '../core/i18n.js';
import { navigate } from '../core/router.js';
import { errorBox, pageHeader, toast } from '../core/ui.js';
import { customerName } from './crmtext.js';
import { shown } from './lead_edit.js';

function input(name, attrs = {}) {
  return h('input', { class: 'input', autocomplete: 'off', ...attrs, 'data-testid': `referral-input-${name}` });
}

// Field errors under their fields; a refusal (422 without fields) in the form's alert, in the reader's language.
function refused(form, alertBox, error) {
  if (error instanceof ApiError && error.status === 422 && !Object.keys(error.errors).length) {
    replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'referral-refused' },
      inLanguage(error.detail || error.message, locale())));
    return;
  }
  shown(form, alertBox, error);
}

export async function render({ root, query }) {
  let referrer = null;
  try {
    if (/^\d+$/.test(query.customer_id || '')) referrer = await api.get(`/customers/${query.customer_id}`);
  } catch (error) {
    replace(root, pageHeader(t('referral_new.title')), errorBox(error));
    return;
  }
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'referral-save' }, t('referral_new.save'));
  const code = input('code', { name: 'code', maxlength: 32, dir: 'ltr', value: referrer?.referral_code || '', readonly: referrer ? true : null });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'new-referral-form' },
    h('p', { class: 'muted' }, t('referral_new.intro')),
    formField('code', t('referral_new.code'), code, { required: true, hint: referrer ? null : t('referral_new.code_hint') }),
    formField('referred_name', t('referral_new.name'), input('referred_name', { maxlength: 255, dir: 'auto' }), { required: true }),
    h('div', { class: 'pair' },
      formField('referred_mobile', t('customer.mobile'), input('referred_mobile', { type: 'tel', maxlength: 40, dir: 'ltr' }), { hint: t('referral_new.contact_hint') }),
      formField('referred_email', t('customer.email'), input('referred_email', { type: 'email', maxlength: 255, dir: 'ltr' }))),
    formField('note', t('referral_new.note'), h('textarea', { class: 'input', rows: 3, maxlength: 2000, dir: 'auto', 'data-testid': 'referral-input-note' })),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown: refused,
    send: (values) => api.post('/referrals', values),
    done: (referral) => { toast(t('referral_new.created'), 'ok'); navigate(`/app/referrals/${referral.id}`); },
  });
  replace(root,
    referrer ? h('p', { class: 'crumbs' }, h('a', { href: `/app/customers/${referrer.id}`, dir: 'auto', 'data-testid': 'new-referral-referrer' }, customerName(referrer))) : null,
    pageHeader(t('referral_new.title')), form);
  root.querySelector('h1')?.focus();
}

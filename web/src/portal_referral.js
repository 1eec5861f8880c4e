// The portal's referral page (/portal/refer, public, no account): a customer refers a friend with their own
// referral code. The server (POST /api/v1/portal/referrals) is the one judge; its field errors come in English
// and Persian ("english / فارسی") and are shown under their fields in the visitor's language only. The
// confirmation says what happens next: we call the friend, and the referrer is rewarded when the friend buys.

import { ApiError, publicApi } from './core/api.js';
import { halves } from './core/bilingual.js';
import { h, replace } from './core/dom.js';
import { clearErrors, formField, sendsTo } from './core/fields.js';
import { has, locale, t } from './core/i18n.js';

// the server's words for "nothing given", which the page says better per field
const MISSING = /^(required|this field is required|missing data for required field)\.?$/i;

const referPath = (code) => `/portal/refer?lang=${locale()}${code ? `&code=${encodeURIComponent(code)}` : ''}`;

const sentence = (text) => {
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?؟)]$/.test(first) ? first : `${first}.`;
};

// One field's message from the server, in the visitor's language: the server's own reason when it has one in
// that language, else the page's sentence for the field.
export function inLanguage(field, message) {
  const { en, fa } = halves(String(message));
  const own = `portal.referral.error.${field}`;
  const said = locale() === 'fa' ? fa : en;
  if (said && !MISSING.test(en || said)) return sentence(said);
  if (has(own)) return t(own);
  return said ? sentence(said) : t('form.check_field');
}

function alertWith(alertBox, lines) {
  replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, lines));
}

// A refused referral: each field's messages under it (aria-invalid, described by them), the rest in the alert.
function showRefusal(form, alertBox, error) {
  if (!(error instanceof ApiError) || error.status !== 422 || !Object.keys(error.errors).length) {
    const tooMany = error instanceof ApiError && error.status === 429;
    const detail = error instanceof ApiError && error.detail ? inLanguage('_', error.detail) : error.message;
    alertWith(alertBox, tooMany ? t('portal.too_many') : [t('portal.failed'), ' ', h('span', { dir: 'auto' }, detail)]);
    return;
  }
  clearErrors(form);
  const unplaced = [];
  for (const [path, sent] of Object.entries(error.errors)) {
    const name = path.split('.')[0];
    const texts = [...new Set((Array.isArray(sent) ? sent : [sent]).map((m) => inLanguage(name, m)))];
    const field = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (!field) { unplaced.push(...texts); continue; }
    const slot = field.querySelector('.field-error');
    slot.append(...texts.map((text) => h('p', {}, text)));
    slot.hidden = false;
    field.classList.add('has-error');
    for (const control of field.querySelectorAll('input, textarea')) {
      control.setAttribute('aria-invalid', 'true');
      const ids = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)).add(slot.id);
      control.setAttribute('aria-describedby', [...ids].join(' '));
    }
  }
  form.querySelector('.has-error input, .has-error textarea')?.focus();
  alertWith(alertBox, [t('portal.fix_fields'), unplaced.length ? h('ul', {}, unplaced.map((m) => h('li', {}, m))) : null]);
}

function howItWorks() {
  return h('aside', { class: 'card portal-side', 'aria-labelledby': 'referral-how-title' },
    h('h2', { id: 'referral-how-title' }, t('portal.referral.how_title')),
    h('ol', { class: 'referral-steps' }, ['1', '2', '3'].map((n) => h('li', {}, t(`portal.referral.how_${n}`)))));
}

function received(main, code, name) {
  const again = h('a', { class: 'btn btn-primary', href: referPath(code), 'data-testid': 'referral-again' }, t('portal.referral.again'));
  replace(main, h('section', { class: 'card portal-card portal-narrow', 'data-testid': 'referral-received' },
    h('h1', { tabindex: '-1' }, t('portal.referral.received_title')),
    h('p', {}, t('portal.referral.received_body', { name })),
    h('h2', {}, t('portal.referral.next_title')),
    h('ol', { class: 'referral-steps', 'data-testid': 'referral-next' },
      h('li', {}, t('portal.referral.next_call', { name })),
      h('li', {}, t('portal.referral.next_reward', { name })),
      h('li', {}, t('portal.referral.next_told'))),
    h('div', { class: 'row' }, again)));
  document.title = `${t('portal.referral.received_title')} · ${t('app.name')}`;
  main.querySelector('h1').focus();
}

export function referralPage(main, code = '') {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'referral-submit' }, t('portal.referral.submit'));
  const codeInput = h('input', { class: 'input referral-code', dir: 'ltr', autocomplete: 'off', spellcheck: 'false', maxlength: 32,
    placeholder: 'Q8M3ZK2T', value: code });
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'referral-form' },
    formField('code', t('portal.referral.code'), codeInput, { required: true, hint: t('portal.referral.code_hint') }),
    formField('name', t('portal.referral.name'), h('input', { class: 'input', autocomplete: 'off', maxlength: 255, dir: 'auto' }),
      { required: true }),
    h('div', { class: 'pair' },
      formField('mobile', t('portal.referral.mobile'), h('input', {
        class: 'input', type: 'tel', autocomplete: 'off', inputmode: 'tel', dir: 'ltr', maxlength: 40,
        placeholder: t('portal.referral.mobile_placeholder'),
      })),
      formField('email', t('portal.referral.email'), h('input', { class: 'input', type: 'email', autocomplete: 'off', dir: 'ltr', maxlength: 255 }))),
    h('p', { class: 'muted field-hint' }, t('portal.referral.contact_hint')),
    formField('note', t('portal.referral.note'), h('textarea', { class: 'input', rows: 3, maxlength: 2000, dir: 'auto' }),
      { hint: t('portal.referral.note_hint') }),
    alertBox,
    h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    send: async (values) => ({ values, answer: await publicApi.post('/portal/referrals', values) }),
    done: ({ values }) => received(main, values.code, values.name),
    shown: showRefusal,
  });
  replace(main, h('div', { class: 'portal-grid' },
    h('section', { class: 'card portal-card', 'aria-labelledby': 'referral-title' },
      h('h1', { id: 'referral-title', tabindex: '-1' }, t('portal.referral.title')),
      h('p', { class: 'muted' }, t('portal.referral.intro')),
      h('p', { class: 'muted' }, t('portal.referral.consent')), form),
    howItWorks()));
  document.title = `${t('portal.referral.title')} · ${t('app.name')}`;
  (code ? form.querySelector('[name=name]') : codeInput).focus();
}

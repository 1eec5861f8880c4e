// Settings (administrators): the company's legal details printed on contracts, the SMS gateway and the
// e-mail server the notices go through, the quiet hours of customer SMS, and the working calendar deadlines
// count on. Only what was changed is sent; the server checks each value and answers field errors in both
// languages, shown under their fields. Secrets (the gateway's token, the SMTP password) are never shown: the
// page says whether one is set, and a value typed replaces it.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { checkField, formField, sendsTo } from '../core/fields.js';
import { asciiDigits, digits, has, latinDigits, number, t } from '../core/i18n.js';
import { badge, errorBox, loading, pageHeader, setBusy, toast } from '../core/ui.js';
import { shownIn } from './fielderrors.js';

// section → [name, kind, attributes]
const SECTIONS = {
  company: [['seller_name', 'text', { dir: 'auto', maxlength: 255 }], ['seller_national_id', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 40 }],
    ['seller_economic_code', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 40 }], ['seller_registration_number', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 40 }],
    ['seller_phone', 'tel', { dir: 'ltr', maxlength: 40 }], ['seller_address', 'textarea', { dir: 'auto', maxlength: 500 }]],
  sms: [['sms_provider', 'select', { options: ['', 'kavenegar', 'smsir'] }], ['sms_token', 'secret', {}],
    ['sms_line', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 40 }], ['sms_part_price_rial', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 12 }],
    ['sms_endpoint', 'url', { dir: 'ltr', maxlength: 500 }], ['sms_template', 'textarea', { dir: 'ltr', maxlength: 2000 }],
    ['sms_inbound_token', 'secret', {}]],
  email: [['smtp_host', 'text', { dir: 'ltr', maxlength: 255 }], ['smtp_port', 'text', { dir: 'ltr', inputmode: 'numeric', maxlength: 5 }],
    ['smtp_user', 'text', { dir: 'ltr', maxlength: 255 }], ['smtp_password', 'secret', {}], ['smtp_from', 'email', { dir: 'ltr', maxlength: 255 }],
    ['smtp_starttls', 'check', {}]],
  quiet: [['notify_quiet_hours', 'text', { dir: 'ltr', maxlength: 20 }]],
  calendar: [['work_zone', 'text', { dir: 'ltr', maxlength: 64 }], ['work_week', 'text', { dir: 'ltr', maxlength: 200 }],
    ['work_holidays_country', 'text', { dir: 'ltr', maxlength: 8 }], ['work_holidays', 'textarea', { dir: 'ltr' }]],
};

const shownValue = (value) => (Array.isArray(value) ? value.join(', ') : value === null || value === undefined ? '' : String(value));

// The settings written in digits are shown in the reader's digits (Persian in Persian) and read back in Latin
// ones whichever keyboard typed them; an amount is grouped, and typed with or without separators.
const IN_DIGITS = new Set(['seller_national_id', 'seller_economic_code', 'seller_registration_number', 'seller_phone',
  'sms_line', 'sms_part_price_rial', 'smtp_port', 'notify_quiet_hours', 'work_holidays']);
const GROUPED = new Set(['sms_part_price_rial']);

// what a box holds, as it is sent and compared
function typed(name, text) {
  if (!IN_DIGITS.has(name)) return text;
  if (GROUPED.has(name) && /^[\d۰-۹٠-٩,٬،\s]+$/.test(text.trim())) return latinDigits(text);
  return asciiDigits(text);
}

// a value as its box shows it
function shown(name, value) {
  const text = shownValue(value);
  if (!IN_DIGITS.has(name) || text === '') return text;
  if (GROUPED.has(name) && /^\d+$/.test(text)) return number(Number(text), { maximumFractionDigits: 0 });
  return digits(text);
}

function control(name, kind, attrs, value) {
  const common = { class: 'input', name, 'data-testid': `setting-${name}`, autocomplete: 'off', ...attrs };
  if (IN_DIGITS.has(name)) common.onchange = (event) => { event.target.value = shown(name, typed(name, event.target.value)); };
  if (kind === 'textarea') return h('textarea', { ...common, rows: 2 }, shown(name, value));
  if (kind === 'select') {
    const { options, ...rest } = common;
    return h('select', rest, options.map((o) => h('option', { value: o, selected: o === (value || '') }, t(`admin_settings.option.${name}.${o || 'none'}`))));
  }
  if (kind === 'secret') return h('input', { ...common, type: 'password', dir: 'ltr', autocomplete: 'new-password', placeholder: value?.set ? '••••••••' : '' });
  return h('input', { ...common, type: kind === 'text' ? 'text' : kind, value: shown(name, value) });
}

function settingField(name, kind, attrs, value) {
  if (kind === 'check') return checkField(name, t(`admin_settings.${name}`), { checked: Boolean(value) });
  const hint = kind === 'secret'
    ? h('span', {}, value?.set ? badge(t('admin_settings.secret_set'), 'ok') : badge(t('admin_settings.secret_unset'), 'muted'), ' ', t('admin_settings.secret_hint'),
      has(`admin_settings.hint.${name}`) ? [' ', t(`admin_settings.hint.${name}`)] : null)
    : has(`admin_settings.hint.${name}`) ? t(`admin_settings.hint.${name}`) : undefined;
  const field = formField(name, t(`admin_settings.${name}`), control(name, kind, attrs, value));
  if (hint) field.querySelector('label').after(h('small', { class: 'muted field-hint' }, hint));
  if (kind === 'secret' && value?.set) {  // a set secret may be removed (sent as empty)
    field.querySelector('.field-error').before(h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: `${name}__clear`, 'data-testid': `setting-${name}-clear` }), t('admin_settings.secret_clear')));
  }
  return field;
}

// The values that differ from what the page was given (a secret only when something was typed).
function changes(form, loaded) {
  const body = {};
  for (const [section, entries] of Object.entries(SECTIONS)) {
    for (const [name, kind] of entries) {
      const el = form.elements[name];
      if (kind === 'check') { if (el.checked !== loaded[section][name]) body[name] = el.checked; continue; }
      if (kind === 'secret') {
        if (el.value !== '') body[name] = el.value;
        else if (form.elements[`${name}__clear`]?.checked) body[name] = '';
        continue;
      }
      const value = typed(name, el.value);
      if (value.trim() !== shownValue(loaded[section][name]).trim()) body[name] = value;
    }
  }
  return body;
}

function settingsForm(loaded, redraw) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'settings-submit' }, t('admin_settings.save'));
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'settings-form' },
    Object.entries(SECTIONS).map(([section, entries]) => h('fieldset', { class: 'card stack', 'data-section': section },
      h('legend', {}, h('h2', {}, t(`admin_settings.section.${section}`))),
      entries.map(([name, kind, attrs]) => settingField(name, kind, attrs, loaded[section][name])))),
    alertBox,
    h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    shown: shownIn('admin_settings.error'),
    send: () => {
      const body = changes(form, loaded);
      return Object.keys(body).length ? api.patch('/settings', body) : Promise.resolve(null);
    },
    done: (saved) => {
      toast(t(saved ? 'admin_settings.saved' : 'admin_settings.unchanged'), 'ok');
      if (saved) redraw(saved);
      else setBusy(submit, false);
    },
  });
  return form;
}

export async function render({ root }) {
  replace(root, pageHeader(t('admin_settings.title')), loading());
  const slot = h('div');
  const draw = (loaded) => replace(slot, settingsForm(loaded, draw));
  replace(root, pageHeader(t('admin_settings.title')), h('p', { class: 'muted' }, t('admin_settings.intro')), slot);
  root.querySelector('h1')?.focus();
  try {
    draw(await api.get('/settings'));
  } catch (error) {
    replace(slot, errorBox(error));
  }
}

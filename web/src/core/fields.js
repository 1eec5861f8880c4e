// Plain forms whose errors come from the server: each field has a slot for its messages, and a 422
// problem+json answer's `errors` ({"field": ["message", ...]}) is shown in place, under the field it
// names (aria-invalid, aria-describedby); what names no field goes to the form's alert. The server is
// the one judge: forms are `novalidate`.

import { ApiError } from './api.js';
import { halves } from './bilingual.js';
import { clear, h, replace } from './dom.js';
import { has, locale, t } from './i18n.js';
import { errorBox, setBusy } from './ui.js';

let counter = 0;

// One field: label, control, optional hint, and the (hidden) error slot. `name` is the API's field.
export function formField(name, label, control, { hint, required = false } = {}) {
  const id = control.id || `fld-${name}-${++counter}`;
  control.id = id;
  if (!control.name) control.name = name;
  const hintEl = hint ? h('small', { class: 'muted field-hint', id: `${id}-hint` }, hint) : null;
  const error = h('div', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true });
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    control, hintEl, error);
}

// A group of radio buttons or check boxes under one legend (the survey's score, the lead's answers).
export function choiceGroup(name, legend, options, { type = 'radio', required = false, value } = {}) {
  const id = `grp-${name}-${++counter}`;
  const error = h('div', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true });
  return h('fieldset', { class: 'field choice-group', 'data-field': name, id },
    h('legend', {}, legend, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    h('div', { class: 'choices' }, options.map(([optionValue, label]) =>
      h('label', { class: 'choice' },
        h('input', { type, name, value: String(optionValue), checked: String(value) === String(optionValue) }),
        h('span', {}, label)))),
    error);
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll('.field-error')) {
    clear(slot);
    slot.hidden = true;
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
    const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-error'));
    if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
    else control.removeAttribute('aria-describedby');
  }
  for (const field of form.querySelectorAll('.has-error')) field.classList.remove('has-error');
}

// Server messages that only say "fill this in" or "pick one" (api/wording.py codes): the page says those better.
const GENERIC = new Set(['required', 'choice', 'text', 'boolean', 'invalid']);

// In Persian: the catalogue's `${prefix}.${field}` sentence when there is one, then the server's own Persian
// reason when it says more than "fill this in" (the server answers in the reader's language); without either,
// a general "check this field". Never an English line under a Persian one. `details` false (the customer
// portal) keeps the page's sentence alone.
function messages(prefix, name, sent, details, codes = []) {
  if (locale() === 'en') return sent.map((text) => h('p', {}, text));
  const own = prefix && has(`${prefix}.${name}`) ? t(`${prefix}.${name}`) : null;
  const reasons = details ? sent.map((text, i) => (GENERIC.has(codes[i]) ? '' : halves(text).fa))
    .filter((fa) => fa && fa !== t('form.check_field') && fa !== own) : [];
  const lines = [...new Set([own, ...reasons].filter(Boolean))];
  return (lines.length ? lines : [t('form.check_field')]).map((text, i) => h('p', i ? { class: 'field-error-reason' } : {}, text));
}

// Show `errors` in place; returns the messages no field of the form could take.
export function showErrors(form, errors, { prefix = '', details = true, codes = {} } = {}) {
  clearErrors(form);
  const unplaced = [];
  for (const [path, sent] of Object.entries(errors || {})) {
    const name = path.split('.')[0];
    const field = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    const list = Array.isArray(sent) ? sent.map(String) : [String(sent)];
    if (!field) {
      unplaced.push(...list.map((text) => (path === '_' ? text : `${path}: ${text}`)));
      continue;
    }
    const slot = field.querySelector('.field-error');
    slot.append(...messages(prefix, name, list, details, [].concat(codes[path] || [])));
    slot.hidden = false;
    field.classList.add('has-error');
    for (const control of field.querySelectorAll('input, select, textarea')) {
      control.setAttribute('aria-invalid', 'true');
      const ids = new Set((control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
      ids.add(slot.id);
      control.setAttribute('aria-describedby', [...ids].join(' '));
    }
  }
  // the first field in the form's order, not in the answer's
  form.querySelector('.has-error input:not([type=hidden]), .has-error select, .has-error textarea')?.focus();
  return unplaced;
}

// A failed submission: a 422 with field errors is shown in place, with `fixKey`'s sentence and the
// messages no field took in the form's alert (true is returned). Anything else goes to `other(error)`
// when given (it answers the alert's lines; the portal words them for its visitors), else to errorBox.
export function showProblem(form, alertBox, error, {
  prefix = 'form.error', details = true, fixKey = 'form.fix_fields', testid = 'form-errors', other,
} = {}) {
  const alert = (lines) => replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': testid }, lines));
  if (error instanceof ApiError && error.status === 422 && Object.keys(error.errors).length) {
    const unplaced = showErrors(form, error.errors, { prefix, details, codes: error.errorCodes });
    alert([t(fixKey), unplaced.length ? h('ul', {}, unplaced.map((m) => h('li', {}, m))) : null]);
  } else if (other) {
    alert(other(error));
  } else {
    replace(alertBox, errorBox(error));
  }
}

// A form that sends its values: old errors cleared and the button busy while it waits; the answer
// goes to `done`, a failure back to the form through `shown` (showProblem unless given).
export function sendsTo(form, { alertBox, submit, send, done, shown = showProblem }) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(alertBox);
    setBusy(submit, true);
    try {
      done(await send(formValues(form)));
    } catch (error) {
      setBusy(submit, false);
      shown(form, alertBox, error);
    }
  });
}

// The form's values as the API wants them: trimmed text, empty fields left out, check boxes as booleans.
export function formValues(form) {
  const values = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled) continue;
    if (control.type === 'checkbox') values[control.name] = control.checked;
    else if (control.type === 'radio') { if (control.checked) values[control.name] = control.value; }
    else if (control.tagName !== 'BUTTON' && control.value.trim() !== '') values[control.name] = control.value.trim();
  }
  return values;
}

// A check box with its label beside it (a yes/no answer).
export function checkField(name, label, { checked = false } = {}) {
  const id = `chk-${name}-${++counter}`;
  return h('div', { class: 'field', 'data-field': name },
    h('label', { class: 'check', for: id }, h('input', { type: 'checkbox', id, name, checked }), label),
    h('div', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true }));
}

// <option>s for a select: the values with their words from the catalogue (`${prefix}.${value}`),
// after an empty first option when `empty` names its text.
export function options(values, prefix, { empty, selected } = {}) {
  return [empty ? h('option', { value: '' }, empty) : null,
    ...values.map((value) => h('option', { value, selected: value === selected }, t(`${prefix}.${value}`)))];
}

// Start an instance of a deployed process (designers and administrators). When the process's start event has
// a form it is shown with the task page's form renderer (Jalali dates in Persian) and its values are the new
// instance's variables, checked by the server with the field errors in place; otherwise a business key and
// the variables as a JSON object, which the server checks too. Once started, the process's instances list.

import { api, ApiError } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, showErrors } from '../core/fields.js';
import { t } from '../core/i18n.js';
import { errorBox, setBusy, toast } from '../core/ui.js';
import { shown } from './lead_edit.js';
import { mountTaskForm, placeErrors } from '../forms/index.js';

// The form in the reader's language, digits, calendar and unit (forms/index.js); dates and numbers come
// back as form-js stores them (ISO days, plain numbers).
async function mount(container, schema) {
  return { form: await mountTaskForm(container, schema, {}) };
}

export async function render({ root, params, navigate }) {
  const key = params.key;
  const [answer, versions] = await Promise.all([
    api.get(`/process-definitions/key/${encodeURIComponent(key)}/start-form`),
    api.get('/process-definitions', { key, limit: 1 })]);
  const latest = versions.items[0] || {};
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'start-submit' }, t('start.submit'));
  const businessKey = h('input', { class: 'input', maxlength: 255, dir: 'ltr', 'data-testid': 'start-business-key' });
  const variables = h('textarea', { class: 'input code', rows: 6, dir: 'ltr', spellcheck: 'false', 'data-testid': 'start-variables' }, '{}');
  const formBox = h('div', { class: 'form-box', 'data-testid': 'start-form' });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'start-instance' },
    formField('business_key', t('task.business_key'), businessKey, { hint: t('start.business_key_hint') }),
    answer.form ? formBox : formField('variables', t('start.variables'), variables, { hint: t('start.variables_hint') }),
    alertBox, h('div', { class: 'row end' }, submit));
  let mounted = null;

  async function send(values) {
    replace(alertBox);
    setBusy(submit, true);
    try {
      const body = { variables: values };
      if (businessKey.value.trim()) body.business_key = businessKey.value.trim();
      const instance = await api.post(`/process-definitions/key/${encodeURIComponent(key)}/start`, body);
      toast(t('start.started'), 'ok');
      navigate(`/app/instances?key=${encodeURIComponent(key)}`);
      return instance;
    } catch (error) {
      setBusy(submit, false);
      if (mounted && error instanceof ApiError && error.status === 422 && Object.keys(error.errors).length) {
        const { business_key: keyErrors, ...formErrors } = error.errors;
        showErrors(form, keyErrors ? { business_key: keyErrors } : {});
        const { mapped, unplaced: rest } = placeErrors(mounted.form, formErrors);
        mounted.form._setState({ errors: mapped });
        replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'form-errors' },
          t(rest.length ? 'task.fix_fields' : 'form.fix_fields'), rest.length ? h('ul', {}, rest.map((m) => h('li', {}, m))) : null));
        formBox.querySelector('.fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select')?.focus();
      } else {
        shown(form, alertBox, error);
      }
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (mounted) { mounted.form.submit(); return; }
    let parsed;
    try {
      parsed = JSON.parse(variables.value.trim() || '{}');
    } catch {
      shown(form, alertBox, new ApiError(422, { errors: { variables: [t('start.bad_json')] } }));
      return;
    }
    send(parsed);
  });

  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/processes' }, t('nav.processes')), ' / ',
          h('a', { href: `/app/processes/${encodeURIComponent(key)}` }, latest.name || key)),
        h('h1', { tabindex: '-1', 'data-testid': 'start-title' }, t('start.title', { name: latest.name || key }), ' ',
          h('small', { class: 'muted' }, ltr(key))))),
    h('p', { class: 'muted' }, t(answer.form ? 'start.with_form' : 'start.without_form')),
    form);
  if (answer.form) {
    try {
      mounted = await mount(formBox, answer.form);
      // form-js checks what it can in the browser; the server decides (as on the task page)
      mounted.form.on('submit', ({ data }) => send(data));
    } catch (error) {
      replace(formBox, errorBox(error));
    }
  }
  return { cleanup: () => mounted?.form.destroy() };
}

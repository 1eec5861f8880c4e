// Ravand's task forms: form-js's viewer with the reader's language all the way through: labels from the
// form's `label:fa`-style properties (core/formlocale.js), read-only values written for the reader
// (core/formdisplay.js), number and date fields that take Persian digits and Jalali days (fields.js),
// validation messages in the reader's language (messages.js), amounts in the reader's unit (amounts.js).

import '../styles/forms.css';
import { Form } from '@bpmn-io/form-js-viewer';
import { displayForm } from '../core/formdisplay.js';
import { localizeSchema } from '../core/formlocale.js';
import { locale, t } from '../core/i18n.js';
import { loadAmountUnit } from './amounts.js';
import { LocalFields } from './fields.js';
import { LocalValidationMessages, formMessages } from './messages.js';
import { translateViewerStrings } from './viewerstrings.js';

export { formMessage, formMessages } from './messages.js';

export const localFormModule = {
  __init__: ['ravandLocalFields', 'ravandValidationMessages'],
  ravandLocalFields: ['type', LocalFields],
  ravandValidationMessages: ['type', LocalValidationMessages],
};

// The "Powered by bpmn.io" mark stays (its licence asks for it); its tooltip is written in the reader's language.
function translateMark(container) {
  const link = container.querySelector('.fjs-powered-by-link');
  if (!link) return;
  link.title = t('forms.powered_by');
  link.setAttribute('aria-label', t('forms.powered_by'));
}

// A task or start form in `container`: every keystroke reaches the form's data at once (form-js waits
// 300 ms by default), so a quick Complete or Enter never sends what was typed before.
export async function mountTaskForm(container, schema, data = {}, { readOnly = false } = {}) {
  await loadAmountUnit();
  const form = new Form({ container, debounce: false, additionalModules: [localFormModule] });
  const localized = localizeSchema(schema, locale());
  const display = displayForm(localized, data || {});
  const stop = translateViewerStrings(container);
  form.on('form.destroy', stop);
  await form.importSchema(display.schema, display.data);
  if (readOnly) form.setProperty('readOnly', true);
  translateMark(container);
  return form;
}

// Server field errors (by data path) placed on form-js's fields (by id), in the reader's language; the
// ones no field holds come back as lines for an alert.
export function placeErrors(form, serverErrors) {
  const paths = form.get('pathRegistry');
  const byPath = {};
  for (const field of form.get('formFieldRegistry').getAll()) {
    if (!field.key && !field.path) continue;
    const path = (paths.getValuePath(field) || []).join('.');
    if (path) byPath[path] = field.id;
  }
  const mapped = {};
  const unplaced = [];
  for (const [path, messages] of Object.entries(serverErrors || {})) {
    const local = formMessages(messages);
    const id = byPath[path] || byPath[path.split('.')[0]];
    if (id) mapped[id] = [...(mapped[id] || []), ...local];
    else unplaced.push(...local.map((m) => (path === '_' ? m : `${path}: ${m}`)));
  }
  return { mapped, unplaced };
}

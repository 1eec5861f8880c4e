// The admin pages' field errors: the server answers in the reader's language (api/wording.py), and some
// messages are written "english / فارسی"; each goes under its field in the reader's language (the Persian in
// Persian, else this page's sentence for the field: never an English line under a Persian one).

import { ApiError } from '../core/api.js';
import { halves } from '../core/bilingual.js';
import { h, replace } from '../core/dom.js';
import { showProblem } from '../core/fields.js';
import { digits, has, locale, t } from '../core/i18n.js';
import { setBusy, toast } from '../core/ui.js';

const GENERIC = new Set(['required', 'choice', 'text', 'boolean', 'invalid']);

function fieldMessages(prefix, name, sent, codes = []) {
  const own = has(`${prefix}.${name}`) ? t(`${prefix}.${name}`) : t('form.check_field');
  return [].concat(sent).map(String).flatMap((message, index) => {
    const { en, fa } = halves(message);
    if (locale() === 'en') return [h('p', {}, en || fa)];
    if (fa && fa !== t('form.check_field') && !(GENERIC.has(codes[index]) && own !== t('form.check_field'))) return [h('p', {}, digits(fa))];
    return [h('p', {}, own)];
  });
}

// showProblem, then each field's messages in the reader's language.
export function shownIn(prefix) {
  return (form, alertBox, error) => {
    showProblem(form, alertBox, error, { prefix });
    if (!(error instanceof ApiError) || error.status !== 422) return;
    for (const [path, sent] of Object.entries(error.errors || {})) {
      const slot = form.querySelector(`[data-field="${CSS.escape(path.split('.')[0])}"] .field-error`);
      if (slot) replace(slot, fieldMessages(prefix, path, sent, [].concat(error.errorCodes?.[path] || [])));
    }
  };
}

// A refusal as one line in the reader's language.
export const said = (error) => {
  const { en, fa } = halves(error?.detail || error?.message || String(error));
  return locale() === 'fa' ? fa || en : en || fa;
};

// A row's button (deactivate, remove, …): busy while `run` goes, then the list drawn again by `reload`; a
// refusal is said in a toast and the button is free again.
export async function act(button, run, reload) {
  setBusy(button, true);
  try {
    await run();
    await reload();
  } catch (error) {
    setBusy(button, false);
    toast(said(error), 'error');
  }
}

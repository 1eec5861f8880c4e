// The admin pages' field errors: the server writes them "english / فارسی"; each goes under its field in the
// reader's language (the Persian half in Persian, else this page's sentence for the field and the English).

import { ApiError } from '../core/api.js';
import { halves } from '../core/bilingual.js';
import { h, replace } from '../core/dom.js';
import { showProblem } from '../core/fields.js';
import { digits, has, locale, t } from '../core/i18n.js';
import { setBusy, toast } from '../core/ui.js';

function fieldMessages(prefix, name, sent) {
  return [].concat(sent).map(String).flatMap((message) => {
    const { en, fa } = halves(message);
    if (locale() === 'en') return [h('p', {}, en || fa)];
    if (fa) return [h('p', {}, digits(fa))];
    const own = has(`${prefix}.${name}`) ? t(`${prefix}.${name}`) : t('form.check_field');
    return [h('p', {}, own), h('p', { class: 'field-error-detail', lang: 'en', dir: 'ltr' }, en)];
  });
}

// showProblem, then each field's messages in the reader's language.
export function shownIn(prefix) {
  return (form, alertBox, error) => {
    showProblem(form, alertBox, error, { prefix });
    if (!(error instanceof ApiError) || error.status !== 422) return;
    for (const [path, sent] of Object.entries(error.errors || {})) {
      const slot = form.querySelector(`[data-field="${CSS.escape(path.split('.')[0])}"] .field-error`);
      if (slot) replace(slot, fieldMessages(prefix, path, sent));
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

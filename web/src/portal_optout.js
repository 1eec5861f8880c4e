// The opt-out page (/portal/opt-out/<token>, public, no account): the link at the foot of every campaign
// e-mail. It says which address it concerns (masked) and that service messages about the customer's
// complaints, contracts and purchases still come; one button stops the campaigns, and the page says it is done.

import { ApiError, publicApi } from './core/api.js';
import { h, ltr, replace } from './core/dom.js';
import { t } from './core/i18n.js';

function failed(main, error) {
  const text = error instanceof ApiError && error.status === 404 ? t('portal.optout.invalid')
    : error instanceof ApiError && error.status === 429 ? t('portal.too_many') : `${t('portal.failed')} ${error.message}`;
  replace(main, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, text));
}

function done(main, view) {
  replace(main, h('section', { class: 'card stack', 'data-testid': 'optout-done' },
    h('h1', {}, t('portal.optout.done_title')),
    h('p', {}, t(`portal.optout.done.${view.channel}`), ' ', ltr(view.address)),
    h('p', { class: 'muted' }, t('portal.optout.service_still'))));
}

export async function optOutPage(main, token) {
  const path = `/portal/opt-out/${encodeURIComponent(token)}`;
  let view;
  try {
    view = await publicApi.get(path);
  } catch (error) {
    failed(main, error);
    return;
  }
  if (view.opted_out) { done(main, view); return; }
  const button = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'optout-confirm',
    onclick: async () => {
      button.disabled = true;
      try {
        done(main, await publicApi.post(path));
      } catch (error) {
        failed(main, error);
      }
    } }, t('portal.optout.confirm'));
  replace(main, h('section', { class: 'card stack', 'data-testid': 'optout' },
    h('h1', {}, t('portal.optout.title')),
    h('p', {}, t(`portal.optout.ask.${view.channel}`), ' ', ltr(view.address)),
    h('p', { class: 'muted' }, t('portal.optout.service_still')),
    h('p', {}, button)));
}

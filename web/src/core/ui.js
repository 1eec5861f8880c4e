// Small building blocks shared by the views: toasts, dialogs, empty states, tables, pagers, badges.

import { h, clear } from './dom.js';
import { number, t } from './i18n.js';

let toastRegion;

export function toast(message, kind = 'info') {
  if (!toastRegion) {
    toastRegion = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastRegion);
  }
  const item = h('div', { class: ['toast', `toast-${kind}`], 'data-testid': 'toast' }, message);
  toastRegion.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

export function pageHeader(title, ...actions) {
  return h('header', { class: 'page-header' },
    h('h1', { tabindex: '-1' }, title),
    h('div', { class: 'page-actions' }, actions));
}

export function empty(message, hint) {
  return h('div', { class: 'empty-state', 'data-testid': 'empty' }, h('p', {}, message), hint ? h('p', { class: 'muted' }, hint) : null);
}

export function loading() {
  return h('p', { class: 'loading muted', role: 'status' }, t('app.loading'));
}

export function errorBox(error) {
  const lines = [error.title && error.detail ? `${error.title}: ${error.detail}` : error.message || String(error)];
  return h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'error' }, lines);
}

export function badge(text, kind = '') {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

export function stateBadge(state) {
  const kinds = { running: 'info', completed: 'ok', cancelled: 'muted', failed: 'danger', ready: 'info', claimed: 'warn' };
  return badge(t(`state.${state}`), kinds[state] || '');
}

// table([{ label, cell(row) }], rows, { onRow, rowLink })
export function table(columns, rows, { rowAttrs } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', rowAttrs ? rowAttrs(row) : {},
        columns.map((c) => h('td', { class: c.class, 'data-label': c.label }, c.cell(row))))))));
}

// A definition list from [label, value] pairs.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([label, value]) => [h('dt', {}, label), h('dd', {}, value ?? '—')]));
}

// `total_exact` false (as the API says it): `total` is a lower bound, so the page count is one too.
export function pager({ total, limit, offset, onPage, total_exact: exact = true }) {
  if (total <= limit) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return h('nav', { class: 'pager', 'aria-label': t('common.pages') },
    h('button', { class: 'btn', disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)) }, t('common.previous')),
    h('span', { class: 'muted' }, t('common.page_of', { page: number(page), pages: exact ? number(pages) : t('common.more_than', { n: number(pages) }) })),
    h('button', { class: 'btn', disabled: offset + limit >= total, onclick: () => onPage(offset + limit) }, t('common.next')));
}

// A modal dialog; resolves with the submitted form's values, or null when dismissed.
export function dialog(title, fields, { submit = t('common.ok'), danger = false } = {}) {
  return new Promise((resolve) => {
    const form = h('form', { method: 'dialog', class: 'stack' },
      h('h2', {}, title),
      fields,
      h('div', { class: 'row end' },
        h('button', { type: 'button', class: 'btn', onclick: () => { box.close(); } }, t('common.cancel')),
        h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'] }, submit)));
    const box = h('dialog', { class: 'dialog' }, form);
    let result = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      result = Object.fromEntries(new FormData(form));
      box.close();
    });
    box.addEventListener('close', () => { box.remove(); resolve(result); });
    document.body.append(box);
    box.showModal();
  });
}

export function field(label, input, hint) {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const note = hint instanceof Node ? hint : hint ? h('small', { class: 'muted' }, hint) : null;
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, note);
}

export function setBusy(button, busy) {
  button.disabled = busy;
  button.classList.toggle('busy', busy);
}

export { clear };

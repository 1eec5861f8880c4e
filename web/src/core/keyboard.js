// Keyboard: "/" focuses the page's search, "j"/"k" move through a list, "g" then a letter jumps to a
// section, "?" lists the shortcuts. Keys typed into fields are left alone.
//
// Shortcuts are keys, not letters: on a Persian layout the J key types «ت» and "?" is «؟», so a key is
// matched by its letter on Latin layouts (QWERTY, AZERTY, Dvorak keep their own letters) and by its
// physical place (event.code: KeyJ, Slash) when the layout types another script, as diagram-js does
// for the modeler's own shortcuts.

import { h } from './dom.js';
import { t } from './i18n.js';

const JUMPS = { t: '/app/tasks', c: '/app/customers', p: '/app/processes', i: '/app/instances', j: '/app/journal', d: '/app/dashboards' };
const LATIN = /^\p{Script=Latin}$/u;
const PUNCTUATION_BY_CODE = { Slash: ['/', '?'] };
let pendingG = false;

// The shortcut the key stands for: a lower-case Latin letter, "/" or "?" (else the key itself).
export function shortcutKey(event) {
  const key = typeof event.key === 'string' ? event.key : '';
  if (key.length === 1 && LATIN.test(key)) return key.toLowerCase();
  if (key === '/' || key === '?') return key;
  if (key === '؟') return '?'; // the Persian question mark, Shift+Slash on a Persian layout
  const letter = /^Key([A-Z])$/.exec(event.code || '');
  if (letter && key.length === 1) return letter[1].toLowerCase(); // a letter key on a non-Latin layout
  const punctuation = PUNCTUATION_BY_CODE[event.code];
  if (punctuation && key.length === 1) return punctuation[event.shiftKey ? 1 : 0];
  return key;
}

function typing(target) {
  return target.closest?.('input, textarea, select, [contenteditable=""], [contenteditable="true"], .djs-container, .dmn-js-parent, .fjs-container');
}

function moveSelection(step) {
  const rows = [...document.querySelectorAll('[data-nav-item]')];
  if (!rows.length) return;
  const index = rows.indexOf(document.activeElement);
  const next = rows[Math.min(rows.length - 1, Math.max(0, index + step))] || rows[0];
  next.focus();
}

export function installKeyboard(navigate) {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = shortcutKey(event);
    if (pendingG) {
      pendingG = false;
      const target = JUMPS[key];
      if (target) { event.preventDefault(); navigate(target); }
      return;
    }
    if (key === '/') {
      const search = document.querySelector('[data-search]');
      if (search) { event.preventDefault(); search.focus(); }
    } else if (key === 'j') {
      moveSelection(1);
    } else if (key === 'k') {
      moveSelection(-1);
    } else if (key === 'g') {
      pendingG = true;
      setTimeout(() => { pendingG = false; }, 1200);
    } else if (key === '?') {
      showHelp();
    }
  });
}

function showHelp() {
  const rows = [['/', 'keys.search'], ['j / k', 'keys.move'], ['Enter', 'keys.open'], ['g t', 'keys.go_tasks'],
    ['g c', 'keys.go_customers'], ['g p', 'keys.go_processes'], ['g i', 'keys.go_instances'], ['g j', 'keys.go_journal'], ['g d', 'keys.go_dashboards']];
  const box = h('dialog', { class: 'dialog', 'aria-labelledby': 'keys-title', 'data-testid': 'keys-help' },
    h('h2', { id: 'keys-title' }, t('keys.title')),
    h('p', { class: 'muted' }, t('keys.any_layout')),
    h('table', { class: 'table compact' }, h('tbody', {}, rows.map(([key, label]) =>
      h('tr', {}, h('td', {}, h('kbd', { dir: 'ltr' }, key)), h('td', {}, t(label)))))),
    h('form', { method: 'dialog', class: 'row end' }, h('button', { class: 'btn btn-primary' }, t('common.close'))));
  box.addEventListener('close', () => box.remove());
  document.body.append(box);
  box.showModal();
}

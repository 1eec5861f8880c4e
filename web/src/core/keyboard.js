// Keyboard: "/" focuses the page's search, "j"/"k" move through a list, "g" then a letter jumps to a
// section, "?" lists the shortcuts. Keys typed into fields are left alone.

import { h } from './dom.js';
import { t } from './i18n.js';

const JUMPS = { t: '/app/tasks', c: '/app/customers', p: '/app/processes', i: '/app/instances', j: '/app/journal', d: '/app/dashboards' };
let pendingG = false;

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
    if (pendingG) {
      pendingG = false;
      const target = JUMPS[event.key];
      if (target) { event.preventDefault(); navigate(target); }
      return;
    }
    if (event.key === '/') {
      const search = document.querySelector('[data-search]');
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.key === 'j') {
      moveSelection(1);
    } else if (event.key === 'k') {
      moveSelection(-1);
    } else if (event.key === 'g') {
      pendingG = true;
      setTimeout(() => { pendingG = false; }, 1200);
    } else if (event.key === '?') {
      showHelp();
    }
  });
}

function showHelp() {
  const rows = [['/', 'keys.search'], ['j / k', 'keys.move'], ['Enter', 'keys.open'], ['g t', 'keys.go_tasks'],
    ['g c', 'keys.go_customers'], ['g p', 'keys.go_processes'], ['g i', 'keys.go_instances'], ['g j', 'keys.go_journal'], ['g d', 'keys.go_dashboards']];
  const box = h('dialog', { class: 'dialog', 'aria-labelledby': 'keys-title' },
    h('h2', { id: 'keys-title' }, t('keys.title')),
    h('table', { class: 'table compact' }, h('tbody', {}, rows.map(([key, label]) =>
      h('tr', {}, h('td', {}, h('kbd', { dir: 'ltr' }, key)), h('td', {}, t(label)))))),
    h('form', { method: 'dialog', class: 'row end' }, h('button', { class: 'btn btn-primary' }, t('common.close'))));
  box.addEventListener('close', () => box.remove());
  document.body.append(box);
  box.showModal();
}

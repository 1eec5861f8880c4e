// Two versions side by side, the changed elements highlighted (added, removed, changed, moved).

import { diff } from 'bpmn-js-differ';
import { api } from '../core/api.js';
import { loadEditorStyles } from '../core/assets.js';
import { h, ltr, replace } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { empty } from '../core/ui.js';
import { createViewer, focusElement, open } from '../editors/viewer.js';

const KINDS = ['added', 'removed', 'changed', 'layout'];

function changes(result) {
  const list = [];
  for (const [id, entry] of Object.entries(result._added)) list.push({ id, kind: 'added', name: entry.name, side: 'b' });
  for (const [id, entry] of Object.entries(result._removed)) list.push({ id, kind: 'removed', name: entry.name, side: 'a' });
  for (const [id, entry] of Object.entries(result._changed)) {
    list.push({ id, kind: 'changed', name: entry.model?.name, side: 'b', attrs: Object.keys(entry.attrs || {}) });
  }
  for (const [id, entry] of Object.entries(result._layoutChanged)) {
    if (!result._changed[id]) list.push({ id, kind: 'layout', name: entry.name, side: 'b' });
  }
  return list.filter((c) => !/^(defs|definitions)/i.test(c.id));
}

function mark(viewer, list, side) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  for (const change of list) {
    const onThisSide = change.kind === 'removed' ? side === 'a' : change.kind === 'added' ? side === 'b' : true;
    if (onThisSide && registry.get(change.id)) canvas.addMarker(change.id, `rv-diff-${change.kind}`);
  }
}

function syncViewboxes(a, b) {
  let syncing = false;
  const follow = (from, to) => from.on('canvas.viewbox.changed', ({ viewbox }) => {
    if (syncing) return;
    syncing = true;
    to.get('canvas').viewbox(viewbox);
    syncing = false;
  });
  follow(a, b);
  follow(b, a);
}

export async function render({ root, query }) {
  await loadEditorStyles();
  const [idA, idB] = [Number(query.a), Number(query.b)];
  if (!idA || !idB) {
    replace(root, h('h1', { tabindex: '-1' }, t('compare.title')), empty(t('compare.pick')));
    return;
  }
  const [defA, defB, xmlA, xmlB] = await Promise.all([
    api.get(`/process-definitions/${idA}`), api.get(`/process-definitions/${idB}`),
    api.text(`/process-definitions/${idA}/xml`), api.text(`/process-definitions/${idB}/xml`),
  ]);
  const canvasA = h('div', { class: 'bpmn-canvas' });
  const canvasB = h('div', { class: 'bpmn-canvas' });
  const listBox = h('section', { class: 'card', 'data-testid': 'changes' });
  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/processes' }, t('nav.processes')), ' / ',
          h('a', { href: `/app/processes/${encodeURIComponent(defB.key)}` }, ltr(defB.key))),
        h('h1', { tabindex: '-1' }, t('compare.heading', { a: defA.version, b: defB.version })))),
    h('ul', { class: 'legend' }, KINDS.map((kind) => h('li', {}, h('span', { class: `swatch rv-diff-${kind}` }), t(`compare.${kind}`)))),
    h('div', { class: 'compare' },
      h('figure', {}, h('figcaption', {}, t('processes.version_n', { n: defA.version })), canvasA),
      h('figure', {}, h('figcaption', {}, t('processes.version_n', { n: defB.version })), canvasB)),
    listBox);
  const viewerA = createViewer(canvasA);
  const viewerB = createViewer(canvasB);
  await open(viewerA, xmlA);
  await open(viewerB, xmlB);
  const list = changes(diff(viewerA.getDefinitions(), viewerB.getDefinitions()));
  mark(viewerA, list, 'a');
  mark(viewerB, list, 'b');
  syncViewboxes(viewerA, viewerB);
  replace(listBox, h('h2', {}, t('compare.changes', { n: list.length })),
    list.length ? h('ul', { class: 'change-list' }, list.map((c) => h('li', { 'data-change': c.kind, 'data-element': c.id },
      h('span', { class: `swatch rv-diff-${c.kind}` }), ' ', h('strong', {}, t(`compare.${c.kind}`)), ' ',
      h('button', { type: 'button', class: 'link', onclick: () => focusElement(c.side === 'a' ? viewerA : viewerB, c.id) },
        c.name ? `${c.name} ` : null, h('code', { dir: 'ltr' }, c.id)),
      c.attrs?.length ? h('span', { class: 'muted' }, ` (${c.attrs.join(', ')})`) : null)))
      : empty(t('compare.same')));
  return { cleanup: () => { viewerA.destroy(); viewerB.destroy(); } };
}

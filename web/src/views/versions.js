// The versions of one process: open any version, see its instances, compare two versions, start an instance
// of the latest version.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, number, t } from '../core/i18n.js';
import { personText } from '../core/people.js';
import { empty, pageHeader, table } from '../core/ui.js';

export async function render({ root, params, navigate }) {
  const key = params.key;
  const page = await api.get('/process-definitions', { key, limit: 500 });
  if (!page.items.length) {
    replace(root, pageHeader(ltr(key)), empty(t('processes.no_versions')));
    return;
  }
  const versions = page.items; // newest first
  const pick = (name, selected) => h('select', { class: 'input', name, 'aria-label': t(`compare.${name}`), 'data-testid': `compare-${name}` },
    versions.map((d) => h('option', { value: d.id, selected: d.id === selected }, t('processes.version_n', { n: d.version }))));
  const older = pick('a', versions[1]?.id ?? versions[0].id);
  const newer = pick('b', versions[0].id);
  const latest = versions[0];

  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/processes' }, t('nav.processes'))),
        h('h1', { tabindex: '-1' }, latest.name || key, ' ', h('small', { class: 'muted' }, ltr(key)))),
      h('div', { class: 'page-actions' },
        h('a', { class: 'btn', href: `/app/processes/${encodeURIComponent(key)}/start`, 'data-testid': 'start-instance' }, t('start.action')),
        h('a', { class: 'btn btn-primary', href: `/app/definitions/${latest.id}/edit` }, t('processes.edit_latest')))),
    h('form', {
      class: 'toolbar card', 'aria-label': t('compare.title'),
      onsubmit: (event) => {
        event.preventDefault();
        navigate(`/app/compare?a=${older.value}&b=${newer.value}`);
      },
    }, h('strong', {}, t('compare.title')), older, h('span', { 'aria-hidden': 'true' }, '→'), newer,
    h('button', { type: 'submit', class: 'btn', disabled: versions.length < 2, 'data-testid': 'compare' }, t('compare.go'))),
    table([
      { label: t('processes.version'), cell: (d) => h('a', { href: `/app/definitions/${d.id}/edit`, 'data-nav-item': '' }, t('processes.version_n', { n: d.version })) },
      { label: t('processes.deployed'), cell: (d) => dateTime(d.deployed_at) },
      { label: t('processes.deployed_by'), cell: (d) => personText(d.deployed_by) },
      { label: t('processes.files'), cell: (d) => (d.resources || []).map((r) => ltr(r.name)).flatMap((n, i) => (i ? [', ', n] : [n])) },
      { label: t('processes.hash'), cell: (d) => h('code', { dir: 'ltr' }, d.content_hash.slice(0, 10)) },
      {
        label: t('common.actions'), cell: (d) => h('span', { class: 'row' },
          h('a', { class: 'btn btn-small', href: `/app/definitions/${d.id}/edit` }, t('processes.open')),
          h('a', { class: 'btn btn-small btn-ghost', href: `/app/instances?definition_id=${d.id}` }, t('processes.instances'))),
      },
    ], versions, { rowAttrs: (d) => ({ 'data-version': d.version }) }),
    h('p', { class: 'muted' }, t('processes.versions_count', { n: number(page.total) })));
}

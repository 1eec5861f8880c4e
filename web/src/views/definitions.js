// Process definitions (designers): one row per process with its latest version; open, new, open files.

import { api } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { dateTime, number, t } from '../core/i18n.js';
import { personText } from '../core/people.js';
import { handOver, readLocalFiles } from '../core/workspace.js';
import { empty, pageHeader, table } from '../core/ui.js';

export async function render({ root, navigate }) {
  const page = await api.get('/process-definitions', { latest: true, limit: 500 });
  const list = h('div', { 'data-testid': 'definitions' });
  const picker = h('input', {
    type: 'file', multiple: true, accept: '.bpmn,.dmn,.form,.json,.xml', hidden: true,
    onchange: async (event) => {
      const files = await readLocalFiles(event.target.files);
      if (!files.length) return;
      handOver(files);
      navigate('/app/processes/new');
    },
  });
  let search = '';
  const searchBox = h('input', {
    type: 'search', class: 'input', placeholder: t('processes.search'), 'aria-label': t('processes.search'), 'data-search': '',
    oninput: debounce((event) => { search = event.target.value.trim().toLowerCase(); draw(); }, 120),
  });

  function draw() {
    const rows = page.items.filter((d) => !search || `${d.key} ${d.name || ''} ${d.process_name || ''}`.toLowerCase().includes(search));
    if (!rows.length) {
      replace(list, empty(page.items.length ? t('common.no_match') : t('processes.empty'), t('processes.empty_hint')));
      return;
    }
    replace(list, table([
      { label: t('processes.name'), cell: (d) => h('a', { href: `/app/processes/${encodeURIComponent(d.key)}`, 'data-nav-item': '' }, h('bdi', {}, d.process_name || d.name || d.key)) },
      { label: t('processes.key'), cell: (d) => ltr(d.key) },
      { label: t('processes.version'), cell: (d) => number(d.version), class: 'num' },
      { label: t('processes.deployed'), cell: (d) => [dateTime(d.deployed_at), d.deployed_by ? h('span', { class: 'muted' }, ' · ', personText(d.deployed_by)) : null] },
      {
        label: t('common.actions'), cell: (d) => h('span', { class: 'row' },
          h('a', { class: 'btn btn-small', href: `/app/definitions/${d.id}/edit` }, t('processes.open')),
          h('a', { class: 'btn btn-small btn-ghost', href: `/app/instances?key=${encodeURIComponent(d.key)}` }, t('processes.instances'))),
      },
    ], rows, { rowAttrs: (d) => ({ 'data-key': d.key }) }));
  }

  replace(root,
    pageHeader(t('nav.processes'),
      h('button', { type: 'button', class: 'btn', onclick: () => picker.click() }, t('modeler.open_files')),
      h('a', { class: 'btn btn-primary', href: '/app/processes/new', 'data-testid': 'new-diagram' }, t('processes.new')),
      picker),
    h('div', { class: 'toolbar' }, searchBox, h('span', { class: 'muted' }, t('processes.count', { n: page.total }))),
    list);
  draw();
}

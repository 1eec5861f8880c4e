// The record lists' tools, shared by every list view: column headers that sort (aria-sort, real buttons, so
// Tab and Enter work; the sort kept in the page address), saved filters (the built-in ones the server computes
// for the reader, one's own and the shared ones; save the current filters, search and sort under a name, pick
// one, delete one's own) and the export of exactly what the list shows (CSV and Excel links built from the
// same parameters the list sends the API).

import { api, request, url } from './api.js';
import { h, replace } from './dom.js';
import { locale, t } from './i18n.js';
import { inLanguage } from './bilingual.js';
import { navigate } from './router.js';
import { dialog, field, toast } from './ui.js';

const PAGING = new Set(['limit', 'offset']);
let pressed = ''; // the sort field whose header was pressed: focused again once the list is redrawn

// The sort asked for in the address when the list can sort by it ('-created_at'), else ''.
export function readSort(query, sortable) {
  const sort = query.sort || '';
  return sortable.includes(sort.replace(/^-/, '')) ? sort : '';
}

// The next sort when a column's header is pressed: ascending first, then descending, then ascending again.
export function nextSort(current, field) {
  return current === field ? `-${field}` : field;
}

// Turn the headers of columns that name a `sort` field into sort buttons, marking the sorted one with aria-sort.
export function sortHeaders(tableWrap, columns, sort, onSort) {
  const heads = tableWrap.querySelectorAll('thead th');
  columns.forEach((column, i) => {
    const th = heads[i];
    if (!th || !column.sort) return;
    const state = sort === column.sort ? 'ascending' : sort === `-${column.sort}` ? 'descending' : 'none';
    th.setAttribute('aria-sort', state);
    const arrow = { ascending: '▲', descending: '▼', none: '↕' }[state];
    replace(th, h('button', {
      type: 'button', class: 'sort-button', 'data-sort': column.sort, 'data-testid': `sort-${column.sort}`,
      title: t('listtools.sort_by', { column: column.label }),
      onclick: () => { pressed = column.sort; onSort(nextSort(sort, column.sort)); },
    }, column.label, h('span', { class: 'sort-arrow', 'aria-hidden': 'true' }, ` ${arrow}`)));
  });
  if (pressed) {
    const again = tableWrap.querySelector(`[data-sort="${pressed}"]`);
    pressed = '';
    queueMicrotask(() => again?.focus());
  }
  return tableWrap;
}

function normalised(search) {
  const pairs = [...new URLSearchParams(search)].filter(([k, v]) => v !== '' && !PAGING.has(k));
  pairs.sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  return new URLSearchParams(pairs).toString();
}

function problemText(error) {
  const first = Object.values(error.errors || {})[0]?.[0];
  return inLanguage(first || error.detail || error.message, locale());
}

function exportLinks(list) {
  const make = (format, label) => h('a', {
    class: 'btn', href: '#', download: '', 'data-testid': `export-${format}`, 'aria-label': label,
  }, label);
  const links = { csv: make('csv', t('listtools.export_csv')), xlsx: make('xlsx', t('listtools.export_xlsx')) };
  const update = (params) => {
    for (const format of ['csv', 'xlsx']) links[format].href = url(`/exports/${list}`, { ...params, format, lang: locale() });
  };
  return { links: [links.csv, links.xlsx], update };
}

// The saved-filter control and export links of one list: { element, update(apiParams) }.
export function listTools({ list, me }) {
  const picker = h('select', { class: 'input', 'aria-label': t('listtools.saved'), 'data-testid': 'saved-filter' });
  const remove = h('button', { type: 'button', class: 'btn', disabled: true, 'data-testid': 'saved-filter-delete' },
    t('listtools.delete'));
  const save = h('button', { type: 'button', class: 'btn', 'data-testid': 'saved-filter-save' }, t('listtools.save'));
  const exports = exportLinks(list);
  let found = [];

  const selected = () => found.find((f) => f.id === picker.value);
  function draw() {
    const current = normalised(location.search);
    const match = found.find((f) => normalised(f.query) === current && current !== '');
    const option = (f) => h('option', { value: f.id, selected: match === f, 'data-builtin': f.builtin ? 'true' : null },
      f.builtin ? (f.names?.[locale()] || f.name) : f.name);
    const groups = [['builtin', found.filter((f) => f.builtin)], ['mine', found.filter((f) => f.mine)],
      ['shared', found.filter((f) => !f.builtin && !f.mine)]];
    replace(picker, h('option', { value: '' }, t('listtools.saved_any')),
      groups.filter(([, items]) => items.length)
        .map(([name, items]) => h('optgroup', { label: t(`listtools.group_${name}`) }, items.map(option))));
    remove.disabled = !selected()?.mine;
  }
  async function reload() {
    try {
      found = (await api.get('/saved-filters', { list })).items;
    } catch {
      found = [];
    }
    draw();
  }

  // A pick opens the filter; stepping through the options with the arrow keys only opens one on Enter or on
  // leaving the control, so a keyboard user is not taken to every filter on the way.
  let stepping = false;
  const open = () => {
    const chosen = selected();
    remove.disabled = !chosen?.mine;
    if (chosen && normalised(chosen.query) !== normalised(location.search)) {
      navigate(`${location.pathname}${chosen.query ? `?${chosen.query}` : ''}`);
    }
  };
  picker.addEventListener('keydown', (event) => {
    if (['ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown'].includes(event.key)) stepping = true;
    if (event.key === 'Enter') { stepping = false; open(); }
  });
  picker.addEventListener('change', () => {
    remove.disabled = !selected()?.mine;
    if (!stepping) open();
  });
  picker.addEventListener('blur', () => { if (stepping) { stepping = false; open(); } });
  save.addEventListener('click', async () => {
    const name = h('input', { name: 'name', class: 'input', required: true, maxlength: 120, dir: 'auto',
      'data-testid': 'saved-filter-name' });
    const share = me?.role === 'admin'
      ? h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'shared', value: 'true' }), ` ${t('listtools.share')}`) : null;
    const values = await dialog(t('listtools.save_title'), [field(t('listtools.name'), name), share], { submit: t('listtools.save') });
    if (!values) return;
    try {
      const made = await api.post('/saved-filters', { list, name: values.name, query: location.search, shared: values.shared === 'true' });
      await reload();
      picker.value = made.id;
      remove.disabled = false;
      toast(t('listtools.saved_done', { name: made.name }), 'ok');
    } catch (error) {
      toast(problemText(error), 'error');
    }
  });
  remove.addEventListener('click', async () => {
    const chosen = selected();
    if (!chosen?.mine) return;
    const sure = await dialog(t('listtools.delete_title', { name: chosen.name }), [], { submit: t('listtools.delete'), danger: true });
    if (!sure) return;
    try {
      await request('DELETE', `/saved-filters/${chosen.id}`);
    } catch (error) {
      toast(problemText(error), 'error');
      return;
    }
    toast(t('listtools.deleted', { name: chosen.name }), 'ok');
    await reload();
  });

  reload();
  const element = h('div', { class: 'toolbar list-tools', 'data-testid': 'list-tools' },
    picker, save, remove, h('span', { class: 'list-tools-gap' }), exports.links);
  // after each load: the export links carry the list's parameters; the picker shows the filter in use
  const update = (params) => {
    exports.update(params);
    if (found.length) draw();
  };
  return { element, update };
}

// A filter the list's controls do not show (a saved filter's "since" day, "handled by"): its words and a
// button that drops it.
export function chip(label, onClear, testid) {
  return h('span', { class: 'chip', 'data-testid': testid }, label,
    h('button', { type: 'button', class: 'chip-clear', 'aria-label': t('listtools.clear', { filter: label }), onclick: onClear }, '×'));
}

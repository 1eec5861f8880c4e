// The managed lists (administrators): every list with its entries, search, adding an entry, editing its
// Persian and English labels, deactivating and reactivating it. A key never changes and an entry is never
// deleted: records hold keys, so a retired entry keeps its meaning on them.

import { api, ApiError } from '../core/api.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo } from '../core/fields.js';
import { number, t, word } from '../core/i18n.js';
import { forget, labelOf, listSelect } from '../core/lists.js';
import { setQuery } from '../core/router.js';
import { badge, dialog, empty, errorBox, field, loading, pageHeader, table, toast } from '../core/ui.js';

const PARENTS = { city: 'province' };

function problemText(error) {
  if (error instanceof ApiError && error.errors && Object.keys(error.errors).length) {
    return Object.entries(error.errors).map(([name, messages]) => `${name}: ${[].concat(messages).join(', ')}`).join(' · ');
  }
  return error.message || String(error);
}

async function change(name, entry, body, reload) {
  try {
    await api.patch(`/lists/${encodeURIComponent(name)}/entries/${encodeURIComponent(entry.key)}`, body);
    forget(name);
    toast(t('lists.saved'), 'ok');
    await reload();
  } catch (error) {
    toast(problemText(error), 'error');
  }
}

async function editLabels(name, entry, reload) {
  const fa = h('input', { class: 'input', name: 'label_fa', value: entry.label_fa, dir: 'rtl', lang: 'fa', required: true, maxlength: 255 });
  const en = h('input', { class: 'input', name: 'label_en', value: entry.label_en, dir: 'ltr', lang: 'en', required: true, maxlength: 255 });
  const values = await dialog(t('lists.edit_title', { key: entry.key }),
    [field(t('lists.label_fa'), fa), field(t('lists.label_en'), en)], { submit: t('lists.save') });
  if (values) await change(name, entry, { label_fa: values.label_fa.trim(), label_en: values.label_en.trim() }, reload);
}

function entryRows(name, items, reload) {
  return table([
    { label: t('lists.key'), cell: (e) => ltr(e.key) },
    { label: t('lists.label_fa'), cell: (e) => h('span', { lang: 'fa', dir: 'rtl' }, e.label_fa) },
    { label: t('lists.label_en'), cell: (e) => h('span', { lang: 'en', dir: 'ltr' }, e.label_en) },
    PARENTS[name] ? { label: t(`lists.${PARENTS[name]}`), cell: (e) => (e.parent_key ? ltr(e.parent_key) : '—') } : null,
    { label: t('lists.state'), cell: (e) => (e.active ? badge(t('lists.active'), 'ok') : badge(t('lists.inactive'), 'muted')) },
    { label: t('lists.actions'), cell: (e) => h('div', { class: 'row' },
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `list-edit-${e.key}`, onclick: () => editLabels(name, e, reload) }, t('lists.edit')),
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `list-toggle-${e.key}`, onclick: () => change(name, e, { active: !e.active }, reload) },
        e.active ? t('lists.deactivate') : t('lists.activate'))) },
  ].filter(Boolean), items, { rowAttrs: (e) => ({ 'data-key': e.key, class: e.active ? '' : 'muted' }) });
}

function addForm(name, reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'list-add-submit' }, t('lists.add'));
  const parent = PARENTS[name]
    ? formField('parent_key', t(`lists.${PARENTS[name]}`), listSelect(PARENTS[name], { empty: t('portal.choose') }), { required: true })
    : null;
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'list-add' },
    h('h2', {}, t('lists.add_title')),
    h('div', { class: 'pair' },
      formField('key', t('lists.key'), h('input', { class: 'input', dir: 'ltr', maxlength: 80, autocomplete: 'off', spellcheck: 'false', 'data-testid': 'list-add-key' }),
        { required: true, hint: t('lists.key_hint') }),
      formField('label_fa', t('lists.label_fa'), h('input', { class: 'input', dir: 'rtl', lang: 'fa', maxlength: 255, 'data-testid': 'list-add-fa' }), { required: true }),
      formField('label_en', t('lists.label_en'), h('input', { class: 'input', dir: 'ltr', lang: 'en', maxlength: 255, 'data-testid': 'list-add-en' }), { required: true })),
    parent, alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    send: (values) => api.post(`/lists/${encodeURIComponent(name)}/entries`, values),
    done: async (entry) => {
      forget(name);
      toast(t('lists.added', { label: labelOf(entry) }), 'ok');
      form.reset();
      submit.disabled = false;
      submit.classList.remove('busy');
      await reload();
    },
  });
  return form;
}

export async function render({ root, query }) {
  replace(root, pageHeader(t('lists.title')), loading());
  const lists = await api.get('/lists');
  if (!lists.length) { replace(root, pageHeader(t('lists.title')), empty(t('lists.none'))); return; }
  const state = { name: lists.some((l) => l.name === query.list) ? query.list : lists[0].name, q: '' };
  const picker = h('select', { class: 'input', 'data-testid': 'list-picker', 'aria-label': t('lists.choose') },
    lists.map((l) => h('option', { value: l.name, selected: l.name === state.name },
      `${word('lists', l.name)} (${number(l.active)}/${number(l.entries)})`)));
  const search = h('input', { type: 'search', class: 'input', dir: 'auto', maxlength: 100, placeholder: t('lists.search'),
    'aria-label': t('lists.search'), 'data-testid': 'list-search' });
  const body = h('div', { class: 'stack' });

  let asked = 0;  // only the latest answer is drawn: picking another list before the first one loaded
  async function reload() {
    const mine = ++asked;
    try {
      const page = await api.get(`/lists/${encodeURIComponent(state.name)}/entries`,
        { include_inactive: true, limit: 1000, ...(state.q ? { q: state.q } : {}) });
      if (mine !== asked) return;
      replace(body, h('p', { class: 'muted' }, t('lists.count', { count: number(page.total) })),
        page.items.length ? entryRows(state.name, page.items, reload) : empty(t('lists.no_entries')));
      if (!state.q) {  // the picker's counts follow what was just added, deactivated or brought back
        const option = [...picker.options].find((o) => o.value === state.name);
        const active = page.items.filter((e) => e.active).length;
        if (option) option.textContent = `${word('lists', state.name)} (${number(active)}/${number(page.total)})`;
      }
    } catch (error) {
      if (mine === asked) replace(body, errorBox(error));
    }
  }

  function draw() {
    replace(root, pageHeader(t('lists.title')),
      h('p', { class: 'muted' }, t('lists.intro')),
      h('div', { class: 'row toolbar' }, field(t('lists.choose'), picker), field(t('lists.search'), search)),
      addForm(state.name, reload),
      h('section', { class: 'card', 'data-testid': 'list-entries', 'data-list': state.name }, body));
    root.querySelector('h1')?.focus();
    return reload();
  }

  picker.addEventListener('change', () => { state.name = picker.value; state.q = ''; search.value = ''; setQuery({ list: state.name }); draw(); });
  search.addEventListener('input', debounce(() => { state.q = search.value.trim(); reload(); }, 250));
  await draw();
}

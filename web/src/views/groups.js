// Groups (administrators): the keys tasks are offered to (camunda:candidateGroups) and users belong to, with
// their Persian and English labels. A new group; changing labels and the description; deactivating and
// reactivating; removing one nobody uses (the server refuses a group a deployed diagram or a user names).

import { api, request } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, formValues, sendsTo } from '../core/fields.js';
import { locale, number, t } from '../core/i18n.js';
import { badge, empty, errorBox, loading, pageHeader, table, toast } from '../core/ui.js';
import { act, shownIn } from './fielderrors.js';
import { processName } from './names.js';

const input = (name, attrs = {}) => h('input', { class: 'input', name, 'data-testid': `group-${name}`, autocomplete: 'off', ...attrs });
const labelOf = (g) => (locale() === 'fa' ? g.label_fa : g.label_en);

function groupForm(group, reload, close) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'group-submit' }, group ? t('groups.save') : t('groups.create'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': group ? 'group-edit' : 'group-new' },
    h('h2', {}, group ? t('groups.edit_title', { name: labelOf(group) }) : t('groups.new_title')),
    group ? null : formField('key', t('groups.key'), input('key', { dir: 'ltr', maxlength: 100, spellcheck: 'false' }), { required: true, hint: t('groups.key_hint') }),
    h('div', { class: 'pair' },
      formField('label_fa', t('groups.label_fa'), input('label_fa', { dir: 'rtl', lang: 'fa', maxlength: 255, value: group?.label_fa || '' }), { required: true }),
      formField('label_en', t('groups.label_en'), input('label_en', { dir: 'ltr', lang: 'en', maxlength: 255, value: group?.label_en || '' }), { required: true })),
    formField('description', t('groups.description'), h('textarea', { class: 'input', name: 'description', rows: 2, dir: 'auto', maxlength: 1000, 'data-testid': 'group-description' }, group?.description || '')),
    alertBox,
    h('div', { class: 'row end' }, h('button', { type: 'button', class: 'btn', onclick: close }, t('common.cancel')), submit));
  sendsTo(form, {
    alertBox,
    submit,
    shown: shownIn('groups.error'),
    send: () => {
      const values = formValues(form);
      const body = { label_fa: values.label_fa || '', label_en: values.label_en || '', description: values.description || null };
      return group ? api.patch(`/groups/${encodeURIComponent(group.key)}`, body) : api.post('/groups', { ...body, key: values.key || '' });
    },
    done: async (saved) => {
      toast(t(group ? 'groups.saved' : 'groups.created', { name: labelOf(saved) }), 'ok');
      close();
      await reload();
    },
  });
  return form;
}

function rows(groups, { edit, reload }) {
  return table([
    { label: t('groups.key'), cell: (g) => ltr(g.key) },
    { label: t('groups.label'), cell: (g) => h('bdi', {}, labelOf(g)) },
    { label: t('groups.description'), cell: (g) => h('bdi', {}, g.description || '—') },
    { label: t('groups.users'), cell: (g) => number(g.users) },
    { label: t('groups.processes'), cell: (g) => (g.processes.length ? h('div', { class: 'chips' }, g.processes.map((key) => badge(
      processName({ process_key: key, process_name: g.process_names?.[key] })))) : '—') },
    { label: t('groups.state'), cell: (g) => (g.active ? badge(t('groups.active'), 'ok') : badge(t('groups.inactive'), 'muted')) },
    { label: t('common.actions'), cell: (g) => {
      const toggle = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `group-toggle-${g.key}` }, g.active ? t('groups.deactivate') : t('groups.activate'));
      toggle.onclick = () => act(toggle, () => api.patch(`/groups/${encodeURIComponent(g.key)}`, { active: !g.active }), reload);
      const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': `group-remove-${g.key}` }, t('groups.remove'));
      remove.onclick = () => {
        if (window.confirm(t('groups.remove_confirm', { name: labelOf(g) }))) {
          act(remove, () => request('DELETE', `/groups/${encodeURIComponent(g.key)}`), reload);
        }
      };
      return h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `group-edit-${g.key}`, onclick: () => edit(g) }, t('groups.edit')),
        toggle, g.users || g.processes.length ? null : remove);  // one in use is deactivated, never removed
    } },
  ], groups, { rowAttrs: (g) => ({ 'data-group': g.key, class: g.active ? '' : 'muted' }) });
}

export async function render({ root }) {
  replace(root, pageHeader(t('groups.title')), loading());
  const formSlot = h('div');
  const body = h('section', { class: 'card', 'data-testid': 'group-list' });
  const close = () => replace(formSlot);
  const open = (group) => { replace(formSlot, groupForm(group, reload, close)); formSlot.querySelector('input')?.focus(); };
  async function reload() {
    try {
      const found = await api.get('/groups');
      replace(body, h('p', { class: 'muted' }, t('groups.count', { count: number(found.total) })),
        found.items.length ? rows(found.items, { edit: open, reload }) : empty(t('groups.none')));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  const add = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'group-add', onclick: () => open(null) }, t('groups.add'));
  replace(root, pageHeader(t('groups.title'), add), h('p', { class: 'muted' }, t('groups.intro')), formSlot, body);
  root.querySelector('h1')?.focus();
  await reload();
}

// Users (administrators): the list searched and paged on the server (name however typed, role and state
// filters); a new user; changing a user's name, role, groups (picked from the known groups), language, e-mail,
// mobile or password; disabling and enabling; resetting a password (a temporary one made by the server and
// shown once). A new password, a reset or a disable signs the user out everywhere (sessions and tokens end).

import { api, ApiError } from '../core/api.js';
import { halves } from '../core/bilingual.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { formField, formValues, sendsTo, showProblem } from '../core/fields.js';
import { digits, has, locale, number, t } from '../core/i18n.js';
import { badge, empty, errorBox, field, loading, pageHeader, pager, setBusy, table, toast } from '../core/ui.js';
import { loadTeams, teamCell, teamField, withTeam } from './user_team.js';

const ROLES = ['admin', 'designer', 'employee', 'auditor', 'integration'];  // as the server's ROLES
const LOCALES = ['fa', 'en'];
const PAGE = 50;
let knownGroups = [];  // the groups (GET /groups), loaded with the page

const groupLabel = (key) => {
  const group = knownGroups.find((g) => g.key === key);
  return group ? (locale() === 'fa' ? group.label_fa : group.label_en) : key;
};

// The groups as check boxes: the active ones, and any inactive one the user still belongs to.
function groupPicker(selected = []) {
  const offered = knownGroups.filter((g) => g.active || selected.includes(g.key));
  return h('fieldset', { class: 'field choice-group', 'data-field': 'groups', 'data-testid': 'user-groups' },
    h('legend', {}, t('users.groups')),
    offered.length ? h('div', { class: 'choices' }, offered.map((g) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name: 'group', value: g.key, checked: selected.includes(g.key), 'data-testid': `user-group-${g.key}` }),
      h('span', {}, groupLabel(g.key), ' ', h('small', { class: 'muted', dir: 'ltr' }, g.key))))) : h('p', { class: 'muted' }, t('users.no_groups')),
    h('div', { class: 'field-error', 'data-error-for': 'groups', hidden: true }));
}

const pickedGroups = (form) => [...form.querySelectorAll('input[name=group]:checked')].map((c) => c.value);

// A server's field message in the reader's language: its Persian half in Persian (else this page's own
// sentence for the field, with the server's words after it), its English half in English.
function fieldMessages(name, sent) {
  return [].concat(sent).map(String).flatMap((message) => {
    const { en, fa } = halves(message);
    if (locale() === 'en') return [h('p', {}, en || fa)];
    if (fa) return [h('p', {}, digits(fa))];
    const own = has(`users.error.${name}`) ? t(`users.error.${name}`) : t('form.check_field');
    return [h('p', {}, own), h('p', { class: 'field-error-detail', lang: 'en', dir: 'ltr' }, en)];
  });
}

function shown(form, alertBox, error) {
  const problem = error instanceof ApiError && error.status === 409 && form.querySelector('[data-field=username]')
    ? new ApiError(422, { detail: error.message, errors: { username: [`${error.message} / ${t('users.error.taken')}`] } })
    : error;
  showProblem(form, alertBox, problem, { prefix: 'users.error' });
  if (!(problem instanceof ApiError) || problem.status !== 422) return;
  for (const [path, sent] of Object.entries(problem.errors || {})) {
    const name = path.split('.')[0];
    const slot = form.querySelector(`[data-field="${CSS.escape(name)}"] .field-error`);
    if (slot) replace(slot, fieldMessages(name, sent));
  }
}

function select(name, values, prefix, selected) {
  return h('select', { class: 'input', name, 'data-testid': `user-${name}` },
    values.map((value) => h('option', { value, selected: value === selected }, t(`${prefix}.${value}`))));
}

const input = (name, attrs = {}) => h('input', { class: 'input', name, 'data-testid': `user-${name}`, autocomplete: 'off', ...attrs });

// The fields both forms share, filled from `user` when editing.
function commonFields(user = {}) {
  return [
    h('div', { class: 'pair' },
      formField('display_name', t('users.display_name'), input('display_name', { dir: 'auto', maxlength: 255, value: user.display_name || '' })),
      formField('role', t('users.role'), select('role', ROLES, 'role', user.role || 'employee'), { required: true })),
    h('div', { class: 'pair' },
      formField('locale', t('users.locale'), select('locale', LOCALES, 'users.locale', user.locale || locale()), { required: true })),
    h('div', { class: 'pair' },
      formField('email', t('users.email'), input('email', { type: 'email', dir: 'ltr', maxlength: 255, value: user.email || '' })),
      formField('mobile', t('users.mobile'), input('mobile', { type: 'tel', dir: 'ltr', maxlength: 40, value: user.mobile || '', placeholder: digits('09121234567') }))),
    groupPicker(user.groups || []),
    teamField(user),
  ];
}

function userForm(user, reload, close) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'user-submit' }, user ? t('users.save') : t('users.create'));
  const password = formField('password', user ? t('users.new_password') : t('users.password'),
    input('password', { type: 'password', dir: 'ltr', autocomplete: 'new-password' }), { required: !user, hint: t('users.password_hint') });
  const username = user ? null : formField('username', t('users.username'), input('username', { dir: 'ltr', maxlength: 150, spellcheck: 'false' }), { required: true });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': user ? 'user-edit' : 'user-new' },
    h('h2', {}, user ? t('users.edit_title', { name: user.display_name || user.username }) : t('users.new_title')),
    username, commonFields(user || {}), password, alertBox,
    h('div', { class: 'row end' }, h('button', { type: 'button', class: 'btn', onclick: close }, t('common.cancel')), submit));
  sendsTo(form, {
    alertBox,
    submit,
    shown,
    send: () => withTeam(form, user, () => {
      const values = formValues(form);
      const body = { display_name: values.display_name || null, role: values.role, groups: pickedGroups(form),
        locale: values.locale, email: values.email || null, mobile: values.mobile || null };
      if (!user) return api.post('/users', { ...body, username: values.username || '', password: values.password || '' });
      return api.patch(`/users/${user.id}`, values.password ? { ...body, password: values.password } : body);
    }),
    done: async (saved) => {
      toast(t(user ? 'users.saved' : 'users.created', { name: saved.display_name || saved.username }), 'ok');
      close();
      await reload();
    },
  });
  return form;
}

async function toggle(user, button, reload) {
  setBusy(button, true);
  try {
    await api.patch(`/users/${user.id}`, { active: !user.active });
    toast(t(user.active ? 'users.disabled_done' : 'users.enabled_done', { name: user.display_name || user.username }), 'ok');
    await reload();
  } catch (error) {
    setBusy(button, false);
    toast(halves(error.message || String(error))[locale()] || error.message, 'error');
  }
}

// A temporary password, made by the server and shown here once (the user signs in with it and changes it).
async function resetPassword(user, button, slot) {
  if (!window.confirm(t('users.reset_confirm', { name: user.display_name || user.username }))) return;
  setBusy(button, true);
  try {
    const answer = await api.post(`/users/${user.id}/reset-password`, {});
    replace(slot, h('div', { class: 'alert alert-ok', role: 'status', 'data-testid': 'user-temp-password' },
      h('p', {}, t('users.reset_done', { name: user.display_name || user.username })),
      h('p', {}, h('code', { dir: 'ltr', 'data-testid': 'user-temp-password-value' }, answer.password)),
      h('p', { class: 'muted' }, t('users.reset_once'))));
  } catch (error) {
    toast(halves(error.message || String(error))[locale()] || error.message, 'error');
  } finally {
    setBusy(button, false);
  }
}

function rows(users, { edit, reload, notice }) {
  return table([
    { label: t('users.username'), cell: (u) => ltr(u.username) },
    { label: t('users.display_name'), cell: (u) => h('bdi', {}, u.display_name || '—') },
    { label: t('users.role'), cell: (u) => t(`role.${u.role}`) },
    { label: t('users.groups'), cell: (u) => (u.groups.length ? u.groups.map((g) => badge(groupLabel(g))) : '—') },
    { label: t('users.locale'), cell: (u) => t(`users.locale.${u.locale}`) },
    { label: t('users.contact'), cell: (u) => h('div', { class: 'stack-tight' }, u.email ? ltr(u.email) : null, u.mobile ? ltr(digits(u.mobile)) : null) },
    { label: t('users.team'), cell: teamCell },
    { label: t('users.state'), cell: (u) => (u.active ? badge(t('users.active'), 'ok') : badge(t('users.disabled'), 'muted')) },
    { label: t('common.actions'), cell: (u) => {
      const flip = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `user-toggle-${u.username}` }, u.active ? t('users.disable') : t('users.enable'));
      flip.onclick = () => toggle(u, flip, reload);
      const reset = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `user-reset-${u.username}` }, t('users.reset'));
      reset.onclick = () => resetPassword(u, reset, notice);
      return h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `user-edit-${u.username}`, onclick: () => edit(u) }, t('users.edit')),
        flip, u.active ? reset : null);
    } },
  ], users, { rowAttrs: (u) => ({ 'data-username': u.username, class: u.active ? '' : 'muted' }) });
}

export async function render({ root }) {
  replace(root, pageHeader(t('users.title')), loading());
  const filters = { q: '', role: '', state: '' };
  const formSlot = h('div');
  const notice = h('div', { 'aria-live': 'polite' });
  const body = h('section', { class: 'card', 'data-testid': 'user-list' });
  const close = () => replace(formSlot);
  let offset = 0;
  let asked = 0;
  const draw = (found) => {
    replace(body, h('p', { class: 'muted', 'data-testid': 'user-count' }, t('users.count', { count: number(found.items.length), total: number(found.total) })),
      found.items.length ? rows(found.items, { edit: (u) => { replace(formSlot, userForm(u, reload, close)); formSlot.querySelector('input')?.focus(); }, reload, notice }) : empty(t('users.none')),
      found.total > PAGE ? pager({ ...found, onPage: (at) => { offset = at; reload(); } }) : null);
  };
  // the server searches and pages; only the latest answer is drawn
  async function reload() {
    const run = ++asked;
    try {
      const active = filters.state ? filters.state === 'active' : undefined;
      const found = await api.get('/users', { q: filters.q, role: filters.role, active, limit: PAGE, offset });
      if (run === asked) draw(found);
    } catch (error) {
      if (run === asked) replace(body, errorBox(error));
    }
  }
  const refilter = () => { offset = 0; reload(); };
  const search = h('input', { type: 'search', class: 'input', dir: 'auto', maxlength: 100, placeholder: t('users.search'), 'data-testid': 'user-search' });
  search.addEventListener('input', debounce(() => { filters.q = search.value.trim(); refilter(); }, 200));
  const roleFilter = h('select', { class: 'input', 'data-testid': 'user-role-filter' },
    h('option', { value: '' }, t('common.any')), ROLES.map((r) => h('option', { value: r }, t(`role.${r}`))));
  roleFilter.addEventListener('change', () => { filters.role = roleFilter.value; refilter(); });
  const stateFilter = h('select', { class: 'input', 'data-testid': 'user-state-filter' },
    h('option', { value: '' }, t('common.any')), h('option', { value: 'active' }, t('users.active')), h('option', { value: 'disabled' }, t('users.disabled')));
  stateFilter.addEventListener('change', () => { filters.state = stateFilter.value; refilter(); });
  // the groups and teams a user is given are picked from these: loaded before the form can open
  const loadGroups = api.get('/groups').then((page) => { knownGroups = page.items; }, () => { knownGroups = []; });
  await Promise.all([loadGroups, loadTeams()]);
  const add = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'user-add',
    onclick: () => { replace(formSlot, userForm(null, reload, close)); formSlot.querySelector('input')?.focus(); } }, t('users.add'));
  replace(root, pageHeader(t('users.title'), add), h('p', { class: 'muted' }, t('users.intro')),
    h('div', { class: 'row toolbar' }, field(t('users.search'), search), field(t('users.role'), roleFilter), field(t('users.state'), stateFilter)),
    notice, formSlot, body);
  root.querySelector('h1')?.focus();
  await reload();
}

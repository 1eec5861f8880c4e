// Teams, branches and who sees what (administrators): the branches (head office, provincial centres), the teams
// in them with their managers, and for each role or group the records it reads and edits (own, team, branch,
// all). A key never changes; a branch or a team is deactivated, never removed. A role without a rule reads and
// edits every record, as a one-team shop does.

import { api, request } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, formValues, options, sendsTo } from '../core/fields.js';
import { locale, number, t } from '../core/i18n.js';
import { groupKeys, groupName, loadGroups } from '../core/lists.js';
import { badge, empty, errorBox, loading, pageHeader, setBusy, table, toast } from '../core/ui.js';
import { act, shownIn } from './fielderrors.js';

const SCOPES = ['own', 'team', 'branch', 'all'];
const ROLE_NAMES = ['employee', 'designer', 'auditor'];
const nameOf = (entry) => (entry ? (locale() === 'fa' ? entry.name_fa : entry.name_en) : '—');
const input = (kind, name, attrs = {}) => h('input', { class: 'input', name, 'data-testid': `${kind}-${name}`, autocomplete: 'off', ...attrs });
const select = (kind, name, children) => h('select', { class: 'input', name, 'data-testid': `${kind}-${name}` }, children);

function namePair(kind, entry) {
  return h('div', { class: 'pair' },
    formField('name_fa', t('teams.name_fa'), input(kind, 'name_fa', { dir: 'rtl', lang: 'fa', maxlength: 255, value: entry?.name_fa || '' }), { required: true }),
    formField('name_en', t('teams.name_en'), input(kind, 'name_en', { dir: 'ltr', lang: 'en', maxlength: 255, value: entry?.name_en || '' }), { required: true }));
}

function keyField(kind) {
  return formField('key', t('teams.key'), input(kind, 'key', { dir: 'ltr', maxlength: 80, spellcheck: 'false' }), { required: true, hint: t('teams.key_hint') });
}

function editor(kind, entry, fields, body, path, reload, close) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `${kind}-submit` }, entry ? t('teams.save') : t('teams.create'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': entry ? `${kind}-edit` : `${kind}-new` },
    h('h2', {}, entry ? t(`teams.${kind}_edit_title`, { name: nameOf(entry) }) : t(`teams.${kind}_new_title`)),
    entry ? null : keyField(kind), namePair(kind, entry), ...fields, alertBox,
    h('div', { class: 'row end' }, h('button', { type: 'button', class: 'btn', onclick: close }, t('common.cancel')), submit));
  sendsTo(form, {
    alertBox,
    submit,
    shown: shownIn('teams.error'),
    send: () => {
      const values = body(formValues(form));
      return entry ? api.patch(`${path}/${encodeURIComponent(entry.key)}`, values) : api.post(path, { ...values, key: formValues(form).key || '' });
    },
    done: async (saved) => {
      toast(t('teams.saved', { name: nameOf(saved) }), 'ok');
      close();
      await reload();
    },
  });
  return form;
}

function branchForm(branch, reload, close) {
  const kind = select('branch', 'kind', options(['head_office', 'provincial'], 'teams.kind', { selected: branch?.kind || 'provincial' }));
  return editor('branch', branch, [formField('kind', t('teams.kind_label'), kind)],
    (v) => ({ name_fa: v.name_fa || '', name_en: v.name_en || '', kind: v.kind }), '/branches', reload, close);
}

function teamForm(team, branches, reload, close) {
  const branch = select('team', 'branch_key', [h('option', { value: '' }, t('teams.no_branch')),
    ...branches.filter((b) => b.active || b.key === team?.branch_key).map((b) => h('option', { value: b.key, selected: b.key === team?.branch_key }, nameOf(b)))]);
  const managers = input('team', 'managers', { dir: 'ltr', value: (team?.managers || []).join(', '), spellcheck: 'false' });
  return editor('team', team, [formField('branch_key', t('teams.branch'), branch),
    formField('managers', t('teams.managers'), managers, { hint: t('teams.managers_hint') })],
  (v) => ({ name_fa: v.name_fa || '', name_en: v.name_en || '', branch_key: v.branch_key || null,
    managers: (v.managers || '').split(/[,،\s]+/).filter(Boolean) }), '/teams', reload, close);
}

function stateCell(entry) {
  return entry.active ? badge(t('teams.active'), 'ok') : badge(t('teams.inactive'), 'muted');
}

function actions(kind, entry, path, edit, reload) {
  const toggle = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `${kind}-toggle-${entry.key}` }, entry.active ? t('teams.deactivate') : t('teams.activate'));
  toggle.onclick = () => act(toggle, () => api.patch(`${path}/${encodeURIComponent(entry.key)}`, { active: !entry.active }), reload);
  return h('div', { class: 'row' },
    h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `${kind}-edit-${entry.key}`, onclick: () => edit(entry) }, t('teams.edit')),
    toggle);
}

function ruleForm(reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-submit' }, t('teams.rule_set'));
  // the names offered follow the kind: the roles, or the known groups (keys, labelled in the reader's language)
  const subjects = h('datalist', { id: 'rule-subjects' });
  const offer = (kind) => replace(subjects, kind === 'group'
    ? [...groupKeys()].map((key) => h('option', { value: key, label: groupName(key) }))
    : ROLE_NAMES.map((r) => h('option', { value: r, label: t(`role.${r}`) })));
  offer('role');
  const kindSelect = select('rule', 'subject_kind', options(['role', 'group'], 'teams.subject'));
  kindSelect.addEventListener('change', () => offer(kindSelect.value));
  loadGroups().then(() => { if (kindSelect.value === 'group') offer('group'); });
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'rule-new' },
    h('div', { class: 'row wrap' },
      formField('subject_kind', t('teams.subject_kind'), kindSelect),
      formField('subject', t('teams.subject_name'), input('rule', 'subject', { dir: 'ltr', list: 'rule-subjects', maxlength: 100 }), { required: true }),
      formField('read_scope', t('teams.read_scope'), select('rule', 'read_scope', options(SCOPES, 'teams.scope', { selected: 'team' }))),
      formField('edit_scope', t('teams.edit_scope'), select('rule', 'edit_scope', options(SCOPES, 'teams.scope', { selected: 'own' })))),
    subjects, alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox,
    submit,
    shown: shownIn('teams.error'),
    send: (v) => request('PUT', `/access-rules/${encodeURIComponent(v.subject_kind)}/${encodeURIComponent(v.subject || '-')}`,
      { json: { read_scope: v.read_scope, edit_scope: v.edit_scope } }),
    done: async () => {
      toast(t('teams.rule_saved'), 'ok');
      setBusy(submit, false);
      await reload();
    },
  });
  return form;
}

function ruleRows(rules, reload) {
  return table([
    { label: t('teams.subject_kind'), cell: (r) => t(`teams.subject.${r.subject_kind}`) },
    { label: t('teams.subject_name'), cell: (r) => ltr(r.subject) },
    { label: t('teams.read_scope'), cell: (r) => badge(t(`teams.scope.${r.read_scope}`)) },
    { label: t('teams.edit_scope'), cell: (r) => badge(t(`teams.scope.${r.edit_scope}`)) },
    { label: t('common.actions'), cell: (r) => {
      const remove = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': `rule-remove-${r.subject_kind}-${r.subject}` }, t('teams.rule_remove'));
      remove.onclick = () => act(remove, () => request('DELETE', `/access-rules/${encodeURIComponent(r.subject_kind)}/${encodeURIComponent(r.subject)}`), reload);
      return remove;
    } },
  ], rules, { rowAttrs: (r) => ({ 'data-rule': `${r.subject_kind}:${r.subject}` }) });
}

export async function render({ root }) {
  replace(root, pageHeader(t('teams.title')), loading());
  const formSlot = h('div');
  const branchBody = h('section', { class: 'card', 'data-testid': 'branch-list', 'aria-labelledby': 'branches-h' });
  const teamBody = h('section', { class: 'card', 'data-testid': 'team-list', 'aria-labelledby': 'teams-h' });
  const ruleBody = h('section', { class: 'card stack', 'data-testid': 'rule-list', 'aria-labelledby': 'rules-h' });
  let branches = [];
  const close = () => replace(formSlot);
  const show = (form) => { replace(formSlot, form); formSlot.querySelector('input')?.focus(); };
  async function reload() {
    try {
      const [foundBranches, teams, rules] = await Promise.all([api.get('/branches'), api.get('/teams'), api.get('/access-rules')]);
      branches = foundBranches;
      const branchNames = Object.fromEntries(branches.map((b) => [b.key, b]));
      replace(branchBody, h('h2', { id: 'branches-h' }, t('teams.branches')),
        branches.length ? table([
          { label: t('teams.key'), cell: (b) => ltr(b.key) },
          { label: t('teams.name'), cell: (b) => h('bdi', {}, nameOf(b)) },
          { label: t('teams.kind_label'), cell: (b) => t(`teams.kind.${b.kind}`) },
          { label: t('teams.state'), cell: stateCell },
          { label: t('common.actions'), cell: (b) => actions('branch', b, '/branches', (e) => show(branchForm(e, reload, close)), reload) },
        ], branches, { rowAttrs: (b) => ({ 'data-branch': b.key, class: b.active ? '' : 'muted' }) }) : empty(t('teams.no_branches')));
      replace(teamBody, h('h2', { id: 'teams-h' }, t('teams.teams')),
        teams.length ? table([
          { label: t('teams.key'), cell: (x) => ltr(x.key) },
          { label: t('teams.name'), cell: (x) => h('bdi', {}, nameOf(x)) },
          { label: t('teams.branch'), cell: (x) => h('bdi', {}, x.branch_key ? nameOf(branchNames[x.branch_key]) : '—') },
          { label: t('teams.managers'), cell: (x) => (x.managers.length ? x.managers.map((m) => badge(m)) : '—') },
          { label: t('teams.state'), cell: stateCell },
          { label: t('common.actions'), cell: (x) => actions('team', x, '/teams', (e) => show(teamForm(e, branches, reload, close)), reload) },
        ], teams, { rowAttrs: (x) => ({ 'data-team': x.key, class: x.active ? '' : 'muted' }) }) : empty(t('teams.no_teams')));
      replace(ruleBody, h('h2', { id: 'rules-h' }, t('teams.rules')), h('p', { class: 'muted' }, t('teams.rules_intro')),
        rules.length ? ruleRows(rules, reload) : empty(t('teams.no_rules'), t('teams.no_rules_hint')),
        h('p', { class: 'muted' }, t('teams.rules_count', { count: number(rules.length) })), ruleForm(reload));
    } catch (error) {
      replace(branchBody, errorBox(error));
    }
  }
  const addBranch = h('button', { type: 'button', class: 'btn', 'data-testid': 'branch-add', onclick: () => show(branchForm(null, reload, close)) }, t('teams.add_branch'));
  const addTeam = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'team-add', onclick: () => show(teamForm(null, branches, reload, close)) }, t('teams.add_team'));
  replace(root, pageHeader(t('teams.title'), addBranch, addTeam), h('p', { class: 'muted' }, t('teams.intro')), formSlot,
    teamBody, branchBody, ruleBody);
  root.querySelector('h1')?.focus();
  await reload();
}

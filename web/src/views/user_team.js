// A user's team on the users page (record access): the team picked from the active teams (GET /teams), saved
// with PUT /users/{id}/placement after the user itself (their branch follows the team's); shown in the list.

import { request, api } from '../core/api.js';
import { h } from '../core/dom.js';
import { formField } from '../core/fields.js';
import { locale, t } from '../core/i18n.js';

let knownTeams = [];  // loaded with the page

const nameOf = (key) => {
  const team = knownTeams.find((x) => x.key === key);
  return team ? (locale() === 'fa' ? team.name_fa : team.name_en) : key;
};

export async function loadTeams() {
  try {
    knownTeams = await api.get('/teams');
  } catch {
    knownTeams = [];
  }
}

export function teamField(user = {}) {
  const offered = knownTeams.filter((x) => x.active || x.key === user.team_key);
  return formField('team_key', t('users.team'), h('select', { class: 'input', name: 'team_key', 'data-testid': 'user-team_key' },
    h('option', { value: '' }, t('users.no_team')),
    offered.map((x) => h('option', { value: x.key, selected: x.key === user.team_key }, nameOf(x.key)))),
  { hint: t('users.team_hint') });
}

export const teamCell = (u) => (u.team_key ? h('bdi', {}, nameOf(u.team_key)) : '—');

// Save the user (`send`), then their team when it changed.
export async function withTeam(form, user, send) {
  const saved = await send();
  const picked = form.querySelector('select[name=team_key]');
  if (!picked || picked.value === (user?.team_key || '')) return saved;
  const placed = await request('PUT', `/users/${saved.id}/placement`, { json: { team_key: picked.value || null } });
  return { ...saved, ...placed };
}

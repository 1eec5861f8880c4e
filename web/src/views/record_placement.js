// Whose a record is (record access): its owner, team and branch (GET /records/{kind}/{id}/placement), and for
// those who may change the record a small form to give it another owner, team or branch (PATCH; the server
// checks the user, team and branch exist and refuses in place, in the reader's language).

import { api, request } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, formValues, sendsTo } from '../core/fields.js';
import { locale, t } from '../core/i18n.js';
import { facts, toast } from '../core/ui.js';
import { shownIn } from './fielderrors.js';
import { personText } from '../core/people.js';

const nameOf = (entry) => (locale() === 'fa' ? entry.name_fa : entry.name_en);

function choices(name, entries, selected) {
  return h('select', { class: 'input', name, 'data-testid': `placement-${name}` },
    h('option', { value: '' }, '—'),
    entries.filter((e) => e.active || e.key === selected).map((e) => h('option', { value: e.key, selected: e.key === selected }, nameOf(e))));
}

function form(kind, id, placed, teams, branches, redraw) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-small', 'data-testid': 'placement-save' }, t('placement.save'));
  const el = h('form', { class: 'stack', novalidate: true, 'data-testid': 'placement-form' },
    h('div', { class: 'row wrap' },
      formField('owner', t('placement.owner'), h('input', { class: 'input', name: 'owner', dir: 'ltr', maxlength: 150, value: placed.owner || '', 'data-testid': 'placement-owner' })),
      formField('team_key', t('placement.team'), choices('team_key', teams, placed.team_key)),
      formField('branch_key', t('placement.branch'), choices('branch_key', branches, placed.branch_key))),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(el, {
    alertBox,
    submit,
    shown: shownIn('placement.error'),
    send: () => {
      const v = formValues(el);
      return request('PATCH', `/records/${kind}/${id}/placement`,
        { json: { owner: v.owner || null, team_key: v.team_key || null, branch_key: v.branch_key || null } });
    },
    done: (saved) => { toast(t('placement.saved'), 'ok'); redraw(saved); },
  });
  return el;
}

// The section for a record page; `kind` as the API names the list (customers, leads, ...).
export function placementSection(kind, id, { editable = true } = {}) {
  const section = h('section', { class: 'card stack', 'data-testid': 'placement', 'aria-labelledby': `placement-h-${id}` });
  (async () => {
    try {
      const [placed, teams, branches] = await Promise.all([api.get(`/records/${kind}/${id}/placement`),
        api.get('/teams'), api.get('/branches')]);
      const redraw = (now) => {
        const teamOf = teams.find((x) => x.key === now.team_key);
        const branchOf = branches.find((x) => x.key === now.branch_key);
        replace(section, h('h2', { id: `placement-h-${id}` }, t('placement.title')),
          facts([[t('placement.owner'), now.owner ? personText(now.owner) : '—'],
            [t('placement.team'), teamOf ? h('bdi', {}, nameOf(teamOf)) : (now.team_key || '—')],
            [t('placement.branch'), branchOf ? h('bdi', {}, nameOf(branchOf)) : (now.branch_key || '—')]]),
          editable ? h('details', {}, h('summary', {}, t('placement.change')), form(kind, id, now, teams, branches, redraw)) : null);
      };
      redraw(placed);
    } catch {
      replace(section);
      section.hidden = true;
    }
  })();
  return section;
}

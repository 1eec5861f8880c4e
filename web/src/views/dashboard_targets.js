// The dashboards' targets card (GET /reports/targets): for the period chosen (a Jalali month, season or fiscal
// year in Persian), each salesperson's and team's target beside what they won (amount, percent, a bar), deals
// won, calls made and complaints resolved. Administrators and managers set a person's or a team's target for the
// period in place (POST /targets; the same person and period again changes it).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo, showProblem } from '../core/fields.js';
import { money, number, percent, t } from '../core/i18n.js';
import { errorBox, loading, setBusy, toast } from '../core/ui.js';

const mayTarget = (me) => me.role === 'admin' || (me.groups || []).includes('managers');

function progress(row) {
  if (row.percent === null || row.percent === undefined) return h('span', { class: 'muted' }, t('targets.no_target'));
  const width = Math.max(0, Math.min(100, row.percent));
  return h('div', { class: 'target-progress', title: `${number(row.percent)}%` },
    h('div', { class: ['target-bar', row.percent >= 100 ? 'is-reached' : null], style: { inlineSize: `${width}%` } }),
    h('span', { class: 'target-percent', 'data-testid': 'target-percent' }, percent(row.percent)));
}

function table(rows, first) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, [first, t('targets.target'), t('targets.won'), t('targets.progress'), t('targets.won_count'),
      t('targets.calls'), t('targets.complaints')].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((row) => h('tr', { 'data-testid': 'target-row', 'data-who': row.username || row.team },
      h('th', { scope: 'row' }, row.name ? h('bdi', {}, row.name) : ltr(row.team)),
      h('td', { class: 'num' }, row.target ? money(row.target, { toman: false }) : '—'),
      h('td', { class: 'num' }, money(row.won_amount, { toman: false })),
      h('td', {}, progress(row)),
      h('td', { class: 'num' }, number(row.won_count)),
      h('td', { class: 'num' }, number(row.calls)),
      h('td', { class: 'num' }, number(row.complaints_resolved)))))));
}

function targetForm(days, people, teams, saved) {
  const who = h('select', { class: 'input', 'data-testid': 'target-who' },
    h('optgroup', { label: t('targets.people') }, people.map((p) => h('option', { value: `owner:${p.username}` }, p.name))),
    teams.length ? h('optgroup', { label: t('targets.teams') }, teams.map((team) => h('option', { value: `team:${team.team}` }, team.team))) : null);
  const amount = h('input', { class: 'input', inputmode: 'numeric', dir: 'ltr', name: 'amount', 'data-testid': 'target-amount' });
  const alertBox = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'target-save' }, t('targets.set'));
  const form = h('form', { class: 'target-form row', novalidate: true, 'data-testid': 'target-form' },
    formField('owner', t('targets.who'), who), formField('amount', t('targets.amount'), amount, { hint: t('targets.amount_hint') }),
    h('div', { class: 'row end' }, submit), alertBox);
  who.removeAttribute('name');
  sendsTo(form, {
    alertBox, submit,
    shown: (f, box, error) => showProblem(f, box, error, { prefix: 'targets.error' }),
    send: () => {
      const [kind, value] = who.value.split(/:(.*)/s);
      return api.post('/targets', { [kind === 'team' ? 'team' : 'owner']: value, first_day: days.from, last_day: days.to, amount: amount.value });
    },
    done: () => { setBusy(submit, false); toast(t('targets.saved'), 'ok'); saved(); },
  });
  return form;
}

// The card for `days` ({from, to}: the period's first and last day), or a hint when no period is chosen.
export function targetsCard(days, me, { card }) {
  const body = h('div', {}, loading());
  const section = card(t('targets.title'), 'dash-targets', null, body);
  async function load() {
    if (!days.from || !days.to) { replace(body, h('p', { class: 'muted' }, t('targets.choose_period'))); return; }
    try {
      const found = await api.get('/reports/targets', days);
      replace(body,
        found.people.length ? table(found.people, t('targets.person')) : h('p', { class: 'muted' }, t('targets.nobody')),
        found.teams.length ? table(found.teams, t('targets.team')) : null,
        mayTarget(me) && found.people.length ? targetForm(days, found.people, found.teams, load) : null);
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  load();
  return section;
}

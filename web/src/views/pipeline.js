// The sales pipeline as a board: a column per stage (GET /opportunities/board: count, total and weighted total
// summed on the server, the first cards, "more" by the column's cursor), cards with title, customer, amount,
// expected close and owner. A card moves by dragging it onto another column, or from the keyboard with the
// "move to" select on the card; either way a dialog confirms the chance (open stages) or asks the loss reason
// (lost), and the opportunity's own stage change (POST /opportunities/{id}/stage) decides on the server.
// Filters: words, owner (or only mine), the expected close's period typed in Jalali or Gregorian, team when
// records carry one; "as a list" opens the opportunities list with the same words and owner.

import { api } from '../core/api.js';
import { inLanguage } from '../core/bilingual.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo } from '../core/fields.js';
import { date, digits, locale, money, number, t, typedNumber } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { navigate, setQuery } from '../core/router.js';
import { errorBox, loading, pageHeader, toast } from '../core/ui.js';
import { shown } from './opportunity_actions.js';
import { personText } from '../core/people.js';

const LIMIT = 20;
const label = (column) => (locale() === 'fa' ? column.label_fa : column.label_en);

function card(opportunity, columns, onMove) {
  const others = columns.filter((c) => c.stage !== opportunity.stage && c.active);
  const move = h('select', {
    class: 'input input-small', 'aria-label': t('pipeline.move_to', { title: opportunity.title }),
    'data-testid': 'pipeline-move-select',
    onchange: (event) => { const to = event.target.value; event.target.value = ''; if (to) onMove(opportunity, to); },
  }, h('option', { value: '' }, t('pipeline.move')), others.map((c) => h('option', { value: c.stage }, label(c))));
  return h('article', {
    class: 'pipeline-card', draggable: 'true', 'data-testid': 'pipeline-card', 'data-opportunity-id': opportunity.id,
    ondragstart: (event) => {
      event.dataTransfer.setData('text/plain', String(opportunity.id));
      event.dataTransfer.effectAllowed = 'move';
      event.currentTarget.classList.add('dragging');
    },
    ondragend: (event) => event.currentTarget.classList.remove('dragging'),
  },
  h('a', { href: `/app/opportunities/${opportunity.id}`, class: 'pipeline-card-title', dir: 'auto', 'data-testid': 'pipeline-card-title' }, opportunity.title),
  h('div', { class: 'muted', dir: 'auto' }, opportunity.customer_name || `#${number(opportunity.customer_id)}`),
  h('div', { class: 'num', 'data-testid': 'pipeline-card-amount' }, money(opportunity.amount, { toman: false })),
  h('div', { class: 'pipeline-card-meta muted' },
    h('span', {}, opportunity.expected_close ? date(opportunity.expected_close) : t('pipeline.no_close')),
    h('span', {}, opportunity.owner ? personText(opportunity.owner) : '—')),
  opportunity.stage === 'won' || opportunity.stage === 'lost' ? null : move);
}

// The dialog that confirms a move: the chance for an open stage, the loss reason and a comment for lost.
function moveDialog(opportunity, column) {
  return new Promise((resolve) => {
    const alertBox = h('div', { 'aria-live': 'assertive' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'pipeline-move-confirm' }, t('pipeline.move_confirm'));
    const fields = column.kind === 'lost'
      ? [formField('reason', t('opportunity_page.loss_reason'), listSelect('loss_reason', { empty: '—', attrs: { 'data-testid': 'pipeline-reason', required: true } }), { required: true }),
        formField('comment', t('opportunity_page.comment'), h('textarea', { class: 'input', rows: 2, maxlength: 2000, dir: 'auto', 'data-testid': 'pipeline-comment' }))]
      : column.kind === 'open'
        ? [formField('probability', t('pipeline.probability'), h('input', {
          class: 'input', inputmode: 'numeric', maxlength: 6, value: digits(String(column.probability ?? '')), dir: 'ltr', 'data-testid': 'pipeline-probability',
        }), { hint: t('pipeline.probability_hint', { percent: number(column.probability) }) })]
        : [h('p', {}, t('pipeline.won_hint'))];
    const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'pipeline-move-form' },
      h('h2', {}, t('pipeline.move_title', { title: opportunity.title, stage: label(column) })), fields, alertBox,
      h('div', { class: 'row end' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'pipeline-move-cancel', onclick: () => box.close() }, t('common.cancel')), submit));
    const box = h('dialog', { class: 'dialog', 'data-testid': 'pipeline-dialog' }, form);
    let moved = null;
    sendsTo(form, {
      alertBox, submit, shown: shown(opportunity),
      send: (values) => {
        const body = { stage: column.stage, ...values };
        if (body.probability !== undefined) body.probability = typedNumber(body.probability);
        return api.post(`/opportunities/${opportunity.id}/stage`, body);
      },
      done: (answer) => { moved = answer; box.close(); },
    });
    box.addEventListener('close', () => { box.remove(); resolve(moved); });
    document.body.append(box);
    box.showModal();
    form.querySelector('select,input,textarea,button[type=submit]')?.focus();
  });
}

function heading(column) {
  return h('header', { class: 'pipeline-column-head' },
    h('h2', { id: `stage-${column.stage}` }, label(column), column.active ? null : h('small', { class: 'muted' }, ` (${t('pipeline.inactive')})`)),
    h('p', { class: 'muted', 'data-testid': 'pipeline-count' }, t('pipeline.count', { count: number(column.count) })),
    h('p', { class: 'pipeline-total', 'data-testid': 'pipeline-total' }, money(column.total)),
    column.kind === 'open' ? h('p', { class: 'muted small', 'data-testid': 'pipeline-weighted' }, t('pipeline.weighted', { amount: money(column.weighted, { toman: false }) })) : null);
}

function filters(state, teams, me, load) {
  const input = (name, attrs) => h('input', {
    class: 'input', value: state[name], 'data-testid': `pipeline-filter-${name}`, 'aria-label': t(`pipeline.${name}`),
    placeholder: t(`pipeline.${name}`), oninput: debounce((event) => { state[name] = event.target.value.trim(); load(); }, 300), ...attrs,
  });
  const mine = h('button', {
    type: 'button', class: 'btn', 'aria-pressed': String(state.owner === me.username), 'data-testid': 'pipeline-mine',
    onclick: () => { state.owner = state.owner === me.username ? '' : me.username; load(true); },
  }, t('pipeline.mine'));
  return h('div', { class: 'toolbar', role: 'search' },
    input('q', { type: 'search', maxlength: 200, dir: 'auto' }),
    input('owner', { maxlength: 150, dir: 'ltr' }), mine,
    teams ? h('select', {
      class: 'input', 'aria-label': t('pipeline.team'), 'data-testid': 'pipeline-filter-team',
      onchange: (event) => { state.team = event.target.value; load(); },
    }, h('option', { value: '' }, t('pipeline.any_team')), teams.map((team) => h('option', { value: team.key, selected: team.key === state.team },
      locale() === 'fa' ? team.name_fa : team.name_en))) : null,
    input('since', { maxlength: 20, dir: 'ltr', title: t('pipeline.day_hint') }),
    input('until', { maxlength: 20, dir: 'ltr', title: t('pipeline.day_hint') }));
}

export async function render({ root, query, me }) {
  const state = { q: query.q || '', owner: query.owner || '', team: query.team || '', since: query.since || '', until: query.until || '' };
  const board = h('div', { class: 'pipeline', 'data-testid': 'pipeline-board' }, loading());
  const problem = h('div', { 'aria-live': 'assertive' });
  let columns = [];
  let teams = null; // the teams to filter by, once records carry one
  let controller;
  let gone = false;

  const asked = () => Object.fromEntries(Object.entries(state).filter(([, value]) => value));

  async function onMove(opportunity, stage) {
    const column = columns.find((c) => c.stage === stage);
    if (!column || column.stage === opportunity.stage) return;
    const moved = await moveDialog(opportunity, column);
    if (moved) {
      toast(t('pipeline.moved', { title: opportunity.title, stage: label(column) }), 'ok');
      await load();
    }
  }

  function columnView(column) {
    const list = h('div', { class: 'pipeline-cards' }, column.cards.map((c) => card(c, columns, onMove)));
    const more = column.cursor === null ? null : h('button', {
      type: 'button', class: 'btn btn-ghost', 'data-testid': 'pipeline-more',
      onclick: async () => {
        const answer = await api.get('/opportunities/board', { ...asked(), stage: column.stage, cursor: column.cursor, limit: LIMIT });
        const next = answer.columns[0];
        if (!next) return;
        column.cursor = next.cursor;
        list.append(...next.cards.map((c) => card(c, columns, onMove)));
        if (next.cursor === null) more.remove();
      },
    }, t('pipeline.more'));
    return h('section', {
      class: ['pipeline-column', `pipeline-${column.kind}`], 'aria-labelledby': `stage-${column.stage}`,
      'data-testid': 'pipeline-column', 'data-stage': column.stage,
      ondragover: (event) => { if (column.active) { event.preventDefault(); event.currentTarget.classList.add('drop'); } },
      ondragleave: (event) => event.currentTarget.classList.remove('drop'),
      ondrop: (event) => {
        event.preventDefault();
        event.currentTarget.classList.remove('drop');
        const id = Number(event.dataTransfer.getData('text/plain'));
        const opportunity = columns.flatMap((c) => c.cards).find((c) => c.id === id);
        if (opportunity) onMove(opportunity, column.stage);
      },
    }, heading(column), list, more);
  }

  async function load() {
    if (gone) return;
    setQuery({ ...state });
    controller?.abort();
    controller = new AbortController();
    try {
      const answer = await api.get('/opportunities/board', { ...asked(), limit: LIMIT }, { signal: controller.signal });
      columns = answer.columns;
      replace(problem);
      replace(board, columns.map(columnView));
      if (answer.team_filter && teams === null) {
        teams = await api.get('/teams').catch(() => []);
        if (teams.length) replace(toolbar, filters(state, teams, me, load));
      }
    } catch (error) {
      if (error.name === 'AbortError') return;
      const fields = Object.values(error.errors || {}).flat().map((text) => h('li', {}, inLanguage(String(text), locale())));
      replace(problem, error.detail ? h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'pipeline-error' },
        inLanguage(error.detail, locale()), fields.length ? h('ul', {}, fields) : null) : errorBox(error));
    }
  }

  const toolbar = h('div', {}, filters(state, null, me, load));
  const asList = h('a', {
    class: 'btn', href: '/app/opportunities', 'data-testid': 'pipeline-as-list',
    onclick: (event) => {
      event.preventDefault();
      const params = new URLSearchParams({ ...(state.q ? { q: state.q } : {}), ...(state.owner === me.username ? { owner: 'mine' } : {}) });
      navigate(`/app/opportunities${params.size ? `?${params}` : ''}`);
    },
  }, t('pipeline.as_list'));
  const stagesLink = me.role === 'admin' ? h('a', { class: 'btn btn-ghost', href: '/app/pipeline/stages', 'data-testid': 'pipeline-stages-link' }, t('pipeline_stages.title')) : null;
  replace(root, pageHeader(t('pipeline.title'), asList, stagesLink), toolbar, problem, board);
  await load();
  return { cleanup: () => { gone = true; controller?.abort(); } };
}

// What a list was narrowed to when a dashboard figure opened it (created_from/created_to in either calendar,
// reached, breached): the state it reads from the address, and a notice that says which filter is on with a
// button that clears it.

import { h } from '../core/dom.js';
import { date, t, word } from '../core/i18n.js';
import { parseDay } from './periods.js';

export const DAY_FILTERS = ['created_from', 'created_to'];

// the day as the reader reads it (a long Jalali date in Persian), or as typed when it is no day
const shown = (text) => { const day = parseDay(text); return day ? date(day) : text; };

function period(state, kind) {
  const [from, to] = [state.created_from, state.created_to];
  if (from && to) return t(`drill.${kind}`, { first: shown(from), last: shown(to) });
  if (from) return t(`drill.${kind}_from`, { first: shown(from) });
  if (to) return t(`drill.${kind}_to`, { last: shown(to) });
  return null;
}

// names: which of `state`'s keys this notice speaks of and clears; kind: "created" or "received"
export function drillNotice(state, { names, kind = 'created', onClear }) {
  const parts = [period(state, kind)];
  if (names.includes('reached') && state.reached) parts.push(t('drill.reached', { stage: word('dash.stage', state.reached) }));
  if (names.includes('breached') && state.breached === 'true') parts.push(t('drill.breached'));
  if (names.includes('breached') && state.breached === 'false') parts.push(t('drill.not_breached'));
  const said = parts.filter(Boolean);
  if (!said.length) return null;
  const notice = h('p', { class: 'notice drill-notice', role: 'status', 'data-testid': 'drill-notice' },
    h('strong', {}, t('drill.on')), ' ', said.join(' · '), ' ',
    h('button', {
      type: 'button', class: 'btn btn-small', 'data-testid': 'drill-clear',
      onclick: () => { for (const name of names) state[name] = ''; notice.remove(); onClear(); },
    }, t('drill.clear')));
  return notice;
}

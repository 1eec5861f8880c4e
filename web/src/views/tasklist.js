// The tasklist: mine, my groups', unassigned; due soon and overdue marked; search; sort; claim in place.

import { api } from '../core/api.js';
import { refusal } from '../core/bilingual.js';
import { debounce, h, ltr, replace } from '../core/dom.js';
import { dateTime, digits, locale, number, relative, t } from '../core/i18n.js';
import { currentQuery, setQuery } from '../core/router.js';
import { badge, empty, errorBox, loading, pageHeader, toast } from '../core/ui.js';
import { processName } from './names.js';
import { personName } from '../core/people.js';

const TABS = {
  mine: { assignee: 'me' },
  groups: { candidate: 'me' },
  unassigned: { candidate: 'me', unassigned: 'true' },
};
const SORTS = ['-created', 'created', 'due', '-priority', 'name'];
const SOON_MS = 24 * 3600 * 1000;
const REFRESH_MS = 30_000;

export function dueState(task, now = Date.now()) {
  if (!task.due) return null;
  const due = new Date(task.due).getTime();
  if (due < now) return 'overdue';
  if (due - now < SOON_MS) return 'soon';
  return null;
}

function dueBadge(task) {
  const state = dueState(task);
  if (!task.due) return h('span', { class: 'muted' }, t('tasks.no_due'));
  const label = state === 'overdue' ? t('tasks.overdue') : state === 'soon' ? t('tasks.due_soon') : t('tasks.due');
  return h('span', { class: ['due', state && `due-${state}`], title: dateTime(task.due), 'data-due': state || 'later' },
    state ? badge(label, state === 'overdue' ? 'danger' : 'warn') : null, ' ', relative(task.due));
}

// Letters and digits as the server folds them for search (crm/text.py): case, Arabic ي/ك, ZWNJ, Persian digits.
export function fold(text) {
  return String(text || '').normalize('NFKC').toLowerCase()
    .replace(/[يىئ]/g, 'ی').replace(/ك/g, 'ک').replace(/[أإآ]/g, 'ا').replace(/[ةۀ]/g, 'ه')
    .replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))).replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d)))
    .replace(/[\u200c\u200d\u0640\u064b-\u065f]/g, '');
}

// A record's title as parts ("Arya Software — Ali Rezaei — 0912 345 6789"), each isolated in its own direction so
// that a phone number or "#12" reads left to right inside Persian text and a Persian name inside English.
// "Arya Software — ۰۹۱۲ ۱۲۳ ۴۵۶۷": each part isolated, a number (in any digits) left to right, so its groups keep
// their order in a Persian line
export function recordTitle(title) {
  return String(title || '').split(' — ').flatMap((part, k) => [k ? ' — ' : null,
    /^[+#\d\s۰-۹٠-٩-]+$/.test(part) ? h('bdi', { dir: 'ltr' }, digits(part)) : h('bdi', {}, digits(part))]);
}

function matches(task, text) {
  if (!text) return true;
  const haystack = fold([task.name, task.record?.title, task.process_name, task.process_key, task.business_key, task.assignee,
    ...(task.candidate_groups || [])].filter(Boolean).join(' '));
  const squeezed = haystack.replace(/[^\p{L}\p{N}]/gu, '');
  return fold(text).split(/\s+/).filter(Boolean)
    .every((word) => haystack.includes(word) || squeezed.includes(word.replace(/[^\p{L}\p{N}]/gu, '')));
}

export async function render({ root, me, navigate }) {
  const query = currentQuery();
  const state = {
    tab: TABS[query.tab] ? query.tab : 'groups',
    sort: SORTS.includes(query.sort) ? query.sort : '-created',
    search: query.q || '',
    items: [],
    found: [],
    total: 0,
  };
  const list = h('div', { class: 'task-list', 'data-testid': 'task-list' }, loading());
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite' });
  const tabs = h('div', { class: 'segmented', role: 'tablist', 'aria-label': t('tasks.views') },
    Object.keys(TABS).map((tab) => h('button', {
      type: 'button', role: 'tab', class: 'segment', 'data-tab': tab, 'aria-selected': String(tab === state.tab),
      onclick: () => { state.tab = tab; shown = ''; state.found = []; syncTabs(); load(); },
    }, t(`tasks.tab.${tab}`))));
  const search = h('input', {
    type: 'search', class: 'input', placeholder: t('tasks.search'), 'aria-label': t('tasks.search'),
    value: state.search, 'data-search': '', 'data-testid': 'task-search',
    oninput: debounce((event) => { state.search = event.target.value.trim(); shown = ''; remember(); draw(); find(); }, 250),
  });
  const sort = h('select', {
    class: 'input', 'aria-label': t('tasks.sort'), 'data-testid': 'task-sort',
    onchange: (event) => { state.sort = event.target.value; state.found = []; load(); },
  }, SORTS.map((value) => h('option', { value, selected: value === state.sort }, t(`tasks.sort.${value}`))));

  replace(root,
    pageHeader(t('nav.tasks'), h('button', { type: 'button', class: 'btn', onclick: () => load() }, t('common.refresh'))),
    h('div', { class: 'toolbar' }, tabs, search, h('label', { class: 'inline-label' }, t('tasks.sort'), sort)),
    summary, list);

  function syncTabs() {
    for (const button of tabs.children) button.setAttribute('aria-selected', String(button.dataset.tab === state.tab));
  }

  function remember() {
    setQuery({ tab: state.tab, sort: state.sort === '-created' ? '' : state.sort, q: state.search });
  }

  async function claim(task, button) {
    button.disabled = true;
    try {
      await api.post(`/tasks/${encodeURIComponent(task.id)}/claim`);
      toast(t('task.claimed'), 'ok');
      navigate(`/app/tasks/${encodeURIComponent(task.id)}`);
    } catch (error) {
      toast(refusal(error, locale(), t('task.claim_conflict')), 'error');
      load();
    }
  }

  function row(task) {
    const href = `/app/tasks/${encodeURIComponent(task.id)}`;
    const due = dueState(task);
    const canClaim = !task.assignee && task.state === 'ready';
    return h('li', { class: ['task-row', due && `row-${due}`], 'data-task-id': task.id, 'data-testid': 'task-row' },
      h('a', { href, class: 'task-link', 'data-nav-item': '', 'data-testid': 'task-title' },
        h('span', { class: 'task-name' }, task.name,
          task.record?.title ? [': ', h('span', { class: 'task-record', 'data-record-type': task.record.type }, recordTitle(task.record.title))] : null,
          task.record?.hidden ? [': ', h('span', { class: 'task-record muted', 'data-record-type': task.record.type, 'data-testid': 'record-hidden' }, t('record.hidden'))] : null),
        h('span', { class: 'task-meta muted' },
          task.record ? [t(`record.type.${task.record.type}`), ' · '] : null,
          processName(task), task.business_key && !task.record?.title ? [' · ', ltr(task.business_key)] : null)),
      h('span', { class: 'task-due' }, dueBadge(task)),
      h('span', { class: 'task-priority', title: t('task.priority') }, t('tasks.priority_short', { p: number(task.priority) })),
      h('span', { class: 'task-assignee' }, task.assignee
        ? badge(task.assignee === me.username ? t('tasks.assigned_me') : personName(task.assignee), task.assignee === me.username ? 'ok' : '')
        : badge(t('tasks.unassigned'), 'muted')),
      h('span', { class: 'task-actions' }, canClaim
        ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'claim', onclick: (e) => claim(task, e.currentTarget) }, t('task.claim'))
        : null));
  }

  // Tasks found by the server's record search (customer, company, phone, tracking code: every task of the tab, not
  // only the page loaded) come first; then the loaded tasks whose name, process or business key match.
  function draw() {
    const found = state.search ? state.found : [];
    const seen = new Set(found.map((task) => task.id));
    const visible = [...found, ...state.items.filter((task) => !seen.has(task.id) && matches(task, state.search))];
    const overdue = visible.filter((task) => dueState(task) === 'overdue').length;
    summary.textContent = t('tasks.summary', { shown: visible.length, total: state.total })
      + (overdue ? ` · ${t('tasks.overdue_count', { n: overdue })}` : '');
    if (!visible.length) {
      replace(list, empty(state.items.length ? t('tasks.none_match') : t(`tasks.empty.${state.tab}`), t('tasks.empty_hint')));
      return;
    }
    replace(list, h('ul', { class: 'rows' }, visible.map(row)));
  }

  let finding;
  async function find() {
    finding?.abort();
    state.found = [];
    if (!state.search || state.search.length > 200) return;
    finding = new AbortController();
    try {
      const page = await api.get('/tasks', { ...TABS[state.tab], sort: state.sort, limit: 200, q: state.search }, { signal: finding.signal });
      state.found = page.items;
      shown = '';
      draw();
    } catch (error) {
      if (error.name !== 'AbortError' && error.status !== 422) replace(list, errorBox(error));
    }
  }

  let controller;
  let shown = '';
  async function load() {
    remember();
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/tasks', { ...TABS[state.tab], sort: state.sort, limit: 200 }, { signal: controller.signal });
      const signature = JSON.stringify([state.search, page.total, page.items.map((i) => [i.id, i.assignee, i.due, i.state])]);
      state.items = page.items;
      state.total = page.total;
      if (signature !== shown) draw(); // a refresh that changed nothing keeps the focus where it is
      shown = signature;
      if (state.search && !state.found.length) find();
    } catch (error) {
      if (error.name !== 'AbortError') replace(list, errorBox(error));
    }
  }

  await load();
  const timer = setInterval(() => { if (document.visibilityState === 'visible') load(); }, REFRESH_MS);
  return { cleanup: () => { clearInterval(timer); controller?.abort(); } };
}

// History routing under /app/: a table of patterns → lazily imported views, each allowed to some roles.
// The server enforces every rule; the router only avoids offering what a role cannot use.

import { clear, h } from './dom.js';
import { t } from './i18n.js';
import { ApiError } from './api.js';

const BASE = '/app';
let routes = [];
let context = null;
let current = null; // { cleanup, canLeave }
let generation = 0;
let shownUrl = '';

export function configure(table, ctx) {
  routes = table.map((route) => ({ ...route, regex: compile(route.path) }));
  context = ctx;
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', () => show(location.pathname, location.search, false));
}

function compile(path) {
  const source = path.replace(/\//g, '\\/').replace(/:(\w+)/g, '(?<$1>[^/]+)');
  return new RegExp(`^${source}/?$`);
}

function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const href = link.getAttribute('href');
  if (!href.startsWith(`${BASE}/`) && href !== BASE) return;
  event.preventDefault();
  navigate(href);
}

export function navigate(href, { replace = false } = {}) {
  const target = new URL(href, location.origin);
  return show(target.pathname, target.search, true, replace);
}

export function path(route, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''));
  const text = query.toString();
  return `${BASE}${route}${text ? `?${text}` : ''}`;
}

export function currentQuery() {
  return Object.fromEntries(new URLSearchParams(location.search));
}

// Replace the query string without re-rendering (filters remembered in the address).
export function setQuery(params) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '' && v !== false));
  const text = query.toString();
  history.replaceState(history.state, '', `${location.pathname}${text ? `?${text}` : ''}`);
}

function match(pathname) {
  const local = pathname.startsWith(BASE) ? pathname.slice(BASE.length) || '/' : pathname;
  for (const route of routes) {
    const found = route.regex.exec(local);
    if (found) return { route, params: { ...(found.groups || {}) } };
  }
  return null;
}

export async function show(pathname, search = '', push = true, replace = false) {
  if (current?.canLeave && !current.canLeave()) {
    if (!window.confirm(t('common.leave_unsaved'))) {
      if (!push) history.pushState(null, '', shownUrl); // the back button already moved the address: undo
      return;
    }
  }
  const url = `${pathname}${search}`;
  if (push) (replace ? history.replaceState : history.pushState).call(history, null, '', url);
  shownUrl = url;
  const run = ++generation;
  current?.cleanup?.();
  current = null;
  // each page renders into a container of its own: a view still drawing after its page was left (an answer
  // that came late) writes into its detached container, never over the page that replaced it
  const main = context.main;
  clear(main);
  main.setAttribute('aria-busy', 'true');
  const root = h('div', { class: 'view' });
  main.append(root);
  const found = match(pathname);
  context.onNavigate?.(pathname);
  try {
    if (!found) {
      renderMessage(root, t('error.not_found.title'), t('error.not_found.body'));
      return;
    }
    const { route, params } = found;
    if (route.redirect) {
      navigate(route.redirect(context.me), { replace: true });
      return;
    }
    if (route.roles && !route.roles.includes(context.me.role)) {
      renderMessage(root, t('error.forbidden.title'), t('error.forbidden.body'), 'forbidden');
      return;
    }
    document.title = `${t(route.title)} · ${t('app.name')}`;
    let module;
    try {
      module = await route.view();
    } catch (error) {
      if (reloadForNewBuild()) return;
      throw error;
    }
    forgetReload();
    if (run !== generation) return;
    const view = await module.render({ ...context, root, params, query: currentQuery() });
    if (run !== generation) {
      view?.cleanup?.();
      return;
    }
    current = view || null;
    root.querySelector('h1')?.focus({ preventScroll: true });
  } catch (error) {
    if (run !== generation) return;
    showError(root, error);
  } finally {
    if (run === generation) main.removeAttribute('aria-busy');
  }
}

// A view's code that cannot be loaded was most likely built anew since this page loaded (Ravand was updated:
// the build names its files by their content and removes the old ones). The page is loaded again at the same
// address, once: the new build's files come with it. A second failure there is shown as an error.
const RELOADED = 'rv-reloaded-for-build';

function reloadForNewBuild() {
  try {
    if (sessionStorage.getItem(RELOADED) === location.href) return false;
    sessionStorage.setItem(RELOADED, location.href);
  } catch {
    return false;  // no storage: no way to tell a second failure from the first
  }
  location.reload();
  return true;
}

function forgetReload() {
  try { sessionStorage.removeItem(RELOADED); } catch { /* no storage */ }
}

export function showError(root, error) {
  clear(root);
  if (error instanceof ApiError && error.status === 404) {
    renderMessage(root, t('error.not_found.title'), error.detail || t('error.not_found.body'));
  } else if (error instanceof ApiError && error.status === 403) {
    renderMessage(root, t('error.forbidden.title'), error.detail || t('error.forbidden.body'), 'forbidden');
  } else {
    console.error(error);
    renderMessage(root, t('error.generic.title'), error?.message || String(error));
  }
}

function renderMessage(root, title, body, kind = 'notice') {
  root.append(h('section', { class: ['empty-page', kind], 'data-testid': `page-${kind}` },
    h('h1', { tabindex: '-1' }, title),
    h('p', { class: 'muted' }, body),
    h('p', {}, h('a', { href: `${BASE}/`, class: 'btn' }, t('common.home')))));
}

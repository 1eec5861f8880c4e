// Ravand's browser app: who am I, the shell (navigation by role, the notifications bell, language, sign-out),
// the router.

import './styles/app.css';
import { api, csrfToken } from './core/api.js';
import { bell } from './core/bell.js';
import { restoreDraft, setDraftUser } from './core/drafts.js';
import { h, replace } from './core/dom.js';
import { setLocale, t } from './core/i18n.js';
import { installKeyboard } from './core/keyboard.js';
import { configure, navigate, show } from './core/router.js';
import { toast } from './core/ui.js';
import { loadPeople } from './core/people.js';
import { NAV, ROUTES } from './routes.js';

async function changeLocale(me, locale) {
  if (locale === me.locale) return;
  try {
    await api.patch('/auth/me', { locale });
    location.reload();
  } catch (error) {
    toast(error.message, 'error');
  }
}

function languageSwitch(me) {
  const other = me.locale === 'fa' ? 'en' : 'fa';
  return h('button', {
    type: 'button', class: 'btn btn-ghost lang-switch', lang: other, 'data-testid': 'lang-switch',
    title: t('settings.language'), onclick: () => changeLocale(me, other),
  }, other === 'fa' ? 'فارسی' : 'English');
}

function userMenu(me, inbox) {
  return h('div', { class: 'user-menu' },
    inbox.element,
    h('span', { class: 'user-name', 'data-testid': 'user-name', title: me.username }, me.displayName || me.username),
    h('span', { class: 'badge' }, t(`role.${me.role}`)),
    h('a', { href: '/app/preferences', class: 'btn btn-ghost', 'data-testid': 'my-preferences' }, t('prefs.nav')),
    languageSwitch(me),
    h('form', { method: 'post', action: '/logout', class: 'inline' },
      h('input', { type: 'hidden', name: 'csrf_token', value: csrfToken() }),
      h('button', { type: 'submit', class: 'btn btn-ghost', 'data-testid': 'sign-out' }, t('nav.sign_out'))));
}

function shell(me, inbox) {
  const links = NAV.filter((item) => item.roles.includes(me.role)).map((item) =>
    h('a', { href: item.href, class: 'nav-link', 'data-nav': item.key }, t(item.label)));
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const layout = h('div', { class: 'layout' },
    h('a', { href: '#main', class: 'skip-link' }, t('nav.skip')),
    h('header', { class: 'topbar' },
      h('a', { href: '/app/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'ر'), t('app.name')),
      h('nav', { class: 'nav', 'aria-label': t('nav.main') }, links),
      userMenu(me, inbox)),
    main);
  return { layout, main };
}

// A section is current on its own pages and on those it names in `also` (address prefixes).
function isCurrent(item, pathname) {
  return pathname === item.href || pathname.startsWith(`${item.href}/`) || (item.also || []).some((prefix) => pathname.startsWith(prefix));
}

function markCurrent(pathname) {
  for (const link of document.querySelectorAll('.nav-link')) {
    const item = NAV.find((entry) => entry.key === link.dataset.nav);
    if (item && isCurrent(item, pathname)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function boot() {
  const root = document.getElementById('app');
  const [found] = await Promise.all([api.get('/auth/me'), loadPeople()]);  // people: names, never user names
  const me = { ...found, displayName: root.dataset.displayName };
  setLocale(me.locale);
  const inbox = bell();
  const { layout, main } = shell(me, inbox);
  replace(root, layout);
  root.classList.remove('app-loading');
  root.removeAttribute('aria-busy');
  const onNavigate = (pathname) => { markCurrent(pathname); inbox.refresh(pathname); };
  configure(ROUTES, { me, main, navigate, onNavigate });
  installKeyboard(navigate);
  setDraftUser(me.username);
  await show(location.pathname, location.search, false);
  restoreDraft(main, { message: t('session.draft_restored') });  // what a form held when the session ended
}

boot().catch((error) => {
  const root = document.getElementById('app');
  replace(root, h('div', { class: 'alert alert-error', role: 'alert' }, error.message || String(error)));
});

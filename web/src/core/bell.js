// The bell in the top bar: how many of my notices are unread (Persian digits for Persian users), a link to
// the notifications page. It asks the server on start, after each page change, every minute while the tab
// is visible, and takes the count the notifications page announces when it marks notices read.

import { api } from './api.js';
import { h } from './dom.js';
import { number, t } from './i18n.js';

const POLL_MS = 60_000;
const EVENT = 'ravand:inbox';
const SVG = 'http://www.w3.org/2000/svg';

// The notifications page tells the bell the new count without another request.
export function announceUnread(unread) {
  window.dispatchEvent(new CustomEvent(EVENT, { detail: { unread } }));
}

function icon() {
  const svg = document.createElementNS(SVG, 'svg');
  for (const [name, value] of Object.entries({ viewBox: '0 0 24 24', width: '20', height: '20', 'aria-hidden': 'true', focusable: 'false' })) {
    svg.setAttribute(name, value);
  }
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

export function bell() {
  const count = h('span', { class: 'bell-count', 'data-testid': 'bell-count', hidden: true });
  const link = h('a', { href: '/app/notifications', class: 'bell', 'data-testid': 'bell' }, icon(), count);

  function show(unread) {
    const label = unread ? t('inbox.bell_unread', { n: unread }) : t('inbox.bell');
    count.hidden = !unread;
    count.textContent = unread > 99 ? `${number(99)}+` : number(unread);
    link.dataset.unread = String(unread);
    link.setAttribute('aria-label', label);
    link.title = label;
  }

  async function refresh(pathname = location.pathname) {
    if (pathname.startsWith('/app/notifications')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
    try {
      show((await api.get('/me/notifications', { limit: 1 })).unread);
    } catch (error) {
      console.warn('the unread count could not be read', error); // the next poll tries again
    }
  }

  show(0);
  window.addEventListener(EVENT, (event) => show(event.detail.unread));
  setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
  refresh();
  return { element: link, refresh };
}

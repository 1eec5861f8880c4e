// My notifications (the in-app inbox): newest first, the unread ones marked; opening one marks it read and
// goes where it leads (a task notice opens the task); one or all can be marked read. The bell in the top
// bar hears the new unread count. English and Persian, right to left in Persian.

import { api } from '../core/api.js';
import { announceUnread } from '../core/bell.js';
import { h, replace } from '../core/dom.js';
import { dateTime, number, relative, t, totalOf } from '../core/i18n.js';
import { navigate, setQuery } from '../core/router.js';
import { badge, empty, errorBox, loading, pageHeader, pager, setBusy, toast } from '../core/ui.js';

const LIMIT = 20;

async function markRead(notice) {
  await api.post(`/me/notifications/${encodeURIComponent(notice.id)}/read`);
}

function when(notice) {
  return h('time', { datetime: notice.created_at, title: dateTime(notice.created_at), class: 'notice-meta' },
    relative(notice.created_at));
}

function title(notice) {
  const text = notice.subject || t('inbox.title');
  if (!notice.link) return h('span', { class: 'notice-subject' }, text);
  return h('a', {
    href: notice.link, class: 'notice-subject', 'data-testid': 'notice-link',
    onclick: async (event) => {
      event.preventDefault();
      if (!notice.read_at) {
        try { await markRead(notice); } catch (error) { console.warn('not marked read', error); }
      }
      await navigate(notice.link);
    },
  }, text);
}

function item(notice, reload) {
  const unread = !notice.read_at;
  const readButton = unread ? h('button', {
    type: 'button', class: 'btn btn-ghost', 'data-testid': 'notice-read',
    onclick: async (event) => {
      setBusy(event.currentTarget, true);
      try {
        await markRead(notice);
        await reload();
      } catch (error) {
        toast(error.message, 'error');
        setBusy(event.currentTarget, false);
      }
    },
  }, t('inbox.mark_read')) : null;
  return h('li', { class: ['notice', 'card', unread && 'unread'], 'data-testid': 'notice', 'data-notice-id': notice.id,
    'data-unread': unread ? 'true' : 'false' },
  h('div', { class: 'notice-head' },
    h('div', { class: 'row' }, unread ? badge(t('inbox.unread'), 'info') : null, title(notice)),
    h('div', { class: 'row' }, when(notice), readButton)),
  h('p', { class: 'notice-body', dir: 'auto' }, notice.body));
}

export async function render({ root, query }) {
  const state = { unread: query.unread === 'true', offset: 0 };
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'inbox-summary' });
  const results = h('div', { 'data-testid': 'notices' }, loading());
  const only = h('input', { type: 'checkbox', checked: state.unread, 'data-testid': 'inbox-unread-only',
    onchange: (event) => { state.unread = event.target.checked; load(0); } });
  const readAll = h('button', { type: 'button', class: 'btn', 'data-testid': 'inbox-read-all', onclick: markAll },
    t('inbox.mark_all_read'));
  replace(root, pageHeader(t('inbox.title'), h('label', { class: 'row' }, only, t('inbox.show_unread')), readAll),
    summary, results);

  let controller;
  async function load(offset = state.offset) {
    state.offset = offset;
    setQuery({ unread: state.unread ? 'true' : '' });
    controller?.abort();
    controller = new AbortController();
    try {
      const page = await api.get('/me/notifications', { limit: LIMIT, offset, unread: state.unread || '' },
        { signal: controller.signal });
      announceUnread(page.unread);
      readAll.disabled = !page.unread;
      summary.textContent = t('inbox.summary', { unread: number(page.unread), total: totalOf(page) });
      if (!page.items.length && offset > 0) return load(Math.max(0, offset - LIMIT));
      if (!page.items.length) {
        replace(results, state.unread ? empty(t('inbox.none_unread')) : empty(t('inbox.empty'), t('inbox.empty_hint')));
        return undefined;
      }
      replace(results, h('ol', { class: 'notices' }, page.items.map((notice) => item(notice, () => load()))),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
    return undefined;
  }

  async function markAll() {
    setBusy(readAll, true);
    try {
      await api.post('/me/notifications/read-all');
      toast(t('inbox.all_read'), 'ok');
    } catch (error) {
      toast(error.message, 'error');
    }
    readAll.classList.remove('busy');
    await load(0); // sets whether anything is left to mark
  }

  await load(0);
  return { cleanup: () => controller?.abort() };
}

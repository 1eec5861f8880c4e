// The outbox (auditors and administrators): every e-mail and SMS to customers and staff, newest first, with
// its state, the SMS panel's delivery report and cost, and why it failed; filters by channel, state and
// delivery report; a message's text opens in place. Administrators may send what is due and ask the SMS panel
// for its delivery reports now (the scheduler does both by itself).

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, locale, money, number, t, totalOf, word } from '../core/i18n.js';
import { personText } from '../core/people.js';
import { setQuery } from '../core/router.js';
import { badge, empty, errorBox, loading, pageHeader, pager, setBusy, table, toast } from '../core/ui.js';

const LIMIT = 50;
const CHANNELS = ['', 'sms', 'email', 'app'];
const STATUSES = ['', 'pending', 'sent', 'failed', 'kept'];
const DELIVERIES = ['', 'queued', 'at_operator', 'delivered', 'undelivered', 'blocked', 'failed'];
const STATUS_KIND = { pending: 'info', sent: 'ok', failed: 'danger', kept: 'warn' };
const DELIVERY_KIND = { queued: 'muted', at_operator: 'info', delivered: 'ok', undelivered: 'danger', blocked: 'danger', failed: 'danger' };

function deliveryCell(m) {
  if (!m.delivery) return m.channel === 'sms' && m.status === 'sent' ? h('span', { class: 'muted' }, t('outbox.no_report')) : '—';
  return h('span', { title: m.delivery_at ? t('outbox.asked_at', { at: dateTime(m.delivery_at) }) : '' },
    badge(word('outbox.delivery', m.delivery), DELIVERY_KIND[m.delivery]));
}

function messageCell(m) {
  const name = m.template_label?.[locale()] || m.template || (m.campaign_id ? t('outbox.campaign') : '—');
  return h('details', { class: 'outbox-text' },
    // Ravand's name for the message in the reader's language, then its own subject in its own direction
    h('summary', {}, name, m.subject ? [': ', h('bdi', {}, m.subject)] : null),
    h('p', { dir: 'auto', class: 'prewrap' }, m.body),
    m.provider ? h('p', { class: 'muted' }, `${word('outbox.provider', m.provider)} · `, ltr(m.provider_ref || '')) : null);
}

// why it did not go out, in the reader's words; the sender's own sentence in the tooltip
function errorCell(m) {
  if (!m.last_error || m.status === 'sent') return '—';
  const said = m.error_text?.[locale()];
  return said && said !== m.last_error
    ? h('span', { class: 'muted', title: m.last_error, 'data-testid': 'outbox-error' }, said)
    : h('span', { dir: 'ltr', class: 'muted', 'data-testid': 'outbox-error' }, m.last_error);
}

const columns = () => [
  { label: t('outbox.created'), cell: (m) => dateTime(m.created_at), class: 'nowrap' },
  { label: t('outbox.channel'), cell: (m) => word('outbox.channel', m.channel) },
  { label: t('outbox.recipient'), cell: (m) => (m.channel === 'app' ? personText(m.recipient) : ltr(m.recipient)) },
  { label: t('outbox.message'), cell: messageCell },
  { label: t('outbox.status'), cell: (m) => [badge(word('outbox.status', m.status), STATUS_KIND[m.status]),
    m.attempts > 1 ? h('span', { class: 'muted' }, ` ${t('outbox.attempts', { n: number(m.attempts) })}`) : null] },
  { label: t('outbox.delivery_report'), cell: deliveryCell },
  { label: t('outbox.cost'), cell: (m) => (m.cost_rial === null || m.cost_rial === undefined ? '—' : money(m.cost_rial, { toman: false })), class: 'num' },
  { label: t('outbox.error'), cell: errorCell },
];

function picker(name, values, group, state, load) {
  return h('label', { class: 'field' }, h('span', {}, t(`outbox.${name}`)),
    h('select', { class: 'input', name, 'data-testid': `outbox-${name}`,
      onchange: (event) => { state[name] = event.target.value; load(0); } },
    values.map((v) => h('option', { value: v, selected: v === state[name] }, v ? word(group, v) : t('common.any')))));
}

export async function render({ root, query, me }) {
  const state = { channel: query.channel || '', status: query.status || '', delivery: query.delivery || '' };
  const summary = h('p', { class: 'muted summary', 'aria-live': 'polite', 'data-testid': 'outbox-summary' });
  const results = h('div', { 'data-testid': 'outbox' }, loading());
  const actions = me.role === 'admin' ? [
    h('button', { type: 'button', class: 'btn', 'data-testid': 'outbox-dispatch', onclick: (e) => act(e, '/notifications/dispatch', 'outbox.dispatched') }, t('outbox.dispatch')),
    h('button', { type: 'button', class: 'btn', 'data-testid': 'outbox-deliveries', onclick: (e) => act(e, '/notifications/deliveries', 'outbox.asked') }, t('outbox.ask_reports')),
  ] : [];
  const filters = h('div', { class: 'row filters' },
    picker('channel', CHANNELS, 'outbox.channel', state, load),
    picker('status', STATUSES, 'outbox.status', state, load),
    picker('delivery', DELIVERIES, 'outbox.delivery', state, load));
  replace(root, pageHeader(t('outbox.title'), ...actions), h('p', { class: 'muted' }, t('outbox.intro')), filters, summary, results);

  async function act(event, path, done) {
    const button = event.currentTarget;
    setBusy(button, true);
    try {
      const report = await api.post(path);
      toast(t(done, Object.fromEntries(Object.entries(report).map(([k, v]) => [k, number(v)]))), 'ok');
      await load(0);
    } catch (error) {
      toast(error.message, 'error');
    } finally {
      setBusy(button, false);
    }
  }

  let controller;
  async function load(offset = 0) {
    setQuery(state);
    controller?.abort();
    controller = new AbortController();
    const params = Object.fromEntries(Object.entries(state).filter(([, v]) => v));
    try {
      const page = await api.get('/notifications', { ...params, limit: LIMIT, offset }, { signal: controller.signal });
      summary.textContent = t('outbox.summary', { total: totalOf(page) });
      if (!page.items.length) { replace(results, empty(t('outbox.empty'))); return; }
      replace(results, table(columns(), page.items, { rowAttrs: (m) => ({ 'data-message': m.id, 'data-testid': 'outbox-row' }) }),
        pager({ ...page, onPage: load }));
    } catch (error) {
      if (error.name !== 'AbortError') replace(results, errorBox(error));
    }
  }
  await load(0);
}

// The customer's 360° view beside a task. The CRM answers GET /customers/{id}/360; when there is no
// such customer (or no CRM yet) the panel says so.

import { api, ApiError } from '../core/api.js';
import { append, h, ltr, replace } from '../core/dom.js';
import { date, has, money, number, t, word } from '../core/i18n.js';
import { facts, loading } from '../core/ui.js';
import { phone } from './crmtext.js';
import { listLabels } from './leads.js';

const SECTIONS = ['contacts', 'leads', 'opportunities', 'complaints', 'contracts', 'referrals_made', 'referrals_received',
  'referrals', 'purchases', 'open_tasks', 'tasks', 'instances'];
const TITLE_KEYS = ['title', 'name', 'subject', 'tracking_code', 'product', 'process_key', 'code', 'number', 'stage', 'kind', 'id'];
const DETAIL_KEYS = ['status', 'state', 'stage', 'tier', 'amount', 'total', 'purchased_at', 'created_at', 'date', 'opened_at'];

function label(key) {
  return has(`customer.${key}`) ? t(`customer.${key}`) : key.replace(/_/g, ' ');
}

const AMOUNTS = new Set(['amount', 'total', 'lifetime_value', 'estimated_revenue']); // whole rials

function scalar(key, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && AMOUNTS.has(key)) return money(value);
  if (typeof value === 'number') return number(value);
  if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no');
  if (typeof value === 'string' && /(_at|date)$/.test(key) && !Number.isNaN(Date.parse(value))) return date(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// the words of a section's states and stages (the rest as the API gives them)
const STATES = { leads: 'lead.status', complaints: 'complaint.status', contracts: 'contract.status', referrals_made: 'referral.status',
  referrals_received: 'referral.status', referrals: 'referral.status', opportunities: 'dash.stage' };

function detail(section, k, value) {
  if ((k === 'status' || k === 'stage') && STATES[section]) return word(STATES[section], value);
  if (k === 'state') return word('state', value);  // a task's or an instance's state
  return scalar(k, value);
}

function summary(item, key) {
  if (typeof item !== 'object' || item === null) return h('li', {}, String(item));
  const titleKey = TITLE_KEYS.find((k) => item[k] !== undefined && item[k] !== null);
  const details = DETAIL_KEYS.filter((k) => k !== titleKey && item[k] !== undefined && item[k] !== null)
    .map((k) => detail(key, k, item[k]));
  const title = titleKey ? scalar(titleKey, item[titleKey]) : '#';
  const linked = key === 'open_tasks' && item.id ? h('a', { href: `/app/tasks/${encodeURIComponent(item.id)}` }, title) : title;
  return h('li', {}, h('span', {}, linked),
    details.length ? h('span', { class: 'muted' }, ` · ${details.join(' · ')}`) : null);
}

function section(key, value) {
  // a list, or a summary holding its list in "items" (purchases: count, total, items)
  const list = Array.isArray(value) ? value : Array.isArray(value?.items) ? value.items : [];
  return h('details', { class: 'c360-section', open: list.length > 0 && list.length <= 5 },
    h('summary', {}, label(key), ' ', h('span', { class: 'count' }, number(list.length))),
    list.length ? h('ul', { class: 'plain' }, list.slice(0, 10).map((item) => summary(item, key))) : h('p', { class: 'muted' }, t('customer.none')));
}

// a profile field in the reader's words: a state, a tier or a province by its label, a telephone in their digits
function profileValue(key, value, province) {
  if (key === 'status') return word('customer.status_value', value);
  if (key === 'tier') return word('customer.tier_value', value);
  if (key === 'region') return province('province', value);
  if (key === 'phone' || key === 'mobile') return phone(value);
  if (key === 'email') return ltr(String(value));
  return scalar(key, value);
}

function profile(customer, province) {
  const shown = ['status', 'phone', 'mobile', 'email', 'segment', 'region', 'industry', 'owner', 'tier', 'rank', 'city', 'created_at'];
  return facts(shown.filter((k) => customer[k] !== undefined && customer[k] !== null && customer[k] !== '')
    .map((k) => [label(k), profileValue(k, customer[k], province)]));
}

function loyalty(value) {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return facts([[label('loyalty'), scalar('loyalty', value)]]);
  return h('div', {}, h('h3', {}, label('loyalty')),
    facts(Object.entries(value).filter(([, v]) => v !== null && typeof v !== 'object')
      .map(([k, v]) => [label(k), k === 'tier' ? word('customer.tier_value', v) : scalar(k, v)])));
}

export async function renderCustomer(container, customerId) {
  const title = h('h2', {}, t('customer.title'));
  const card = h('section', { class: 'card customer', 'data-testid': 'customer-360' }, title);
  replace(container, card);
  if (customerId === undefined || customerId === null || customerId === '') {
    card.append(h('p', { class: 'muted', 'data-testid': 'no-customer' }, t('customer.no_record')));
    return;
  }
  card.append(loading());
  let data;
  let province; // province key → its words
  try {
    [data, province] = await Promise.all([api.get(`/customers/${encodeURIComponent(customerId)}/360`), listLabels(['province'])]);
  } catch (error) {
    card.lastChild.remove();
    const missing = error instanceof ApiError && [403, 404, 405].includes(error.status);
    card.append(h('p', { class: 'muted', 'data-testid': 'no-customer' }, missing ? t('customer.no_record') : error.message));
    return;
  }
  card.lastChild.remove();
  const customer = data.customer || data;
  const name = customer.name || customer.company_name || customer.person_name || customer.full_name || `#${customerId}`;
  const page = customer.id ? h('a', { href: `/app/customers/${encodeURIComponent(customer.id)}`, 'data-testid': 'customer-page-link' }, t('customer.open_page')) : null;
  append(card, [h('p', { class: 'customer-name' }, h('strong', {}, name)), page, profile(customer, province), loyalty(data.loyalty ?? customer.loyalty),
    SECTIONS.filter((key) => key in data || key in customer).map((key) => section(key, data[key] ?? customer[key]))]);
}

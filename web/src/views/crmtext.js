// Words and numbers for CRM records: a record's status or kind in the user's language (the raw value
// when the catalogue has no word for it), names, telephone numbers in the page's digits.

import { h, ltr } from '../core/dom.js';
import { digits, word } from '../core/i18n.js';
import { badge } from '../core/ui.js';

// What a complaint may be about, and how bad it is (the API's values; the words are the catalogue's).
export const CATEGORIES = ['billing', 'delivery', 'product', 'service', 'other'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];

export function customerName(customer) {
  return customer?.person_name || customer?.company_name || customer?.name || `#${customer?.id ?? ''}`;
}

// E.164 numbers read left to right, in Persian digits on a Persian page.
export function phone(value) {
  return value ? ltr(digits(value)) : '—';
}

export function email(value) {
  return value ? h('a', { href: `mailto:${value}`, dir: 'ltr', class: 'ltr' }, value) : '—';
}

const KINDS = {
  potential: 'muted', actual: 'ok', received: 'info', in_progress: 'info', escalated: 'danger', resolved: 'ok', closed: 'muted',
  new: 'info', qualifying: 'info', qualified: 'ok', disqualified: 'muted', nurture: 'warn', won: 'ok', lost: 'muted',
  signed: 'ok', rejected: 'danger', expired: 'muted', rewarded: 'ok', bronze: 'muted', silver: 'info', gold: 'warn', platinum: 'ok',
};

export function statusBadge(group, value) {
  return badge(word(group, value), KINDS[value] || '');
}

// The loyalty club's words shared by the staff's pages (views/club.js, views/loyalty_page.js) and the portal's
// (portal_club.js): a reward's name in the reader's language, what it gives, a day of a rule, a ledger entry.

import { h, ltr } from '../core/dom.js';
import { date, locale, money, number, percent, t } from '../core/i18n.js';

// A day as the API gives it (2026-03-21) read as that day where the reader is, not as UTC midnight.
export function dayText(iso) {
  const found = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return found ? date(new Date(Number(found[1]), Number(found[2]) - 1, Number(found[3]), 12)) : date(iso);
}

// What a reward gives, in words: "a 10% voucher, valid 60 days", "a voucher of 500,000 rials", "a gift".
export function rewardGives(r) {
  if (r.kind !== 'voucher') return t('club.gives_gift');
  const value = r.voucher_kind === 'percent' ? percent(r.voucher_value) : money(r.voucher_value);
  return r.valid_days ? t('club.gives_voucher_days', { value, days: number(r.valid_days) }) : t('club.gives_voucher', { value });
}

export const rewardName = (r) => (locale() === 'fa' ? r.name_fa : r.name_en);

// A voucher's value: "10%" or "500,000 rials (50,000 tomans)".
export const voucherValue = (v) => (v.kind === 'percent' ? percent(v.value) : money(v.value));

// A ledger entry in the reader's words: a purchase (its reference), a reward (its name), lapsed points, a gift
// called off, or the reason staff gave. `rewards`: the catalogue by id, for entries that do not name the reward.
export function entryWords(e, rewards = new Map()) {
  const { kind } = e;
  if (kind === 'earn') {
    const reference = /^purchase (.+)$/.exec(e.reason || '');
    return reference ? [t('club.entry.earn_of'), ' ', ltr(reference[1])] : t('club.entry.earn');
  }
  if (kind === 'redeem') {
    const found = /^reward (\d+): (.*)$/.exec(e.reason || '');
    const reward = found ? rewards.get(Number(found[1])) : null;
    const name = (locale() === 'fa' ? e.reward_fa || reward?.name_fa : e.reward_en || reward?.name_en) || found?.[2];
    return name ? t('club.entry.redeem_of', { name }) : t('club.entry.redeem');
  }
  if (kind === 'expire') return t('club.entry.expire');
  if (kind === 'refund') return t('club.entry.refund');
  return e.reason ? h('span', { dir: 'auto' }, e.reason) : t(`club.entry.${kind === 'debit' ? 'debit' : 'credit'}`);
}

// The loyalty club on the portal (public, no account). /portal/club: a member asks for their club link with
// their mobile number; the answer is always the same neutral sentence, whether or not the number is a
// customer's (POST /api/v1/portal/club/link answers alike). /portal/club/<token>: the member's statement from
// the SMS link, in the visitor's language: their tier and its perks, the balance, the points lapsing soon, the
// ledger (each entry in words: a purchase, a reward, lapsed points, a gift called off, staff's reason), their
// open vouchers' codes, their referral code (with the referral page), and the catalogue: a reward the balance
// affords is taken after a second click, and the page says what came of it (a voucher's code, or that staff
// will hand the gift over). A link that does not hold, and one that has expired, each get a page of their own.

import { ApiError, publicApi } from './core/api.js';
import { h, ltr, replace } from './core/dom.js';
import { formField, sendsTo, showProblem } from './core/fields.js';
import { date, dateTime, locale, number, t } from './core/i18n.js';
import { entryWords, rewardGives, rewardName, voucherValue } from './views/clubtext.js';

const askPath = () => `/portal/club?lang=${locale()}`;
const referPath = (code) => `/portal/refer?lang=${locale()}&code=${encodeURIComponent(code)}`;

function titled(main, key) {
  document.title = `${t(key)} · ${t('app.name')}`;
  main.querySelector('h1')?.focus();
}

// What a visitor reads when a call fails for another reason than the fields.
function visitorLines(error) {
  if (error instanceof ApiError && error.status === 429) return [t('portal.too_many')];
  return [t('portal.failed'), ' ', h('span', { dir: 'auto' }, error.message)];
}

// -- asking for the link --------------------------------------------------------------------------

function asked(main) {
  replace(main, h('section', { class: 'card portal-card portal-narrow', 'data-testid': 'club-asked' },
    h('h1', { tabindex: '-1' }, t('portal.club.asked_title')),
    h('p', { role: 'status' }, t('portal.club.asked_body')),
    h('p', { class: 'muted' }, t('portal.club.asked_later')),
    h('p', {}, h('a', { href: askPath() }, t('portal.club.ask_again')))));
  titled(main, 'portal.club.asked_title');
}

export function clubAskPage(main) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'club-ask-submit' }, t('portal.club.ask_submit'));
  const mobile = h('input', { class: 'input', type: 'tel', autocomplete: 'tel', inputmode: 'tel', dir: 'ltr', maxlength: 40,
    placeholder: t('portal.club.mobile_placeholder'), 'data-testid': 'club-ask-mobile' });
  const form = h('form', { class: 'stack', novalidate: true, 'data-testid': 'club-ask' },
    formField('mobile', t('portal.club.mobile'), mobile, { required: true, hint: t('portal.club.mobile_hint') }),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit,
    send: (values) => publicApi.post('/portal/club/link', { mobile: values.mobile ?? '' }),
    done: () => asked(main),
    shown: (f, box, error) => showProblem(f, box, error, {
      prefix: 'portal.club.error', details: false, fixKey: 'portal.fix_fields', testid: 'portal-error', other: visitorLines }),
  });
  replace(main, h('div', { class: 'portal-grid' },
    h('section', { class: 'card portal-card', 'aria-labelledby': 'club-ask-title' },
      h('h1', { id: 'club-ask-title', tabindex: '-1' }, t('portal.club.ask_title')),
      h('p', { class: 'muted' }, t('portal.club.ask_intro')), form),
    h('aside', { class: 'card portal-side', 'aria-labelledby': 'club-what-title' },
      h('h2', { id: 'club-what-title' }, t('portal.club.what_title')),
      h('ul', { class: 'plain-list' }, ['1', '2', '3'].map((n) => h('li', {}, t(`portal.club.what_${n}`)))))));
  titled(main, 'portal.club.ask_title');
}

// -- the statement --------------------------------------------------------------------------------

function refused(main, status) {
  const expired = status === 410;
  replace(main, h('section', { class: 'card portal-card portal-narrow portal-centred', 'data-testid': expired ? 'club-expired' : 'club-invalid' },
    h('h1', { tabindex: '-1' }, t(expired ? 'portal.club.expired_title' : 'portal.club.invalid_title')),
    h('p', {}, t(expired ? 'portal.club.expired_body' : 'portal.club.invalid_body')),
    h('p', {}, h('a', { class: 'btn btn-primary', href: askPath(), 'data-testid': 'club-ask-new' }, t('portal.club.ask_new')))));
  titled(main, expired ? 'portal.club.expired_title' : 'portal.club.invalid_title');
}

const signed = (points) => h('span', { class: points < 0 ? 'badge badge-warn' : 'badge badge-ok', dir: 'ltr' },
  `${points > 0 ? '+' : points < 0 ? '−' : ''}${number(Math.abs(points))}`);

function card(id, title, ...body) {
  return h('section', { class: 'card portal-card', 'aria-labelledby': id, 'data-testid': id.replace(/-title$/, '') },
    h('h2', { id }, title), body);
}

function table(heads, rows, testid) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, heads.map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((cells) => h('tr', { 'data-testid': testid }, cells.map((cell) => h('td', {}, cell)))))));
}

// The result of taking a reward, above the catalogue: a voucher's code to copy, or the gift's promise.
function takenNotice(taken, reward) {
  if (taken.voucher_code) {
    return h('div', { class: 'alert alert-ok club-taken', role: 'status', 'data-testid': 'club-taken' },
      h('p', {}, t('portal.club.taken_voucher', { name: rewardName(reward) })),
      h('p', { class: 'tracking-code small', 'data-testid': 'club-voucher-code' }, ltr(taken.voucher_code, 'span')),
      h('p', { class: 'muted' }, t('portal.club.taken_voucher_use')));
  }
  return h('div', { class: 'alert alert-ok club-taken', role: 'status', 'data-testid': 'club-taken' },
    h('p', {}, t('portal.club.taken_gift', { name: rewardName(reward) })));
}

function rewardCard(token, reward, redraw) {
  const box = h('div', { class: 'row' });
  const take = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'club-take' }, t('portal.club.take'));
  take.addEventListener('click', () => {
    const sure = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'club-take-confirm' },
      t('portal.club.take_confirm', { n: number(reward.points) }));
    const keep = h('button', { type: 'button', class: 'btn', 'data-testid': 'club-take-keep', onclick: () => { replace(box, take); take.focus(); } },
      t('portal.club.take_keep'));
    sure.addEventListener('click', async () => {
      sure.disabled = true;
      keep.disabled = true;
      try {
        const taken = await publicApi.post(`/portal/club/${encodeURIComponent(token)}/rewards/${reward.id}`);
        await redraw(takenNotice(taken, reward));
      } catch (error) {
        if (error instanceof ApiError && error.status === 410) { redraw(null, 410); return; }
        const said = error instanceof ApiError && error.status === 422 && error.detail ? h('span', { dir: 'auto' }, error.detail) : visitorLines(error);
        replace(box, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, said), take);
        take.disabled = false;
      }
    });
    replace(box, sure, keep);
    sure.focus();
  });
  replace(box, reward.affordable ? take
    : h('span', { class: 'muted' }, reward.in_stock ? t('portal.club.need_more', { n: number(reward.points) }) : t('portal.club.out_of_stock')));
  return h('li', { class: ['club-reward', reward.affordable && 'club-reward-affordable'], 'data-reward': reward.id, 'data-testid': 'club-reward' },
    h('div', {}, h('strong', {}, h('bdi', {}, rewardName(reward)))),
    h('div', { class: 'muted' }, rewardGives(reward)),
    h('div', { class: 'club-reward-points' }, t('portal.club.points', { n: number(reward.points) })),
    box);
}

function drawStatement(main, token, s, notice, redraw) {
  const perks = locale() === 'fa' ? s.perks_fa : s.perks_en;
  const tier = t(`customer.tier_value.${s.tier}`);
  replace(main, h('div', { class: 'stack club-statement', 'data-testid': 'club-statement' },
    h('section', { class: 'card portal-card' },
      h('h1', { tabindex: '-1' }, s.name ? t('portal.club.hello', { name: s.name }) : t('portal.club.title')),
      h('div', { class: 'kpis' },
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('portal.club.balance')),
          h('span', { class: 'kpi-value', 'data-testid': 'club-balance' }, number(s.points))),
        h('div', { class: 'kpi' }, h('span', { class: 'kpi-label' }, t('portal.club.tier')),
          h('span', { class: 'kpi-value', 'data-testid': 'club-tier' }, tier))),
      h('dl', { class: 'facts' },
        h('dt', {}, t('portal.club.perks')), h('dd', { class: 'prewrap', 'data-testid': 'club-perks' }, perks || '—'),
        h('dt', {}, t('portal.club.points_last')),
        h('dd', {}, s.points_months ? t('portal.club.months', { n: number(s.points_months) }) : t('portal.club.never_lapse')),
        s.next_tier ? [h('dt', {}, t('portal.club.next_tier')), h('dd', {}, t(`customer.tier_value.${s.next_tier}`))] : null),
      h('h2', {}, t('portal.club.expiring')),
      s.expiring.length
        ? h('ul', { class: 'plain-list', 'data-testid': 'club-expiring' }, s.expiring.map((e) =>
          h('li', {}, t('portal.club.expiring_line', { points: number(e.points), date: date(e.at) }))))
        : h('p', { class: 'muted', 'data-testid': 'club-expiring' }, t('portal.club.expiring_none'))),
    card('club-rewards-title', t('portal.club.catalogue'),
      notice,
      s.rewards.length
        ? h('ul', { class: 'club-rewards' }, s.rewards.map((r) => rewardCard(token, r, redraw)))
        : h('p', { class: 'muted' }, t('portal.club.catalogue_empty'))),
    card('club-vouchers-title', t('portal.club.vouchers'),
      s.vouchers.length
        ? table([t('portal.club.voucher_code'), t('portal.club.voucher_value'), t('portal.club.voucher_until')],
          s.vouchers.map((v) => [h('code', { class: 'ltr', dir: 'ltr' }, v.code), voucherValue(v), date(v.expires_at)]), 'club-voucher')
        : h('p', { class: 'muted' }, t('portal.club.vouchers_none'))),
    card('club-ledger-title', t('portal.club.ledger'),
      s.entries.length
        ? table([t('portal.club.at'), t('portal.club.what'), t('portal.club.points_head')],
          s.entries.map((e) => [dateTime(e.at), entryWords(e), signed(e.points)]), 'club-entry')
        : h('p', { class: 'muted' }, t('portal.club.ledger_none'))),
    s.referral_code ? card('club-refer-title', t('portal.club.refer'),
      h('p', {}, t('portal.club.refer_body')),
      h('p', { class: 'tracking-code small', 'data-testid': 'club-referral-code' }, ltr(s.referral_code, 'span')),
      h('p', {}, h('a', { class: 'btn', href: referPath(s.referral_code), 'data-testid': 'club-refer-link' }, t('portal.club.refer_link')))) : null));
  document.title = `${t('portal.club.title')} · ${t('app.name')}`;
}

export async function clubStatementPage(main, token) {
  const path = `/portal/club/${encodeURIComponent(token)}`;
  const load = async (notice = null, status = null) => {
    if (status) { refused(main, status); return; }
    let statement;
    try {
      statement = await publicApi.get(path);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) { refused(main, error.status); return; }
      replace(main, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, visitorLines(error)));
      return;
    }
    drawStatement(main, token, statement, notice, load);
    if (notice) notice.scrollIntoView({ block: 'center' });
    else main.querySelector('h1').focus();
  };
  await load();
}

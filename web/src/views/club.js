// The loyalty club (/app/club): the earning rules (a rate of rials per point, or a bonus multiplying the points,
// for a product group or every purchase, between two days, optionally only for the customers a campaign
// reached), the tiers' benefits (the share of points each earns, how long points last, its perks in both
// languages), the rewards catalogue (vouchers issued at once, gifts handed over by staff; a stock or none), and
// the gifts waiting to be handed over. Everyone who works reads it; administrators, managers and marketing change
// the rules, tiers and catalogue; administrators and managers settle gifts; administrators write off the points
// that have lapsed now (the scheduler does it every hour). The server is the judge: its field errors show in place.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, options, sendsTo, showProblem } from '../core/fields.js';
import { dateTime, money, number, percent, t, typedNumber, word } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { badge, empty, errorBox, loading, setBusy, table, toast } from '../core/ui.js';
import { listLabels } from './leads.js';
import { dayText, rewardGives, rewardName } from './clubtext.js';
import { tierBadge } from './loyalty.js';
import { personText } from '../core/people.js';

const WRITERS = ['managers', 'marketing'];
export const mayWrite = (me) => me.role === 'admin' || (me.groups || []).some((g) => WRITERS.includes(g));
export const maySettle = (me) => me.role === 'admin' || (me.groups || []).includes('managers');

const input = (name, attrs = {}, prefix = 'club') => h('input', { class: 'input', name, autocomplete: 'off', 'data-testid': `${prefix}-${name}`, ...attrs });
const wholeInput = (name, attrs = {}, prefix = 'club') => input(name, { inputmode: 'numeric', dir: 'ltr', maxlength: 16, ...attrs }, prefix);
const whole = (text) => (text === undefined || text === '' ? null : typedNumber(text));

// A control in a table's cell that takes its field's errors (showErrors finds [data-field] and its slot).
let cells = 0;
function cellField(name, control, label) {
  control.id = `cell-${name}-${++cells}`;
  control.name = name;
  control.setAttribute('aria-label', label);
  return h('div', { class: 'field', 'data-field': name }, control,
    h('div', { class: 'field-error', id: `${control.id}-error`, 'data-error-for': name, hidden: true }));
}

function section(id, title, intro, ...children) {
  return h('section', { class: 'card stack', 'aria-labelledby': `${id}-title`, 'data-testid': id },
    h('h2', { id: `${id}-title` }, title), intro ? h('p', { class: 'muted' }, intro) : null, children);
}

// A button that posts or patches, says so in a toast and reloads its section; a refusal in a toast.
function actButton(label, testid, run, reload, { kind = '', confirm } = {}) {
  return h('button', {
    type: 'button', class: ['btn', 'btn-small', kind], 'data-testid': testid,
    onclick: async (event) => {
      if (confirm && !window.confirm(confirm)) return;
      const button = event.currentTarget;
      setBusy(button, true);
      try {
        toast(await run(), 'ok');
        await reload();
      } catch (error) {
        toast(error.message, 'error');
        setBusy(button, false);
      }
    },
  }, label);
}

// -- earning rules --------------------------------------------------------------------------------

function period(rule) {
  if (rule.starts_on && rule.ends_on) return t('club.period_between', { from: dayText(rule.starts_on), until: dayText(rule.ends_on) });
  if (rule.starts_on) return t('club.period_from', { from: dayText(rule.starts_on) });
  if (rule.ends_on) return t('club.period_until', { until: dayText(rule.ends_on) });
  return t('club.period_always');
}

function rateText(rule) {
  if (rule.kind === 'earn') return t('club.rate_earn', { amount: money(rule.rials_per_point) });
  return t('club.rate_bonus', { times: number(rule.multiplier / 100, { maximumFractionDigits: 2 }) });
}

function ruleForm(campaigns, reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' }, t('club.rule_add'));
  const kind = h('select', { class: 'input', name: 'kind', 'data-testid': 'rule-kind' }, options(['earn', 'bonus'], 'club.rule_kind', { selected: 'earn' }));
  const earnOnly = formField('rials_per_point', t('club.rials_per_point'), wholeInput('rials_per_point', {}, 'rule'),
    { required: true, hint: t('club.rials_per_point_hint') });
  const bonusOnly = [
    formField('multiplier', t('club.multiplier'), wholeInput('multiplier', {}, 'rule'), { required: true, hint: t('club.multiplier_hint') }),
    formField('campaign_id', t('club.campaign'), h('select', { class: 'input', name: 'campaign_id', 'data-testid': 'rule-campaign' },
      h('option', { value: '' }, t('club.every_customer')),
      campaigns.map((c) => h('option', { value: c.id }, c.name))), { hint: t('club.campaign_hint') }),
  ];
  const dayHint = t('club.day_hint');
  const form = h('form', { class: 'stack club-form', novalidate: true, 'data-testid': 'rule-form' },
    h('h3', {}, t('club.rule_new')),
    h('div', { class: 'pair' },
      formField('kind', t('club.rule_kind_label'), kind),
      formField('name', t('club.rule_name'), input('name', { maxlength: 120, dir: 'auto' }, 'rule'), { required: true })),
    h('div', { class: 'pair' },
      formField('product', t('club.product'), listSelect('product', { empty: t('club.every_purchase'), attrs: { name: 'product', 'data-testid': 'rule-product' } })),
      earnOnly, bonusOnly),
    h('div', { class: 'pair' },
      formField('starts_on', t('club.starts_on'), input('starts_on', { dir: 'ltr', maxlength: 20, placeholder: t('club.day_placeholder') }, 'rule'), { hint: dayHint }),
      formField('ends_on', t('club.ends_on'), input('ends_on', { dir: 'ltr', maxlength: 20, placeholder: t('club.day_placeholder') }, 'rule'), { hint: dayHint })),
    alertBox, h('div', { class: 'row end' }, submit));
  const showKind = () => {
    earnOnly.hidden = kind.value !== 'earn';
    for (const field of bonusOnly) field.hidden = kind.value !== 'bonus';
  };
  kind.addEventListener('change', showKind);
  showKind();
  sendsTo(form, {
    alertBox, submit,
    send: (v) => api.post('/loyalty/rules', {
      kind: v.kind, name: v.name ?? '', product: v.product || null,
      ...(v.kind === 'earn' ? { rials_per_point: whole(v.rials_per_point) }
        : { multiplier: whole(v.multiplier), campaign_id: v.campaign_id ? Number(v.campaign_id) : null }),
      starts_on: v.starts_on || null, ends_on: v.ends_on || null,
    }),
    done: () => { toast(t('club.rule_added'), 'ok'); form.reset(); showKind(); setBusy(submit, false); reload(); },
    shown: (f, box, error) => showProblem(f, box, error, { prefix: 'club.error' }),
  });
  return form;
}

function rulesSection(writer) {
  const body = h('div', {}, loading());
  const element = section('club-rules', t('club.rules'), t('club.rules_intro'), body);
  let campaigns = null;
  async function load() {
    try {
      const [rules, label] = await Promise.all([api.get('/loyalty/rules'), listLabels(['product'])]);
      if (writer && campaigns === null) campaigns = await api.get('/campaigns', { limit: 100 }).then((page) => page.items, () => []);
      const named = new Map((campaigns || []).map((c) => [c.id, c.name]));
      const columns = [
        { label: t('club.rule_name'), cell: (r) => h('bdi', {}, r.name) },
        { label: t('club.rule_kind_label'), cell: (r) => word('club.rule_kind', r.kind) },
        { label: t('club.product'), cell: (r) => (r.product ? label('product', r.product) : t('club.every_purchase')) },
        { label: t('club.rate'), cell: rateText },
        { label: t('club.campaign'), cell: (r) => (r.campaign_id ? h('bdi', {}, named.get(r.campaign_id) || `#${number(r.campaign_id)}`) : '—') },
        { label: t('club.period'), cell: period },
        { label: t('club.state'), cell: (r) => (r.active ? badge(t('club.rule_active'), 'ok') : badge(t('club.rule_stopped'), 'muted')) },
        writer ? { label: t('club.actions'), cell: (r) => actButton(r.active ? t('club.rule_stop') : t('club.rule_start'), 'rule-toggle',
          async () => { await api.patch(`/loyalty/rules/${r.id}`, { active: !r.active }); return t('club.rule_changed'); }, load) } : null,
      ].filter(Boolean);
      replace(body, rules.length ? table(columns, rules, { rowAttrs: (r) => ({ 'data-rule': r.id, 'data-testid': 'rule-row' }) })
        : empty(t('club.rules_empty'), t('club.rules_empty_hint')));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  const ready = load().then(() => { if (writer) element.append(ruleForm(campaigns || [], load)); });
  return { element, ready };
}

// -- tiers ----------------------------------------------------------------------------------------

function tierRow(tier, writer, alertBox, reload) {
  if (!writer) {
    return h('tr', { 'data-tier': tier.tier, 'data-testid': 'tier-row' },
      h('td', {}, tierBadge(tier.tier)), h('td', { class: 'num' }, percent(tier.earn_percent)),
      h('td', { class: 'num' }, tier.points_months ? t('club.months', { n: number(tier.points_months) }) : t('club.never_lapse')),
      h('td', { dir: 'rtl', lang: 'fa' }, tier.perks_fa || '—'), h('td', { dir: 'ltr', lang: 'en' }, tier.perks_en || '—'));
  }
  const name = word('customer.tier_value', tier.tier);
  const earn = wholeInput('earn_percent', { value: number(tier.earn_percent, { useGrouping: false }), size: 5 }, 'tier');
  const months = wholeInput('points_months', { value: number(tier.points_months, { useGrouping: false }), size: 4 }, 'tier');
  const fa = h('textarea', { class: 'input', rows: 2, maxlength: 1000, dir: 'rtl', lang: 'fa', 'data-testid': 'tier-perks_fa' }, tier.perks_fa);
  const en = h('textarea', { class: 'input', rows: 2, maxlength: 1000, dir: 'ltr', lang: 'en', 'data-testid': 'tier-perks_en' }, tier.perks_en);
  const row = h('tr', { 'data-tier': tier.tier, 'data-testid': 'tier-row' });
  const save = h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'tier-save' }, t('club.save'));
  save.addEventListener('click', async () => {
    setBusy(save, true);
    replace(alertBox);
    try {
      await api.patch(`/loyalty/tiers/${encodeURIComponent(tier.tier)}`, {
        earn_percent: typedNumber(earn.value), points_months: typedNumber(months.value), perks_fa: fa.value, perks_en: en.value });
      toast(t('club.tier_saved', { tier: name }), 'ok');
      await reload();
    } catch (error) {
      setBusy(save, false);
      showProblem(row, alertBox, error, { prefix: 'club.error' });
    }
  });
  replace(row,
    h('td', {}, tierBadge(tier.tier)),
    h('td', {}, cellField('earn_percent', earn, `${t('club.earn_percent')} · ${name}`)),
    h('td', {}, cellField('points_months', months, `${t('club.points_months')} · ${name}`)),
    h('td', {}, cellField('perks_fa', fa, `${t('club.perks_fa')} · ${name}`)),
    h('td', {}, cellField('perks_en', en, `${t('club.perks_en')} · ${name}`)),
    h('td', {}, save));
  return row;
}

function tiersSection(writer) {
  const body = h('div', {}, loading());
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const element = section('club-tiers', t('club.tiers'), t('club.tiers_intro'), body, alertBox);
  async function load() {
    try {
      const tiers = await api.get('/loyalty/tiers');
      const heads = [t('customer.tier'), t('club.earn_percent'), t('club.points_months'), t('club.perks_fa'), t('club.perks_en'),
        writer ? t('club.actions') : null].filter(Boolean);
      replace(body, h('div', { class: 'table-wrap' }, h('table', { class: ['table', writer && 'club-tiers-edit'] },
        h('thead', {}, h('tr', {}, heads.map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, tiers.map((tier) => tierRow(tier, writer, alertBox, load))))));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  const ready = load();
  return { element, ready };
}

// -- the rewards catalogue ------------------------------------------------------------------------

function rewardForm(reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reward-save' }, t('club.reward_add'));
  const kind = h('select', { class: 'input', name: 'kind', 'data-testid': 'reward-kind' }, options(['voucher', 'gift'], 'club.reward_kind', { selected: 'voucher' }));
  const validDays = wholeInput('valid_days', {}, 'reward');
  validDays.defaultValue = number(60, { useGrouping: false }); // the value a reset comes back to
  const voucherOnly = h('div', { class: 'pair' },
    formField('voucher_kind', t('club.voucher_kind'), h('select', { class: 'input', name: 'voucher_kind', 'data-testid': 'reward-voucher_kind' },
      options(['percent', 'amount'], 'club.voucher_kind_value', { selected: 'percent' }))),
    formField('voucher_value', t('club.voucher_value'), wholeInput('voucher_value', {}, 'reward'), { required: true, hint: t('club.voucher_value_hint') }),
    formField('valid_days', t('club.valid_days'), validDays));
  const form = h('form', { class: 'stack club-form', novalidate: true, 'data-testid': 'reward-form' },
    h('h3', {}, t('club.reward_new')),
    h('div', { class: 'pair' },
      formField('name_fa', t('club.name_fa'), input('name_fa', { maxlength: 120, dir: 'rtl', lang: 'fa' }, 'reward'), { required: true }),
      formField('name_en', t('club.name_en'), input('name_en', { maxlength: 120, dir: 'ltr', lang: 'en' }, 'reward'), { required: true })),
    h('div', { class: 'pair' },
      formField('points', t('club.reward_points'), wholeInput('points', {}, 'reward'), { required: true }),
      formField('kind', t('club.reward_kind_label'), kind),
      formField('stock', t('club.stock'), wholeInput('stock', {}, 'reward'), { hint: t('club.stock_hint') })),
    voucherOnly, alertBox, h('div', { class: 'row end' }, submit));
  const showKind = () => { voucherOnly.hidden = kind.value !== 'voucher'; };
  kind.addEventListener('change', showKind);
  showKind();
  sendsTo(form, {
    alertBox, submit,
    send: (v) => api.post('/loyalty/rewards', {
      name_fa: v.name_fa ?? '', name_en: v.name_en ?? '', points: whole(v.points), kind: v.kind, stock: whole(v.stock),
      ...(v.kind === 'voucher' ? { voucher_kind: v.voucher_kind, voucher_value: whole(v.voucher_value), valid_days: whole(v.valid_days) } : {}),
    }),
    done: () => { toast(t('club.reward_added'), 'ok'); form.reset(); showKind(); setBusy(submit, false); reload(); },
    shown: (f, box, error) => showProblem(f, box, error, { prefix: 'club.error' }),
  });
  return form;
}

function stockCell(reward, alertBox, reload) {
  const box = wholeInput('stock', { value: reward.stock === null ? '' : number(reward.stock, { useGrouping: false }), size: 6,
    placeholder: t('club.unlimited') }, 'reward');
  const holder = h('div', { class: 'row nowrap' });
  const save = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'reward-stock-save' }, t('club.save'));
  save.addEventListener('click', async () => {
    setBusy(save, true);
    replace(alertBox);
    try {
      await api.patch(`/loyalty/rewards/${reward.id}`, { stock: whole(box.value.trim()) });
      toast(t('club.reward_changed'), 'ok');
      await reload();
    } catch (error) {
      setBusy(save, false);
      showProblem(holder, alertBox, error, { prefix: 'club.error' });
    }
  });
  return replace(holder, cellField('stock', box, `${t('club.stock')} · ${rewardName(reward)}`), save);
}

function rewardsSection(writer) {
  const body = h('div', {}, loading());
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const element = section('club-rewards', t('club.rewards'), t('club.rewards_intro'), body, alertBox);
  async function load() {
    try {
      const rewards = await api.get('/loyalty/rewards', { include_inactive: true });
      const columns = [
        { label: t('club.name_fa'), cell: (r) => h('bdi', { lang: 'fa' }, r.name_fa) },
        { label: t('club.name_en'), cell: (r) => h('bdi', { dir: 'ltr', lang: 'en' }, r.name_en) },
        { label: t('club.reward_points'), cell: (r) => number(r.points), class: 'num' },
        { label: t('club.gives'), cell: rewardGives },
        writer ? { label: t('club.stock'), cell: (r) => stockCell(r, alertBox, load) }
          : { label: t('club.stock'), cell: (r) => (r.stock === null ? t('club.unlimited') : number(r.stock)), class: 'num' },
        { label: t('club.state'), cell: (r) => (r.active ? badge(t('club.offered'), 'ok') : badge(t('club.withdrawn'), 'muted')) },
        writer ? { label: t('club.actions'), cell: (r) => actButton(r.active ? t('club.withdraw') : t('club.offer_again'), 'reward-toggle',
          async () => { await api.patch(`/loyalty/rewards/${r.id}`, { active: !r.active }); return t('club.reward_changed'); }, load) } : null,
      ].filter(Boolean);
      replace(body, rewards.length ? table(columns, rewards, { rowAttrs: (r) => ({ 'data-reward': r.id, 'data-testid': 'reward-row' }) })
        : empty(t('club.rewards_empty')));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  const ready = load().then(() => { if (writer) element.append(rewardForm(load)); });
  return { element, ready, reload: load };
}

// -- gifts waiting to be handed over --------------------------------------------------------------

function giftsSection(settler) {
  const body = h('div', {}, loading());
  const element = section('club-gifts', t('club.gifts'), settler ? t('club.gifts_intro') : t('club.gifts_who'), body);
  async function load() {
    try {
      const [waiting, rewards] = await Promise.all([api.get('/loyalty/redemptions', { state: 'requested', limit: 200 }),
        api.get('/loyalty/rewards', { include_inactive: true })]);
      const named = new Map(rewards.map((r) => [r.id, r]));
      const settle = (g, state, kind) => actButton(t(`club.settle_${state}`), `gift-${state}`, async () => {
        await api.post(`/loyalty/redemptions/${g.id}/settle`, { state });
        return t(`club.settled_${state}`);
      }, load, { kind, confirm: state === 'cancelled' ? t('club.cancel_confirm', { n: number(g.points) }) : null });
      const columns = [
        { label: t('club.customer'), cell: (g) => h('a', { href: `/app/loyalty/${g.customer_id}`, dir: 'auto' }, g.customer_name || `#${number(g.customer_id)}`) },
        { label: t('club.reward'), cell: (g) => (named.has(g.reward_id) ? h('bdi', {}, rewardName(named.get(g.reward_id))) : `#${number(g.reward_id)}`) },
        { label: t('club.reward_points'), cell: (g) => number(g.points), class: 'num' },
        { label: t('club.asked_at'), cell: (g) => dateTime(g.at), class: 'nowrap' },
        { label: t('club.channel'), cell: (g) => word('club.channel_value', g.channel) },
        { label: t('club.by'), cell: (g) => (g.channel === 'staff' && g.by ? personText(g.by) : '—') },
        settler ? { label: t('club.actions'), cell: (g) => h('div', { class: 'row' }, settle(g, 'delivered', 'btn-primary'), settle(g, 'cancelled', '')) } : null,
      ].filter(Boolean);
      replace(body, waiting.length ? table(columns, waiting, { rowAttrs: (g) => ({ 'data-redemption': g.id, 'data-testid': 'gift-row' }) })
        : empty(t('club.gifts_empty')));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  const ready = load();
  return { element, ready };
}

// -- writing off lapsed points (administrators) ---------------------------------------------------

function expireButton() {
  const said = h('p', { class: 'muted', role: 'status', 'data-testid': 'club-expired' });
  const button = h('button', { type: 'button', class: 'btn', 'data-testid': 'club-expire' }, t('club.expire'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('club.expire_confirm'))) return;
    setBusy(button, true);
    try {
      const done = await api.post('/loyalty/expire');
      said.textContent = done.points ? t('club.expired', { points: number(done.points), customers: number(done.customers) }) : t('club.expired_none');
    } catch (error) {
      said.textContent = error.message;
    } finally {
      setBusy(button, false);
    }
  });
  return { button, said };
}

export async function render({ root, me }) {
  const writer = mayWrite(me);
  const expire = me.role === 'admin' ? expireButton() : null;
  const parts = [rulesSection(writer), tiersSection(writer), rewardsSection(writer), giftsSection(maySettle(me))];
  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/loyalty', 'data-testid': 'club-accounts-link' }, t('club.accounts'))),
        h('h1', { tabindex: '-1' }, t('club.title'))),
      h('div', { class: 'page-actions' }, expire?.button)),
    h('p', { class: 'muted' }, t('club.intro'), writer ? null : [' ', t('club.who_writes')]),
    expire?.said,
    parts.map((part) => part.element));
  await Promise.all(parts.map((part) => part.ready));
}


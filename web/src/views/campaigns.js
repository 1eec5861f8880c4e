// Campaigns and segments (/app/campaigns): every campaign with its state and return (sent, delivered, revenue,
// cost, return); the saved customer segments with how many customers each picks now; and, for administrators,
// managers and marketing, a segment editor with a live preview (how many match, the first of them) and a new
// campaign form (SMS or e-mail, a text in each language with its SMS parts counted, the pace and the start,
// days that earn its purchases). A new campaign is a draft: its page sends it.

import { api } from '../core/api.js';
import { debounce, h, replace } from '../core/dom.js';
import { formField, options, sendsTo } from '../core/fields.js';
import { digits, latinDigits, money, number, percent, t, word } from '../core/i18n.js';
import { entries, labelOf, listSelect } from '../core/lists.js';
import { navigate } from '../core/router.js';
import { badge, empty, errorBox, loading, pageHeader, table, toast } from '../core/ui.js';
import { dateField, isoOf } from './timefields.js';

export const STATE_KIND = { draft: 'muted', sending: 'info', sent: 'ok', cancelled: 'warn' };
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const WRITERS = ['managers', 'marketing'];

export const mayWrite = (me) => me.role === 'admin' || (me.groups || []).some((g) => WRITERS.includes(g));
export const returnText = (r) => (r.return_ratio === null || r.return_ratio === undefined ? '—' : percent(r.return_ratio * 100));

function input(name, attrs = {}, prefix = 'campaign') {
  return h('input', { class: 'input', name, autocomplete: 'off', 'data-testid': `${prefix}-${name}`, ...attrs });
}

// A typed whole number (any digits, separators) as a number; anything else as typed, for the server to refuse.
function wholeOr(text) {
  const plain = latinDigits(String(text || '')).replace(/[,٬\s]/g, '');
  return /^\d+$/.test(plain) ? Number(plain) : text;
}

// -- segments -------------------------------------------------------------------------------------

function rulesOf(form) {
  const v = (name) => form.elements[name]?.value?.trim() || '';
  const whole = (name) => (v(name) === '' ? undefined : wholeOr(v(name)));
  const rules = {
    status: v('status') || undefined, kind: v('kind') || undefined, has: v('has') || undefined,
    regions: [...form.elements.regions.selectedOptions].map((o) => o.value).filter(Boolean),
    tiers: TIERS.filter((tier) => form.elements[`tier_${tier}`].checked),
    min_clv: whole('min_clv'), bought_within_days: whole('bought_within_days'), not_bought_within_days: whole('not_bought_within_days'),
  };
  return Object.fromEntries(Object.entries(rules).filter(([, value]) => value !== undefined && !(Array.isArray(value) && !value.length)));
}

function segmentEditor(reload) {
  const preview = h('div', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'segment-preview' });
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'segment-save' }, t('segments.save'));
  const regions = listSelect('province', { attrs: { multiple: true, size: 4, name: 'regions', 'data-testid': 'segment-regions' } });
  const select = (name, values) => h('select', { class: 'input', name, 'data-testid': `segment-${name}` },
    options(values, `segments.${name}_value`, { empty: t('common.any') }));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'segment-form' },
    h('h2', {}, t('segments.new')),
    formField('name', t('segments.name'), input('name', { maxlength: 120, dir: 'auto' }, 'segment'), { required: true }),
    h('div', { class: 'pair' },
      formField('status', t('segments.status'), select('status', ['potential', 'actual'])),
      formField('kind', t('segments.kind'), select('kind', ['person', 'company'])),
      formField('has', t('segments.has'), select('has', ['mobile', 'email']))),
    formField('regions', t('segments.regions'), regions, { hint: t('segments.regions_hint') }),
    h('fieldset', { class: 'field choice-group', 'data-field': 'tiers' }, h('legend', {}, t('segments.tiers')),
      TIERS.map((tier) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: `tier_${tier}`, 'data-testid': `segment-tier-${tier}` }), word('customer.tier_value', tier)))),
    h('div', { class: 'pair' },
      formField('min_clv', t('segments.min_clv'), input('min_clv', { inputmode: 'numeric', dir: 'ltr' }, 'segment')),
      formField('bought_within_days', t('segments.bought_within_days'), input('bought_within_days', { inputmode: 'numeric', dir: 'ltr' }, 'segment')),
      formField('not_bought_within_days', t('segments.not_bought_within_days'), input('not_bought_within_days', { inputmode: 'numeric', dir: 'ltr' }, 'segment'))),
    preview, alertBox, h('div', { class: 'row end' }, submit));
  const refresh = debounce(async () => {
    try {
      const found = await api.post('/segments/preview', { rules: rulesOf(form) });
      replace(preview, t('segments.matches', { n: number(found.members) }),
        found.sample.length ? [' ', t('segments.such_as'), ' ', found.sample.slice(0, 5).map((c) => h('bdi', {}, c.name)).flatMap((n, i) => (i ? ['، ', n] : [n]))] : null);
    } catch (error) {
      replace(preview, error.message);
    }
  }, 300);
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  refresh();
  sendsTo(form, {
    alertBox, submit,
    send: () => api.post('/segments', { name: form.elements.name.value, rules: rulesOf(form) }),
    done: () => { toast(t('segments.saved'), 'ok'); form.reset(); reload(); },
  });
  return form;
}

function rulesText(rules, provinces) {
  const parts = [];
  if (rules.status) parts.push(t(`segments.status_value.${rules.status}`));
  if (rules.kind) parts.push(t(`segments.kind_value.${rules.kind}`));
  if (rules.has) parts.push(t(`segments.has_value.${rules.has}`));
  if (rules.regions) parts.push(rules.regions.map((r) => provinces[r] || r).join('، '));
  if (rules.tiers) parts.push(rules.tiers.map((tier) => word('customer.tier_value', tier)).join('، '));
  if (rules.min_clv !== undefined) parts.push(t('segments.clv_from', { amount: money(rules.min_clv) }));
  if (rules.bought_within_days !== undefined) parts.push(t('segments.bought_within', { n: number(rules.bought_within_days) }));
  if (rules.not_bought_within_days !== undefined) parts.push(t('segments.not_bought_within', { n: number(rules.not_bought_within_days) }));
  return parts.length ? parts.join(' · ') : t('segments.everyone');
}

// -- campaigns ------------------------------------------------------------------------------------

function campaignForm(segmentList) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'campaign-save' }, t('campaigns.save_draft'));
  const channel = h('select', { class: 'input', name: 'channel', 'data-testid': 'campaign-channel' }, options(['sms', 'email'], 'outbox.channel', { selected: 'sms' }));
  const subject = formField('subject', t('campaigns.subject'), input('subject', { maxlength: 200, dir: 'auto' }));
  const counter = (lang) => h('small', { class: 'muted', 'data-testid': `campaign-parts-${lang}` });
  const counters = { fa: counter('fa'), en: counter('en') };
  const body = (lang) => formField(`body_${lang}`, t(`campaigns.body_${lang}`),
    h('textarea', { class: 'input', name: `body_${lang}`, rows: 3, maxlength: 1000, dir: lang === 'fa' ? 'rtl' : 'ltr', 'data-testid': `campaign-body_${lang}` }),
    { required: true, hint: t('campaigns.body_hint') });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'campaign-form' },
    h('h2', {}, t('campaigns.new')),
    formField('name', t('campaigns.name'), input('name', { maxlength: 120, dir: 'auto' }), { required: true }),
    h('div', { class: 'pair' },
      formField('channel', t('campaigns.channel'), channel),
      formField('segment_id', t('campaigns.segment'), h('select', { class: 'input', name: 'segment_id', 'data-testid': 'campaign-segment' },
        h('option', { value: '' }, t('campaigns.pick_segment')),
        segmentList.map((s) => h('option', { value: s.id }, `${s.name} (${number(s.members)})`))), { required: true })),
    subject, body('fa'), counters.fa, body('en'), counters.en,
    h('div', { class: 'pair' },
      formField('rate_per_minute', t('campaigns.rate'), input('rate_per_minute', { inputmode: 'numeric', dir: 'ltr', value: digits('60') }), { hint: t('campaigns.rate_hint') }),
      formField('attribution_days', t('campaigns.attribution_days'), input('attribution_days', { inputmode: 'numeric', dir: 'ltr', value: digits('14') }))),
    dateField(t('campaigns.start_at'), 'start_at', ''),
    alertBox, h('div', { class: 'row end' }, submit));
  const showSubject = () => { subject.hidden = channel.value !== 'email'; };
  channel.addEventListener('change', showSubject);
  showSubject();
  const parts = (text) => {  // billed SMS parts with the opt-out line: UCS-2 70/67, GSM 160/153
    const full = `${text}\n${'x'.repeat(14)}`;
    const wide = /[^\x00-\x7f]/.test(full);
    const [one, each] = wide ? [70, 67] : [160, 153];
    return full.length <= one ? 1 : Math.ceil(full.length / each);
  };
  form.addEventListener('input', () => {
    for (const lang of ['fa', 'en']) {
      const text = form.elements[`body_${lang}`].value;
      counters[lang].textContent = channel.value === 'sms' && text ? t('campaigns.parts', { n: number(parts(text)) }) : '';
    }
  });
  sendsTo(form, {
    alertBox, submit,
    send: (values) => api.post('/campaigns', {
      name: values.name, channel: values.channel, segment_id: values.segment_id ? Number(values.segment_id) : null,
      subject: values.channel === 'email' ? values.subject : null, body_fa: values.body_fa, body_en: values.body_en,
      rate_per_minute: wholeOr(values.rate_per_minute), attribution_days: wholeOr(values.attribution_days),
      start_at: values.start_at ? isoOf(values.start_at) || values.start_at : null,
    }),
    done: (campaign) => { toast(t('campaigns.drafted'), 'ok'); navigate(`/app/campaigns/${campaign.id}`); },
  });
  return form;
}

export async function render({ root, me }) {
  replace(root, pageHeader(t('campaigns.title')), loading());
  async function load() {
    let list;
    let segmentList;
    let provinces = {};
    try {
      [list, segmentList] = await Promise.all([api.get('/campaigns', { limit: 100 }), api.get('/segments')]);
      provinces = Object.fromEntries((await entries('province')).map((e) => [e.key, labelOf(e)]));
    } catch (error) {
      replace(root, pageHeader(t('campaigns.title')), errorBox(error));
      return;
    }
    const campaignsTable = list.items.length ? table([
      { label: t('campaigns.name'), cell: (c) => h('a', { href: `/app/campaigns/${c.id}`, dir: 'auto', 'data-testid': 'campaign-link' }, c.name) },
      { label: t('campaigns.channel'), cell: (c) => word('outbox.channel', c.channel) },
      { label: t('campaigns.segment'), cell: (c) => h('bdi', {}, c.segment_name) },
      { label: t('campaigns.state'), cell: (c) => badge(word('campaigns.state_value', c.state), STATE_KIND[c.state]) },
      { label: t('campaigns.sent'), cell: (c) => number(c.report.sent), class: 'num' },
      { label: t('campaigns.delivered'), cell: (c) => number(c.report.delivered), class: 'num' },
      { label: t('campaigns.revenue'), cell: (c) => money(c.report.revenue, { toman: false }), class: 'num' },
      { label: t('campaigns.cost'), cell: (c) => money(c.report.cost, { toman: false }), class: 'num' },
      { label: t('campaigns.return'), cell: (c) => returnText(c.report), class: 'num' },
    ], list.items, { rowAttrs: (c) => ({ 'data-campaign': c.id }) }) : empty(t('campaigns.empty'));
    const segmentsTable = segmentList.length ? table([
      { label: t('segments.name'), cell: (s) => h('bdi', {}, s.name) },
      { label: t('segments.rules'), cell: (s) => rulesText(s.rules, provinces) },
      { label: t('segments.members'), cell: (s) => number(s.members), class: 'num' },
    ], segmentList, { rowAttrs: (s) => ({ 'data-segment': s.id }) }) : empty(t('segments.empty'));
    const writer = mayWrite(me);
    replace(root, pageHeader(t('campaigns.title')), h('p', { class: 'muted' }, t('campaigns.intro')),
      h('section', { class: 'stack', 'data-testid': 'campaigns' }, campaignsTable),
      writer && segmentList.length ? campaignForm(segmentList) : null,
      h('section', { class: 'stack', 'data-testid': 'segments' }, h('h2', {}, t('segments.title')), segmentsTable),
      writer ? segmentEditor(load) : null);
  }
  await load();
}



// A campaign (/app/campaigns/:id): its state, segment, pace and texts as each language reads them; its report
// (queued and skipped, sent and delivered, failed, opt-outs, leads, buyers and purchases, revenue, cost and
// return); for administrators, managers and marketing, Send (a draft) and Cancel (takes back what was not
// sent yet), each asked once more before it happens.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { dateTime, money, number, t, word } from '../core/i18n.js';
import { badge, errorBox, facts, loading, pageHeader, setBusy, toast } from '../core/ui.js';
import { STATE_KIND, mayWrite, returnText } from './campaigns.js';

// the text's own language, whatever the reader's: as crm.campaigns ends every campaign SMS and e-mail
const OPT_OUT = { fa: 'لغو۱۱', en: 'Stop: reply 11' };
const FOOTER = { fa: 'برای دریافت نکردن این ایمیل‌ها: پیوند لغو', en: 'To stop these e-mails: the opt-out link' };
const SAMPLE = { fa: 'نام مشتری', en: "the customer's name" };

function figures(report) {
  const card = (key, value, testid, money_ = false) => h('div', { class: 'kpi', 'data-testid': `campaign-${testid}` },
    h('span', { class: 'kpi-label' }, t(key)), h('span', { class: ['kpi-value', money_ && 'kpi-money'] }, value));
  return h('section', { class: 'kpis', 'data-testid': 'campaign-report' },
    card('campaigns.queued', number(report.queued), 'queued'),
    card('campaigns.skipped', number(report.skipped), 'skipped'),
    card('campaigns.sent', number(report.sent), 'sent'),
    card('campaigns.delivered', number(report.delivered), 'delivered'),
    card('campaigns.failed', number(report.failed), 'failed'),
    card('campaigns.opt_outs', number(report.opt_outs), 'opt-outs'),
    card('campaigns.leads', number(report.leads), 'leads'),
    card('campaigns.purchases', t('campaigns.purchases_by', { n: number(report.purchases), buyers: number(report.buyers) }), 'purchases', true),
    card('campaigns.revenue', money(report.revenue, { toman: false }), 'revenue', true),
    card('campaigns.cost', report.cost_known ? money(report.cost, { toman: false }) : `${money(report.cost, { toman: false })} ${t('campaigns.cost_partial')}`, 'cost', true),
    card('campaigns.return', returnText(report), 'return'));
}

export async function render({ root, params, me }) {
  replace(root, loading());
  let campaign;
  try {
    campaign = await api.get(`/campaigns/${encodeURIComponent(params.id)}`);
  } catch (error) {
    replace(root, pageHeader(t('campaigns.title')), errorBox(error));
    return;
  }
  const act = (key, path, confirmKey, kind = '') => h('button', {
    type: 'button', class: `btn ${kind}`, 'data-testid': `campaign-${key}`,
    onclick: async (event) => {
      if (!window.confirm(t(confirmKey, { n: number(campaign.report.members_now || campaign.queued) }))) return;
      const button = event.currentTarget;
      setBusy(button, true);
      try {
        await api.post(path);
        toast(t(`campaigns.${key}_done`), 'ok');
        await render({ root, params, me });
      } catch (error) {
        toast(error.message, 'error');
        setBusy(button, false);
      }
    },
  }, t(`campaigns.${key}`));
  const writer = mayWrite(me);
  const actions = [
    writer && campaign.state === 'draft' ? act('send', `/campaigns/${campaign.id}/send`, 'campaigns.send_confirm', 'btn-primary') : null,
    writer && ['draft', 'sending', 'sent'].includes(campaign.state) ? act('cancel', `/campaigns/${campaign.id}/cancel`, 'campaigns.cancel_confirm', 'btn-danger') : null,
  ];
  const parts = campaign.sms_parts || {};
  const text = (lang) => h('div', { class: 'card stack' }, h('h3', {}, t(`campaigns.body_${lang}`)),
    h('p', { class: 'prewrap', dir: lang === 'fa' ? 'rtl' : 'ltr', 'data-testid': `campaign-text-${lang}` },
      campaign[`body_${lang}`].split('{name}').flatMap((piece, i) => (i ? [h('mark', { class: 'sample-name' }, SAMPLE[lang]), piece] : [piece])),
      '\n', campaign.channel === 'sms' ? OPT_OUT[lang] : FOOTER[lang]),
    parts[lang] ? h('small', { class: 'muted' }, t('campaigns.parts', { n: number(parts[lang]) })) : null);
  replace(root,
    h('p', { class: 'crumbs' }, h('a', { href: '/app/campaigns' }, t('campaigns.title'))),
    pageHeader(h('bdi', {}, campaign.name), ...actions),
    facts([
      [t('campaigns.state'), badge(word('campaigns.state_value', campaign.state), STATE_KIND[campaign.state])],
      [t('campaigns.channel'), word('outbox.channel', campaign.channel)],
      [t('campaigns.segment'), h('bdi', {}, campaign.segment_name)],
      campaign.state === 'draft' ? [t('campaigns.members_now'), number(campaign.report.members_now)] : null,
      [t('campaigns.rate'), t('campaigns.rate_value', { n: number(campaign.rate_per_minute) })],
      [t('campaigns.start_at'), campaign.start_at ? dateTime(campaign.start_at) : t('campaigns.when_sent')],
      [t('campaigns.attribution_days'), number(campaign.attribution_days)],
      campaign.subject ? [t('campaigns.subject'), h('bdi', {}, campaign.subject)] : null,
    ].filter(Boolean)),
    campaign.state === 'draft' ? null : figures(campaign.report),
    h('div', { class: 'pair' }, text('fa'), text('en')));
}

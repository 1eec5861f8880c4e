// The customer's contract, opened from the signed link of the SMS or e-mail (no account): the figures the
// customer pays, the dates and instalments, the document (its HTML page and the PDF), then
// "send me a code" and "accept with the code". Expired links, links to an older revision and offers no
// longer open get a page that says so. Texts are kept here in Persian and English.

import { ApiError, publicApi } from './core/api.js';
import { h, replace } from './core/dom.js';
import { date, digits, locale, money, number } from './core/i18n.js';

const TEXT = {
  en: {
    title: 'Your contract', payable: 'Payable', amount: 'Amount', discount: 'Discount', net: 'Net after discount',
    vat: 'VAT', period: 'Term', from: 'from', to: 'to', instalments: 'Instalments', valid: 'Valid until',
    read: 'Read the contract', pdf: 'Download the PDF', sign_title: 'Accept and sign',
    sign_body: 'We send a 6-digit code by SMS to your mobile number {mobile}. Entering it accepts this contract; the acceptance is recorded as your signature with the time and your number.',
    send: 'Send me the code', resend: 'Send a new code', sent: 'The code was sent to {mobile}. It is valid for {minutes} minutes.',
    code: 'Code', accept: 'I accept the contract', signed: 'Signed on {at}. Thank you!',
    no_mobile: 'No mobile number is on record for you, so the contract cannot be signed here. Please contact the seller.',
    expired: 'This link has expired. Please ask the seller for a new one.',
    outdated: 'The contract was revised after this link was sent. Please use the latest link the seller sent you.',
    closed: 'This offer is no longer open. Please contact the seller.',
    invalid: 'This link does not open a contract. Check that you copied all of it.',
    too_many: 'Please wait a moment before asking for another code.', failed: 'Something went wrong:',
  },
  fa: {
    title: 'قرارداد شما', payable: 'مبلغ قابل پرداخت', amount: 'مبلغ', discount: 'تخفیف', net: 'مبلغ پس از تخفیف',
    vat: 'مالیات بر ارزش افزوده', period: 'مدت', from: 'از', to: 'تا', instalments: 'اقساط', valid: 'معتبر تا',
    read: 'متن قرارداد', pdf: 'دریافت PDF', sign_title: 'پذیرش و امضا',
    sign_body: 'یک کد ۶ رقمی با پیامک به شماره همراه {mobile} می‌فرستیم. وارد کردن آن یعنی پذیرش این قرارداد؛ این پذیرش با زمان و شماره شما به‌عنوان امضا ثبت می‌شود.',
    send: 'کد را برایم بفرست', resend: 'ارسال کد تازه', sent: 'کد به {mobile} فرستاده شد و {minutes} دقیقه معتبر است.',
    code: 'کد', accept: 'قرارداد را می‌پذیرم', signed: 'در {at} امضا شد. سپاسگزاریم!',
    no_mobile: 'شماره همراهی از شما ثبت نشده است و امکان امضای این قرارداد در اینجا نیست. لطفاً با فروشنده تماس بگیرید.',
    expired: 'مهلت این پیوند گذشته است. لطفاً از فروشنده پیوند تازه بخواهید.',
    outdated: 'قرارداد پس از ارسال این پیوند ویرایش شده است. لطفاً از آخرین پیوندی که فروشنده فرستاده استفاده کنید.',
    closed: 'این پیشنهاد دیگر باز نیست. لطفاً با فروشنده تماس بگیرید.',
    invalid: 'این پیوند قراردادی را باز نمی‌کند. بررسی کنید که آن را کامل رونوشت کرده باشید.',
    too_many: 'لطفاً پیش از درخواست کد دیگر کمی صبر کنید.', failed: 'مشکلی پیش آمد:',
  },
};

const say = (key, params = {}) => (TEXT[locale()] || TEXT.en)[key]
  .replace(/\{(\w+)\}/g, (whole, name) => (params[name] === undefined ? whole : String(params[name])));
// A (masked) number kept left to right inside Persian text, in the reader's digits: «••••۲۲۳۳», never «2233••••».
const phone = (text) => (text ? `\u2066${digits(text)}\u2069` : '');
const base = (token) => `/contract-links/${encodeURIComponent(token)}`;

function row(label, value, testid) {
  return h('tr', {}, h('th', { scope: 'row' }, label), h('td', { 'data-testid': testid }, value));
}

function figures(view) {
  const rows = [row(say('amount'), money(view.amount), 'contract-amount')];
  const pct = locale() === 'fa' ? '٪' : '%';
  if (view.discount_percent) rows.push(row(say('discount'), `${digits(view.discount_percent)}${pct}`, 'contract-discount'));
  rows.push(row(say('net'), money(view.net), 'contract-net'));
  if (view.vat_percent) rows.push(row(`${say('vat')} (${digits(view.vat_percent)}${pct})`, money(view.vat), 'contract-vat'));
  rows.push(row(say('payable'), h('strong', {}, money(view.payable)), 'contract-payable'));
  if (view.start_date || view.end_date) {
    rows.push(row(say('period'), `${say('from')} ${date(view.start_date)} ${say('to')} ${date(view.end_date)}`, 'contract-period'));
  }
  if (view.expires_at && view.status === 'sent') rows.push(row(say('valid'), date(view.expires_at), 'contract-valid'));
  return h('table', { class: 'table' }, h('tbody', {}, ...rows));
}

function instalments(view) {
  if (!view.instalments?.length) return null;
  return h('section', { class: 'card stack' }, h('h2', {}, say('instalments')),
    h('table', { class: 'table', 'data-testid': 'contract-instalments' }, h('tbody', {},
      ...view.instalments.map((item, i) => h('tr', {}, h('td', {}, number(i + 1)), h('td', {}, date(item.due)),
        h('td', {}, money(item.amount)))))));
}

function problemLine(error) {
  if (error instanceof ApiError && error.status === 429) return say('too_many');
  const field = error instanceof ApiError ? Object.values(error.errors || {})[0]?.[0] : null;
  return `${say('failed')} ${field || error.message}`;
}

function signCard(main, token, view) {
  if (view.status === 'signed') {
    return h('section', { class: 'card alert alert-success', role: 'status', 'data-testid': 'contract-signed' },
      say('signed', { at: date(view.signed_at) }));
  }
  if (!view.can_sign) return h('section', { class: 'card alert' }, say('no_mobile'));
  const alert = h('p', { class: 'alert alert-error', role: 'alert', hidden: true, 'data-testid': 'contract-error' });
  const note = h('p', { class: 'muted', role: 'status', 'data-testid': 'contract-code-sent' });
  const input = h('input', { class: 'input', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code',
    dir: 'ltr', maxlength: 12, required: true, 'aria-label': say('code'), 'data-testid': 'contract-code' });
  const accept = h('button', { type: 'submit', class: 'btn btn-primary', disabled: true, 'data-testid': 'contract-accept' }, say('accept'));
  const send = h('button', { type: 'button', class: 'btn', 'data-testid': 'contract-send-code' }, say('send'));
  const fail = (error) => { alert.hidden = false; alert.textContent = problemLine(error); };
  send.addEventListener('click', async () => {
    alert.hidden = true;
    try {
      const sent = await publicApi.post(`${base(token)}/code`);
      note.textContent = say('sent', { mobile: phone(sent.sent_to), minutes: digits(Math.round(sent.expires_in_s / 60)) });
      send.textContent = say('resend');
      accept.disabled = false;
      input.focus();
    } catch (error) { fail(error); }
  });
  const form = h('form', { class: 'stack', novalidate: true }, h('div', { class: 'row' }, send), note,
    h('label', { class: 'field' }, h('span', {}, say('code')), input), h('div', { class: 'row end' }, accept), alert);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    alert.hidden = true;
    try {
      await publicApi.post(`${base(token)}/accept`, { code: input.value.trim() });
      await show(main, token);
    } catch (error) { fail(error); }
  });
  return h('section', { class: 'card stack' }, h('h2', {}, say('sign_title')),
    h('p', {}, say('sign_body', { mobile: phone(view.mobile || '') })), form);
}

function gone(main, reason) {
  replace(main, h('section', { class: 'card stack', 'data-testid': 'contract-gone', 'data-reason': reason },
    h('h1', { tabindex: '-1' }, say('title')), h('p', { class: 'alert' }, say(TEXT.en[reason] ? reason : 'invalid'))));
}

async function show(main, token) {
  let view;
  try {
    view = await publicApi.get(base(token));
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 410)) {
      return gone(main, error.status === 410 ? problemReason(error) : 'invalid');
    }
    throw error;
  }
  const documentUrl = `/api/v1${base(token)}/document`;
  replace(main,
    h('section', { class: 'card stack' }, h('h1', { tabindex: '-1', 'data-testid': 'contract-title' }, `${say('title')}: ${view.title}`),
      h('p', { class: 'muted' }, view.customer_name || ''), figures(view),
      h('div', { class: 'row' },
        h('a', { class: 'btn', href: documentUrl, target: '_blank', rel: 'noopener', 'data-testid': 'contract-read' }, say('read')),
        h('a', { class: 'btn', href: `${documentUrl}.pdf`, 'data-testid': 'contract-pdf' }, say('pdf')))),
    instalments(view),
    signCard(main, token, view));
  return undefined;
}

function problemReason(error) {
  const text = `${error.detail} ${error.title}`.toLowerCase();
  return ['expired', 'outdated', 'closed'].find((r) => text.includes(r === 'outdated' ? 'revised' : r === 'closed' ? 'no longer' : r)) || 'closed';
}

// The portal's hook: draws the contract page into `main` for the link's token.
export async function contractPage(main, token) {
  await show(main, token);
}

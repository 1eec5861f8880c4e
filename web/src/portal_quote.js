// The customer's quote (پیش‌فاکتور) on the portal, opened from the signed link of the SMS or e-mail (no
// account): who it is from and for, its state and validity, its lines (description, quantity, unit, unit price,
// discount, amount) and figures (subtotal, the discount on the whole, VAT on the taxable lines, the payable in
// rials and tomans), its notes and its PDF in Persian and English. While it waits for an answer the customer
// declines it after a second click, or accepts it with the one-time code an SMS brings to their number on
// record (as a contract is signed); accepted, it is their order and the page says by when
// its invoice is payable. An answered quote says what was answered and when; a link that does not hold, and one
// past the quote's validity, each get a page of their own. The language is the page's (?lang=, else the
// browser's), with Persian digits and Jalali dates in Persian.

import { ApiError, publicApi } from './core/api.js';
import { h, replace } from './core/dom.js';
import { date, digits, locale, money, number, percent, t, word } from './core/i18n.js';
import { dayText } from './views/clubtext.js';

const STATE_KIND = { sent: 'info', accepted: 'ok', rejected: 'danger' };
const base = (token) => `/quote-links/${encodeURIComponent(token)}`;

function titled(main, text) {
  document.title = `${text} · ${t('app.name')}`;
}

// What a visitor reads when a call fails for another reason than the quote's own (no English needed).
function visitorLines(error) {
  if (error instanceof ApiError && error.status === 429) return [t('portal.too_many')];
  return [t('portal.failed'), ' ', h('span', { dir: 'auto' }, error.message)];
}

function refused(main, status) {
  const expired = status === 410;
  const title = t(expired ? 'portal.quote.expired_title' : 'portal.quote.invalid_title');
  replace(main, h('section', { class: 'card portal-card portal-narrow portal-centred', 'data-testid': expired ? 'quote-expired' : 'quote-invalid' },
    h('h1', { tabindex: '-1' }, title),
    h('p', {}, t(expired ? 'portal.quote.expired_body' : 'portal.quote.invalid_body')),
    h('p', {}, h('a', { class: 'btn', href: `/portal?lang=${locale()}`, 'data-testid': 'quote-portal-home' }, t('portal.quote.portal_home')))));
  titled(main, title);
  main.querySelector('h1').focus();
}

const quantity = (text) => number(Number(text), { maximumFractionDigits: 3 });

function linesTable(view) {
  const heads = [['', 'num'], [t('quotes.description')], [t('quotes.quantity'), 'num'], [t('quotes.unit')],
    [t('quotes.unit_price'), 'num'], [t('quotes.line_discount'), 'num'], [t('quotes.line_net'), 'num']];
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table quote-lines' },
    h('thead', {}, h('tr', {}, heads.map(([label, cls]) => h('th', { scope: 'col', class: cls }, label)))),
    h('tbody', {}, view.lines.map((line) => h('tr', { 'data-testid': 'quote-line' },
      h('td', { class: 'num muted' }, number(line.position)),
      h('td', {}, h('bdi', {}, line.description),
        line.taxable ? null : h('small', { class: 'muted' }, ` (${t('quotes.no_vat')})`)),
      h('td', { class: 'num' }, quantity(line.quantity)),
      h('td', {}, word('quotes.unit_name', line.unit)),
      h('td', { class: 'num' }, money(line.unit_price, { toman: false })),
      h('td', { class: 'num' }, line.discount_percent ? percent(line.discount_percent) : '—'),
      h('td', { class: 'num', 'data-testid': 'quote-line-net' }, money(line.net, { toman: false })))))));
}

function totals(view) {
  const x = view.totals;
  const row = (label, value, testid, strong = false) => [h('dt', {}, strong ? h('strong', {}, label) : label),
    h('dd', { 'data-testid': testid }, strong ? h('strong', {}, value) : value)];
  return h('dl', { class: 'facts portal-quote-totals', 'data-testid': 'quote-totals' },
    row(t('quotes.subtotal'), money(x.subtotal), 'quote-subtotal'),
    x.discount_percent ? [row(t('quotes.discount_whole', { n: number(x.discount_percent) }), money(x.discount), 'quote-discount'),
      row(t('portal.quote.net'), money(x.net), 'quote-net')] : null,
    x.vat_percent && x.taxable_net !== x.net ? row(t('portal.quote.taxable_net'), money(x.taxable_net), 'quote-taxable') : null,
    x.vat_percent ? row(t('portal.quote.vat', { n: number(x.vat_percent) }), money(x.vat), 'quote-vat') : null,
    row(t('quotes.payable'), money(x.payable), 'quote-payable', true));
}

// What the customer answered, and when; just answered, the thanks and (accepted) when the invoice is due.
function answered(view, justNow) {
  if (view.state === 'sent') return null;
  const accepted = view.state === 'accepted';
  const due = view.invoice_due_on ? dayText(view.invoice_due_on) : null;
  const said = justNow
    ? (accepted ? t('portal.quote.accepted_now', { amount: money(view.totals.payable), due: due || '—' }) : t('portal.quote.rejected_now'))
    : [t(accepted ? 'portal.quote.accepted_on' : 'portal.quote.rejected_on', { date: date(view.decided_at) }),
      accepted && due ? [' ', t('portal.quote.invoice_due', { due })] : null];
  return h('div', {
    class: ['alert', accepted ? 'alert-ok' : null], role: 'status', tabindex: '-1', 'data-testid': justNow ? 'quote-answered-now' : 'quote-answered',
  }, said);
}

// Accept or decline, each asked again before it is sent.
function answerCard(token, view, redraw) {
  const box = h('div', { class: 'row' });
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const accept = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'quote-accept' }, t('portal.quote.accept'));
  const decline = h('button', { type: 'button', class: 'btn', 'data-testid': 'quote-decline' }, t('portal.quote.decline'));
  const start = () => replace(box, accept, decline);
  // The answer sent; a refusal the page cannot mend (the link gone, answered meanwhile) redraws it, the rest is
  // said in the alert and `again` puts the buttons back.
  const send = async (body, again) => {
    replace(alertBox);
    try {
      redraw(await publicApi.post(`${base(token)}/answer`, body), true);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 410)) { redraw(null, false, error.status); return; }
      if (error instanceof ApiError && error.status === 409) { redraw(null, false, null, t('portal.quote.refused')); return; }
      const codeError = error instanceof ApiError && error.status === 422 && error.errors.code;
      replace(alertBox, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' },
        codeError ? t('portal.quote.code_wrong') : visitorLines(error)));
      again();
    }
  };
  // Accepting asks for the one-time code the SMS brings to the customer's number on record.
  const codeStep = () => {
    const note = h('p', { class: 'muted', role: 'status', 'data-testid': 'quote-code-sent' }, t('portal.quote.code_body'));
    const input = h('input', { class: 'input', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', dir: 'ltr',
      maxlength: 12, 'aria-label': t('portal.quote.code'), 'data-testid': 'quote-code' });
    const ask = h('button', { type: 'button', class: 'btn', 'data-testid': 'quote-send-code' }, t('portal.quote.code_send'));
    const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'quote-accept-with-code', disabled: true },
      t('portal.quote.accept_with_code'));
    ask.addEventListener('click', async () => {
      ask.disabled = true;
      replace(alertBox);
      try {
        const sent = await publicApi.post(`${base(token)}/code`);
        replace(note, t('portal.quote.code_sent', { mobile: '\u2066' + digits(sent.sent_to) + '\u2069', minutes: number(Math.round(sent.expires_in_s / 60)) }));
        ask.textContent = t('portal.quote.code_again');
        done.disabled = false;
        input.focus();
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) { redraw(null, false, error.status); return; }
        if (error instanceof ApiError && error.status === 409) { redraw(null, false, null, t('portal.quote.refused')); return; }
        replace(alertBox, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, visitorLines(error)));
      }
      ask.disabled = false;
    });
    done.addEventListener('click', async () => {
      done.disabled = true;
      await send({ answer: 'accepted', code: input.value.trim() }, () => { done.disabled = false; input.select(); });
    });
    replace(box, h('div', { class: 'stack grow' }, note,
      h('div', { class: 'row' }, ask),
      h('label', { class: 'field' }, h('span', {}, t('portal.quote.code')), input),
      h('div', { class: 'row' }, done)));
    ask.focus();
  };
  const ask = (answer) => {
    const accepting = answer === 'accepted';
    const sure = h('button', { type: 'button', class: accepting ? 'btn btn-primary' : 'btn btn-danger', 'data-testid': `quote-${accepting ? 'accept' : 'decline'}-confirm` },
      t(accepting ? 'portal.quote.accept_confirm' : 'portal.quote.decline_confirm'));
    const keep = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'quote-answer-keep' }, t('portal.quote.keep'));
    keep.addEventListener('click', () => { start(); (accepting ? accept : decline).focus(); });
    sure.addEventListener('click', async () => {
      if (accepting) { codeStep(); return; }
      sure.disabled = true;
      keep.disabled = true;
      await send({ answer }, start);
    });
    replace(box, h('p', { class: 'portal-quote-question', 'data-testid': 'quote-answer-question' },
      t(accepting ? 'portal.quote.accept_sure' : 'portal.quote.decline_sure', { n: number(view.id), amount: money(view.totals.payable) })),
    sure, keep);
    sure.focus();
  };
  accept.addEventListener('click', () => (view.can_accept ? ask('accepted')
    : replace(alertBox, h('p', { class: 'alert', role: 'status', 'data-testid': 'quote-no-mobile' }, t('portal.quote.code_no_mobile')))));
  decline.addEventListener('click', () => ask('rejected'));
  start();
  return h('section', { class: 'card portal-card', 'aria-labelledby': 'quote-answer-title', 'data-testid': 'quote-answer' },
    h('h2', { id: 'quote-answer-title' }, t('portal.quote.answer_title')),
    h('p', {}, t('portal.quote.answer_body', { date: dayText(view.valid_until) })), box, alertBox);
}

function pdfLinks(token) {
  const langs = locale() === 'fa' ? ['fa', 'en'] : ['en', 'fa'];
  return h('div', { class: 'row' }, langs.map((lang) => h('a', {
    class: lang === locale() ? 'btn' : 'btn btn-ghost', href: `/api/v1${base(token)}/document.pdf?lang=${lang}`, target: '_blank', rel: 'noopener',
    'data-testid': `quote-pdf-${lang}`,
  }, t(`portal.quote.pdf_${lang}`))));
}

function drawQuote(main, token, view, { justNow = false, notice = null, redraw }) {
  const title = t('quotes.number', { n: number(view.id) });
  const told = answered(view, justNow);
  replace(main, h('div', { class: 'stack portal-quote', 'data-testid': 'quote-page', 'data-state': view.state },
    h('section', { class: 'card portal-card' },
      h('h1', { tabindex: '-1', 'data-testid': 'quote-title' }, title, ' ',
        h('span', { class: `badge badge-${STATE_KIND[view.state] || 'muted'}`, 'data-testid': 'quote-state' }, word('portal.quote.state', view.state))),
      view.state === 'sent' ? h('p', { class: 'muted' }, t('portal.quote.intro')) : null,
      notice ? h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'quote-refused' }, notice) : null,
      told,
      h('dl', { class: 'facts' },
        view.seller_name ? [h('dt', {}, t('portal.quote.seller')), h('dd', { 'data-testid': 'quote-seller' }, h('bdi', {}, view.seller_name))] : null,
        h('dt', {}, t('portal.quote.customer')), h('dd', { 'data-testid': 'quote-customer' }, h('bdi', {}, view.customer_name || '—')),
        view.sent_at ? [h('dt', {}, t('portal.quote.sent_at')), h('dd', {}, date(view.sent_at))] : null,
        h('dt', {}, t('portal.quote.valid_until')), h('dd', { 'data-testid': 'quote-valid-until' }, dayText(view.valid_until)),
        view.decided_at ? [h('dt', {}, t('portal.quote.decided_at')), h('dd', { 'data-testid': 'quote-decided-at' }, date(view.decided_at))] : null,
        view.invoice_due_on ? [h('dt', {}, t('portal.quote.invoice_due_label')), h('dd', { 'data-testid': 'quote-invoice-due' }, dayText(view.invoice_due_on))] : null),
      pdfLinks(token)),
    h('section', { class: 'card portal-card', 'aria-labelledby': 'quote-lines-title' },
      h('h2', { id: 'quote-lines-title' }, t('portal.quote.lines')),
      linesTable(view), totals(view),
      view.notes ? [h('h3', {}, t('portal.quote.notes')), h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'quote-notes' }, view.notes)] : null),
    view.state === 'sent' ? answerCard(token, view, redraw) : null));
  titled(main, title);
  (justNow || notice ? main.querySelector('[data-testid=quote-answered-now], [data-testid=quote-refused]') : main.querySelector('h1'))?.focus();
}

// The portal's hook: draws the quote the link's token opens into `main`.
export async function quotePage(main, token) {
  const load = async (view = null, justNow = false, status = null, notice = null) => {
    if (status) { refused(main, status); return; }
    let shown = view;
    if (!shown) {
      try {
        shown = await publicApi.get(base(token));
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 410)) { refused(main, error.status); return; }
        replace(main, h('p', { class: 'alert alert-error', role: 'alert', 'data-testid': 'portal-error' }, visitorLines(error)));
        return;
      }
    }
    drawQuote(main, token, shown, { justNow, notice, redraw: load });
  };
  await load();
}

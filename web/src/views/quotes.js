// An opportunity's quotes (پیش‌فاکتور), a section of its page: each quote with its state, validity, lines and
// figures (subtotal, discount, VAT on the taxable lines, payable in rials and toman), its PDF in Persian and
// English, and what can be done with it now (send a draft: its link goes to the customer by SMS and e-mail;
// record the customer's answer to a sent one, send its link again or show it). A new quote is written line by
// line: a product from the catalogue fills in its name, unit and the customer's price (their price lists; each
// may be changed), or a free description; quantities and amounts take any digits; the server checks each line
// and its errors show under the line's fields.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { sendsTo, showProblem } from '../core/fields.js';
import { date, latinDigits, locale, money, number, percent, t, word } from '../core/i18n.js';
import { badge, errorBox, loading, setBusy, table, toast } from '../core/ui.js';

const STATE_KIND = { draft: 'muted', pending: 'warn', sent: 'info', accepted: 'ok', rejected: 'danger' };
const UNITS = ['piece', 'hour', 'day', 'month', 'year', 'licence', 'service'];
const quantityText = (q) => (locale() === 'fa' ? q.replace('.', '٫').replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[d]) : q);

function figures(quote) {
  const x = quote.totals;
  return h('dl', { class: 'facts quote-totals', 'data-testid': 'quote-totals' },
    h('dt', {}, t('quotes.subtotal')), h('dd', {}, money(x.subtotal)),
    x.discount_percent ? [h('dt', {}, t('quotes.discount_whole', { n: number(x.discount_percent) })), h('dd', {}, money(x.discount))] : null,
    x.vat_percent ? [h('dt', {}, t('quotes.vat', { n: number(x.vat_percent) })), h('dd', {}, money(x.vat))] : null,
    h('dt', {}, h('strong', {}, t('quotes.payable'))), h('dd', { 'data-testid': 'quote-payable' }, h('strong', {}, money(x.payable))));
}

function quoteCard(quote, writer, reload) {
  const act = (label, path, body, testid, title) => h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': testid, title,
    onclick: async (event) => {
      const button = event.currentTarget; // null once the handler awaits
      setBusy(button, true);
      try {
        await api.post(path, body);
        toast(t('quotes.saved'), 'ok');
        await reload();
      } catch (error) {
        toast(error.message, 'error');
        setBusy(button, false);
      }
    },
  }, label);
  const linkBox = h('div', {});
  const showLink = h('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'quote-show-link',
    onclick: async () => {
      try {
        const { url } = await api.post(`/quotes/${quote.id}/link`, { send: false });
        const input = h('input', { class: 'input', id: `quote-link-${quote.id}`, readonly: true, dir: 'ltr', value: url,
          'data-testid': 'quote-link', onfocus: (e) => e.target.select() });
        const copy = h('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': 'quote-link-copy',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(url);
              toast(t('quotes.link_copied'), 'ok');
            } catch { input.focus(); } // no clipboard here: the address is selected for the reader to copy
          },
        }, t('quotes.copy_link'));
        // the whole address, as wide as the card: it is long (a signed token)
        replace(linkBox, h('div', { class: 'field quote-link' }, h('label', { for: input.id }, t('quotes.link_label')),
          h('div', { class: 'row nowrap' }, input, copy)));
        input.focus();
      } catch (error) { toast(error.message, 'error'); }
    },
  }, t('quotes.show_link'));
  const resend = h('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'data-testid': 'quote-resend',
    onclick: async (event) => {
      const button = event.currentTarget; // null once the handler awaits
      setBusy(button, true);
      try {
        const { queued } = await api.post(`/quotes/${quote.id}/link`, {});
        // nothing queued: no number or address on record, or today's messages used up (say so, not "sent")
        toast(queued ? t('quotes.link_sent') : t('quotes.link_not_sent'), queued ? 'ok' : 'error');
      } catch (error) { toast(error.message, 'error'); }
      setBusy(button, false);
    },
  }, t('quotes.resend'));
  const actions = !writer ? [] : quote.state === 'draft' ? [act(t('quotes.send'), `/quotes/${quote.id}/send`, {}, 'quote-send', t('quotes.send_hint'))]
    : quote.state === 'sent' ? [act(t('quotes.accepted'), `/quotes/${quote.id}/answer`, { answer: 'accepted' }, 'quote-accepted'),
      act(t('quotes.rejected'), `/quotes/${quote.id}/answer`, { answer: 'rejected' }, 'quote-rejected'), resend, showLink]
      : quote.state === 'pending' ? [] // its approval decides: the customer has no link yet
        : [showLink];
  const pdf = (lang) => h('a', { class: 'btn btn-small btn-ghost', href: `/api/v1/quotes/${quote.id}/document.pdf?lang=${lang}`, target: '_blank', rel: 'noopener', 'data-testid': `quote-pdf-${lang}` },
    t(`quotes.pdf_${lang}`));
  return h('article', { class: 'card stack', 'data-quote': quote.id, 'data-testid': 'quote' },
    h('div', { class: 'row between' },
      h('h3', {}, t('quotes.number', { n: number(quote.id) }), ' ', badge(word('quotes.state', quote.state), STATE_KIND[quote.state])),
      h('div', { class: 'row' }, ...actions, pdf('fa'), pdf('en'))),
    linkBox,
    quote.state === 'pending' ? h('p', { class: 'alert', 'data-testid': 'quote-pending' }, t('quotes.pending_hint')) : null,
    quote.state === 'draft' && quote.review_note ? h('div', { class: 'alert alert-error', 'data-testid': 'quote-review-note' },
      h('strong', {}, t('quotes.sent_back')), ' ', h('span', { dir: 'auto', class: 'prewrap' }, quote.review_note)) : null,
    h('p', { class: 'muted' }, t('quotes.valid_until', { date: date(quote.valid_until) })),
    table([
      { label: t('quotes.description'), cell: (l) => [h('bdi', {}, l.description), l.taxable ? null : h('small', { class: 'muted' }, ` (${t('quotes.no_vat')})`)] },
      { label: t('quotes.quantity'), cell: (l) => (l.unit === 'service' ? quantityText(l.quantity) : `${quantityText(l.quantity)} ${word('quotes.unit', l.unit)}`), class: 'num' },
      { label: t('quotes.unit_price'), cell: (l) => money(l.unit_price, { toman: false }), class: 'num' },
      { label: t('quotes.line_discount'), cell: (l) => (l.discount_percent ? percent(l.discount_percent) : '—'), class: 'num' },
      { label: t('quotes.line_net'), cell: (l) => money(l.net, { toman: false }), class: 'num' },
    ], quote.lines),
    figures(quote),
    quote.notes ? h('p', { class: 'prewrap', dir: 'auto' }, quote.notes) : null,
    quote.invoice ? invoiceBox(quote.invoice, writer, reload) : null);
}

// The invoice an accepted quote became: what is owed and by when, what came in, and (for whoever may) a payment.
function invoiceBox(invoice, writer, reload) {
  const owed = invoice.amount - invoice.paid;
  const late = invoice.state === 'open' && invoice.due_on < new Date().toISOString().slice(0, 10);
  const form = writer && invoice.state === 'open' ? paymentForm(invoice, owed, reload) : null;
  const pdf = (lang) => h('a', { class: 'btn btn-small btn-ghost', href: `/api/v1/invoices/${invoice.id}/document.pdf?lang=${lang}`, target: '_blank', rel: 'noopener', 'data-testid': `invoice-pdf-${lang}` },
    t(`quotes.pdf_${lang}`));
  return h('section', { class: 'stack invoice', 'data-testid': 'quote-invoice' },
    h('div', { class: 'row between' },
      h('h4', {}, t('quotes.invoice', { n: number(invoice.id) }), ' ',
        badge(invoice.state === 'paid' ? t('quotes.invoice_paid') : late ? t('quotes.invoice_late') : t('quotes.invoice_open'),
          invoice.state === 'paid' ? 'ok' : late ? 'danger' : 'info')),
      h('div', { class: 'row' }, pdf('fa'), pdf('en'))),
    h('dl', { class: 'facts' },
      h('dt', {}, t('quotes.invoice_amount')), h('dd', {}, money(invoice.amount)),
      h('dt', {}, t('quotes.invoice_due')), h('dd', {}, date(invoice.due_on)),
      h('dt', {}, t('quotes.invoice_received')), h('dd', { 'data-testid': 'invoice-paid' }, money(invoice.paid)),
      invoice.state === 'open' ? [h('dt', {}, t('quotes.invoice_owed')), h('dd', { 'data-testid': 'invoice-owed' }, money(owed))]
        : [h('dt', {}, t('quotes.invoice_paid_on')), h('dd', {}, date(invoice.paid_on))]),
    form);
}

function paymentForm(invoice, owed, reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': 'payment-save' }, t('quotes.record_payment'));
  const input = (name, attrs) => h('input', { class: 'input', name, autocomplete: 'off', 'data-testid': `payment-${name}`, ...attrs });
  const form = h('form', { class: 'row payment-form', novalidate: true, 'data-testid': 'payment-form' },
    h('label', { class: 'field', 'data-field': 'amount' }, h('span', {}, t('quotes.payment_amount')),
      input('amount', { dir: 'ltr', inputmode: 'numeric', value: number(owed) }),
      h('div', { class: 'field-error', 'data-error-for': 'amount', hidden: true })),
    h('label', { class: 'field', 'data-field': 'paid_on' }, h('span', {}, t('quotes.payment_day')),
      input('paid_on', { dir: 'ltr', placeholder: t('quotes.payment_day_hint') }),
      h('div', { class: 'field-error', 'data-error-for': 'paid_on', hidden: true })),
    h('label', { class: 'field', 'data-field': 'method' }, h('span', {}, t('quotes.payment_method')),
      h('select', { class: 'input', name: 'method', 'data-testid': 'payment-method' },
        ['transfer', 'card', 'cash', 'cheque'].map((m) => h('option', { value: m }, t(`quotes.method.${m}`))))),
    h('label', { class: 'field', 'data-field': 'reference' }, h('span', {}, t('quotes.payment_reference')),
      input('reference', { dir: 'auto', maxlength: 80 })),
    submit, alertBox);
  sendsTo(form, {
    alertBox, submit,
    send: (values) => api.post(`/invoices/${invoice.id}/payments`, { ...values, paid_on: values.paid_on || null, reference: values.reference || null }),
    done: async () => { toast(t('quotes.payment_recorded'), 'ok'); await reload(); },
  });
  return form;
}

function lineRow(products, remove) {
  const product = h('select', { class: 'input', name: 'line_product_id', 'data-testid': 'quote-line-product', 'aria-label': t('quotes.product') },
    h('option', { value: '' }, t('quotes.free_line')),
    products.map((p) => h('option', { value: p.id }, `${locale() === 'fa' ? p.name_fa : p.name_en} (${p.code})`)));
  const cell = (name, attrs) => h('input', { class: 'input', name: `line_${name}`, autocomplete: 'off', 'data-testid': `quote-line-${name}`, 'aria-label': t(`quotes.${name}`), ...attrs });
  const description = cell('description', { dir: 'auto', maxlength: 255 });
  const unit = h('select', { class: 'input', name: 'line_unit', 'data-testid': 'quote-line-unit', 'aria-label': t('quotes.unit_label') },
    UNITS.map((u) => h('option', { value: u }, word('quotes.unit_name', u))));
  const quantity = cell('quantity', { dir: 'ltr', inputmode: 'decimal', value: locale() === 'fa' ? '۱' : '1', size: 6 });
  const price = cell('unit_price', { dir: 'ltr', inputmode: 'numeric', size: 14 });
  const discount = cell('discount_percent', { dir: 'ltr', inputmode: 'numeric', size: 4 });
  product.addEventListener('change', () => {
    const chosen = products.find((p) => String(p.id) === product.value);
    if (!chosen) return;
    description.value = chosen.description || (locale() === 'fa' ? chosen.name_fa : chosen.name_en); // the customer's language
    unit.value = chosen.unit;
    price.value = number(chosen.price);
  });
  const row = h('div', { class: 'quote-line row', 'data-testid': 'quote-line' }, product, description, quantity, unit, price, discount,
    h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('quotes.remove_line'), onclick: () => remove(row) }, '×'),
    h('div', { class: 'field-error', 'data-error-for': 'line', hidden: true }));
  row.values = () => ({
    product_id: product.value ? Number(product.value) : null, description: description.value.trim() || null, unit: unit.value,
    quantity: latinDigits(quantity.value) || '1', unit_price: price.value.trim() || null, discount_percent: discount.value.trim() || null,
  });
  return row;
}

function quoteForm(opportunityId, products, done) {
  const lines = h('div', { class: 'stack', 'data-testid': 'quote-lines' });
  const remove = (row) => { if (lines.children.length > 1) row.remove(); };
  const add = () => lines.append(lineRow(products, remove));
  add();
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'quote-save' }, t('quotes.save'));
  // each line's fields are named line_…: the quote's own fields and the server's errors for them match by name
  const wholeDiscount = h('input', { class: 'input', name: 'discount_percent', dir: 'ltr', inputmode: 'numeric', 'data-testid': 'quote-discount' });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'quote-form' },
    h('h3', {}, t('quotes.new')),
    h('p', { class: 'muted small' }, t('quotes.lines_hint')), lines,
    h('p', {}, h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'quote-add-line', onclick: add }, t('quotes.add_line'))),
    h('div', { class: 'pair' },
      h('label', { class: 'field', 'data-field': 'discount_percent' }, h('span', {}, t('quotes.discount_on_whole')),
        wholeDiscount,
        h('div', { class: 'field-error', 'data-error-for': 'discount_percent', hidden: true })),
      h('label', { class: 'field', 'data-field': 'valid_until' }, h('span', {}, t('quotes.valid_until_label')),
        h('input', { class: 'input', name: 'valid_until', dir: 'ltr', placeholder: t('quotes.valid_hint'), 'data-testid': 'quote-valid-until' }),
        h('div', { class: 'field-error', 'data-error-for': 'valid_until', hidden: true }))),
    h('label', { class: 'field', 'data-field': 'notes' }, h('span', {}, t('quotes.notes')),
      h('textarea', { class: 'input', name: 'notes', rows: 2, dir: 'auto', maxlength: 4000, 'data-testid': 'quote-notes' })),
    alertBox, h('div', { class: 'row end' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setBusy(submit, true);
    replace(alertBox);
    for (const row of lines.children) {
      const slot = row.querySelector('[data-error-for=line]');
      slot.hidden = true;
      replace(slot);
    }
    try {
      await api.post(`/opportunities/${opportunityId}/quotes`, {
        lines: [...lines.children].map((row) => row.values()),
        discount_percent: wholeDiscount.value.trim() || null,
        valid_until: form.elements.valid_until.value.trim() || null, notes: form.elements.notes.value.trim() || null,
      });
      toast(t('quotes.created'), 'ok');
      done();
    } catch (error) {
      const byLine = {};
      const rest = {};
      for (const [path, messages] of Object.entries(error.errors || {})) {
        const found = /^lines\.(\d+)\.?(\w*)/.exec(path);
        if (found) (byLine[Number(found[1])] ||= []).push(...messages.map((m) => `${t(`quotes.${found[2] || 'line'}`)}: ${m}`));
        else rest[path] = messages;
      }
      if (Object.keys(byLine).length && !Object.keys(rest).length) {
        replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert', 'data-testid': 'form-errors' }, t('form.fix_fields')));
      } else {
        showProblem(form, alertBox, Object.keys(byLine).length ? Object.assign(Object.create(Object.getPrototypeOf(error)), error, { errors: rest }) : error);
      }
      [...lines.children].forEach((row, i) => {
        const said = byLine[i + 1];
        if (!said) return;
        const slot = row.querySelector('[data-error-for=line]');
        replace(slot, said.join(' · '));
        slot.hidden = false;
      });
    } finally {
      setBusy(submit, false);
    }
  });
  return form;
}

export function quotesSection(opportunity, { writer }) {
  const body = h('div', { class: 'stack' }, loading());
  const formBox = h('div', { hidden: true });
  const toggle = writer ? h('button', { type: 'button', class: 'btn', 'aria-expanded': 'false', 'data-testid': 'quote-new' }, t('quotes.new')) : null;
  const section = h('section', { class: 'card', id: 'quotes', 'data-testid': 'opportunity-quotes' },
    h('div', { class: 'row between' }, h('h2', {}, t('quotes.title')),
      h('div', { class: 'row' }, h('a', { href: '/app/products', class: 'btn btn-ghost', 'data-testid': 'quote-catalogue' }, t('quotes.catalogue')), toggle)),
    formBox, body);
  async function show() {
    try {
      const found = await api.get(`/opportunities/${opportunity.id}/quotes`);
      replace(body, found.length ? found.map((q) => quoteCard(q, writer, show)) : h('p', { class: 'muted', 'data-testid': 'quotes-empty' }, t('quotes.empty')));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  toggle?.addEventListener('click', async () => {
    const opening = formBox.hidden;
    if (opening && !formBox.firstChild) {
      let products = [];
      try { products = await api.get(`/opportunities/${opportunity.id}/prices`); } catch (error) { toast(error.message, 'error'); }
      formBox.append(quoteForm(opportunity.id, products, () => { formBox.hidden = true; formBox.replaceChildren(); toggle.setAttribute('aria-expanded', 'false'); show(); }));
    }
    formBox.hidden = !opening;
    toggle.setAttribute('aria-expanded', String(opening));
  });
  show();
  return section;
}

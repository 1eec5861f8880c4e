// A complaint taken by phone, e-mail or in person (POST /complaints): for a known customer (from their
// page, ?customer_id=) or for the person's name and mobile or e-mail. The complaint process starts:
// routing by category, the SLA by severity, the tracking code sent to the customer.

import { api, ApiError } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { choiceGroup, formField, options, sendsTo } from '../core/fields.js';
import { t, typedNumber, word } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { facts, pageHeader, toast } from '../core/ui.js';
import { SEVERITIES, customerName, statusBadge } from './crmtext.js';

const CHANNELS = ['phone', 'email', 'api', 'message'];

function created(root, complaint, customer) {
  const portal = `/portal/complaints/${encodeURIComponent(complaint.tracking_code)}`;
  replace(root, pageHeader(t('complaint_new.created_title')),
    h('section', { class: 'card', 'data-testid': 'complaint-created' },
      h('p', { class: 'alert alert-ok', role: 'status' }, t('complaint_new.created_body')),
      h('p', { class: 'tracking-code-inline' }, t('complaint.tracking_code'), ': ',
        h('strong', { 'data-testid': 'complaint-code' }, ltr(complaint.tracking_code))),
      facts([
        [t('customer.name'), customer ? customerName(customer) : complaint.contact_name || '—'],
        [t('portal.category'), word('complaint.category', complaint.category)],
        [t('portal.severity'), word('complaint.severity', complaint.severity)],
        [t('customer.status'), statusBadge('complaint.status', complaint.status)],
      ]),
      h('div', { class: 'row' },
        customer ? h('a', { href: `/app/customers/${customer.id}`, class: 'btn btn-primary' }, t('complaint_new.back_to_customer')) : null,
        h('a', { href: portal, class: 'btn', target: '_blank', rel: 'noopener' }, t('complaint_new.public_page')),
        h('a', { href: '/app/complaints/new', class: 'btn' }, t('complaint_new.again')))));
  root.querySelector('h1')?.focus();
}

export async function render({ root, query }) {
  let customer = null;
  if (query.customer_id) {
    try {
      customer = await api.get(`/customers/${encodeURIComponent(query.customer_id)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
  }
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'complaint-submit' }, t('complaint_new.submit'));
  const who = customer
    ? h('div', { class: 'field', 'data-field': 'customer_id' },
      h('p', {}, t('complaint_new.for_customer'), ' ', h('a', { href: `/app/customers/${customer.id}` }, h('strong', {}, customerName(customer))),
        ' · ', h('a', { href: '/app/complaints/new' }, t('complaint_new.someone_else'))),
      h('input', { type: 'hidden', name: 'customer_id', value: String(customer.id) }),
      h('div', { class: 'field-error', id: 'complaint-customer-error', hidden: true }))
    : [query.customer_id ? h('p', { class: 'alert' }, t('complaint_new.no_customer')) : null,
      h('p', { class: 'muted' }, t('complaint_new.contact_intro')),
      h('div', { class: 'pair' },
        formField('contact_name', t('customer.name'), h('input', { class: 'input', maxlength: 255, dir: 'auto' }), { required: true }),
        formField('contact_mobile', t('customer.mobile'), h('input', { class: 'input', type: 'tel', dir: 'ltr', maxlength: 40 })),
        formField('contact_email', t('customer.email'), h('input', { class: 'input', type: 'email', dir: 'ltr', maxlength: 255 })))];
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'complaint-form' },
    who,
    h('div', { class: 'pair' },
      formField('kind', t('lists.complaint_kind'), listSelect('complaint_kind', { selected: 'complaint' }), { required: true }),
      formField('category', t('portal.category'), listSelect('complaint_category', { empty: t('portal.choose') }), { required: true }),
      formField('channel', t('complaint.channel'), h('select', { class: 'input' }, options(CHANNELS, 'complaint.channel_value', { selected: 'phone' })))),
    choiceGroup('severity', t('portal.severity'), SEVERITIES.map((s) => [s, t(`complaint.severity.${s}`)]), { required: true }),
    formField('description', t('portal.description'), h('textarea', { class: 'input', rows: 5, maxlength: 10000, dir: 'auto' }), { required: true }),
    alertBox,
    h('div', { class: 'row end' }, h('a', { href: customer ? `/app/customers/${customer.id}` : '/app/customers', class: 'btn' }, t('common.cancel')), submit));
  sendsTo(form, {
    alertBox,
    submit,
    send: ({ kind, ...values }) => api.post('/complaints', {
      ...values,
      ...(values.customer_id ? { customer_id: typedNumber(values.customer_id) } : {}),
      ...(kind && kind !== 'complaint' ? { kind } : {}),  // the usual kind goes unsaid
    }),
    done: (complaint) => {
      toast(t('complaint_new.created_toast'), 'ok');
      created(root, complaint, customer);
    },
  });
  replace(root, pageHeader(t('complaint_new.title')), form);
}


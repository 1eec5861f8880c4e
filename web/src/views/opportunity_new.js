// A new opportunity for an existing customer (POST /opportunities, from the customer's page: ?customer_id=):
// a new sale, an upsell or a renewal, with its title, amount (rials, or "250,000 tomans") and expected close
// (Jalali or Gregorian). It opens in the funnel's first stage, owned by whoever opens it; the server's field
// errors appear beside their fields in the reader's language; done, its page opens.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { formField, options, sendsTo } from '../core/fields.js';
import { t } from '../core/i18n.js';
import { navigate } from '../core/router.js';
import { empty, errorBox, pageHeader, toast } from '../core/ui.js';
import { customerName } from './crmtext.js';
import { shown } from './opportunity_actions.js';
import { KINDS } from './opportunities.js';

function input(name, attrs = {}) {
  return h('input', { class: 'input', autocomplete: 'off', ...attrs, 'data-testid': `new-opportunity-${name}` });
}

export async function render({ root, query }) {
  let customer;
  if (!query.customer_id) {  // opened without a customer: say where to start instead of "no customer 0"
    replace(root, pageHeader(t('opportunity_new.title')),
      empty(t('opportunity_new.pick_customer'), h('a', { href: '/app/customers', 'data-testid': 'new-opportunity-pick' }, t('customers.title'))));
    return;
  }
  try {
    customer = await api.get(`/customers/${encodeURIComponent(query.customer_id)}`);
  } catch (error) {
    replace(root, pageHeader(t('opportunity_new.title')), errorBox(error));
    return;
  }
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-opportunity-save' }, t('opportunity_new.save'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'new-opportunity' },
    formField('kind', t('opportunities.kind'), h('select', { class: 'input', 'data-testid': 'new-opportunity-kind' }, options(KINDS, 'opportunities.kind_value', { selected: 'new' }))),
    formField('title', t('customer.title_field'), input('title', { maxlength: 255, dir: 'auto' }), { required: true }),
    h('div', { class: 'pair' },
      formField('amount', t('opportunity_page.amount_rials'), input('amount', { inputmode: 'numeric', maxlength: 64, dir: 'ltr' }), { required: true, hint: t('lead_new.revenue_hint') }),
      formField('expected_close', t('customer.expected_close'), input('expected_close', { maxlength: 20, dir: 'ltr' }), { hint: t('opportunity_page.day_hint') })),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown: shown({}),
    send: (values) => api.post('/opportunities', { ...values, customer_id: customer.id }),
    done: (opportunity) => { toast(t('opportunity_new.created'), 'ok'); navigate(`/app/opportunities/${opportunity.id}`); },
  });
  replace(root,
    h('p', { class: 'crumbs' }, h('a', { href: `/app/customers/${customer.id}`, 'data-testid': 'new-opportunity-customer' }, customerName(customer))),
    pageHeader(t('opportunity_new.title')), form);
  root.querySelector('h1')?.focus();
}

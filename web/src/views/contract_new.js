// A new contract for an existing customer (POST /contracts: the draft is opened and the contract approval
// process starts, its first step the drafter's "Draft the contract" task), from the customer's page
// (?customer_id=), an opportunity's (?opportunity_id=) or the contracts list (pick the customer by name or
// mobile). Also the terms' correction form of a contract still a draft or sent back for changes (PATCH sends
// only what changed; every change becomes a revision). The server judges both; its field errors show in place,
// in the reader's language.

import { api } from '../core/api.js';
import { debounce, h, replace } from '../core/dom.js';
import { checkField, formField, formValues, sendsTo } from '../core/fields.js';
import { t } from '../core/i18n.js';
import { navigate } from '../core/router.js';
import { errorBox, pageHeader, setBusy, toast } from '../core/ui.js';
import { customerName } from './crmtext.js';
import { changes, shown } from './lead_edit.js';

export const EDITING = ['draft', 'changes_requested'];

function input(name, value, attrs = {}) {
  return h('input', { class: 'input', value: value ?? '', autocomplete: 'off', ...attrs, 'data-testid': `contract-input-${name}` });
}

const instalmentText = (list) => (list || []).map((i) => `${i.due} ${i.amount}`).join('\n');

// The terms' fields, filled with `c`'s values (empty for a new contract).
function termFields(c = {}) {
  const terms = h('textarea', { class: 'input', rows: 4, maxlength: 100000, dir: 'auto', 'data-testid': 'contract-input-terms' }, c.terms || '');
  return [
    formField('title', t('customer.title_field'), input('title', c.title, { maxlength: 255, dir: 'auto' }), { required: true }),
    h('div', { class: 'pair' },
      formField('amount', t('opportunity_page.amount_rials'), input('amount', c.amount, { inputmode: 'numeric', maxlength: 64, dir: 'ltr' }), { required: true, hint: t('lead_new.revenue_hint') }),
      formField('discount_percent', t('contract_page.discount_percent'), input('discount_percent', c.discount_percent ?? '', { inputmode: 'numeric', maxlength: 3, dir: 'ltr' }))),
    h('div', { class: 'pair' },
      formField('start_date', t('contract_page.start_date'), input('start_date', c.start_date, { maxlength: 10, dir: 'ltr' }), { hint: t('contract_page.day_hint') }),
      formField('end_date', t('contract_page.end_date'), input('end_date', c.end_date, { maxlength: 10, dir: 'ltr' }))),
    checkField('standard_terms', t('contract_page.standard_terms'), { checked: c.standard_terms ?? true }),
    formField('terms', t('contract_page.terms_text'), terms, { hint: t('contract_page.terms_hint') }),
    formField('instalments', t('contract_page.instalments'), h('textarea', { class: 'input', rows: 3, dir: 'ltr', 'data-testid': 'contract-input-instalments' },
      instalmentText(c.instalments)), { hint: t('contract_page.instalments_hint') }),
  ];
}

export function contractEditForm(contract, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'contract-save' }, t('lead_page.save'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'contract-edit' },
    h('h2', {}, t('contract_page.edit')), h('p', { class: 'muted' }, t('contract_page.edit_intro')),
    ...termFields(contract), alertBox, h('div', { class: 'row end' }, submit));
  const before = formValues(form);
  sendsTo(form, {
    alertBox, submit, shown,
    send: (values) => {
      const changed = changes(before, values);
      return Object.keys(changed).length ? api.patch(`/contracts/${contract.id}`, changed) : null;
    },
    done: (answer) => {
      if (answer === null) {
        setBusy(submit, false);
        replace(alertBox, h('p', { class: 'alert', role: 'status', 'data-testid': 'contract-unchanged' }, t('lead_page.unchanged')));
        return;
      }
      toast(t('contract_page.saved'), 'ok');
      saved();
    },
  });
  return form;
}

// Pick an existing customer by name or mobile: a search box and the first matches.
function customerPicker() {
  const choice = h('select', { class: 'input', 'data-testid': 'contract-input-customer_id', name: 'customer_id', required: true },
    h('option', { value: '' }, t('contract_new.pick_customer')));
  const search = h('input', { type: 'search', class: 'input', maxlength: 200, dir: 'auto', placeholder: t('customers.search'),
    'aria-label': t('customers.search'), 'data-testid': 'contract-customer-search',
    oninput: debounce(async (event) => {
      const q = event.target.value.trim();
      if (!q) return;
      try {
        const found = await api.get('/customers', { q, limit: 10 });
        replace(choice, h('option', { value: '' }, t('contract_new.pick_customer')),
          found.items.map((c) => h('option', { value: c.id }, `${customerName(c)} (#${c.id})`)));
        if (found.items.length === 1) choice.value = String(found.items[0].id);
      } catch {
        // the search box stays as it was; the server's refusal, if any, comes with the submission
      }
    }, 250) });
  return h('div', { class: 'stack' }, search, formField('customer_id', t('contracts.customer'), choice, { required: true }));
}

export async function render({ root, query }) {
  let customer = null;
  let opportunity = null;
  try {
    if (/^\d+$/.test(query.opportunity_id || '')) opportunity = await api.get(`/opportunities/${query.opportunity_id}`);
    const customerId = opportunity?.customer_id || (/^\d+$/.test(query.customer_id || '') ? query.customer_id : null);
    if (customerId) customer = await api.get(`/customers/${encodeURIComponent(customerId)}`);
  } catch (error) {
    replace(root, pageHeader(t('contract_new.title')), errorBox(error));
    return;
  }
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'contract-create' }, t('contract_new.save'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'new-contract-form' },
    h('p', { class: 'muted' }, t('contract_new.intro')),
    customer ? null : customerPicker(),
    ...termFields({ title: opportunity?.title, amount: opportunity?.amount }), alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown,
    send: (values) => api.post('/contracts', { ...values, ...(customer ? { customer_id: customer.id } : {}),
      ...(opportunity ? { opportunity_id: opportunity.id } : {}) }),
    done: (contract) => { toast(t('contract_new.created'), 'ok'); navigate(`/app/contracts/${contract.id}`); },
  });
  replace(root,
    customer ? h('p', { class: 'crumbs' }, h('a', { href: `/app/customers/${customer.id}`, 'data-testid': 'new-contract-customer', dir: 'auto' }, customerName(customer)),
      opportunity ? [' · ', h('a', { href: `/app/opportunities/${opportunity.id}`, dir: 'auto' }, opportunity.title)] : null) : null,
    pageHeader(t('contract_new.title')), form);
  root.querySelector('h1')?.focus();
}

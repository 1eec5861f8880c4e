// A new lead (POST /leads): the lead is written and its lead_qualification process started (scored,
// graded, routed to a sales group, the qualification call offered). The server judges the form: its
// 422 field errors are shown under the fields they name.

import { api } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { checkField, formField, options, sendsTo } from '../core/fields.js';
import { money, number, t } from '../core/i18n.js';
import { entries, fillSelect, listSelect } from '../core/lists.js';
import { facts, pageHeader, toast } from '../core/ui.js';
import { customerName, statusBadge } from './crmtext.js';

const NEEDS = ['low', 'medium', 'high'];
const TIMELINES = ['now', 'quarter', 'year', 'unknown'];

function input(attrs = {}) {
  return h('input', { class: 'input', ...attrs });
}

function created(root, lead, again) {
  const duplicate = lead.duplicate_of
    ? h('p', { class: 'alert', 'data-testid': 'lead-duplicate' }, t('lead_new.duplicate'), ' ',
      h('a', { href: `/app/customers/${lead.duplicate_of}` }, t('lead_new.open_customer')))
    : null;
  replace(root, pageHeader(t('lead_new.created_title', { id: lead.id })),
    h('section', { class: 'card', 'data-testid': 'lead-created' },
      h('p', { class: 'alert alert-ok', role: 'status' }, t('lead_new.created_body')),
      duplicate,
      facts([
        [t('customer.name'), customerName(lead)],
        [t('customer.status'), statusBadge('lead.status', lead.status)],
        [t('lead.score'), number(lead.score)],
        [t('lead.grade'), lead.grade ? ltr(lead.grade) : '—'],
        [t('lead.sales_group'), lead.sales_group ? ltr(lead.sales_group) : '—'],
        [t('lead.estimated_revenue'), h('span', { 'data-testid': 'lead-revenue' }, money(lead.estimated_revenue))],
      ]),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'btn btn-primary', onclick: again, 'data-testid': 'lead-again' }, t('lead_new.again')),
        h('a', { href: '/app/tasks', class: 'btn' }, t('nav.tasks')))));
  root.querySelector('h1')?.focus();
}

// The province (sent as `region`, a province key) and a city to find it by: the cities offered are the chosen
// province's, or all of them, and choosing a city chooses its province. Leads keep the province only.
function regionFields() {
  const province = listSelect('province', { empty: '—', attrs: { 'data-testid': 'lead-province' } });
  const city = listSelect('city', { empty: '—', attrs: { 'data-testid': 'lead-city' } });
  province.addEventListener('change', () => {
    fillSelect(city, 'city', { parent: province.value || null, empty: '—' }).catch(() => {});
  });
  city.addEventListener('change', async () => {
    const chosen = (await entries('city')).find((entry) => entry.key === city.value);
    if (chosen && chosen.parent_key !== province.value) {
      province.value = chosen.parent_key;
      await fillSelect(city, 'city', { parent: chosen.parent_key, empty: '—', selected: chosen.key });
    }
  });
  const cityField = formField('city', t('lists.city'), city, { hint: t('lead_new.city_hint') });
  city.removeAttribute('name');  // a lead keeps its province only
  return h('div', { class: 'pair' }, formField('region', t('lists.province'), province), cityField);
}

export async function render({ root }) {
  function draw() {
    const alertBox = h('div', { 'aria-live': 'assertive' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'lead-submit' }, t('lead_new.submit'));
    const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'lead-form' },
      h('p', { class: 'muted' }, t('lead_new.intro')),
      h('div', { class: 'pair' },
        formField('person_name', t('lead.person_name'), input({ autocomplete: 'off', maxlength: 255, dir: 'auto' })),
        formField('company_name', t('lead.company_name'), input({ autocomplete: 'off', maxlength: 255, dir: 'auto' }))),
      h('div', { class: 'pair' },
        formField('mobile', t('customer.mobile'), input({ type: 'tel', dir: 'ltr', maxlength: 40 })),
        formField('phone', t('customer.phone'), input({ type: 'tel', dir: 'ltr', maxlength: 40 })),
        formField('email', t('customer.email'), input({ type: 'email', dir: 'ltr', maxlength: 255 }))),
      h('div', { class: 'pair' },
        formField('source', t('lead.source'), listSelect('lead_source', { empty: t('portal.choose') }), { required: true }),
        formField('product', t('lead.product'), listSelect('product', { empty: '—' }))),
      regionFields(),
      formField('estimated_revenue', t('lead.estimated_revenue'), input({ inputmode: 'numeric', maxlength: 64, dir: 'ltr' }),
        { hint: t('lead_new.revenue_hint') }),
      h('div', { class: 'pair' },
        formField('need', t('lead.need'), h('select', { class: 'input' }, options(NEEDS, 'lead.need_value', { empty: '—' }))),
        formField('timeline', t('lead.timeline'), h('select', { class: 'input' }, options(TIMELINES, 'lead.timeline_value', { empty: '—' })))),
      h('div', { class: 'row' }, checkField('budget_confirmed', t('lead.budget_confirmed')), checkField('authority', t('lead.authority'))),
      alertBox,
      h('div', { class: 'row end' }, h('a', { href: '/app/customers', class: 'btn' }, t('common.cancel')), submit));
    sendsTo(form, {
      alertBox,
      submit,
      send: (values) => api.post('/leads', values),
      done: (lead) => {
        toast(t('lead_new.created_toast'), 'ok');
        created(root, lead, draw);
      },
    });
    replace(root, pageHeader(t('lead_new.title')), form);
    form.querySelector('input')?.focus();
  }
  draw();
}

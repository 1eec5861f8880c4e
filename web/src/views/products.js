// The catalogue of products and services (/app/products) that quotes are written from: code, names in both
// languages, unit, price before VAT, whether VAT applies, whether it is still offered. Everyone who works sales
// reads it; administrators and managers add to it and stop or resume offering a product. Below it, the price
// lists (price_lists.js).

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { checkField, formField, options, sendsTo } from '../core/fields.js';
import { money, t, word } from '../core/i18n.js';
import { badge, empty, errorBox, loading, pageHeader, setBusy, table, toast } from '../core/ui.js';
import { priceListsSection } from './price_lists.js';

const UNITS = ['piece', 'hour', 'day', 'month', 'year', 'licence', 'service'];
const keeper = (me) => me.role === 'admin' || (me.groups || []).includes('managers');

function addForm(done) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'product-save' }, t('products.add'));
  const input = (name, attrs = {}) => h('input', { class: 'input', name, autocomplete: 'off', 'data-testid': `product-${name}`, ...attrs });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'product-form' },
    h('h2', {}, t('products.add')),
    h('div', { class: 'pair' },
      formField('code', t('products.code'), input('code', { dir: 'ltr', maxlength: 40 }), { required: true }),
      formField('unit', t('products.unit'), h('select', { class: 'input', name: 'unit', 'data-testid': 'product-unit' }, options(UNITS, 'quotes.unit_name', { selected: 'piece' })))),
    h('div', { class: 'pair' },
      formField('name_fa', t('products.name_fa'), input('name_fa', { dir: 'rtl', maxlength: 200 }), { required: true }),
      formField('name_en', t('products.name_en'), input('name_en', { dir: 'ltr', maxlength: 200 }), { required: true })),
    formField('price', t('products.price'), input('price', { dir: 'ltr', inputmode: 'numeric', maxlength: 40 }), { required: true }),
    checkField('taxable', t('products.taxable'), { checked: true }),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit,
    send: (values) => api.post('/products', { ...values, taxable: form.elements.taxable.checked }),
    done: () => { toast(t('products.added'), 'ok'); form.reset(); done(); },
  });
  return form;
}

export async function render({ root, me }) {
  replace(root, pageHeader(t('products.title')), loading());
  const mayKeep = keeper(me);
  async function load() {
    let items;
    try {
      items = await api.get('/products', { include_inactive: mayKeep });
    } catch (error) {
      replace(root, pageHeader(t('products.title')), errorBox(error));
      return;
    }
    const toggle = (p) => h('button', {
      type: 'button', class: 'btn btn-small', 'data-testid': 'product-toggle',
      onclick: async (event) => {
        const button = event.currentTarget; // null once the handler awaits
        setBusy(button, true);
        try {
          await api.patch(`/products/${p.id}`, { active: !p.active });
          toast(t('products.changed'), 'ok');
          await load();
        } catch (error) {
          toast(error.message, 'error');
          setBusy(button, false);
        }
      },
    }, p.active ? t('products.retire') : t('products.offer'));
    const columns = [
      { label: t('products.code'), cell: (p) => h('bdi', { dir: 'ltr' }, p.code) },
      { label: t('products.name_fa'), cell: (p) => h('bdi', {}, p.name_fa) },
      { label: t('products.name_en'), cell: (p) => h('bdi', { dir: 'ltr' }, p.name_en) },
      { label: t('products.unit'), cell: (p) => word('quotes.unit_name', p.unit) },
      { label: t('products.price'), cell: (p) => money(p.price), class: 'num' },
      { label: t('products.taxable'), cell: (p) => (p.taxable ? t('products.yes') : t('products.no')) },
      { label: t('products.active'), cell: (p) => (p.active ? badge(t('products.yes'), 'ok') : badge(t('products.no'), 'muted')) },
      mayKeep ? { label: '', cell: toggle } : null,
    ].filter(Boolean);
    replace(root, pageHeader(t('products.title')), h('p', { class: 'muted' }, t('products.intro')),
      items.length ? table(columns, items, { rowAttrs: (p) => ({ 'data-product': p.id }) }) : empty(t('products.empty')),
      mayKeep ? addForm(load) : null, await priceListsSection(items, mayKeep));
  }
  await load();
}

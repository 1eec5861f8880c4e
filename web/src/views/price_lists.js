// Price lists, on the catalogue's page: prices of products for a customer group (customers of one segment, of
// one loyalty tier, or everyone), valid for a while. A quote line of a product is priced at the lowest price
// the customer's lists give that day, else the catalogue's. Administrators and managers add lists and stop or
// resume them; the server checks every field and its errors show in place.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { formField, options, sendsTo, showProblem } from '../core/fields.js';
import { locale, money, t } from '../core/i18n.js';
import { badge, empty, errorBox, setBusy, table, toast } from '../core/ui.js';
import { dayText } from './clubtext.js';

const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const WHOM = ['everyone', 'segment', 'tier'];
const productName = (p) => (locale() === 'fa' ? p.name_fa : p.name_en);

function whom(list) {
  if (list.segment) return t('price_lists.for_segment', { segment: list.segment });
  if (list.tier) return t('price_lists.for_tier', { tier: t(`customer.tier_value.${list.tier}`) });
  return t('price_lists.for_everyone');
}

function validity(list) {
  if (list.valid_from && list.valid_until) return t('price_lists.between', { from: dayText(list.valid_from), until: dayText(list.valid_until) });
  if (list.valid_from) return t('price_lists.from', { from: dayText(list.valid_from) });
  if (list.valid_until) return t('price_lists.until', { until: dayText(list.valid_until) });
  return t('price_lists.always');
}

function prices(list, products) {
  const names = new Map(products.map((p) => [p.id, p]));
  return h('ul', { class: 'plain' }, list.items.map((item) => h('li', {},
    h('bdi', {}, (names.has(item.product_id) ? productName(names.get(item.product_id)) : null) || `#${item.product_id}`), ': ', money(item.price))));
}

function addForm(products, done) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'price-list-save' }, t('price_lists.add'));
  const input = (name, attrs = {}) => h('input', { class: 'input', name, autocomplete: 'off', 'data-testid': `price-list-${name}`, ...attrs });
  const kind = h('select', { class: 'input', name: 'whom', 'data-testid': 'price-list-whom' }, options(WHOM, 'price_lists.whom'));
  const segment = formField('segment', t('price_lists.segment'), input('segment', { dir: 'auto', maxlength: 80 }));
  const tier = formField('tier', t('price_lists.tier'), h('select', { class: 'input', name: 'tier', 'data-testid': 'price-list-tier' }, options(TIERS, 'customer.tier_value')));
  const showWhom = () => { segment.hidden = kind.value !== 'segment'; tier.hidden = kind.value !== 'tier'; };
  kind.addEventListener('change', showWhom);
  showWhom();
  const rows = products.map((p) => h('label', { class: 'pair' },
    h('span', {}, h('bdi', {}, productName(p)), ' ', h('small', { class: 'muted' }, money(p.price))),
    input(`price-${p.id}`, { dir: 'ltr', inputmode: 'numeric', maxlength: 40, 'data-price-for': p.id, 'aria-label': t('price_lists.price') })));
  const items = h('div', { class: 'field stack', 'data-field': 'items' }, h('p', { class: 'muted' }, t('price_lists.prices_hint')),
    ...rows, h('div', { class: 'field-error', id: 'price-list-items-error', 'data-error-for': 'items', hidden: true }));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'price-list-form' },
    h('h3', {}, t('price_lists.add')),
    formField('name', t('price_lists.name'), input('name', { dir: 'auto', maxlength: 120 }), { required: true }),
    h('div', { class: 'pair' }, formField('whom', t('price_lists.whom_label'), kind), segment, tier),
    h('div', { class: 'pair' },
      formField('valid_from', t('price_lists.valid_from'), input('valid_from', { dir: 'ltr', maxlength: 20, placeholder: t('price_lists.day_placeholder') }), { hint: t('price_lists.day_hint') }),
      formField('valid_until', t('price_lists.valid_until'), input('valid_until', { dir: 'ltr', maxlength: 20, placeholder: t('price_lists.day_placeholder') }), { hint: t('price_lists.day_hint') })),
    items, alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit,
    send: (v) => {
      const priced = [...form.querySelectorAll('input[data-price-for]')].filter((el) => el.value.trim());
      return api.post('/price-lists', {
        name: v.name, valid_from: v.valid_from || null, valid_until: v.valid_until || null,
        segment: kind.value === 'segment' ? v.segment : null, tier: kind.value === 'tier' ? v.tier : null,
        items: priced.map((el) => ({ product_id: Number(el.dataset.priceFor), price: el.value.trim() })),
      });
    },
    done: () => { toast(t('price_lists.added'), 'ok'); done(); },
    // the page's own sentence under each field: the server's "invalid" alone would only say "check this field"
    shown: (f, box, error) => showProblem(f, box, error, { prefix: 'price_lists.error' }),
  });
  return form;
}

// The section: the lists, and for keepers the add form and a stop/resume button per list.
export async function priceListsSection(products, mayKeep) {
  const body = h('div', { class: 'stack' });
  const section = h('section', { class: 'card stack', 'data-testid': 'price-lists' },
    h('h2', {}, t('price_lists.title')), h('p', { class: 'muted' }, t('price_lists.intro')), body);
  async function load() {
    let lists;
    try {
      lists = await api.get('/price-lists');
    } catch (error) {
      replace(body, errorBox(error));
      return;
    }
    const toggle = (list) => h('button', {
      type: 'button', class: 'btn btn-small', 'data-testid': 'price-list-toggle',
      onclick: async (event) => {
        const button = event.currentTarget; // null once the handler awaits
        setBusy(button, true);
        try {
          await api.patch(`/price-lists/${list.id}`, { active: !list.active });
          await load();
        } catch (error) {
          toast(error.message, 'error');
          setBusy(button, false);
        }
      },
    }, list.active ? t('price_lists.stop') : t('price_lists.resume'));
    const columns = [
      { label: t('price_lists.name'), cell: (l) => h('bdi', {}, l.name) },
      { label: t('price_lists.whom_label'), cell: whom },
      { label: t('price_lists.validity'), cell: validity },
      { label: t('price_lists.prices'), cell: (l) => prices(l, products) },
      { label: t('price_lists.active'), cell: (l) => (l.active ? badge(t('products.yes'), 'ok') : badge(t('products.no'), 'muted')) },
      mayKeep ? { label: '', cell: toggle } : null,
    ].filter(Boolean);
    replace(body, lists.length ? table(columns, lists, { rowAttrs: (l) => ({ 'data-price-list': l.id }) }) : empty(t('price_lists.empty')),
      mayKeep && products.length ? addForm(products.filter((p) => p.active), load) : null);
  }
  await load();
  return section;
}

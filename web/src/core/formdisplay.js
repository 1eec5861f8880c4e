// What a task form only shows (read-only fields, the values inside its texts) in the reader's way of
// writing: amounts with separators and their unit (rials and tomans), numbers in Persian digits on a
// Persian page, days in the reader's calendar (Jalali in Persian), telephone numbers kept left to right.
// The server drops what read-only fields send back, and values that only texts show are never sent, so
// this changes what is seen, not what is submitted. A value that a condition or expression of the form
// reads (other than "is it empty") is left as it is, so the form behaves the same.

import { amountUnit, isAmount } from '../forms/amounts.js';
import { digits, locale, money, number, t } from './i18n.js';

const MONEY_KEY = /(^|_)(amount|revenue|price|total|payable)(_|$)/;
const ISO_DAY = /\b(\d{4})-(\d{2})-(\d{2})(?:T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?\b/g;
const TEMPLATE_KEY = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const PHONE = /^\+\d{8,15}$/;

function walk(components, visit) {
  for (const component of components || []) {
    visit(component);
    if (Array.isArray(component.components)) walk(component.components, visit);
  }
}

// Names the form's expressions read (the text templates aside); with `nullChecks` false, a name read only
// as "x = null" / "x != null" does not count.
function namesReadByExpressions(schema, nullChecks) {
  const names = new Set();
  const scan = (value) => {
    if (typeof value === 'string') {
      if (!value.startsWith('=')) return;
      const rest = nullChecks ? value : value.replace(/\b[A-Za-z_][A-Za-z0-9_]*\s*!?=\s*null\b/g, ' ');
      for (const match of rest.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(match[0]);
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) if (key !== 'text' && !key.startsWith('text:')) scan(inner);
    }
  };
  scan(schema.components);
  return names;
}

function day(match, y, m, d) {
  const when = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (Number.isNaN(when.getTime())) return match;
  const tag = locale() === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB';
  return new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeZone: 'UTC' }).format(when);
}

// An amount (a money-named key, or a field marked `amount: rial`) in the reader's unit: rials with the tomans
// beside them, or tomans alone for those who chose tomans.
function shownNumber(key, value, component) {
  if (!MONEY_KEY.test(key) && !isAmount(component)) return number(value);
  if (amountUnit() === 'toman') return t('money.tomans', { amount: number(value / 10, { maximumFractionDigits: 1 }) });
  return money(value);
}

function shownText(value) {
  // in a right-to-left text a leading "+" jumps to the far end: Persian readers get the dialled form
  if (PHONE.test(value)) return locale() === 'fa' ? digits(value.startsWith('+98') ? `0${value.slice(3)}` : `00${value.slice(1)}`) : value;
  return value.replace(ISO_DAY, day);
}

// A copy of the schema and data with the shown-only values written for the reader.
export function displayForm(schema, data) {
  if (!schema || !Array.isArray(schema.components)) return { schema, data };
  const read = namesReadByExpressions(schema, false);
  const readAny = namesReadByExpressions(schema, true);
  const fieldKeys = new Set();
  const templated = new Set();
  walk(schema.components, (c) => {
    if (c.key) fieldKeys.add(c.key);
    if (c.type === 'text' && typeof c.text === 'string') for (const m of c.text.matchAll(TEMPLATE_KEY)) templated.add(m[1]);
  });
  const shown = { ...data };
  const recast = (component) => {
    const { key } = component;
    if (component.readonly !== true || !key || read.has(key) || !(key in shown)) return component;
    const value = shown[key];
    if (component.type === 'number' && typeof value === 'number') {
      shown[key] = shownNumber(key, value, component);
      return { ...component, type: 'textfield' };
    }
    if ((component.type === 'textfield' || component.type === 'textarea') && typeof value === 'string') shown[key] = shownText(value);
    return component;
  };
  const mapAll = (components) => components.map((c) => {
    const out = recast(c);
    return Array.isArray(c.components) ? { ...out, components: mapAll(c.components) } : out;
  });
  for (const key of templated) {
    if (fieldKeys.has(key) || read.has(key)) continue;
    const value = shown[key];
    if (value === null || value === undefined || value === '') {
      if (!readAny.has(key)) shown[key] = '—';
    }
    else if (typeof value === 'number') shown[key] = shownNumber(key, value);
    else if (typeof value === 'string') shown[key] = shownText(value);
  }
  return { schema: { ...schema, components: mapAll(schema.components) }, data: shown };
}

// Managed lists (GET /lists/{name}/entries, or the portal's public copy of a few of them): the entries of a
// list are fetched once per page load and kept; a <select> shows their labels in the user's language and
// sends their keys, which is what records and decision tables hold.

import { api, publicApi } from './api.js';
import { h, ltr } from './dom.js';
import { locale } from './i18n.js';

const cache = new Map();

// The active entries of a list (under `parent` when given), in the list's order.
export function entries(name, { parent = null, portal = false } = {}) {
  const id = `${portal ? 'portal' : 'app'}|${name}|${parent ?? ''}`;
  if (!cache.has(id)) {
    const params = { limit: 1000, ...(parent ? { parent } : {}), ...(portal ? { locale: locale() } : {}) };
    const path = `${portal ? '/portal' : ''}/lists/${encodeURIComponent(name)}/entries`;
    const loaded = (portal ? publicApi : api).get(path, params).then((page) => page.items);
    loaded.catch(() => cache.delete(id));
    cache.set(id, loaded);
  }
  return cache.get(id);
}

// Forget what was fetched of a list (after an administrator changed it).
export function forget(name) {
  for (const id of [...cache.keys()]) if (id.split('|')[1] === name) cache.delete(id);
}

export const labelOf = (entry) => (locale() === 'fa' ? entry.label_fa : entry.label_en);

// Fill `select` with the list's entries (after an empty option when `empty` names its text); keeps the
// chosen key when it is still offered. Answers the entries.
export async function fillSelect(select, name, { parent = null, portal = false, empty, selected } = {}) {
  const chosen = selected ?? select.value;
  const items = await entries(name, { parent, portal });
  select.replaceChildren(...(empty !== undefined ? [h('option', { value: '' }, empty)] : []),
    ...items.map((entry) => h('option', { value: entry.key, selected: entry.key === chosen }, labelOf(entry))));
  select.dataset.list = name;
  return items;
}

// A new <select class="input"> that fills itself from the list (busy until it has its options).
export function listSelect(name, { parent = null, portal = false, empty, selected, attrs = {} } = {}) {
  const select = h('select', { class: 'input', 'aria-busy': 'true', 'data-list': name, ...attrs },
    empty !== undefined ? h('option', { value: '' }, empty) : null);
  fillSelect(select, name, { parent, portal, empty, selected })
    .catch(() => select.setAttribute('data-failed', 'true'))
    .finally(() => select.removeAttribute('aria-busy'));
  return select;
}

// Groups' keys → their labels in the reader's language (GET /groups, read once per page load): lists and record
// pages name a lead's sales group, a complaint's team and a task's candidate groups with them. Await
// loadGroups() before rendering; groupText gives the label, or the key (left to right) when the group is
// unknown or the reader may not list groups.
let groups = null;
let known = new Map();
export function loadGroups() {
  groups ||= api.get('/groups').then((page) => { known = new Map(page.items.map((g) => [g.key, g])); }, () => {});
  return groups;
}

export function groupName(key) {
  const group = known.get(key);
  return (group && (locale() === 'fa' ? group.label_fa : group.label_en)) || key;
}

// the known groups' keys (after loadGroups())
export const groupKeys = () => known.keys();

// several groups' labels as one phrase (a task offered to its candidate groups)
export const groupNames = (keys) => (keys || []).map(groupName).join(locale() === 'fa' ? '، ' : ', ');

export const groupText = (key) => (known.has(key) ? groupName(key) : ltr(key));

// User names → the people they stand for (GET /people, read once when the app starts): records, tasks and the
// journal keep a user name (`sara`); pages show the display name (سارا احمدی), with the user name in its
// tooltip, and the portal, the scheduler and the outbox in words. An unknown name is shown as it is, left to right.

import { api } from './api.js';
import { h, ltr } from './dom.js';
import { locale, t } from './i18n.js';

let known = new Map();
let loading = null;

export function loadPeople() {
  loading ||= api.get('/people').then((page) => { known = new Map(page.items.map((p) => [p.username, p.name])); }, () => {});
  return loading;
}

const inLocale = (name) => (name ? name[locale()] || name.en || '' : '');

// the person's name as text (for a sentence or a badge); the user name when no one has it
export function personName(username) {
  return inLocale(known.get(username)) || username || '';
}

// the person's name as an element: their name isolated in its own direction, the user name in the tooltip;
// `said` is the server's {fa, en} words for it where the answer carries them (a journal entry's actor_text)
export function personText(username, said = null) {
  if (!username) return '—';
  const name = inLocale(said) || inLocale(known.get(username));
  return name ? h('bdi', { class: 'person', title: username, 'data-username': username }, name) : ltr(username);
}

// A filter's choice of person (who did it, who started it): everyone by their name in the reader's language,
// the user name sent; "any" first. A user name the address asks for that no one has stays choosable.
export function personPicker(name, value, attrs = {}) {
  const people = [...known.entries()].map(([username, said]) => ({ username, name: inLocale(said) || username }))
    .sort((a, b) => a.name.localeCompare(b.name, locale()));
  if (value && !known.has(value)) people.unshift({ username: value, name: value });
  return h('select', { name, class: 'input', ...attrs },
    h('option', { value: '' }, t('common.any')),
    people.map((p) => h('option', { value: p.username, selected: p.username === value, title: p.username }, p.name)));
}

// several people as one phrase
export const peopleNames = (usernames) => (usernames || []).map(personName).join(locale() === 'fa' ? '، ' : ', ');

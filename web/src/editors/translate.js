// bpmn-js, dmn-js and the properties panel pass every label through a "translate" service; in Persian
// it looks the English text up in our catalogue (i18n/fa-modeler.json). The properties panel's headers
// name an element's type in title case ("User Task") while menus say "User task": a text missing as
// written is looked up regardless of case before it falls back to English.

import { locale } from '../core/i18n.js';
import faModeler from '../../i18n/fa-modeler.json';

const FOLDED = new Map(Object.entries(faModeler).map(([english, persian]) => [english.toLowerCase(), persian]));

function fill(template, replacements) {
  return template.replace(/{([^}]+)}/g, (whole, key) => (replacements && key in replacements ? replacements[key] : whole));
}

// The Persian for an English editor text, or null when the catalogue has none.
export function persianFor(text) {
  if (typeof text !== 'string') return null;
  return faModeler[text] ?? FOLDED.get(text.toLowerCase()) ?? null;
}

export function translate(template, replacements) {
  const text = locale() === 'fa' ? persianFor(template) ?? template : template;
  return fill(text, replacements);
}

export const TranslateModule = { translate: ['value', translate] };

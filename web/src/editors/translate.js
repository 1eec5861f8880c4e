// bpmn-js, dmn-js and the properties panel pass every label through a "translate" service; in Persian
// it looks the English text up in our catalogue (falling back to English for the rarer ones).

import { locale } from '../core/i18n.js';
import faModeler from '../../i18n/fa-modeler.json';

function fill(template, replacements) {
  return template.replace(/{([^}]+)}/g, (whole, key) => (replacements && key in replacements ? replacements[key] : whole));
}

export function translate(template, replacements) {
  const text = locale() === 'fa' ? faModeler[template] || template : template;
  return fill(text, replacements);
}

export const TranslateModule = { translate: ['value', translate] };

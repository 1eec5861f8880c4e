// Process and element names as the API gives them in the reader's language (process_name, element_names), with
// the process key kept for designers: in a tooltip, or beside the name as left-to-right code.

import { h, ltr } from '../core/dom.js';
import { t } from '../core/i18n.js';

// The process's name in the reader's language; its key in the tooltip (and, with `withKey`, in an ltr span).
export function processName(item, { withKey = false } = {}) {
  const key = item.process_key || item.key || '';
  const name = item.process_name || item.name || key;
  return h('span', { class: 'process-name', title: t('names.process_key', { key }), 'data-process-key': key },
    h('bdi', {}, name), withKey && name !== key ? [' ', ltr(key, 'code')] : null);
}

// An element (task, event, gateway) by its name in the reader's language; its id in the tooltip.
export function elementName(instance, elementId) {
  const name = instance.element_names?.[elementId];
  return name ? h('bdi', { title: elementId, 'data-element': elementId }, name) : ltr(elementId);
}

const CAMUNDA = 'http://camunda.org/schema/1.0/bpmn';

// A diagram's XML to show (never to save) with each element labelled by its name in `lang` (its `name:<lang>`
// extension property) where it has one; English, or a diagram that cannot be read, comes back as it was.
export function localisedXml(xml, lang) {
  if (!xml || !lang || lang === 'en') return xml;
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return xml;
  let changed = false;
  for (const prop of Array.from(doc.getElementsByTagNameNS(CAMUNDA, 'property'))) {
    if (prop.getAttribute('name') !== `name:${lang}` || !prop.getAttribute('value')?.trim()) continue;
    const owner = prop.parentNode?.parentNode?.parentNode; // property → properties → extensionElements → element
    if (owner?.hasAttribute?.('name')) {
      owner.setAttribute('name', prop.getAttribute('value').trim());
      changed = true;
    }
  }
  return changed ? new XMLSerializer().serializeToString(doc) : xml;
}

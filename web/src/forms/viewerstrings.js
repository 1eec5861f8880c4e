// form-js's viewer writes a few words of its own straight into its markup, with no translation service:
// "Select" in an empty drop-down, "Search" and "No results" in a searchable one, a table's "Nothing to
// show." and "of" and its paging buttons' names. For a Persian reader they are written from the catalogue
// as they appear (a MutationObserver on the form's container, the rendering boundary); the form's own texts
// are never touched: only these exact words, in text nodes and in placeholder, aria-label and title.

import { locale, t } from '../core/i18n.js';

const TEXTS = {
  Select: 'forms.viewer.select',
  Search: 'forms.viewer.search',
  'No results': 'forms.viewer.no_results',
  'All values selected': 'forms.viewer.all_selected',
  'Nothing to show.': 'forms.viewer.nothing',
  of: 'forms.viewer.of',
  Browse: 'forms.viewer.browse',
  'Previous page': 'forms.viewer.previous_page',
  'Next page': 'forms.viewer.next_page',
  'Click to remove sorting': 'forms.viewer.unsort',
};
const ATTRIBUTES = ['placeholder', 'aria-label', 'title'];

function translated(value) {
  const trimmed = value.trim();
  const key = TEXTS[trimmed];
  return key ? value.replace(trimmed, t(key)) : null;
}

function translateNode(node) {
  if (node.nodeType === Node.TEXT_NODE) {
    const next = translated(node.data);
    if (next !== null) node.data = next;
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE) return;
  for (const element of [node, ...node.querySelectorAll('*')]) {
    for (const name of ATTRIBUTES) {
      const value = element.getAttribute(name);
      const next = value && translated(value);
      if (next) element.setAttribute(name, next);
    }
  }
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const next = translated(text.data);
    if (next !== null) text.data = next;
  }
}

// Keeps translating what form-js renders into `container` for as long as the form lives; answers a stop.
export function translateViewerStrings(container) {
  if (locale() === 'en') return () => {};
  translateNode(container);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'childList') record.addedNodes.forEach(translateNode);
      else translateNode(record.target);
    }
  });
  observer.observe(container, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  return () => observer.disconnect();
}

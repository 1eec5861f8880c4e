// Persian for the editor strings that no translate service reaches.
//
// The form-js editor (1.23) writes its palette, context pad and properties panel in English with no
// translate hook (form-js issue #77, "Support i18n", is open), and the properties panel's "Open pop-up
// editor" title is translatable only through a prop the BPMN properties panel does not pass. The library
// code is left alone: in Persian, what it renders is watched, and a text node or a title, placeholder or
// aria-label whose whole text is a known English editor string (i18n/fa-modeler.json) is shown in
// Persian. What the designer wrote (field labels and texts on the form, values in inputs, the element's
// name in the panel header) is never touched.

import { locale, number } from '../core/i18n.js';
import faModeler from '../../i18n/fa-modeler.json';
import { persianFor } from './translate.js';

// Texts the library builds around a value ("Create a Text field element", "List contains 3 items"):
// catalogue keys with {0} match any text there, itself translated (a number in Persian digits).
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = Object.keys(faModeler).filter((key) => key.includes('{0}')).map((key) => ({
  pattern: new RegExp(`^${key.split('{0}').map(escape).join('(.+?)')}$`),
  persian: faModeler[key],
}));

function persianOf(text) {
  const direct = persianFor(text);
  if (direct) return direct;
  for (const { pattern, persian } of PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const value = /^\d+$/.test(match[1]) ? number(Number(match[1])) : persianFor(match[1]) ?? match[1];
    return persian.replace('{0}', value);
  }
  return null;
}

const ATTRIBUTES = ['title', 'placeholder', 'aria-label'];
// the designer's own texts: the form being designed (except the editor's hints drawn on it) and inputs
const DESIGNERS_TEXT = '.fjs-form-field-label, .fjs-form-field-description, .fjs-form-field-text, .fjs-form-field-html, '
  + '.fjs-form-field-button, .fjs-form-field-grouplist > .fjs-form-field-label, .fjs-checkbox-label, '
  + '.bio-properties-panel-header-label, .bio-properties-panel-collapsible-entry-header-title, '
  + 'input, textarea, [contenteditable], .cm-editor';
const EDITOR_HINTS = '.fjs-powered-by, .fjs-form-field-placeholder, .fjs-empty-editor, .fjs-empty-component, .fjs-context-pad';

// the form as designed is drawn by the form-js viewer, whose own few words there are looked up as
// "preview: <text>" (its "Select" is a prompt, the palette's "Select" a kind of field)
const PREVIEW = '.fjs-select-placeholder, .fjs-number-arrow-container, .fjs-taglist-input, .fjs-select-search-input';

function previewText(element, text) {
  return element.closest(PREVIEW) ? persianFor(`preview: ${text}`) : null;
}

function ownText(node, element) {
  if (element.closest('.fjs-form') && element.closest(EDITOR_HINTS)) return true; // "Text view is templated"
  if (element.closest(DESIGNERS_TEXT)) return false;
  if (element.closest('.fjs-form') && !element.closest(EDITOR_HINTS)) return false; // the form as designed
  return true;
}

function translateText(node) {
  const element = node.parentElement;
  if (!element || !(ownText(node, element) || element.closest(PREVIEW))) return;
  const text = node.data.trim();
  if (!text || !/[A-Za-z]/.test(text)) return;
  const persian = element.closest(PREVIEW) ? previewText(element, text) : persianOf(text);
  if (persian) node.data = node.data.replace(text, persian);
}

function translateAttributes(element, onlyTitles) {
  if (!onlyTitles && element.closest(PREVIEW)) {
    for (const name of ATTRIBUTES) {
      const persian = element.hasAttribute(name) ? previewText(element, element.getAttribute(name).trim()) : null;
      if (persian) element.setAttribute(name, persian);
    }
    return;
  }
  if (element.matches('.fjs-form *') && !element.closest(EDITOR_HINTS)) return;
  for (const name of onlyTitles ? ['title'] : ATTRIBUTES) {
    if (name !== 'title' && element.matches('.fjs-form *')) continue; // placeholders on the form are the designer's
    const value = element.getAttribute(name);
    const persian = value && /[A-Za-z]/.test(value) ? persianOf(value.trim()) : null;
    if (persian) element.setAttribute(name, persian);
  }
}

function sweep(root, onlyTitles) {
  if (root.nodeType === Node.TEXT_NODE) {
    if (!onlyTitles) translateText(root);
    return;
  }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  translateAttributes(root, onlyTitles);
  for (const element of root.querySelectorAll(onlyTitles ? '[title]' : '[title], [placeholder], [aria-label]')) translateAttributes(element, onlyTitles);
  if (onlyTitles) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) translateText(node);
}

// Keep `container` in Persian while the editor renders into it; `{ onlyTitles: true }` translates
// title attributes only. Returns a function that stops watching.
export function translateRendered(container, { onlyTitles = false } = {}) {
  if (locale() !== 'fa') return () => {};
  sweep(container, onlyTitles);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'characterData') {
        if (!onlyTitles) translateText(record.target);
      } else if (record.type === 'attributes') {
        translateAttributes(record.target, onlyTitles);
      } else {
        for (const node of record.addedNodes) sweep(node, onlyTitles);
      }
    }
  });
  observer.observe(container, {
    subtree: true, childList: true, characterData: !onlyTitles, attributes: true, attributeFilter: onlyTitles ? ['title'] : ATTRIBUTES,
  });
  return () => observer.disconnect();
}

// Session expiry never loses work. When a write (a form being sent) answers 401 — the session ended on the
// server while the page was open — what the page holds typed is kept, in memory and in sessionStorage under
// the page's address and the signed-in user, and the browser goes to the sign-in page, which says why and
// returns here. Once the same user is back on the same page, the typed values are put back into the form
// and a notice asks to press its button again: nothing is sent without the person seeing it first.

import { h } from './dom.js';

const PREFIX = 'ravand.draft:';
const MAX_AGE_MS = 12 * 3600 * 1000;  // a session lives at most this long; an older draft is stale
const SKIPPED = new Set(['hidden', 'password', 'file', 'search', 'submit', 'button', 'reset', 'image']);
let user = '';
let kept = null;  // the last draft kept, in memory

export function setDraftUser(username) {
  user = username || '';
}

const keyOf = (who, path) => `${PREFIX}${who}:${path}`;
const here = () => location.pathname + location.search;

// The controls whose values a person types, in document order (the same page draws them in the same order).
function controls(root) {
  return [...root.querySelectorAll('input, textarea, select')]
    .filter((c) => !SKIPPED.has((c.type || '').toLowerCase()) && !c.disabled && !c.readOnly && !c.closest('[data-no-draft]'));
}

const signature = (c) => `${c.tagName}:${(c.type || '').toLowerCase()}`;

function valueOf(c) {
  if (c.type === 'checkbox' || c.type === 'radio') return c.checked;
  if (c.tagName === 'SELECT' && c.multiple) return [...c.selectedOptions].map((o) => o.value);
  return c.value;
}

// Keep what the page holds typed, if anything; true when a draft was kept.
export function keepDraft(root = document.getElementById('main')) {
  if (!root || !user) return false;
  const found = controls(root);
  // typed: a text box holding something other than what the page put there (a filter's choice is not work)
  const typed = found.some((c) => c.tagName !== 'SELECT' && c.type !== 'checkbox' && c.type !== 'radio'
    && c.value.trim() !== '' && c.value !== c.defaultValue);
  if (!typed) return false;
  kept = { at: Date.now(), path: here(), fields: found.map((c) => ({ sig: signature(c), value: valueOf(c) })) };
  try {
    sessionStorage.setItem(keyOf(user, kept.path), JSON.stringify(kept));
  } catch { /* storage full or off: the memory copy stays for this page */ }
  return true;
}

function stored(path) {
  try {
    const text = sessionStorage.getItem(keyOf(user, path));
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function forget(path) {
  try { sessionStorage.removeItem(keyOf(user, path)); } catch { /* nothing kept */ }
  kept = null;
}

function setValue(c, value) {
  if (c.type === 'checkbox' || c.type === 'radio') {
    if (c.checked !== Boolean(value)) c.click();
    return;
  }
  if (c.tagName === 'SELECT' && c.multiple) {
    for (const option of c.options) option.selected = value.includes(option.value);
  } else {
    const proto = c.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype : c.tagName === 'SELECT' ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, 'value').set.call(c, value);
  }
  c.dispatchEvent(new Event('input', { bubbles: true }));
  c.dispatchEvent(new Event('change', { bubbles: true }));
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Put a kept draft of this page back (waiting a little for a form that draws late); `notice(text)` makes the
// message shown above the form. True when the values went back.
export async function restoreDraft(root, { message } = {}) {
  const path = here();
  const draft = (kept && kept.path === path ? kept : null) || stored(path);
  if (!draft || !user) return false;
  if (Date.now() - draft.at > MAX_AGE_MS) { forget(path); return false; }
  for (let waited = 0; waited < 5000; waited += 100) {
    const found = controls(root);
    if (found.length === draft.fields.length && found.every((c, i) => signature(c) === draft.fields[i].sig)) {
      found.forEach((c, i) => setValue(c, draft.fields[i].value));
      forget(path);
      if (message) {
        const note = h('div', { class: 'alert', role: 'status', 'data-testid': 'draft-restored' }, message);
        root.prepend(note);
      }
      return true;
    }
    await sleep(100);
  }
  return false;
}

// Date-time filters: the browser's picker, and under it the chosen moment in the interface's
// calendar (Jalali in Persian), sent to the server as an ISO instant.

import { h } from '../core/dom.js';
import { dateTime } from '../core/i18n.js';
import { field } from '../core/ui.js';

function localValue(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function isoOf(value) {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

export function dateField(label, name, initial) {
  const preview = h('small', { class: 'muted date-preview', 'data-testid': `${name}-preview` }, initial ? dateTime(initial) : '');
  const input = h('input', {
    type: 'datetime-local', name, class: 'input', value: localValue(initial), dir: 'ltr',
    oninput: (event) => { preview.textContent = event.target.value ? dateTime(event.target.value) : ''; },
  });
  return field(label, input, preview);
}

// Field errors in the reader's language. form-js (1.x) has no translation service: its validator writes
// English sentences ("Field is required.", "Field must have minimum length of 5."), and so does the server's
// form check ("This field is required.", "Must be at least 5 characters long."). Each known sentence is
// matched here and written from the catalogue (web/i18n/parts/forms.json) with its figures in the reader's
// digits; an unknown sentence is shown as it came.

import { locale, t } from '../core/i18n.js';
import { groupedNumber } from './numbers.js';

const N = '(-?[0-9.]+)';
const ANY = '(.+)';

// [pattern, catalogue key, names of the captured parts (numbers are written in the reader's digits)]
const KNOWN = [
  [/^(Field is required|This field is required)\.$/, 'forms.error.required', []],
  [new RegExp(`^Field must have minimum value of ${N}\\.$`), 'forms.error.min', ['n']],
  [new RegExp(`^Must be greater than or equal to ${N}\\.$`), 'forms.error.min', ['n']],
  [new RegExp(`^Field must have maximum value of ${N}\\.$`), 'forms.error.max', ['n']],
  [new RegExp(`^Must be less than or equal to ${N}\\.$`), 'forms.error.max', ['n']],
  [new RegExp(`^Field must have minimum length of ${N}\\.$`), 'forms.error.min_length', ['n']],
  [new RegExp(`^Must be at least ${N} characters long\\.$`), 'forms.error.min_length', ['n']],
  [new RegExp(`^Field must have maximum length of ${N}\\.$`), 'forms.error.max_length', ['n']],
  [new RegExp(`^Must be at most ${N} characters long\\.$`), 'forms.error.max_length', ['n']],
  [new RegExp(`^Field must match pattern ${ANY}\\.$`), 'forms.error.pattern', ['pattern']],
  [new RegExp(`^Must match the pattern ${ANY}\\.$`), 'forms.error.pattern', ['pattern']],
  [/^(Field must be a valid email|Not a valid email address)\.$/, 'forms.error.email', []],
  [/^(Field must be a valid +international phone number|Not a valid international phone number).*$/, 'forms.error.phone', []],
  [/^(Value is not a number|Not a valid number)\.$/, 'forms.error.not_number', []],
  [/^(Value is expected to be an integer|Must be a whole number)\.$/, 'forms.error.integer', []],
  [new RegExp(`^Value is expected to have at most ${N} decimal digits?\\.$`), 'forms.error.decimals', ['n']],
  [new RegExp(`^Must have at most ${N} decimal digit\\(s\\)\\.$`), 'forms.error.decimals', ['n']],
  [new RegExp(`^Please select a valid value, the two nearest valid values are ${N} and ${N}\\.$`), 'forms.error.step', ['a', 'b']],
  [new RegExp(`^Must be a multiple of ${N}\\.$`), 'forms.error.multiple', ['n']],
  [/^Number out of range\.$/, 'forms.error.out_of_range', []],
  [/^Not a valid date\b.*$/, 'forms.error.date', []],
  [/^Not a valid time\b.*$/, 'forms.error.time', []],
  [/^Not a valid date and time\b.*$/, 'forms.error.datetime', []],
  [/^Not one of the allowed values\.$/, 'forms.error.not_allowed', []],
  [new RegExp(`^Longer than the ${N} characters allowed\\.$`), 'forms.error.max_length', ['n']],
];

export function formMessage(message) {
  if (typeof message !== 'string' || locale() === 'en') return message; // English readers get the source's words
  for (const [pattern, key, names] of KNOWN) {
    const found = message.match(pattern);
    if (!found) continue;
    const params = {};
    names.forEach((name, index) => {
      const value = found[index + 1];
      params[name] = name === 'pattern' ? `\u2066${value}\u2069` : groupedNumber(value, locale());
    });
    return t(key, params);
  }
  return message;
}

export const formMessages = (messages) => (Array.isArray(messages) ? messages.map(formMessage) : messages);

// form-js's validator service, answering in the reader's language (a form-js module's initialiser).
export class LocalValidationMessages {
  static $inject = ['validator'];

  constructor(validator) {
    for (const name of ['validateField', 'validateFieldInstance']) {
      const original = validator[name];
      if (typeof original !== 'function') continue;
      validator[name] = (...args) => formMessages(original.apply(validator, args));
    }
  }
}

// form-js field renderers for Ravand's task forms, registered through form-js's public extension API
// (a module in `additionalModules` whose initialiser calls formFields.register). They replace the number and
// date-time renderers:
// - number: takes Persian and Arabic-Indic digits and separators as typed, shows the number grouped in the
//   reader's digits once the field is left, and gives form-js the plain number; an amount field
//   (`properties.amount: rial`) is shown and typed in the reader's unit, kept in rials;
// - date and date-time: in Persian a Jalali picker (Persian month names and digits, Saturday first) and a
//   text box that takes a Jalali or Gregorian day; the value is the ISO value form-js's own picker stores.
//   In English, and for time-only fields, form-js's own renderer.

import { Datetime, Description, Errors, Label, Numberfield } from '@bpmn-io/form-js-viewer';
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { locale, t } from '../core/i18n.js';
import { amountUnit, isAmount } from './amounts.js';
import { dateOfIso, isoOf, jalaliText, typedDay } from './calendar.js';
import { JalaliCalendar, calendarIcon } from './jalali_calendar.js';
import { groupedNumber, persianDigits, plainNumber, shiftDecimal } from './numbers.js';

function fieldClass(type, errors, disabled, readonly) {
  return ['fjs-form-field', `fjs-form-field-${type}`, errors.length ? 'fjs-has-errors' : '', disabled ? 'fjs-disabled' : '',
    readonly ? 'fjs-readonly' : ''].filter(Boolean).join(' ');
}

function adornment(text, side) {
  return text ? h('span', { class: `fjs-input-adornment ${side === 'pre' ? 'border-right border-radius-left' : 'border-left border-radius-right'}` },
    h('span', { class: 'fjs-input-adornment-text' }, text)) : null;
}

// ---- number ---------------------------------------------------------------------------------------------

export function LocalNumber(props) {
  const { disabled, errors = [], domId, onBlur, onFocus, field, value, readonly, onChange } = props;
  const { description, label, appearance = {}, validate = {} } = field;
  const toman = isAmount(field) && amountUnit() === 'toman';
  const shown = (stored) => {
    if (stored === null || stored === undefined || stored === '') return '';
    const plain = plainNumber(String(stored));
    if (!plain) return String(stored);
    return groupedNumber(toman ? shiftDecimal(plain, -1) : plain, locale());
  };
  const [text, setText] = useState(() => shown(value));
  const [bad, setBad] = useState(false);
  const focused = useRef(false);
  const sent = useRef(value);
  useEffect(() => { // a value set from outside (an import, a reset) is shown unless the person is typing
    if (value === sent.current) return;
    sent.current = value;
    if (!focused.current) { setText(shown(value)); setBad(false); }
  }, [value]);

  const send = (next) => { sent.current = next; onChange({ field, value: next }); };
  const onInput = (event) => {
    const raw = event.target.value;
    setText(raw);
    const plain = plainNumber(raw);
    if (plain === null) {
      setBad(raw.trim() !== '-');
      send(null);
      return;
    }
    setBad(false);
    if (plain === '' || plain === '-' || plain === '.') { send(null); return; }
    const stored = toman ? shiftDecimal(plain, 1) : plain;
    send(field.serializeToString ? stored : Number(stored));
  };
  const onInputBlur = () => {
    focused.current = false;
    if (!bad) setText(shown(sent.current));
    onBlur?.();
  };
  const allErrors = bad ? [t('forms.error.not_number'), ...errors] : errors;
  const unit = isAmount(field) ? t(toman ? 'forms.unit.toman' : 'forms.unit.rial') : appearance.suffixAdorner;
  const descriptionId = `${domId}-description`;
  const errorId = `${domId}-error-message`;
  return h('div', { class: fieldClass('number', allErrors, disabled, readonly) },
    h(Label, { htmlFor: domId, label, required: validate.required }),
    h('div', { class: `fjs-input-group${disabled ? ' fjs-disabled' : ''}${readonly ? ' fjs-readonly' : ''}${allErrors.length ? ' hasErrors' : ''}` },
      adornment(appearance.prefixAdorner, 'pre'),
      h('input', {
        class: 'fjs-input ravand-number', id: domId, type: 'text', inputMode: 'decimal', autoComplete: 'off',
        disabled, readOnly: readonly, value: text, required: validate.required,
        'aria-describedby': [descriptionId, errorId].join(' '), 'aria-invalid': allErrors.length > 0,
        'data-amount-unit': isAmount(field) ? (toman ? 'toman' : 'rial') : undefined,
        onInput, onBlur: onInputBlur, onFocus: () => { focused.current = true; onFocus?.(); },
      }),
      unit ? h('span', { class: 'fjs-input-adornment border-left border-radius-right ravand-unit', 'data-testid': 'amount-unit' },
        h('span', { class: 'fjs-input-adornment-text' }, unit)) : null),
    h(Description, { id: descriptionId, description }),
    h(Errors, { id: errorId, errors: allErrors }));
}
LocalNumber.config = { ...Numberfield.config };

// ---- date and date-time ---------------------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

// "HH:MM" (any digits) as minutes of the day, or null.
function typedTime(text) {
  const latin = String(text || '').replace(/[۰-۹٠-٩]/g, (d) => plainNumber(d)).trim();
  const found = latin.match(/^(\d{1,2})[:٫.](\d{2})$/);
  if (!found) return null;
  const [hour, minute] = [Number(found[1]), Number(found[2])];
  return hour < 24 && minute < 60 ? hour * 60 + minute : null;
}

function offsetText(minutesEast) {
  const sign = minutesEast >= 0 ? '+' : '-';
  const abs = Math.abs(minutesEast);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

// What form-js's own picker stores for a day and a time: YYYY-MM-DDTHH:MM with the local offset
// ("utc_offset", what its editor sets), in UTC ("utc_normalized", ...Z), or with no zone ("no_timezone", and
// when the field names no format, as form-js's own renderer does then).
export function dateTimeValue(day, minutes, format) {
  const local = new Date(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(minutes / 60), minutes % 60);
  if (format === 'utc_normalized') return `${local.toISOString().slice(0, 16)}Z`;
  const base = `${isoOf(local)}T${pad(local.getHours())}:${pad(local.getMinutes())}`;
  return format === 'utc_offset' ? `${base}${offsetText(-local.getTimezoneOffset())}` : base;
}

// The local day and minutes of a stored value (date or date-time), or nulls.
function parts(value, subtype) {
  if (typeof value !== 'string' || !value) return { day: null, minutes: null };
  if (subtype === 'date') return { day: dateOfIso(value), minutes: null };
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const when = zoned ? new Date(value) : null;
  if (when && !Number.isNaN(when.getTime())) {
    return { day: new Date(when.getFullYear(), when.getMonth(), when.getDate()), minutes: when.getHours() * 60 + when.getMinutes() };
  }
  const found = value.match(/^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/);
  return found ? { day: dateOfIso(found[1]), minutes: Number(found[2]) * 60 + Number(found[3]) } : { day: null, minutes: null };
}

function JalaliDatetime(props) {
  const { disabled, errors = [], domId, onBlur, onFocus, field, value, readonly, onChange } = props;
  const { description, label, dateLabel, timeLabel, validate = {}, subtype = 'date', timeSerializingFormat } = field;
  const withTime = subtype === 'datetime';
  const initial = parts(value, subtype);
  const [dayText, setDayText] = useState(initial.day ? jalaliText(initial.day) : '');
  const [timeText, setTimeText] = useState(initial.minutes !== null ? persianDigits(`${pad(Math.floor(initial.minutes / 60))}:${pad(initial.minutes % 60)}`) : '');
  const [open, setOpen] = useState(false);
  const [bad, setBad] = useState(null);
  const state = useRef({ ...initial, value });
  const box = useRef();
  const button = useRef();

  useEffect(() => { // a value set from outside is shown
    if (value === state.current.value) return;
    const next = parts(value, subtype);
    state.current = { ...next, value };
    setDayText(next.day ? jalaliText(next.day) : '');
    if (withTime) setTimeText(next.minutes !== null ? persianDigits(`${pad(Math.floor(next.minutes / 60))}:${pad(next.minutes % 60)}`) : '');
  }, [value]);

  const emit = () => {
    const { day, minutes } = state.current;
    let next = null;
    if (day && (!withTime || minutes !== null)) next = withTime ? dateTimeValue(day, minutes, timeSerializingFormat) : isoOf(day);
    state.current.value = next;
    onChange({ field, value: next });
  };
  const onDayInput = (event) => {
    setDayText(event.target.value);
    const raw = event.target.value.trim();
    const day = raw ? typedDay(raw) : null;
    setBad(raw && !day ? 'forms.error.date' : null);
    state.current.day = day;
    emit();
  };
  const onTimeInput = (event) => {
    setTimeText(event.target.value);
    const raw = event.target.value.trim();
    const minutes = raw ? typedTime(raw) : null;
    setBad(raw && minutes === null ? 'forms.error.time' : null);
    state.current.minutes = minutes;
    emit();
  };
  const pick = (day) => {
    state.current.day = day;
    setDayText(jalaliText(day));
    setBad(null);
    setOpen(false);
    emit();
    button.current?.focus();
  };
  const onGroupBlur = (event) => {
    if (event.relatedTarget && box.current?.contains(event.relatedTarget)) return;
    setOpen(false);
    onBlur?.();
  };
  const allErrors = bad ? [t(bad), ...errors] : errors;
  const calendarId = `${domId}-calendar`;
  const descriptionId = `${domId}-description`;
  const errorId = `${domId}-error-message`;
  const timeId = `${domId}-time`;
  const locked = disabled || readonly;
  return h('div', { class: fieldClass('datetime', allErrors, disabled, readonly), ref: box, onFocusOut: onGroupBlur, onFocusIn: (event) => {
    if (event.relatedTarget && box.current?.contains(event.relatedTarget)) return;
    onFocus?.();
  } },
  h('div', { class: 'fjs-vertical-group ravand-datetime' },
    h('div', { class: 'fjs-datetime-subsection ravand-date-part' },
      h(Label, { htmlFor: domId, label: dateLabel || label, required: validate.required }),
      h('div', { class: `fjs-input-group${locked ? ' fjs-readonly' : ''}${allErrors.length ? ' hasErrors' : ''}` },
        h('input', {
          class: 'fjs-input ravand-date', id: domId, type: 'text', autoComplete: 'off', value: dayText, placeholder: t('forms.date.placeholder'),
          disabled, readOnly: readonly, required: validate.required, inputMode: 'numeric', 'data-calendar': 'jalali',
          'aria-describedby': [descriptionId, errorId].join(' '), 'aria-invalid': allErrors.length > 0, onInput: onDayInput,
        }),
        h('button', {
          type: 'button', class: 'fjs-input-adornment border-left border-radius-right ravand-calendar-button', ref: button,
          'aria-label': t('forms.date.open'), 'aria-expanded': open ? 'true' : 'false', 'aria-controls': calendarId,
          disabled: locked, 'data-testid': 'open-calendar', onClick: () => setOpen(!open),
        }, calendarIcon())),
      open && !locked ? h(JalaliCalendar, { selected: state.current.day, onPick: pick, onClose: () => { setOpen(false); button.current?.focus(); }, id: calendarId }) : null),
    withTime ? h('div', { class: 'fjs-datetime-subsection ravand-time-part' },
      h(Label, { htmlFor: timeId, label: timeLabel, required: validate.required }),
      h('input', {
        class: 'fjs-input ravand-time', id: timeId, type: 'text', autoComplete: 'off', value: timeText, placeholder: t('forms.time.placeholder'),
        disabled, readOnly: readonly, required: validate.required, inputMode: 'numeric', onInput: onTimeInput,
        onBlur: () => { if (state.current.minutes !== null) setTimeText(persianDigits(`${pad(Math.floor(state.current.minutes / 60))}:${pad(state.current.minutes % 60)}`)); },
      })) : null),
  h(Description, { id: descriptionId, description }),
  h(Errors, { id: errorId, errors: allErrors }));
}

export function LocalDatetime(props) {
  const subtype = props.field.subtype || 'date';
  if (locale() !== 'fa' || subtype === 'time') return h(Datetime, props);
  return h(JalaliDatetime, props);
}
LocalDatetime.config = { ...Datetime.config };

// The form-js module: registers the renderers above in place of the number and date-time ones.
export class LocalFields {
  static $inject = ['formFields'];

  constructor(formFields) {
    formFields.register('number', LocalNumber);
    formFields.register('datetime', LocalDatetime);
  }
}

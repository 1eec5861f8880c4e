// Numbers as people type and read them: Persian (۰-۹) and Arabic-Indic (٠-٩) digits, the Persian and Arabic
// group separators (٬ ،) or a comma, the Persian decimal sign (٫) or a point. The value kept is the plain
// number text in Latin digits ("125000", "-12.5"); what is shown is grouped in the reader's way.

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const PLAIN = /^-?(\d+(\.\d*)?|\.\d+)$/;

// The plain number text of what was typed: '' when nothing was, null when it is no number.
export function plainNumber(text) {
  const latin = String(text ?? '')
    .replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/٫/g, '.')
    .replace(/[٬،,'\s\u200c\u200e\u200f\u061c]/g, '');
  if (latin === '') return '';
  return PLAIN.test(latin) ? latin : null;
}

// Plain number text moved by `places` decimal places (1: ×10, -1: ÷10), exactly, without floating point.
export function shiftDecimal(text, places) {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  let digits = `${whole}${fraction}`;
  let point = whole.length + places;
  if (point < 0) { digits = '0'.repeat(-point) + digits; point = 0; }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  let int = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  if (int === '') int = '0';
  const out = frac ? `${int}.${frac}` : int;
  return negative && /[1-9]/.test(out) ? `-${out}` : out;
}

// Plain number text grouped for the reader: "۱۲۵٬۰۰۰٫۵" in Persian, "125,000.5" in English.
export function groupedNumber(text, locale) {
  const plain = plainNumber(text);
  if (!plain) return plain === '' ? '' : String(text);
  const negative = plain.startsWith('-');
  const [whole, fraction] = (negative ? plain.slice(1) : plain).split('.');
  const fa = locale === 'fa';
  const grouped = (whole || '0').replace(/\B(?=(\d{3})+(?!\d))/g, fa ? '٬' : ',');
  let out = fraction !== undefined ? `${grouped}${fa ? '٫' : '.'}${fraction}` : grouped;
  if (fa) out = out.replace(/[0-9]/g, (d) => PERSIAN[d]);
  return negative ? `${fa ? '\u2212' : '-'}${out}` : out;
}

export const persianDigits = (text) => String(text).replace(/[0-9]/g, (d) => PERSIAN[d]);

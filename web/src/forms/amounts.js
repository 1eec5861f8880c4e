// Amounts are stored in rials; each person reads and types them in rials or tomans (1 toman = 10 rials), as
// they chose on their preferences page (GET/PATCH /api/v1/me/preferences). A form marks its amount fields
// with the custom property `amount: rial` (form-js editor: Custom properties).

import { api } from '../core/api.js';

export const UNITS = ['rial', 'toman'];
let unit = 'rial';
let loaded = null;

export const amountUnit = () => unit;
export function setAmountUnit(value) { unit = UNITS.includes(value) ? value : 'rial'; }

// The signed-in person's unit, asked once per page load (rials when it cannot be read).
export function loadAmountUnit() {
  loaded ??= api.get('/me/preferences').then((prefs) => setAmountUnit(prefs.amount_unit)).catch(() => setAmountUnit('rial'));
  return loaded;
}

export async function saveAmountUnit(value) {
  const prefs = await api.patch('/me/preferences', { amount_unit: value });
  setAmountUnit(prefs.amount_unit);
  return prefs;
}

export const isAmount = (field) => field?.properties?.amount === 'rial';

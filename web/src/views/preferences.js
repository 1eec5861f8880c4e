// My preferences (everyone signed in): the unit task forms show and take amounts in (rials or tomans;
// amounts are stored in rials either way) and how notices reach me beside the inbox (auto, e-mail, SMS, inbox
// only). The interface language is switched from the top bar.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { errorBox, setBusy, toast } from '../core/ui.js';
import { loadAmountUnit, amountUnit, saveAmountUnit, UNITS } from '../forms/amounts.js';

const CHANNELS = ['auto', 'email', 'sms', 'app'];

export async function render({ root }) {
  await loadAmountUnit();
  const current = await api.get('/me/preferences');
  const channel = h('select', { class: 'input', name: 'notice_channel', 'data-testid': 'notice-channel' },
    CHANNELS.map((c) => h('option', { value: c, selected: current.notice_channel === c }, t(`prefs.channel.${c}`))));
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const choices = UNITS.map((unit) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'amount_unit', value: unit, checked: amountUnit() === unit, 'data-testid': `unit-${unit}` }),
    ' ', t(`prefs.unit.${unit}`)));
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'save-preferences' }, t('prefs.save'));
  const form = h('form', {
    class: 'card stack', 'data-testid': 'preferences',
    onsubmit: async (event) => {
      event.preventDefault();
      const unit = form.querySelector('input[name=amount_unit]:checked')?.value || 'rial';
      replace(alertBox);
      setBusy(save, true);
      try {
        await saveAmountUnit(unit);
        await api.patch('/me/preferences', { notice_channel: channel.value });
        toast(t('prefs.saved'), 'ok');
      } catch (error) {
        replace(alertBox, errorBox(error));
      } finally {
        setBusy(save, false);
      }
    },
  },
  h('fieldset', { class: 'stack' }, h('legend', {}, t('prefs.amount_unit')), ...choices,
    h('small', { class: 'muted' }, t('prefs.amount_unit_hint'))),
  h('label', { class: 'field' }, h('span', {}, t('prefs.channel')), channel, h('small', { class: 'muted' }, t('prefs.channel_hint'))),
  alertBox,
  h('div', { class: 'row end' }, save));
  replace(root, h('header', { class: 'page-header' }, h('h1', { tabindex: '-1' }, t('prefs.title'))), form);
}

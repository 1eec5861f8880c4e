// The pipeline's stages (administrators): each stage's Persian and English labels, order, default chance and
// whether it takes deals; a new open stage; removing a stage no opportunity ever held. The server keeps the
// rules (a key never changes; one won and one lost stage, always active; a stage in use is only deactivated)
// and its refusals appear beside the stage in the administrator's language.

import { api, request } from '../core/api.js';
import { h, ltr, replace } from '../core/dom.js';
import { formField, sendsTo } from '../core/fields.js';
import { inLanguage } from '../core/bilingual.js';
import { digits, locale, t, typedNumber } from '../core/i18n.js';
import { errorBox, loading, pageHeader, toast } from '../core/ui.js';
import { shown } from './opportunity_actions.js';

const input = (name, value, attrs = {}) => h('input', { class: 'input', name, value: value ?? '', autocomplete: 'off', ...attrs });
const whole = (values, names) => { for (const n of names) if (values[n] !== undefined) values[n] = typedNumber(values[n]); return values; };
// a whole number box: typed on either keyboard (typedNumber reads Persian digits), shown in the reader's digits
const count = (name, value, attrs = {}) => input(name, value === null || value === undefined ? '' : digits(String(value)), { inputmode: 'numeric', dir: 'ltr', maxlength: 6, ...attrs });

function stageForm(stage, reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-small', 'data-testid': 'stage-save' }, t('lists.save'));
  const closing = stage.kind !== 'open';
  const active = h('input', { type: 'checkbox', name: 'active', checked: stage.active, disabled: closing, 'data-testid': 'stage-active' });
  const remove = stage.kind === 'open' && !stage.in_use ? h('button', {
    type: 'button', class: 'btn btn-danger btn-small', 'data-testid': 'stage-remove',
    onclick: async () => {
      try {
        await request('DELETE', `/pipeline/stages/${encodeURIComponent(stage.key)}`);
        toast(t('pipeline_stages.removed'), 'ok');
        await reload();
      } catch (error) {
        replace(alertBox, h('div', { class: 'alert alert-error', role: 'alert' }, inLanguage(error.detail || error.message, locale())));
      }
    },
  }, t('pipeline_stages.remove')) : null;
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'stage-form', 'data-stage': stage.key },
    h('h2', {}, ltr(stage.key), ' · ', t(`pipeline_stages.kind.${stage.kind}`), stage.in_use ? h('small', { class: 'muted' }, ` (${t('pipeline_stages.in_use')})`) : null),
    h('div', { class: 'pair' },
      formField('label_fa', t('lists.label_fa'), input('label_fa', stage.label_fa, { dir: 'rtl', lang: 'fa', maxlength: 80 })),
      formField('label_en', t('lists.label_en'), input('label_en', stage.label_en, { dir: 'ltr', lang: 'en', maxlength: 80 }))),
    h('div', { class: 'pair' },
      formField('probability', t('pipeline.probability'), count('probability', stage.probability, { disabled: closing })),
      closing ? null : formField('position', t('pipeline_stages.position'), count('position', stage.position))),
    h('label', { class: 'check' }, active, t('pipeline_stages.active')),
    alertBox, h('div', { class: 'row end' }, remove, submit));
  sendsTo(form, {
    alertBox, submit, shown: shown({ owner: '' }),
    send: (values) => {
      const body = whole(values, ['probability', 'position']);
      if (closing) delete body.active;
      return api.patch(`/pipeline/stages/${encodeURIComponent(stage.key)}`, body);
    },
    done: async () => { toast(t('lists.saved'), 'ok'); await reload(); },
  });
  return form;
}

function addForm(reload) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'stage-add-submit' }, t('pipeline_stages.add'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'stage-add' },
    h('h2', {}, t('pipeline_stages.add')),
    h('div', { class: 'pair' },
      formField('key', t('lists.key'), input('key', '', { dir: 'ltr', maxlength: 20, 'data-testid': 'stage-key' }), { required: true, hint: t('pipeline_stages.key_hint') }),
      formField('probability', t('pipeline.probability'), count('probability', 0))),
    h('div', { class: 'pair' },
      formField('label_fa', t('lists.label_fa'), input('label_fa', '', { dir: 'rtl', lang: 'fa', maxlength: 80 }), { required: true }),
      formField('label_en', t('lists.label_en'), input('label_en', '', { dir: 'ltr', lang: 'en', maxlength: 80 }), { required: true })),
    alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown: shown({ owner: '' }),
    send: (values) => api.post('/pipeline/stages', whole(values, ['probability'])),
    done: async () => { toast(t('lists.saved'), 'ok'); await reload(); },
  });
  return form;
}

export async function render({ root }) {
  const body = h('div', { class: 'stack', 'data-testid': 'pipeline-stages' }, loading());
  async function reload() {
    try {
      const stages = await api.get('/pipeline/stages');
      replace(body, stages.map((s) => stageForm(s, reload)), addForm(reload));
    } catch (error) {
      replace(body, errorBox(error));
    }
  }
  replace(root, pageHeader(t('pipeline_stages.title'), h('a', { class: 'btn', href: '/app/pipeline' }, t('pipeline.title'))),
    h('p', { class: 'muted' }, t('pipeline_stages.intro')), body);
  await reload();
}

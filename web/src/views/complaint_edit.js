// A complaint's two forms: a note (public: the customer reads it in the portal; internal: only employees) and
// the triage correction (kind, category, severity; PATCH sends only what changed, the process routes the open
// task again and recomputes its SLA deadline). The server's field errors show under their fields in the
// reader's language.

import { api } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { checkField, formField, formValues, options, sendsTo } from '../core/fields.js';
import { t } from '../core/i18n.js';
import { listSelect } from '../core/lists.js';
import { setBusy, toast } from '../core/ui.js';
import { changes, shown } from './lead_edit.js';

const SEVERITIES = ['low', 'medium', 'high', 'critical'];

// Resolves with the form's values once every managed-list select in it has its options.
function filled(form) {
  return Promise.all([...form.querySelectorAll('select[data-list]')].map((select) => new Promise((resolve) => {
    if (!select.hasAttribute('aria-busy')) resolve();
    else new MutationObserver((_, observer) => { if (!select.hasAttribute('aria-busy')) { observer.disconnect(); resolve(); } })
      .observe(select, { attributes: true });
  }))).then(() => formValues(form));
}

export function noteForm(complaint, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'note-save' }, t('complaint_page.add_note'));
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'complaint-note' },
    h('h2', {}, t('complaint_page.new_note')),
    formField('text', t('complaint_page.note_text'), h('textarea', { class: 'input', rows: 3, maxlength: 4000, dir: 'auto', 'data-testid': 'note-text' })),
    checkField('public', t('complaint_page.note_public')),
    h('p', { class: 'muted' }, t('complaint_page.note_hint')), alertBox, h('div', { class: 'row end' }, submit));
  sendsTo(form, {
    alertBox, submit, shown,
    send: (values) => api.post(`/complaints/${complaint.id}/updates`, { text: values.text ?? '', public: Boolean(values.public) }),
    done: () => { toast(t('complaint_page.note_saved'), 'ok'); saved(); },
  });
  return form;
}

export function correctForm(complaint, saved) {
  const alertBox = h('div', { 'aria-live': 'assertive' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'complaint-save' }, t('lead_page.save'));
  const listed = (name, list) => listSelect(list, { selected: complaint[name] || '', attrs: { 'data-testid': `edit-${name}` } });
  const form = h('form', { class: 'card stack', novalidate: true, 'data-testid': 'complaint-edit' },
    h('h2', {}, t('complaint_page.edit')), h('p', { class: 'muted' }, t('complaint_page.edit_intro')),
    h('div', { class: 'pair' },
      formField('kind', t('complaints.kind'), listed('kind', 'complaint_kind')),
      formField('category', t('portal.category'), listed('category', 'complaint_category')),
      formField('severity', t('portal.severity'), h('select', { class: 'input', 'data-testid': 'edit-severity' },
        options(SEVERITIES, 'complaint.severity', { selected: complaint.severity })))),
    alertBox, h('div', { class: 'row end' }, submit));
  const ready = filled(form);
  sendsTo(form, {
    alertBox, submit, shown,
    send: async (values) => {
      const changed = changes(await ready, values);
      return Object.keys(changed).length ? api.patch(`/complaints/${complaint.id}`, changed) : null;
    },
    done: (answer) => {
      if (answer === null) {
        setBusy(submit, false);
        replace(alertBox, h('p', { class: 'alert', role: 'status', 'data-testid': 'complaint-unchanged' }, t('lead_page.unchanged')));
        return;
      }
      toast(t('complaint_page.saved'), 'ok');
      saved();
    },
  });
  return form;
}

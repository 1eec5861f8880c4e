// The form-js editor for user-task forms.

import { FormEditor } from '@bpmn-io/form-js-editor';

export async function createFormEditor(container, schema) {
  const editor = new FormEditor({ container });
  await editor.importSchema(schema);
  return editor;
}

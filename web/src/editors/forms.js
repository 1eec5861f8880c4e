// The form-js editor for user-task forms. It has no translate hook: in Persian its own strings are put
// into Persian as they are rendered (fixed-strings.js).

import { FormEditor } from '@bpmn-io/form-js-editor';
import { translateRendered } from './fixed-strings.js';

export async function createFormEditor(container, schema) {
  translateRendered(container);
  const editor = new FormEditor({ container });
  await editor.importSchema(schema);
  return editor;
}

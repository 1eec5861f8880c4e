// dmn-js: decision tables (and the DRD and literal expressions around them).

import DmnModeler from 'dmn-js/lib/Modeler';
import { DmnNamesModule, NAMES_MODDLE } from './dmn-names.js';
import { TranslateModule } from './translate.js';

// dmn-js gives each view its own options: the `common` options' additionalModules are replaced by the
// view's own (dmn-js-shared Manager#_createViewer), so the translation goes to every view by name.
const VIEWS = ['drd', 'decisionTable', 'literalExpression', 'boxedExpression'];

export function createDmnModeler(container) {
  return new DmnModeler({
    container,
    moddleExtensions: { camunda: NAMES_MODDLE },
    ...Object.fromEntries(VIEWS.map((view) => [view, { additionalModules: [TranslateModule] }])),
    decisionTable: { additionalModules: [TranslateModule, DmnNamesModule] },
  });
}

export async function openDmn(modeler, xml) {
  await modeler.importXML(xml);
  // open the first decision table rather than the requirements diagram, when there is one
  const table = modeler.getViews().find((view) => view.type === 'decisionTable');
  if (table) await modeler.open(table);
}

// dmn-js: decision tables (and the DRD and literal expressions around them).

import DmnModeler from 'dmn-js/lib/Modeler';
import { TranslateModule } from './translate.js';

export function createDmnModeler(container) {
  return new DmnModeler({
    container,
    common: { additionalModules: [TranslateModule] },
  });
}

export async function openDmn(modeler, xml) {
  await modeler.importXML(xml);
  // open the first decision table rather than the requirements diagram, when there is one
  const table = modeler.getViews().find((view) => view.type === 'decisionTable');
  if (table) await modeler.open(table);
}

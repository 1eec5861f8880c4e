// bpmn-js with the Camunda 7 extensions Ravand reads: the modeler with its properties panel (the read-only
// viewer for instances and comparisons, and the layout for diagrams deployed without one, are in viewer.js).

import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import { NamesPropertiesModule } from './names-provider.js';
import { PropertiesFilterModule } from './properties-filter.js';
import { TranslateModule } from './translate.js';
import { EXTENSIONS } from './viewer.js';

// the viewer's functions, for the modeler's page
export { createViewer, focusElement, open, withLayout } from './viewer.js';

export function createModeler(canvas, panel) {
  return new BpmnModeler({
    container: canvas,
    propertiesPanel: { parent: panel },
    additionalModules: [
      BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, CamundaPlatformPropertiesProviderModule,
      CamundaBehaviorsModule, PropertiesFilterModule, TranslateModule, NamesPropertiesModule,
    ],
    moddleExtensions: EXTENSIONS,
  });
}

// Problems from the server's checks, marked on their elements (and their names listed by the caller).
export function markProblems(instance, problems) {
  const overlays = instance.get('overlays');
  const canvas = instance.get('canvas');
  const registry = instance.get('elementRegistry');
  overlays.remove({ type: 'ravand-problem' });
  for (const element of registry.getAll()) canvas.removeMarker(element.id, 'rv-problem');
  const counts = {};
  for (const problem of problems) {
    if (!problem.element_id || !registry.get(problem.element_id)) continue;
    counts[problem.element_id] = (counts[problem.element_id] || 0) + 1;
  }
  for (const [id, count] of Object.entries(counts)) {
    canvas.addMarker(id, 'rv-problem');
    const badge = document.createElement('span');
    badge.className = 'rv-problem-badge';
    badge.textContent = String(count);
    badge.title = problems.filter((p) => p.element_id === id).map((p) => p.message).join('\n');
    overlays.add(id, 'ravand-problem', { position: { top: -10, right: 10 }, html: badge });
  }
}

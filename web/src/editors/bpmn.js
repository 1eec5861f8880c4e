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

import { open as openDiagram } from './viewer.js';

// the viewer's functions, for the modeler's page
export { createViewer, focusElement, withLayout } from './viewer.js';

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

// The diagram fitted to the part of the canvas its palette leaves free. bpmn-js fits it to the whole canvas
// and floats the palette over it: at the left in English, at the right in Persian, where a diagram drawn
// left to right ends, so its last tasks and end events sat under the palette.
export function fitBesidePalette(instance, margin = 16) {
  const canvas = instance.get('canvas');
  const container = canvas.getContainer();
  const palette = container.querySelector('.djs-palette');
  const { inner, outer } = canvas.viewbox();
  if (!palette || !inner.width || !inner.height || !outer.width || !outer.height) return;
  const area = container.getBoundingClientRect();
  const tools = palette.getBoundingClientRect();
  const atRight = tools.left + tools.width / 2 > area.left + area.width / 2;
  const taken = atRight ? area.right - tools.left : tools.right - area.left;
  const freeWidth = outer.width - taken - 2 * margin;
  const freeHeight = outer.height - 2 * margin;
  if (freeWidth <= 0 || freeHeight <= 0) return;
  const scale = Math.min(freeWidth / inner.width, freeHeight / inner.height, 1);
  const start = (atRight ? margin : taken + margin) + (freeWidth - inner.width * scale) / 2;
  const top = (outer.height - inner.height * scale) / 2;
  canvas.viewbox({
    x: inner.x - start / scale, y: inner.y - top / scale, width: outer.width / scale, height: outer.height / scale,
  });
}

export async function open(instance, xml) {
  const result = await openDiagram(instance, xml);
  fitBesidePalette(instance);
  return result;
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

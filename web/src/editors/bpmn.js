// bpmn-js with the Camunda 7 extensions Ravand reads: a modeler with its properties panel, a viewer
// for instances and comparisons, and a layout for diagrams deployed without one.

import BpmnModeler from 'bpmn-js/lib/Modeler';
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  CamundaPlatformPropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import CamundaBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-platform';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { NamesPropertiesModule } from './names-provider.js';
import { PropertiesFilterModule } from './properties-filter.js';
import { TranslateModule } from './translate.js';

const EXTENSIONS = { camunda: camundaModdle };

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

export function createViewer(canvas) {
  return new NavigatedViewer({ container: canvas, additionalModules: [TranslateModule], moddleExtensions: EXTENSIONS });
}

const BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

// The layout walks each node's <incoming>/<outgoing>, which hand-written XML often leaves out (BPMN
// only needs the flows' sourceRef/targetRef): add them where missing.
function withFlowRefs(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return xml;
  const byId = new Map([...doc.getElementsByTagName('*')].filter((el) => el.id).map((el) => [el.id, el]));
  const has = (node, tag, id) => [...node.children].some((c) => c.localName === tag && c.textContent.trim() === id);
  for (const flow of doc.getElementsByTagNameNS(BPMN_NS, 'sequenceFlow')) {
    for (const [ref, tag] of [['sourceRef', 'outgoing'], ['targetRef', 'incoming']]) {
      const node = byId.get(flow.getAttribute(ref));
      if (!node || has(node, tag, flow.id)) continue;
      const child = doc.createElementNS(BPMN_NS, flow.prefix ? `${flow.prefix}:${tag}` : tag);
      child.textContent = flow.id;
      node.append(child);
    }
  }
  return new XMLSerializer().serializeToString(doc);
}

// Diagrams written by hand or by tools without a layout have no DI: draw one so they can be seen.
export async function withLayout(xml) {
  if (/BPMNDiagram/.test(xml) && /BPMNShape/.test(xml)) return { xml, laidOut: false };
  const { layoutProcess } = await import('bpmn-auto-layout');
  return { xml: await layoutProcess(withFlowRefs(xml)), laidOut: true };
}

export async function open(instance, xml) {
  const prepared = await withLayout(xml);
  const result = await instance.importXML(prepared.xml);
  instance.get('canvas').zoom('fit-viewport', 'auto');
  return { ...result, laidOut: prepared.laidOut };
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

export function focusElement(instance, id) {
  const registry = instance.get('elementRegistry');
  const element = registry.get(id);
  if (!element) return;
  const canvas = instance.get('canvas');
  try { instance.get('selection').select(element); } catch { /* viewers have no selection */ }
  canvas.scrollToElement(element);
}

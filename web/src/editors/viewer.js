// The read-only diagram viewer for instances and comparisons, apart from the modeler so that those pages
// do not load the modeler and its properties panel (about 1.6 MB of script) to show a diagram.

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import camundaModdle from 'camunda-bpmn-moddle/resources/camunda.json';
import { TranslateModule } from './translate.js';

export const EXTENSIONS = { camunda: camundaModdle };

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

export function focusElement(instance, id) {
  const registry = instance.get('elementRegistry');
  const element = registry.get(id);
  if (!element) return;
  const canvas = instance.get('canvas');
  try { instance.get('selection').select(element); } catch { /* viewers have no selection */ }
  canvas.scrollToElement(element);
}

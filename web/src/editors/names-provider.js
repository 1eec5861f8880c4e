// The modeler's "Persian name" (نام فارسی) entry: in the properties panel's General group, beside Name, for the
// process and every element that has a name. It reads and writes the element's Camunda extension property
// `name:fa` (what Camunda Modeler's "Extension properties" group writes), so a diagram keeps its English `name`
// and carries its Persian name with it; the engine shows the Persian name to Persian readers.
//
// Written with the properties panel's public provider API (propertiesPanel.registerProvider, getGroups, the
// TextFieldEntry component and useService), and one undoable command per change.

import { isTextFieldEntryEdited, TextFieldEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { t } from '../core/i18n.js';

export const NAME_PREFIX = 'name:';
const NAMED = ['bpmn:Process', 'bpmn:FlowElement', 'bpmn:Participant', 'bpmn:Lane', 'bpmn:TextAnnotation'];

// The business object that holds the names: a pool's process is named on the process itself.
function owner(element) {
  const bo = getBusinessObject(element);
  return bo && isAny(bo, NAMED) && !is(bo, 'bpmn:TextAnnotation') ? bo : null;
}

function propertiesOf(bo) {
  return (bo.extensionElements?.values || []).filter((value) => is(value, 'camunda:Properties'));
}

export function localName(bo, lang) {
  for (const group of propertiesOf(bo)) {
    const found = (group.values || []).find((prop) => prop.name === `${NAME_PREFIX}${lang}`);
    if (found) return found.value || '';
  }
  return '';
}

// The commands that set (or, with an empty value, remove) the element's `name:<lang>` property.
export function nameCommands(element, bo, lang, value, bpmnFactory) {
  const text = (value || '').replace(/\s+/g, ' ').trim();
  const key = `${NAME_PREFIX}${lang}`;
  const update = (moddleElement, properties) => ({ cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } });
  const commands = [];
  for (const group of propertiesOf(bo)) {
    const found = (group.values || []).find((prop) => prop.name === key);
    if (!found) continue;
    return [text ? update(found, { value: text }) : update(group, { values: group.values.filter((prop) => prop !== found) })];
  }
  if (!text) return commands;
  let extensions = bo.extensionElements;
  if (!extensions) {
    extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = bo;
    commands.push(update(bo, { extensionElements: extensions }));
  }
  let group = propertiesOf(bo)[0];
  if (!group) {
    group = bpmnFactory.create('camunda:Properties', { values: [] });
    group.$parent = extensions;
    commands.push(update(extensions, { values: [...(extensions.values || []), group] }));
  }
  const prop = bpmnFactory.create('camunda:Property', { name: key, value: text });
  prop.$parent = group;
  commands.push(update(group, { values: [...(group.values || []), prop] }));
  return commands;
}

function PersianName(props) {
  const { element, id } = props;
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const debounce = useService('debounceInput');
  const bo = owner(element);
  return h(TextFieldEntry, {
    id, element, debounce,
    label: t('names.persian_name'),
    description: t('names.persian_name_hint'),
    getValue: () => localName(bo, 'fa'),
    setValue: (value) => {
      const commands = nameCommands(element, bo, 'fa', value, bpmnFactory);
      if (commands.length) commandStack.execute('properties-panel.multi-command-executor', commands);
    },
  });
}

class NamesProvider {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(400, this); // after the Camunda provider (500), before the filter (100)
  }

  getGroups(element) {
    return (groups) => {
      if (!owner(element)) return groups;
      const general = groups.find((group) => group.id === 'general');
      if (!general) return groups;
      const entry = { id: 'ravandPersianName', element, component: PersianName, isEdited: isTextFieldEntryEdited };
      const at = general.entries.findIndex((e) => e.id === 'name');
      general.entries.splice(at >= 0 ? at + 1 : general.entries.length, 0, entry);
      return groups;
    };
  }
}

NamesProvider.$inject = ['propertiesPanel'];

export const NamesPropertiesModule = {
  __init__: ['ravandNamesProvider'],
  ravandNamesProvider: ['type', NamesProvider],
};

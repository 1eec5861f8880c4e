// Persian names in decision tables, with the diagrams' convention: the decision, each input and output carry
// their Persian name as a Camunda extension property `name:fa`, and each rule its Persian annotation as
// `description:fa`, inside the element's <extensionElements> (DMN 1.3 allows them on every element; the
// engine reads the table's ids, expressions and English labels as before and passes over them):
//
//   <input id="in_category" label="Category">
//     <extensionElements><camunda:properties><camunda:property name="name:fa" value="دسته"/></camunda:properties></extensionElements>
//     <inputExpression …>
//
// In Persian the table's header shows the Persian names of the inputs and outputs (the English label in each
// cell's title) and the Persian name of the decision above the table; the annotation column shows and edits
// each rule's Persian annotation (the English one in the cell's title, and shown greyed where there is no
// Persian yet); «نام‌های فارسی…» shows and edits them all as one undoable change. The English labels and
// annotations stay the decision's own, edited as before in English.

import { Component, createVNode } from 'inferno';
import InputCell from 'dmn-js-decision-table/lib/features/decision-table-head/editor/components/InputCell';
import OutputCell from 'dmn-js-decision-table/lib/features/decision-table-head/editor/components/OutputCell';
import AnnotationHeader from 'dmn-js-decision-table/lib/features/annotations/components/AnnotationHeader';
import AnnotationCell from 'dmn-js-decision-table/lib/features/annotations/editor/components/AnnotationCell';
import { h } from '../core/dom.js';
import { locale, t } from '../core/i18n.js';
import { dialog, field } from '../core/ui.js';

const CAMUNDA_URI = 'http://camunda.org/schema/1.0/bpmn';

// what dmn-moddle needs to read and write camunda:properties (the part of Camunda's BPMN extension the
// names use; without it they would be kept as unknown XML, not readable or editable here)
export const NAMES_MODDLE = {
  name: 'Camunda', prefix: 'camunda', uri: CAMUNDA_URI, xml: { tagAlias: 'lowerCase' }, associations: [],
  types: [
    { name: 'Properties', superClass: ['Element'], properties: [{ name: 'values', type: 'Property', isMany: true }] },
    {
      name: 'Property', superClass: ['Element'],
      properties: [{ name: 'id', type: 'String', isAttr: true }, { name: 'name', type: 'String', isAttr: true },
        { name: 'value', type: 'String', isAttr: true }],
    },
  ],
};

const groupsOf = (bo) => (bo?.extensionElements?.values || []).filter((value) => value.$instanceOf?.('camunda:Properties'));

// `name:fa` (or `description:fa`) of a decision, input, output or rule; '' when it has none
export function localText(bo, key) {
  for (const group of groupsOf(bo)) {
    const found = (group.values || []).find((prop) => prop.name === key);
    if (found) return found.value || '';
  }
  return '';
}

// A copy of the element's extension elements with `key` set to `text` (removed when empty), for one
// updateProperties command: nothing already in the model is changed in place, so undo restores it.
function withText(bo, key, text) {
  const moddle = bo.$model;
  const old = bo.extensionElements;
  const extensions = moddle.create('dmn:ExtensionElements', { values: [] });
  extensions.$parent = bo;
  let placed = !text;
  for (const value of old?.values || []) {
    if (!value.$instanceOf?.('camunda:Properties')) { extensions.values.push(value); continue; }
    const group = moddle.create('camunda:Properties', { values: [] });
    group.$parent = extensions;
    for (const prop of value.values || []) {
      if (prop.name !== key) { group.values.push(prop); continue; }
      if (!placed) { group.values.push(Object.assign(moddle.create('camunda:Property', { name: key, value: text }), { $parent: group })); placed = true; }
    }
    if (group.values.length) extensions.values.push(group);
  }
  if (!placed) {
    const group = moddle.create('camunda:Properties', { values: [] });
    group.$parent = extensions;
    group.values.push(Object.assign(moddle.create('camunda:Property', { name: key, value: text }), { $parent: group }));
    extensions.values.push(group);
  }
  return extensions.values.length ? extensions : undefined;
}

const persian = () => locale() === 'fa';

// The label line of a header cell: the Persian name shown, the English label (or expression) in its title.
function relabel(vnode, bo, english) {
  const name = persian() && localText(bo, 'name:fa');
  if (!name || !Array.isArray(vnode?.children)) return vnode;
  const line = vnode.children.find((child) => /\b(input|output)-(label|expression|name)\b/.test(child?.className || ''));
  if (!line) return vnode;
  const index = vnode.children.indexOf(line);
  vnode.children[index] = createVNode(1, 'div', `${line.className} rv-name-fa`, name, 0, { title: english, lang: 'fa', dir: 'rtl' });
  return vnode;
}

class PersianInputCell extends InputCell {
  render() {
    const { input } = this.props;
    return relabel(super.render(), input, input.get('label') || input.inputExpression?.text || '');
  }
}

class PersianOutputCell extends OutputCell {
  render() {
    const { output } = this.props;
    return relabel(super.render(), output, output.label || output.name || '');
  }
}

// A rule's annotation cell: dmn-js's own, which in Persian holds `description:fa` instead of `description`
// (typing there changes the Persian annotation through dmn-js's property update, undone as any edit).
class PersianAnnotationCell extends AnnotationCell {
  constructor(props, context) {
    super(props, context);
    const english = this.setAnnotationValue;
    this.setAnnotationValue = (text) => {
      if (!persian()) { english(text); return; }
      const rule = this.props.row.businessObject;
      const said = (text || '').trim() ? text : '';
      if (said !== localText(rule, 'description:fa')) {
        this.modeling.updateProperties(rule, { extensionElements: withText(rule, 'description:fa', said) });
      }
    };
  }

  render() {
    const vnode = super.render();
    if (!persian() || !vnode?.props) return vnode;
    const rule = this.props.row.businessObject;
    const text = localText(rule, 'description:fa');
    const editor = vnode.props.children;
    Object.assign(vnode.props, { value: text, title: rule.description || '', lang: 'fa' });
    // what was typed is kept when the cell is left, not only once typing pauses (the names dialog reads it)
    const typed = (event) => { if (typeof event?.target?.innerText === 'string') this.setAnnotationValue(event.target.innerText.replace(/\n$/, '')); };
    if (editor?.props) Object.assign(editor.props, { value: text, placeholder: text ? '' : rule.description || '', onBlur: typed });
    return vnode;
  }
}

// Every element the dialog names: the decision, its inputs and outputs, its rules.
function namedParts(decision) {
  const table = decision.decisionLogic;
  const label = (bo, fallback) => bo.label || fallback || bo.id;
  return [
    { bo: decision, key: 'name:fa', english: decision.name || decision.id, kind: 'decision' },
    ...(table.input || []).map((bo) => ({ bo, key: 'name:fa', english: label(bo, bo.inputExpression?.text), kind: 'input' })),
    ...(table.output || []).map((bo) => ({ bo, key: 'name:fa', english: label(bo, bo.name), kind: 'output' })),
    ...(table.rule || []).map((bo, index) => ({ bo, key: 'description:fa', english: bo.description || '', kind: 'rule', index: index + 1 })),
  ];
}

async function editNames(sheet, commandStack) {
  const decision = sheet.getRoot().businessObject.$parent;
  const parts = namedParts(decision);
  const values = await dialog(t('dmn_names.title'), [
    h('p', { class: 'muted' }, t('dmn_names.intro')),
    ...parts.map((part, index) => field(
      part.kind === 'rule' ? t('dmn_names.rule', { n: part.index }) : t(`dmn_names.${part.kind}`),
      h('input', { class: 'input', name: `p${index}`, value: localText(part.bo, part.key), dir: 'rtl', lang: 'fa', 'data-testid': `dmn-name-${part.bo.id}` }),
      part.english ? h('span', { dir: 'ltr', lang: 'en', class: 'rv-english muted' }, part.english) : null)),
  ], { submit: t('dmn_names.save') });
  if (!values) return;
  const changes = parts.map((part, index) => ({ ...part, text: (values[`p${index}`] || '').replace(/\s+/g, ' ').trim() }))
    .filter((part) => part.text !== localText(part.bo, part.key))
    .map((part) => ({ element: part.bo, properties: { extensionElements: withText(part.bo, part.key, part.text) } }));
  if (changes.length) commandStack.execute('rv.names.update', { changes }); // one step on the undo stack
}

// the Persian name of the decision above the table, and the button that edits the names
class NamesBar extends Component {
  constructor(props, context) {
    super(props, context);
    this._sheet = context.injector.get('sheet');
    this._commandStack = context.injector.get('commandStack');
    this._changeSupport = context.injector.get('changeSupport');
    this._decision = this._sheet.getRoot().businessObject.$parent;
    this.onChanged = () => this.forceUpdate();
  }

  componentWillMount() { this._changeSupport.onElementsChanged(this._decision.id, this.onChanged); }

  componentWillUnmount() { this._changeSupport.offElementsChanged(this._decision.id, this.onChanged); }

  render() {
    const name = persian() && localText(this._decision, 'name:fa');
    return createVNode(1, 'div', 'rv-dmn-names', [
      name ? createVNode(1, 'span', 'rv-dmn-name-fa', name, 0, { lang: 'fa', dir: 'rtl', 'data-testid': 'dmn-name-fa' }) : null,
      createVNode(1, 'button', 'btn btn-small', t('dmn_names.edit'), 0, {
        type: 'button', 'data-testid': 'dmn-names-edit', onClick: () => editNames(this._sheet, this._commandStack),
      }),
    ], 0);
  }
}

// the dialog's changes as one command: each is dmn-js's own property update, undone together
class MultiUpdate {
  constructor(commandStack) { this._stack = commandStack; }
  preExecute({ changes }) {
    for (const change of changes) this._stack.execute('element.updateProperties', change);
  }
  execute() { return []; }
  revert() { return []; }
}
MultiUpdate.$inject = ['commandStack'];

class DmnNames {
  constructor(components, commandStack) {
    commandStack.registerHandler('rv.names.update', MultiUpdate);
    components.onGetComponent('cell', 1500, ({ cellType }) => {
      if (cellType === 'input-header') return PersianInputCell;
      if (cellType === 'output-header') return PersianOutputCell;
      return undefined;
    });
    components.onGetComponent('table.before', 400, () => NamesBar);
  }
}
DmnNames.$inject = ['components', 'commandStack'];

// The annotation column: dmn-js renders every provider's cell after a rule's cells, so the editor's own
// provider (its service `annotationsProvider`) is replaced by this one, which gives dmn-js's header and the
// cell above, instead of a second column beside it.
function AnnotationsProvider(components) {
  components.onGetComponent('cell', ({ cellType }) => {
    if (cellType === 'after-label-cells') return AnnotationHeader;
    if (cellType === 'after-rule-cells') return PersianAnnotationCell;
    return undefined;
  });
}
AnnotationsProvider.$inject = ['components'];

export const DmnNamesModule = {
  __init__: ['ravandDmnNames', 'annotationsProvider'],
  ravandDmnNames: ['type', DmnNames],
  annotationsProvider: ['type', AnnotationsProvider],
};

// The designer's workspace: the diagram in bpmn-js with its properties panel, the DMN tables in
// dmn-js, the forms in the form-js editor; "validate" marks the server's located problems on the
// elements, "deploy" makes a new version.

import { api, ApiError } from '../core/api.js';
import { loadEditorStyles } from '../core/assets.js';
import { h, ltr, replace } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { download, kindOf, readLocalFiles, takeOver } from '../core/workspace.js';
import { dialog, errorBox, field, setBusy, toast } from '../core/ui.js';
import * as bpmn from '../editors/bpmn.js';
import { translateRendered } from '../editors/fixed-strings.js';
import { newDecision, newDiagram, newForm } from '../editors/template.js';
import { processName } from './names.js';

const MIME = { bpmn: 'application/xml', dmn: 'application/xml', form: 'application/json' };

async function loadDefinition(id) {
  const definition = await api.get(`/process-definitions/${id}`);
  const files = [{ name: definition.file_name, kind: 'bpmn', content: await api.text(`/process-definitions/${id}/xml`) }];
  for (const resource of definition.resources || []) {
    // a form used by several tasks is listed once per task: one tab, and one file in what is deployed
    if (files.some((file) => file.name === resource.name)) continue;
    const content = await api.text(`/process-definitions/${id}/resources/${encodeURIComponent(resource.name)}`);
    const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    if (resource.kind === 'form' && /-generated"/.test(text)) continue; // made from camunda:formData
    files.push({ name: resource.name, kind: resource.kind, content: text });
  }
  return { definition, files };
}

function pretty(kind, content) {
  if (kind !== 'form') return content;
  try { return JSON.stringify(JSON.parse(content), null, 2); } catch { return content; }
}

export async function render({ root, params, navigate }) {
  await loadEditorStyles();
  let definition = null;
  let files;
  if (params.id) {
    ({ definition, files } = await loadDefinition(params.id));
  } else {
    files = takeOver() || [{ name: 'process.bpmn', kind: 'bpmn', content: newDiagram(t('modeler.new_process_name')).xml }];
  }
  files = files.map((file) => ({ ...file, content: pretty(file.kind, file.content), editor: null, pane: null, dirty: false }));

  let active = 0;
  let problems = [];
  const tabs = h('div', { class: 'file-tabs', role: 'tablist', 'aria-label': t('modeler.files') });
  const panes = h('div', { class: 'editor-panes' });
  const problemBox = h('section', { class: 'problems', 'aria-live': 'polite', 'data-testid': 'problems' });
  const title = definition
    ? t('modeler.edit_title', { name: definition.process_name || definition.name || definition.key, version: definition.version })
    : t('modeler.new_title');
  const validateButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'validate', onclick: () => check('validate') }, t('modeler.validate'));
  const deployButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'deploy', onclick: () => check('deploy') }, t('modeler.deploy'));
  const picker = h('input', { type: 'file', multiple: true, accept: '.bpmn,.dmn,.form,.json,.xml', hidden: true, onchange: (e) => addLocal(e.target.files) });

  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/processes' }, t('nav.processes')),
          definition ? [' / ', h('a', { href: `/app/processes/${encodeURIComponent(definition.key)}` }, processName(definition))] : null),
        h('h1', { tabindex: '-1' }, title)),
      h('div', { class: 'page-actions' },
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => addFile('dmn') }, t('modeler.add_dmn')),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => addFile('form') }, t('modeler.add_form')),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => picker.click() }, t('modeler.open_files')),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => saveLocal() }, t('modeler.download')),
        validateButton, deployButton, picker)),
    tabs, panes, problemBox);

  function drawTabs() {
    replace(tabs, files.map((file, index) => h('button', {
      type: 'button', role: 'tab', class: 'file-tab', 'aria-selected': String(index === active), 'data-file': file.name,
      onclick: () => activate(index),
    }, h('span', { class: `kind kind-${file.kind}` }, t(`modeler.kind.${file.kind}`)), ' ', ltr(file.name), file.dirty ? ' •' : '')));
  }

  function markDirty(file) {
    if (!file.dirty) { file.dirty = true; drawTabs(); }
  }

  async function ensureEditor(file) {
    if (file.editor) return;
    if (file.kind === 'bpmn') {
      const canvas = h('div', { class: 'bpmn-canvas', 'data-testid': 'bpmn-canvas' });
      const panel = h('div', { class: 'properties-panel', dir: document.documentElement.dir, 'data-testid': 'properties-panel' });
      file.pane = h('div', { class: 'editor-pane bpmn-pane' }, canvas, panel);
      panes.append(file.pane);
      translateRendered(file.pane, { onlyTitles: true }); // "Open pop-up editor", "Powered by bpmn.io": no translate service reaches them
      file.editor = bpmn.createModeler(canvas, panel);
      const result = await bpmn.open(file.editor, file.content);
      if (result.laidOut) toast(t('modeler.laid_out'), 'info');
      file.editor.on('commandStack.changed', () => markDirty(file));
    } else if (file.kind === 'dmn') {
      const { createDmnModeler, openDmn } = await import('../editors/dmn.js');
      file.pane = h('div', { class: 'editor-pane dmn-pane', 'data-testid': 'dmn-editor' });
      panes.append(file.pane);
      translateRendered(file.pane, { onlyTitles: true }); // "Move Input", "Move Output", "Powered by bpmn.io"
      file.editor = createDmnModeler(file.pane);
      await openDmn(file.editor, file.content);
      file.editor.on('views.changed', () => {
        file.editor.getActiveViewer()?.on('commandStack.changed', () => markDirty(file));
      });
      file.editor.getActiveViewer()?.on('commandStack.changed', () => markDirty(file));
    } else {
      const { createFormEditor } = await import('../editors/forms.js');
      file.pane = h('div', { class: 'editor-pane form-pane', 'data-testid': 'form-editor' });
      panes.append(file.pane);
      file.editor = await createFormEditor(file.pane, JSON.parse(file.content));
      file.editor.on('changed', () => markDirty(file));
    }
  }

  async function activate(index) {
    active = index;
    drawTabs();
    const file = files[index];
    for (const other of files) other.pane?.classList.toggle('hidden', other !== file);
    try {
      await ensureEditor(file);
      for (const other of files) other.pane?.classList.toggle('hidden', other !== file);
      if (file.kind === 'bpmn') bpmn.markProblems(file.editor, problems.filter((p) => !p.file || p.file === file.name));
    } catch (error) {
      file.pane?.remove();
      file.pane = null;
      file.editor = null;
      panes.append(errorBox({ message: t('modeler.cannot_open', { name: file.name, reason: error.message }) }));
    }
  }

  async function contentOf(file) {
    if (!file.editor) return file.content;
    if (file.kind === 'form') return JSON.stringify(file.editor.saveSchema(), null, 2);
    const { xml } = await file.editor.saveXML({ format: true });
    return xml;
  }

  async function collect() {
    return Promise.all(files.map(async (file) => ({ name: file.name, type: MIME[file.kind], content: await contentOf(file) })));
  }

  function elementName(file, id) {
    const element = file?.kind === 'bpmn' && file.editor?.get('elementRegistry').get(id);
    return element?.businessObject?.name || '';
  }

  function showProblems(list, okMessage) {
    problems = list;
    for (const file of files) if (file.kind === 'bpmn' && file.editor) bpmn.markProblems(file.editor, list.filter((p) => !p.file || p.file === file.name));
    if (!list.length) {
      replace(problemBox, okMessage ? h('p', { class: 'alert alert-ok', 'data-testid': 'valid' }, okMessage) : null);
      return;
    }
    replace(problemBox,
      h('h2', {}, t('modeler.problems', { n: list.length })),
      h('ul', { class: 'problem-list' }, list.map((problem) => {
        const index = files.findIndex((f) => f.name === problem.file);
        const file = files[index];
        const where = [problem.file && ltr(problem.file), problem.element_id && ltr(problem.element_id),
          elementName(file, problem.element_id), problem.line ? t('modeler.line', { n: problem.line }) : null].filter(Boolean);
        return h('li', {},
          h('button', {
            type: 'button', class: 'link problem', 'data-element': problem.element_id || '',
            onclick: async () => {
              if (index >= 0) await activate(index);
              if (file?.kind === 'bpmn' && problem.element_id) bpmn.focusElement(file.editor, problem.element_id);
            },
          }, h('span', { class: 'problem-where muted' }, where.flatMap((w, i) => (i ? [' · ', w] : [w]))), h('span', { class: 'problem-message' }, problem.message)));
      })));
  }

  async function check(action) {
    const button = action === 'deploy' ? deployButton : validateButton;
    setBusy(button, true);
    try {
      const payload = await collect();
      if (action === 'validate') {
        await api.upload('/deployments/validate', payload);
        showProblems([], t('modeler.valid'));
        return;
      }
      const deployed = await api.upload('/deployments', payload);
      showProblems([]);
      for (const file of files) file.dirty = false;
      drawTabs();
      const own = deployed.find((d) => d.created) || deployed[0];
      if (!own) return;
      const said = { key: own.process_name || own.name || own.key, version: own.version };
      toast(t(own.created ? 'modeler.deployed' : 'modeler.unchanged', said), own.created ? 'ok' : 'info');
      if (own.created) navigate(`/app/definitions/${own.id}/edit`, { replace: true });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422 && error.problems.length) {
        showProblems(error.problems);
        toast(t('modeler.refused'), 'error');
      } else {
        replace(problemBox, errorBox(error));
      }
    } finally {
      setBusy(button, false);
    }
  }

  async function addFile(kind) {
    const values = await dialog(t(kind === 'dmn' ? 'modeler.add_dmn' : 'modeler.add_form'), [
      field(t('modeler.file_name'), h('input', { name: 'name', class: 'input', required: true, pattern: '[A-Za-z0-9_.\\-]+', value: kind === 'dmn' ? 'decision.dmn' : 'form.form', dir: 'ltr' })),
    ], { submit: t('common.add') });
    if (!values) return;
    let name = values.name.trim();
    if (!name.endsWith(`.${kind}`)) name += `.${kind}`;
    if (files.some((f) => f.name === name)) { toast(t('modeler.name_taken'), 'error'); return; }
    const id = name.replace(/\.\w+$/, '').replace(/[^A-Za-z0-9_]/g, '_');
    const content = kind === 'dmn' ? newDecision(id) : JSON.stringify(newForm(id), null, 2);
    files.push({ name, kind, content, editor: null, pane: null, dirty: true });
    await activate(files.length - 1);
  }

  async function addLocal(list) {
    const added = await readLocalFiles(list);
    for (const file of added) {
      const index = files.findIndex((f) => f.name === file.name);
      const entry = { ...file, kind: kindOf(file.name, file.content), editor: null, pane: null, dirty: true };
      if (index >= 0) { files[index].pane?.remove(); files[index] = entry; } else files.push(entry);
    }
    picker.value = '';
    await activate(files.findIndex((f) => f.name === added[0]?.name));
  }

  async function saveLocal() {
    const file = files[active];
    download(file.name, await contentOf(file), MIME[file.kind]);
  }

  const beforeUnload = (event) => {
    if (files.some((f) => f.dirty)) { event.preventDefault(); event.returnValue = ''; }
  };
  window.addEventListener('beforeunload', beforeUnload);
  await activate(0);
  return {
    canLeave: () => !files.some((f) => f.dirty),
    cleanup: () => {
      window.removeEventListener('beforeunload', beforeUnload);
      for (const file of files) file.editor?.destroy();
    },
  };
}


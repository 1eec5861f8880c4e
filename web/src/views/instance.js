// One instance (designers and auditors): the diagram with where the tokens wait and the path taken,
// the heat map over every instance of the version, incidents (with retry), variables, the timeline.

import { api, url } from '../core/api.js';
import { loadEditorStyles } from '../core/assets.js';
import { h, ltr, replace } from '../core/dom.js';
import { dateTime, locale, number, t, word } from '../core/i18n.js';
import { dialog, empty, facts, field, setBusy, stateBadge, table, toast } from '../core/ui.js';
import { createViewer, focusElement, open } from '../editors/viewer.js';
import { ROLES } from '../routes.js';
import { recordCell } from './instances.js';
import { dataCell, kindCell } from './journal_entry.js';
import { elementName, localisedXml, processName } from './names.js';
import { personText } from '../core/people.js';

function tokenCounts(active) {
  const counts = {};
  for (const id of active || []) counts[id] = (counts[id] || 0) + 1;
  return counts;
}

function overlay(viewer, id, type, className, text, position) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  try { viewer.get('overlays').add(id, type, { position, html: el }); } catch { /* element not drawn */ }
}

function drawTokens(viewer, instance) {
  const registry = viewer.get('elementRegistry');
  const canvas = viewer.get('canvas');
  for (const [id, count] of Object.entries(tokenCounts(instance.active_elements))) {
    if (!registry.get(id)) continue;
    canvas.addMarker(id, 'rv-active');
    overlay(viewer, id, 'ravand-token', 'rv-token', number(count), { bottom: 10, left: -10 });
  }
  for (const incident of instance.incidents || []) {
    if (registry.get(incident.element_id)) canvas.addMarker(incident.element_id, 'rv-incident');
  }
}

function drawPath(viewer, instance, on) {
  const registry = viewer.get('elementRegistry');
  const canvas = viewer.get('canvas');
  const visited = new Set([...Object.keys(instance.element_counts || {}), ...(instance.active_elements || [])]);
  for (const element of registry.getAll()) {
    const done = (instance.element_counts || {})[element.id];
    const flow = element.type === 'bpmn:SequenceFlow' && visited.has(element.source?.id) && visited.has(element.target?.id)
      && (instance.element_counts || {})[element.source?.id];
    if (done || flow) {
      if (on) canvas.addMarker(element.id, 'rv-done');
      else canvas.removeMarker(element.id, 'rv-done');
    }
  }
}

function drawHeat(viewer, stats, on) {
  const overlays = viewer.get('overlays');
  overlays.remove({ type: 'ravand-heat' });
  if (!on) return;
  const registry = viewer.get('elementRegistry');
  const max = Math.max(1, ...stats.map((s) => s.completed + s.active));
  for (const s of stats) {
    const element = registry.get(s.element_id);
    if (!element || element.waypoints) continue;
    const total = s.completed + s.active;
    const el = document.createElement('span');
    el.className = 'rv-heat';
    el.style.width = `${element.width}px`;
    el.style.height = `${element.height}px`;
    el.style.setProperty('--heat', String(total / max));
    el.title = t('instance.heat_title', { completed: s.completed, active: s.active, incidents: s.incidents });
    const label = document.createElement('span');
    label.className = 'rv-heat-label';
    label.textContent = number(total);
    el.append(label);
    overlays.add(element.id, 'ravand-heat', { position: { top: 0, left: 0 }, html: el });
  }
}

function value(v) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, 'null');
  if (typeof v === 'object') return h('pre', { class: 'json', dir: 'ltr' }, JSON.stringify(v, null, 2));
  // text with letters of a script other than Latin (a Persian name) is read as text, not set as code
  if (typeof v === 'string' && /[\u0600-\u06ff]/.test(v)) return h('span', { dir: 'auto' }, v);
  return h('code', { dir: 'auto' }, String(v));
}


export async function render({ root, params, me, navigate }) {
  await loadEditorStyles();
  const id = params.id;
  const instance = await api.get(`/process-instances/${encodeURIComponent(id)}`);
  const [definition, xml, history] = await Promise.all([
    api.get(`/process-definitions/${instance.definition_id}`),
    api.text(`/process-definitions/${instance.definition_id}/xml`),
    api.get(`/process-instances/${encodeURIComponent(id)}/history`, { limit: 1000 }),
  ]);
  const canDesign = ROLES.design.includes(me.role);
  const canvas = h('div', { class: 'bpmn-canvas viewer', 'data-testid': 'instance-diagram' });
  const pathToggle = h('input', { type: 'checkbox', checked: true });
  const heatToggle = h('input', { type: 'checkbox', 'data-testid': 'heat-toggle' });
  const running = instance.state === 'running' || instance.state === 'failed';

  async function cancel(button) {
    const values = await dialog(t('instance.cancel_title'), [
      field(t('instance.cancel_reason'), h('textarea', { name: 'reason', class: 'input', required: true, maxlength: 2000, rows: 3 })),
    ], { submit: t('instance.cancel'), danger: true });
    if (!values) return;
    setBusy(button, true);
    try {
      await api.post(`/process-instances/${encodeURIComponent(id)}/cancel`, { reason: values.reason });
      toast(t('instance.cancelled'), 'ok');
      navigate(location.pathname, { replace: true });
    } catch (error) {
      setBusy(button, false);
      toast(error.message, 'error');
    }
  }

  async function retry(incident, button) {
    setBusy(button, true);
    try {
      // green only when the step went through; a failure again is said as one, with its reason and attempt
      const after = await api.post(`/process-instances/${encodeURIComponent(id)}/incidents/${incident.id}/retry`);
      const outcome = after?.retry;
      const named = (element) => after?.element_names?.[element] || element;
      const kind = outcome?.outcome || 'resolved';
      const failed = kind === 'still_failing' || kind === 'failed_elsewhere';
      toast(t(`feedback.retry_${kind}`, {
        // the engine's technical reason is isolated, so its Latin text keeps its order inside a Persian sentence
        n: number(outcome?.attempts || 0), message: `\u2068${outcome?.message || ''}\u2069`, element: named(outcome?.element_id || ''),
        where: (outcome?.waiting_at || []).map(named).join(t('feedback.list_separator')),
      }), failed ? 'error' : 'ok');
      navigate(location.pathname, { replace: true });
    } catch (error) {
      setBusy(button, false);
      toast(error.message, 'error');
    }
  }

  const variables = Object.entries(instance.variables || {});
  replace(root,
    h('header', { class: 'page-header' },
      h('div', {},
        h('p', { class: 'crumbs' }, h('a', { href: '/app/instances' }, t('nav.instances'))),
        h('h1', { tabindex: '-1', 'data-testid': 'instance-title' }, h('bdi', {}, definition.process_name || definition.name || definition.key), ' ', h('small', { class: 'muted' }, t('processes.version_n', { n: definition.version })))),
      h('div', { class: 'page-actions' },
        stateBadge(instance.state),
        ROLES.audit.includes(me.role) ? h('a', { class: 'btn btn-ghost', href: `/app/journal?process_instance=${id}` }, t('instance.in_journal')) : null,
        h('a', { class: 'btn btn-ghost', href: url(`/process-instances/${encodeURIComponent(id)}/history`, { format: 'csv' }), download: `history-${id}.csv` }, t('instance.history_csv')),
        canDesign && running ? h('button', { type: 'button', class: 'btn btn-danger', onclick: (e) => cancel(e.currentTarget) }, t('instance.cancel')) : null)),
    h('section', { class: 'card' },
      facts([
        [t('instance.id'), ltr(instance.id)],
        [t('instances.key'), processName(instance, { withKey: true })],
        (instance.active_elements || []).length ? [t('instances.waiting_at'), h('span', { 'data-testid': 'waiting-at' },
          [...new Set(instance.active_elements)].map((e) => elementName(instance, e)).flatMap((n, k) => (k ? ['، ', n] : [n])))] : null,
        [t('instances.record'), recordCell(instance)],
        [t('instances.business_key'), instance.business_key ? ltr(instance.business_key) : '—'],
        [t('instances.started'), [dateTime(instance.started_at), instance.started_by ? [' · ', personText(instance.started_by)] : null]],
        instance.ended_at ? [t('instance.ended'), [dateTime(instance.ended_at), instance.end_reason ? [' · ', h('bdi', {}, instance.end_reason)] : null]] : null,
      ])),
    h('section', { class: 'card' },
      h('div', { class: 'row spread' },
        h('h2', {}, t('instance.diagram')),
        h('div', { class: 'row' },
          h('label', { class: 'check' }, pathToggle, t('instance.path')),
          h('label', { class: 'check' }, heatToggle, t('instance.heat')))),
      h('ul', { class: 'legend' },
        h('li', {}, h('span', { class: 'swatch rv-active' }), t('instance.legend_token')),
        h('li', {}, h('span', { class: 'swatch rv-done' }), t('instance.legend_done')),
        h('li', {}, h('span', { class: 'swatch rv-incident' }), t('instance.legend_incident'))),
      canvas),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card', 'data-testid': 'incidents' },
        h('h2', {}, t('instance.incidents')),
        (instance.incidents || []).length ? h('ul', { class: 'plain' }, instance.incidents.map((incident) => h('li', { class: 'incident' },
          h('p', {}, h('strong', {}, elementName(instance, incident.element_id)), ' · ', incident.kind, ' · ', t('instance.attempts', { n: incident.attempts })),
          h('p', { class: 'incident-message' }, h('code', { dir: 'ltr' }, incident.message)),
          h('p', { class: 'muted' }, dateTime(incident.created_at)),
          canDesign && !incident.resolved_at ? h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'retry', onclick: (e) => retry(incident, e.currentTarget) }, t('instance.retry')) : null)))
          : empty(t('instance.no_incidents'))),
      h('section', { class: 'card', 'data-testid': 'variables' },
        h('h2', {}, t('instance.variables')),
        variables.length ? table([
          { label: t('instance.variable'), cell: ([name]) => h('code', { dir: 'ltr' }, name) },
          { label: t('instance.value'), cell: ([, v]) => value(v) },
        ], variables) : empty(t('instance.no_variables')))),
    h('section', { class: 'card', 'data-testid': 'timeline' },
      h('h2', {}, t('instance.timeline')),
      history.items.length ? h('ol', { class: 'timeline' }, history.items.map((entry) => h('li', { 'data-seq': entry.seq, 'data-kind': entry.kind },
        h('span', { class: 'timeline-time muted' }, dateTime(entry.at)),
        h('span', { class: 'timeline-kind' }, kindCell(entry)),
        entry.actor ? h('span', { class: 'muted' }, ' · ', personText(entry.actor, entry.actor_text)) : null,
        entry.element_id ? [' · ', h('button', { type: 'button', class: 'link', onclick: () => focusElement(viewer, entry.element_id) },
          entry.element_name ? h('bdi', { title: entry.element_id }, entry.element_name) : ltr(entry.element_id))] : null,
        Object.keys(entry.data || {}).length ? h('details', {}, h('summary', {}, t('instance.details')), dataCell(entry)) : null)))
        : empty(t('instance.no_history'))));

  const viewer = createViewer(canvas);
  await open(viewer, localisedXml(xml, locale()));
  drawTokens(viewer, instance);
  drawPath(viewer, instance, true);
  pathToggle.addEventListener('change', () => drawPath(viewer, instance, pathToggle.checked));
  let stats = null;
  heatToggle.addEventListener('change', async () => {
    if (heatToggle.checked && !stats) {
      try {
        stats = await api.get(`/process-definitions/${instance.definition_id}/statistics`);
      } catch (error) {
        toast(error.message, 'error');
        heatToggle.checked = false;
        return;
      }
    }
    drawHeat(viewer, stats || [], heatToggle.checked);
  });
  return { cleanup: () => viewer.destroy() };
}

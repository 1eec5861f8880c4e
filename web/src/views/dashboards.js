// Dashboards: the sales funnel, complaint SLAs and the referral programme, drawn with Chart.js, for a period
// chosen at the top (Jalali months, seasons and fiscal years in Persian; Gregorian in English; kept in the page
// address). Every bar, point and figure opens the records behind it (the opportunities, complaints or referrals
// list narrowed to them); under each chart a table of links does the same from the keyboard. Each card links its
// table as CSV. A report that is missing or empty says so.

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { ApiError, optional, url } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { date, isRtl, locale, money, number, percent, t, word } from '../core/i18n.js';
import { navigate, path } from '../core/router.js';
import { empty, errorBox, pageHeader, table } from '../core/ui.js';
import { filterProblem } from './contracts.js';
import { calendarName, choices, labelOf, listDays, monthWithin, reportDays, resolve } from './periods.js';
import '../styles/dashboards.css';
import { ROLES } from '../routes.js';
import { targetsCard } from './dashboard_targets.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const COLOURS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2'];
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : null);

function baseOptions({ horizontal = false, onPick = null } = {}) {
  const font = { family: getComputedStyle(document.body).fontFamily };
  const ticks = { font, precision: 0, callback(value) { return typeof value === 'number' ? number(value) : this.getLabelForValue(value); } };
  const category = { ticks: { font, callback(value) { return this.getLabelForValue(value); } } };
  return {
    responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? 'y' : 'x', locale: locale() === 'fa' ? 'fa-IR' : 'en-GB',
    plugins: { legend: { rtl: isRtl(), labels: { font } }, tooltip: { rtl: isRtl(), titleFont: font, bodyFont: font } },
    scales: horizontal
      ? { x: { ticks, reverse: isRtl(), beginAtZero: true }, y: { ...category, position: isRtl() ? 'right' : 'left' } }
      // offset: the first and last month stand half a step in from the edges, so their names are never cut off
      : { x: { ...category, reverse: isRtl(), offset: true }, y: { ticks, beginAtZero: true, position: isRtl() ? 'right' : 'left' } },
    // a bar or point opens the records behind it
    onClick: onPick ? (_event, elements) => { if (elements.length) onPick(elements[0].index, elements[0].datasetIndex); } : undefined,
    onHover: onPick ? (event, elements) => { event.native.target.style.cursor = elements.length ? 'pointer' : 'default'; } : undefined,
  };
}

function chartBox(charts, config, label, testid) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { class: 'chart', 'data-testid': testid }, canvas);
  let tries = 0;
  const draw = () => {
    if (!canvas.isConnected) { // not on the page yet (a loaded machine): wait a few frames, then give up
      if (tries++ < 60) requestAnimationFrame(draw);
      return;
    }
    if (document.fonts && document.fonts.status !== 'loaded') { // labels are measured in the font they are drawn in
      document.fonts.ready.then(draw);
      return;
    }
    const chart = new Chart(canvas, config);
    charts.push(chart);
    canvas.ravandChart = chart; // where its bars are drawn, for the browser tests that click one
    box.dataset.drawn = 'true';
  };
  requestAnimationFrame(draw);
  return box;
}

// Rials run to billions: "۲٫۵ میلیارد ریال" on the tiles (the unit always said), the exact figure in rials and
// tomans beneath and in the tooltip.
function compactMoney(value) {
  const short = Math.abs(value) >= 1e6 ? number(value, { notation: 'compact', maximumFractionDigits: 1 }) : number(value);
  return t('money.rials', { amount: short });
}

function kpi(label, value, { kind = '', exact, href, testid, sub } = {}) {
  const body = [h('span', { class: 'kpi-value', 'data-testid': 'kpi-value' }, value), sub ? h('span', { class: 'kpi-sub' }, sub) : null,
    h('span', { class: 'kpi-label' }, label)];
  const attrs = { class: ['kpi', kind && `kpi-${kind}`, href && 'kpi-link'], title: exact, 'data-testid': testid };
  return href ? h('a', { ...attrs, href }, body) : h('div', attrs, body);
}

function card(title, testid, csv, ...body) {
  const head = h('div', { class: 'dash-card-head' }, h('h2', { id: `${testid}-title` }, title),
    csv ? h('a', { class: 'dash-csv', href: csv, download: '', 'data-testid': `${testid}-csv` }, t('dash.csv')) : null);
  return h('section', { class: 'card dash-card', 'data-testid': testid, 'aria-labelledby': `${testid}-title` }, head, body);
}

const anyNumber = (values) => values.some((v) => (num(v) ?? 0) !== 0);
const link = (href, text, attrs = {}) => h('a', { href, ...attrs }, text);

// Where a figure leads: the list's address with the period's days and the figure's own filter.
function drill(list, period, extra = {}, first = period?.first, last = period?.last) {
  const days = period?.kind === 'custom' && first === period.first && last === period.last
    ? { created_from: period.from || undefined, created_to: period.to || undefined } : listDays(first, last);
  return path(`/${list}`, { ...extra, ...(period ? days : {}) });
}

// A series by month: a table (always) and a chart when it has something to draw; one month is drawn as bars,
// never as a lone dot, and an empty series says so.
function monthlyPart(charts, rows, fields, { title, testid, period, drillOf }) {
  const months = Array.isArray(rows) ? rows.filter((r) => r && r.month) : [];
  if (!months.length || !months.some((r) => anyNumber(fields.map((f) => r[f])))) {
    return h('p', { class: 'muted dash-empty-series', 'data-testid': `${testid}-empty` }, t('dash.series_empty', { what: title }));
  }
  const labelOf = (r) => monthWithin(r.month, null)?.label || r.month;
  const labels = months.map(labelOf);
  const datasets = fields.map((field, i) => ({
    label: word('dash.field', field), data: months.map((r) => num(r[field]) ?? 0),
    borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], tension: 0.25,
  }));
  const open = (index, datasetIndex) => {
    const href = drillOf(months[index], fields[datasetIndex]);
    if (href) navigate(href);
  };
  const type = months.length >= 3 ? 'line' : 'bar';
  const figure = chartBox(charts, { type, data: { labels, datasets }, options: baseOptions({ onPick: open }) }, title, `${testid}-chart`);
  const cells = fields.map((field) => ({
    label: word('dash.field', field), class: 'num',
    cell: (r) => { const href = drillOf(r, field); return href ? link(href, number(num(r[field]))) : number(num(r[field])); },
  }));
  return [h('h3', { class: 'dash-sub' }, title), figure,
    h('div', { class: 'dash-table', 'data-testid': `${testid}-table` }, table([{ label: t('dash.month'), cell: labelOf }, ...cells], months))];
}

function funnel(data, charts, period, csv) {
  const stages = Array.isArray(data?.stages) ? data.stages.filter((s) => s && (s.stage || s.name)) : [];
  if (!stages.length || !anyNumber(stages.map((s) => s.count))) return card(t('dash.funnel'), 'dash-funnel', csv, empty(t('dash.no_data_period'), t('dash.no_data_hint')));
  const stageName = (s) => word('dash.stage', String(s.stage ?? s.name));
  const toStage = (s) => drill('opportunities', period, { reached: s.stage });
  const labels = stages.map(stageName);
  const kpis = [
    num(data.total) !== null ? kpi(t('dash.opportunities'), number(num(data.total)), { href: drill('opportunities', period), testid: 'kpi-opportunities' }) : null,
    num(data.open_amount) !== null ? kpi(t('dash.open_amount'), compactMoney(num(data.open_amount)), {
      exact: money(num(data.open_amount)), href: drill('opportunities', period, { stage: 'open' }), testid: 'kpi-open-amount',
      sub: t('money.tomans', { amount: number(num(data.open_amount) / 10, { notation: 'compact', maximumFractionDigits: 1 }) }) }) : null,
    num(data.forecast) !== null ? kpi(t('dash.forecast'), compactMoney(num(data.forecast)), {
      exact: money(num(data.forecast)), testid: 'kpi-forecast',
      sub: t('money.tomans', { amount: number(num(data.forecast) / 10, { notation: 'compact', maximumFractionDigits: 1 }) }) }) : null,
  ].filter(Boolean);
  return card(t('dash.funnel'), 'dash-funnel', csv,
    kpis.length ? h('div', { class: 'kpis' }, kpis) : null,
    chartBox(charts, {
      type: 'bar',
      data: { labels, datasets: [{ label: t('dash.reached'), data: stages.map((s) => num(s.count) ?? 0), backgroundColor: COLOURS[0] }] },
      options: baseOptions({ horizontal: true, onPick: (index) => navigate(toStage(stages[index])) }),
    }, t('dash.funnel'), 'dash-funnel-chart'),
    h('div', { class: 'dash-table', 'data-testid': 'dash-funnel-table' }, table([
      { label: t('dash.stage'), cell: (s) => link(toStage(s), stageName(s), { 'data-testid': 'funnel-stage-link', 'data-stage': s.stage }) },
      { label: t('dash.reached'), cell: (s) => number(num(s.count)), class: 'num' },
      { label: t('dash.conversion'), cell: (s) => percent(num(s.conversion_rate)), class: 'num' },
      { label: t('dash.amount_now'), cell: (s) => money(num(s.amount), { toman: false }), class: 'num nowrap' },
    ], stages)));
}

function complaints(data, charts, period, csv) {
  const tiers = data && typeof data.open_by_tier === 'object' && data.open_by_tier ? Object.entries(data.open_by_tier).filter(([, v]) => num(v) !== null) : [];
  const nothing = !anyNumber([data?.received, data?.sla_breaches, ...tiers.map(([, v]) => v)]) && !(data?.by_month || []).length;
  if (nothing) return card(t('dash.complaints'), 'dash-complaints', csv, empty(t('dash.no_data_period'), t('dash.no_data_hint')));
  const list = (extra, first, last) => drill('complaints', period, extra, first, last);
  const satisfaction = num(data?.satisfaction);
  const kpis = [
    num(data?.received) !== null ? kpi(t('dash.received'), number(num(data.received)), { href: list({}), testid: 'kpi-received' }) : null,
    num(data?.sla_breaches) !== null ? kpi(t('dash.sla_breaches'), number(num(data.sla_breaches)), {
      kind: num(data.sla_breaches) > 0 ? 'danger' : 'ok', href: list({ breached: 'true' }), testid: 'kpi-breaches' }) : null,
    num(data?.avg_handling_hours) !== null ? kpi(t('dash.avg_hours'), t('dash.hours', { n: number(num(data.avg_handling_hours), { maximumFractionDigits: 1 }) }), { testid: 'kpi-hours' }) : null,
    kpi(t('dash.satisfaction'), satisfaction === null ? '—' : t('dash.out_of_five', { score: number(satisfaction, { maximumFractionDigits: 1 }) }), { testid: 'kpi-satisfaction' }),
  ].filter(Boolean);
  const tierText = (tier) => t('dash.tier', { n: number(Number.isNaN(Number(tier)) ? tier : Number(tier)) });
  const tierHref = ([tier]) => list({ status: 'open', tier });
  const tierPart = tiers.length && anyNumber(tiers.map(([, v]) => v)) ? [
    h('h3', { class: 'dash-sub' }, t('dash.open_by_tier')),
    chartBox(charts, {
      type: 'bar',
      data: { labels: tiers.map(([tier]) => tierText(tier)), datasets: [{ label: t('dash.open_by_tier'), data: tiers.map(([, v]) => num(v)), backgroundColor: COLOURS[2] }] },
      options: baseOptions({ onPick: (index) => navigate(tierHref(tiers[index])) }),
    }, t('dash.open_by_tier'), 'dash-tiers-chart'),
    h('ul', { class: 'dash-links', 'data-testid': 'dash-tier-links' }, tiers.map((entry) => h('li', {},
      link(tierHref(entry), t('dash.tier_open', { tier: tierText(entry[0]), n: number(num(entry[1])) }))))),
  ] : h('p', { class: 'muted dash-empty-series' }, t('dash.no_open'));
  const monthDrill = (row, field) => {
    if (field === 'closed') return null; // closed by the month closed: the list narrows by the day received
    const days = monthWithin(row.month, period);
    return days ? list(field === 'breaches' ? { breached: 'true' } : {}, days.first, days.last) : null;
  };
  return card(t('dash.complaints'), 'dash-complaints', csv,
    h('div', { class: 'kpis' }, kpis), tierPart,
    monthlyPart(charts, data?.by_month, ['received', 'closed', 'breaches'], { title: t('dash.by_month'), testid: 'dash-complaints-months', period, drillOf: monthDrill }));
}

function referrals(data, charts, period, csv) {
  if (!anyNumber([data?.referrals, data?.conversions, data?.rewards]) && !(data?.by_month || []).length) {
    return card(t('dash.referrals'), 'dash-referrals', csv, empty(t('dash.no_data_period'), t('dash.no_data_hint')));
  }
  const list = (extra, first, last) => drill('referrals', period, extra, first, last);
  const kpis = [
    num(data?.referrals) !== null ? kpi(t('dash.field.referrals'), number(num(data.referrals)), { href: list({}), testid: 'kpi-referrals' }) : null,
    num(data?.conversions) !== null ? kpi(t('dash.field.conversions'), number(num(data.conversions)), { href: list({ status: 'converted' }), testid: 'kpi-conversions' }) : null,
    num(data?.conversion_rate) !== null ? kpi(t('dash.conversion'), percent(num(data.conversion_rate))) : null,
    num(data?.rewards) !== null ? kpi(t('dash.field.rewards'), number(num(data.rewards))) : null,
    num(data?.points) !== null ? kpi(t('dash.field.points'), number(num(data.points))) : null,
  ].filter(Boolean);
  const monthDrill = (row, field) => {
    const days = monthWithin(row.month, period);
    return days ? list(field === 'conversions' ? { status: 'converted' } : {}, days.first, days.last) : null;
  };
  return card(t('dash.referrals'), 'dash-referrals', csv, h('div', { class: 'kpis' }, kpis),
    monthlyPart(charts, data?.by_month, ['referrals', 'conversions'], { title: t('dash.by_month'), testid: 'dash-referrals-months', period, drillOf: monthDrill }));
}

async function report(name, params) {
  try {
    return { data: await optional(`/reports/${name}`, params) };
  } catch (error) {
    return { error };
  }
}

function picker(query, onChange) {
  const chosen = query.period || '';
  const select = h('select', { class: 'input', id: 'dash-period', 'data-testid': 'dash-period', onchange: (event) => onChange(event.target.value) },
    choices().map(({ group, tokens }) => {
      const items = tokens.map((token) => h('option', { value: token, selected: token === chosen }, labelOf(token)));
      return group ? h('optgroup', { label: group }, items) : items;
    }));
  if (chosen && ![...select.options].some((o) => o.value === chosen) && resolve(chosen, query)) {
    select.append(h('option', { value: chosen, selected: true }, labelOf(chosen)));
  }
  const from = h('input', { class: 'input', id: 'dash-from', 'data-filter': 'from', value: query.from || '', maxlength: 20, dir: 'ltr', autocomplete: 'off', placeholder: t('dash.period.from_hint'), 'data-testid': 'dash-from' });
  const to = h('input', { class: 'input', id: 'dash-to', 'data-filter': 'to', value: query.to || '', maxlength: 20, dir: 'ltr', autocomplete: 'off', placeholder: t('dash.period.to_hint'), 'data-testid': 'dash-to' });
  const custom = h('form', { class: 'dash-custom', hidden: chosen !== 'custom', onsubmit: (event) => { event.preventDefault(); onChange('custom', { from: from.value.trim(), to: to.value.trim() }); } },
    h('label', { for: 'dash-from' }, t('dash.period.from')), from, h('label', { for: 'dash-to' }, t('dash.period.to')), to,
    h('button', { type: 'submit', class: 'btn', 'data-testid': 'dash-apply' }, t('dash.period.apply')));
  select.addEventListener('change', () => { custom.hidden = select.value !== 'custom'; if (select.value === 'custom') from.focus(); });
  return h('div', { class: 'dash-period', role: 'search' }, h('label', { for: 'dash-period' }, t('dash.period.label')), select, custom);
}

function periodLine(period) {
  if (!period) return t('dash.period.all_time');
  const first = period.first ? date(period.first) : (period.from || '…');
  const last = period.last ? date(period.last) : (period.to || '…');
  return t('dash.period.range', { first, last });
}

export async function render({ root, query, me }) {
  const charts = [];
  const period = query.period ? resolve(query.period, query) : null;
  const params = { calendar: calendarName(), ...reportDays(period) };
  const csv = (name, extra = {}) => url(`/reports/${name}`, { ...params, ...extra, format: 'csv' });
  const [f, c, r] = await Promise.all([report('funnel', params), report('complaints', params), report('referrals', params)]);
  const show = (result, draw, link_) => (result.error ? errorBox(result.error) : draw(result.data, charts, period, link_));
  const change = (token, days = {}) => {
    if (token === 'custom' && !days.from && !days.to) return; // wait for the days
    const next = token === 'custom' ? { period: token, ...days } : { period: token };
    navigate(path('/dashboards', next)); // a new entry: back returns to the period before
  };
  const choose = picker(query, change);
  // a period the server refuses (a day that does not exist, the end before the start) is said once, beside the days
  const refused = [f, c, r].map((result) => result.error).find((error) => error instanceof ApiError && error.status === 422);
  const labels = (name) => t(name === 'from' || name === 'since' ? 'dash.period.from' : name === 'to' || name === 'until' ? 'dash.period.to' : 'dash.period.label');
  replace(root, pageHeader(t('nav.dashboards')),
    h('div', { class: 'dash-toolbar' }, choose,
      h('p', { class: 'muted dash-range', 'data-testid': 'dash-range', 'aria-live': 'polite' }, periodLine(period))),
    refused ? filterProblem(choose, refused, labels) : h('div', { class: 'dashboards' },
      show(f, funnel, csv('funnel')), show(c, complaints, csv('complaints', { table: 'by_month' })), show(r, referrals, csv('referrals')),
      ROLES.work.includes(me.role) ? targetsCard(reportDays(period), me, { card }) : null));
  return { cleanup: () => charts.forEach((chart) => chart.destroy()) };
}

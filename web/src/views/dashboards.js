// Dashboards: the sales funnel, complaint SLAs and the referral programme, drawn with Chart.js.
// The reports come from the CRM; a report that is missing or empty shows a clear empty state.

import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';
import { optional } from '../core/api.js';
import { h, replace } from '../core/dom.js';
import { digits, isRtl, locale, number, percent, t, word } from '../core/i18n.js';
import { empty, errorBox, pageHeader, table } from '../core/ui.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

const COLOURS = ['#2563eb', '#16a34a', '#d97706', '#dc2626', '#7c3aed', '#0891b2'];
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : null);

function baseOptions({ horizontal = false } = {}) {
  const font = { family: getComputedStyle(document.body).fontFamily };
  const ticks = { font, precision: 0, callback(value) { return typeof value === 'number' ? number(value) : this.getLabelForValue(value); } };
  const category = { ticks: { font, callback(value) { return this.getLabelForValue(value); } } };
  return {
    responsive: true, maintainAspectRatio: false, animation: false, indexAxis: horizontal ? 'y' : 'x', locale: locale() === 'fa' ? 'fa-IR' : 'en-GB',
    plugins: { legend: { rtl: isRtl(), labels: { font } }, tooltip: { rtl: isRtl(), titleFont: font, bodyFont: font } },
    scales: horizontal
      ? { x: { ...{ ticks }, reverse: isRtl(), beginAtZero: true }, y: { ...category, position: isRtl() ? 'right' : 'left' } }
      : { x: { ...category, reverse: isRtl() }, y: { ticks, beginAtZero: true, position: isRtl() ? 'right' : 'left' } },
  };
}

function chartBox(charts, config, label) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { class: 'chart' }, canvas);
  requestAnimationFrame(() => { if (canvas.isConnected) charts.push(new Chart(canvas, config)); });
  return box;
}

// Rials run to billions: show 3.2B (or ۳٫۲ میلیارد) on the tiles, the exact figure in the tooltip.
function amount(value) {
  return Math.abs(value) >= 1e6 ? number(value, { notation: 'compact', maximumFractionDigits: 1 }) : number(value);
}

function kpi(label, value, kind = '', exact = undefined) {
  return h('div', { class: ['kpi', kind && `kpi-${kind}`], title: exact },
    h('span', { class: 'kpi-value' }, value), h('span', { class: 'kpi-label' }, label));
}

// by_month: [{month|period|label, <numbers>...}] → labels and one dataset per numeric field.
function monthly(rows) {
  if (!Array.isArray(rows) || !rows.length) return null;
  const labelOf = (r) => digits(String(r.month ?? r.period ?? r.label ?? r.date ?? ''));
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => num(r[k]) !== null && !['month', 'year'].includes(k))))];
  if (!keys.length) return null;
  return {
    labels: rows.map(labelOf),
    datasets: keys.map((key, i) => ({
      label: word('dash.field', key), data: rows.map((r) => num(r[key]) ?? 0),
      borderColor: COLOURS[i % COLOURS.length], backgroundColor: COLOURS[i % COLOURS.length], tension: 0.25,
    })),
  };
}

function card(title, testid, ...body) {
  return h('section', { class: 'card dash-card', 'data-testid': testid, 'aria-labelledby': `${testid}-title` }, h('h2', { id: `${testid}-title` }, title), body);
}

const anyNumber = (values) => values.some((v) => (num(v) ?? 0) !== 0);

function funnel(data, charts) {
  const stages = Array.isArray(data?.stages) ? data.stages.filter((s) => s && (s.stage || s.name)) : [];
  if (!stages.length || !anyNumber(stages.map((s) => s.count))) return card(t('dash.funnel'), 'dash-funnel', empty(t('dash.no_data'), t('dash.no_data_hint')));
  const stageName = (s) => word('dash.stage', String(s.stage ?? s.name));
  const labels = stages.map(stageName);
  const kpis = [['total', 'dash.opportunities'], ['open_amount', 'dash.open_amount'], ['forecast', 'dash.forecast']]
    .filter(([k]) => num(data[k]) !== null).map(([k, label]) => kpi(t(label), amount(num(data[k])), '', number(num(data[k]))));
  return card(t('dash.funnel'), 'dash-funnel',
    kpis.length ? h('div', { class: 'kpis' }, kpis) : null,
    chartBox(charts, {
      type: 'bar',
      data: { labels, datasets: [{ label: t('dash.count'), data: stages.map((s) => num(s.count) ?? 0), backgroundColor: COLOURS[0] }] },
      options: baseOptions({ horizontal: true }),
    }, t('dash.funnel')),
    table([
      { label: t('dash.stage'), cell: stageName },
      { label: t('dash.count'), cell: (s) => number(num(s.count)), class: 'num' },
      { label: t('dash.conversion'), cell: (s) => percent(num(s.conversion_rate)), class: 'num' },
      { label: t('dash.amount'), cell: (s) => number(num(s.amount)), class: 'num' },
    ], stages));
}

function complaints(data, charts) {
  const tiers = data && typeof data.open_by_tier === 'object' && data.open_by_tier ? Object.entries(data.open_by_tier).filter(([, v]) => num(v) !== null) : [];
  const months = monthly(data?.by_month);
  const kpis = [
    num(data?.received) !== null ? kpi(t('dash.received'), number(num(data.received))) : null,
    num(data?.sla_breaches) !== null ? kpi(t('dash.sla_breaches'), number(num(data.sla_breaches)), num(data.sla_breaches) > 0 ? 'danger' : 'ok') : null,
    num(data?.avg_handling_hours) !== null ? kpi(t('dash.avg_hours'), number(num(data.avg_handling_hours), { maximumFractionDigits: 1 })) : null,
    num(data?.satisfaction) !== null ? kpi(t('dash.satisfaction'), number(num(data.satisfaction), { maximumFractionDigits: 2 })) : null,
  ].filter(Boolean);
  const nothing = !anyNumber([data?.received, data?.sla_breaches, ...tiers.map(([, v]) => v)]) && !months;
  if (nothing) return card(t('dash.complaints'), 'dash-complaints', empty(t('dash.no_data'), t('dash.no_data_hint')));
  return card(t('dash.complaints'), 'dash-complaints',
    kpis.length ? h('div', { class: 'kpis' }, kpis) : null,
    tiers.length ? chartBox(charts, {
      type: 'bar',
      data: { labels: tiers.map(([tier]) => t('dash.tier', { n: Number.isNaN(Number(tier)) ? tier : Number(tier) })), datasets: [{ label: t('dash.open_by_tier'), data: tiers.map(([, v]) => num(v)), backgroundColor: COLOURS[2] }] },
      options: baseOptions(),
    }, t('dash.open_by_tier')) : null,
    months ? chartBox(charts, { type: 'line', data: months, options: baseOptions() }, t('dash.by_month')) : null);
}

function referrals(data, charts) {
  const kpis = ['referrals', 'conversions', 'rewards', 'points'].filter((k) => num(data?.[k]) !== null)
    .map((k) => kpi(t(`dash.field.${k}`), number(num(data[k]))));
  if (num(data?.conversion_rate) !== null) kpis.push(kpi(t('dash.conversion'), percent(num(data.conversion_rate))));
  const months = monthly(data?.by_month);
  if (!anyNumber([data?.referrals, data?.conversions, data?.rewards]) && !months) return card(t('dash.referrals'), 'dash-referrals', empty(t('dash.no_data'), t('dash.no_data_hint')));
  return card(t('dash.referrals'), 'dash-referrals',
    kpis.length ? h('div', { class: 'kpis' }, kpis) : null,
    months ? chartBox(charts, { type: 'bar', data: months, options: baseOptions() }, t('dash.by_month')) : null);
}

async function report(name) {
  try {
    return { data: await optional(`/reports/${name}`, { calendar: locale() === 'fa' ? 'jalali' : 'gregorian' }) };
  } catch (error) {
    return { error };
  }
}

export async function render({ root }) {
  const charts = [];
  const [f, c, r] = await Promise.all([report('funnel'), report('complaints'), report('referrals')]);
  const show = (result, draw) => (result.error ? errorBox(result.error) : draw(result.data, charts));
  replace(root, pageHeader(t('nav.dashboards')),
    h('div', { class: 'dashboards' }, show(f, funnel), show(c, complaints), show(r, referrals)));
  return { cleanup: () => charts.forEach((chart) => chart.destroy()) };
}

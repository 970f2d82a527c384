// Draws the charts a report declares (src/report/chart.h ChartSpec) with Apache ECharts, from the
// report's own (already disclosed) table, so a chart never shows what its table may not. Only the
// ECharts parts used are imported (bar, line, scatter, custom; SVG renderer) to keep the bundle small.
// Every chart gets a text alternative (role="img" with an aria-label summary) and a "Show as table"
// toggle. Redacted cells ("*") are drawn as gaps. Series colours follow the NHS colour palette.

import * as echarts from 'echarts/core';
import { BarChart, CustomChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

import { type Cell, type ChartSpec, type Table, num } from './api';
import { h, uid } from './dom';
import { renderTable } from './table';

echarts.use([BarChart, LineChart, ScatterChart, CustomChart, GridComponent, TooltipComponent, LegendComponent,
  MarkLineComponent, SVGRenderer]);

// NHS identity colours (https://www.england.nhs.uk/nhsidentity/identity-guidelines/colours/).
export const NHS = {
  blue: '#005EB8', darkBlue: '#003087', brightBlue: '#0072CE', lightBlue: '#41B6E6', aquaGreen: '#00A499',
  green: '#009639', warmYellow: '#FFB81C', orange: '#ED8B00', red: '#DA291C', pink: '#AE2573',
  purple: '#330072', darkGrey: '#425563', midGrey: '#768692', paleGrey: '#E8EDEE',
};
const PALETTE = [NHS.blue, NHS.warmYellow, NHS.aquaGreen, NHS.purple, NHS.orange, NHS.pink, NHS.darkGrey,
  NHS.lightBlue, NHS.green, NHS.red, NHS.darkBlue, NHS.midGrey];
const SPC_COLOURS: Record<string, string> = {
  special_cause_improvement: NHS.blue, special_cause_concern: NHS.orange, special_cause_neutral: NHS.purple,
  common_cause: NHS.midGrey,
};

const live = new Set<echarts.ECharts>();
window.addEventListener('resize', () => live.forEach((c) => c.resize()));
// Disposes every chart drawn so far (called when the page changes).
export function disposeCharts(): void {
  live.forEach((c) => c.dispose());
  live.clear();
}

type Row = Record<string, Cell>;

function label(table: Table, col: string | undefined): string {
  if (!col) return '';
  return table.columns.find((c) => c.name === col)?.label ?? col;
}

function text(v: Cell | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

// The rows a chart draws: total rows left out, the filter applied.
export function chartRows(spec: ChartSpec, table: Table): Row[] {
  const totals = new Set(table.total_rows ?? []);
  return table.rows.filter((r, i) => {
    if (totals.has(i)) return false;
    if (spec.filter_column && spec.filter_values?.length) return spec.filter_values.includes(text(r[spec.filter_column]));
    return true;
  });
}

// The columns shown by the chart's "Show as table" view, in a sensible order.
function chartColumns(spec: ChartSpec): string[] {
  const cols = [spec.series, spec.x, ...spec.y, spec.lower, spec.upper, ...(spec.limits ?? []), spec.target];
  return cols.filter((c, i): c is string => !!c && cols.indexOf(c) === i);
}

function fmt(v: number | null): string {
  if (v === null) return 'suppressed';
  return Math.abs(v) >= 100 ? v.toLocaleString('en-GB', { maximumFractionDigits: 0 })
    : v.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

// A one-paragraph text alternative: what the chart shows and its extremes.
export function summarise(spec: ChartSpec, table: Table): string {
  const rows = chartRows(spec, table);
  const parts = [spec.title.replace(/\.$/, '') + '.'];
  if (spec.description) parts.push(spec.description.replace(/\.$/, '') + '.');
  const y = spec.y[0];
  if (y && spec.x && rows.length) {
    const vals = rows.map((r) => ({ x: text(r[spec.x!]), v: num(r[y]) })).filter((p) => p.v !== null);
    if (vals.length) {
      const hi = vals.reduce((a, b) => (b.v! > a.v! ? b : a));
      const lo = vals.reduce((a, b) => (b.v! < a.v! ? b : a));
      parts.push(`${rows.length} ${rows.length === 1 ? 'point' : 'points'}; highest ${label(table, y)} ${fmt(hi.v)} at ${hi.x}; lowest ${fmt(lo.v)} at ${lo.x}.`);
    }
    const hidden = rows.length - vals.length;
    if (hidden > 0) parts.push(`${hidden} suppressed for disclosure control.`);
  }
  return parts.join(' ');
}

const baseGrid = { left: 64, right: 24, top: 40, bottom: 56, containLabel: true };
const axisText = { color: '#212B32', fontFamily: 'Arial, Helvetica, sans-serif' };

function catAxis(spec: ChartSpec, table: Table, data: string[]) {
  return { type: 'category', data, name: spec.x_label || label(table, spec.x), nameLocation: 'middle', nameGap: 36,
    axisLabel: { ...axisText, hideOverlap: true }, nameTextStyle: axisText };
}
function valAxis(spec: ChartSpec, table: Table, name?: string) {
  return { type: 'value', name: name ?? (spec.y_label || label(table, spec.y[0])), nameTextStyle: axisText,
    axisLabel: axisText, scale: false };
}

function groups(rows: Row[], col: string | undefined): [string, Row[]][] {
  if (!col) return [['', rows]];
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const k = text(r[col]);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return [...m.entries()];
}

function uniq(xs: string[]): string[] {
  return xs.filter((x, i) => xs.indexOf(x) === i);
}

// Vertical interval bars with caps (custom series): data items are [category index, lower, upper].
function intervalSeries(name: string, data: (number | null)[][], colour: string) {
  return {
    type: 'custom', name, silent: true, z: 1, encode: { x: 0, y: [1, 2] }, data: data.filter((d) => d[1] !== null && d[2] !== null),
    renderItem: (_params: unknown, api: any) => {
      const lo = api.coord([api.value(0), api.value(1)]);
      const hi = api.coord([api.value(0), api.value(2)]);
      const w = 5;
      const style = { stroke: colour, lineWidth: 1.5 };
      return { type: 'group', children: [
        { type: 'line', shape: { x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1] }, style },
        { type: 'line', shape: { x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1] }, style },
        { type: 'line', shape: { x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1] }, style },
      ] };
    },
  };
}

// The ECharts option for a ChartSpec over its table (exported for tests and other pages).
export function chartOption(spec: ChartSpec, table: Table): Record<string, unknown> {
  const rows = chartRows(spec, table);
  const x = spec.x ?? '';
  const tooltip = { trigger: 'axis', confine: true };
  const legend = { top: 4, textStyle: axisText };
  const base = { color: PALETTE, textStyle: axisText, animation: false, grid: baseGrid };
  switch (spec.kind) {
    case 'pyramid': {
      const [left, right] = spec.y;
      const cats = rows.map((r) => text(r[x]));
      const abs = (v: number) => Math.abs(v).toLocaleString('en-GB');
      return { ...base, legend, tooltip: { ...tooltip, axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => (v === null || v === undefined ? 'suppressed' : abs(v)) },
        xAxis: { type: 'value', axisLabel: { ...axisText, formatter: (v: number) => abs(v) }, name: spec.y_label || 'people',
          nameLocation: 'middle', nameGap: 32, nameTextStyle: axisText },
        yAxis: { type: 'category', data: cats, axisTick: { show: false }, axisLabel: axisText },
        series: [
          { type: 'bar', name: label(table, left), stack: 'p', data: rows.map((r) => { const v = num(r[left]); return v === null ? null : -v; }), itemStyle: { color: NHS.blue } },
          { type: 'bar', name: label(table, right), stack: 'p', data: rows.map((r) => num(r[right])), itemStyle: { color: NHS.warmYellow } },
        ] };
    }
    case 'bar': {
      const cats = rows.map((r) => text(r[x]));
      return { ...base, legend: spec.y.length > 1 ? legend : undefined, tooltip: { ...tooltip, axisPointer: { type: 'shadow' } },
        xAxis: catAxis(spec, table, cats), yAxis: valAxis(spec, table),
        series: spec.y.map((y) => ({ type: 'bar', name: label(table, y), data: rows.map((r) => num(r[y])) })) };
    }
    case 'points': {
      const y = spec.y[0];
      const cats = rows.map((r) => text(r[x]));
      let ref: number | null = null;
      if (spec.target) ref = num(rows[0]?.[spec.target]);
      else if (table.total_rows?.length) ref = num(table.rows[table.total_rows[0]]?.[y]);
      const series: Record<string, unknown>[] = [];
      if (spec.lower && spec.upper)
        series.push(intervalSeries('interval', rows.map((r, i) => [i, num(r[spec.lower!]), num(r[spec.upper!])]), NHS.darkGrey));
      series.push({ type: 'scatter', name: label(table, y), symbolSize: 10, z: 2, itemStyle: { color: NHS.blue },
        data: rows.map((r) => num(r[y])),
        markLine: ref === null ? undefined : { silent: true, symbol: 'none', lineStyle: { color: NHS.darkBlue, type: 'dashed' },
          label: { formatter: 'reference', color: NHS.darkBlue }, data: [{ yAxis: ref }] } });
      return { ...base, tooltip: { trigger: 'item', confine: true }, xAxis: catAxis(spec, table, cats), yAxis: valAxis(spec, table), series };
    }
    case 'funnel': {
      const y = spec.y[0];
      const pts = rows.map((r) => ({ x: num(r[x]), y: num(r[y]), r })).filter((p) => p.x !== null).sort((a, b) => a.x! - b.x!);
      const limitNames = ['lower 95%', 'upper 95%', 'lower 99.8%', 'upper 99.8%'];
      const series: Record<string, unknown>[] = [{ type: 'scatter', name: label(table, y), symbolSize: 7,
        itemStyle: { color: NHS.blue }, data: pts.filter((p) => p.y !== null).map((p) => [p.x, p.y]) }];
      (spec.limits ?? []).forEach((c, i) => series.push({ type: 'line', name: limitNames[i] ?? label(table, c), showSymbol: false,
        lineStyle: { width: 1.5, type: i < 2 ? 'dashed' : 'solid', color: i < 2 ? NHS.midGrey : NHS.darkGrey },
        itemStyle: { color: i < 2 ? NHS.midGrey : NHS.darkGrey }, data: pts.map((p) => [p.x, num(p.r[c])]) }));
      if (spec.target) series.push({ type: 'line', name: 'centre line', showSymbol: false, lineStyle: { color: NHS.darkBlue },
        itemStyle: { color: NHS.darkBlue }, data: pts.map((p) => [p.x, num(p.r[spec.target!])]) });
      return { ...base, legend, tooltip: { trigger: 'item', confine: true },
        xAxis: { type: 'value', name: spec.x_label || label(table, x), nameLocation: 'middle', nameGap: 32, axisLabel: axisText, nameTextStyle: axisText },
        yAxis: valAxis(spec, table), series };
    }
    case 'spc': {
      const y = spec.y[0];
      const cats = rows.map((r) => text(r[x]));
      const names = ['mean', 'lower process limit', 'upper process limit'];
      const series: Record<string, unknown>[] = [{ type: 'line', name: label(table, y), symbolSize: 7, lineStyle: { color: NHS.midGrey },
        data: rows.map((r) => ({ value: num(r[y]), itemStyle: { color: (spec.series && SPC_COLOURS[text(r[spec.series])]) || NHS.blue } })) }];
      (spec.limits ?? []).forEach((c, i) => series.push({ type: 'line', name: names[i] ?? label(table, c), showSymbol: false, step: false,
        lineStyle: { width: 1.5, type: i === 0 ? 'solid' : 'dashed', color: i === 0 ? NHS.darkBlue : NHS.darkGrey },
        itemStyle: { color: i === 0 ? NHS.darkBlue : NHS.darkGrey }, data: rows.map((r) => num(r[c])) }));
      if (spec.target) series.push({ type: 'line', name: 'target', showSymbol: false, lineStyle: { color: NHS.green, type: 'dotted' },
        itemStyle: { color: NHS.green }, data: rows.map((r) => num(r[spec.target!])) });
      return { ...base, legend, tooltip, xAxis: catAxis(spec, table, cats), yAxis: { ...valAxis(spec, table), scale: true }, series };
    }
    case 'line': {
      const cats = uniq(rows.map((r) => text(r[x])));
      let series: Record<string, unknown>[];
      if (spec.series) {
        const y = spec.y[0];
        series = groups(rows, spec.series).map(([g, rs]) => ({ type: 'line', name: g, symbolSize: 6,
          data: cats.map((c) => num(rs.find((r) => text(r[x]) === c)?.[y])) }));
      } else {
        series = spec.y.map((y) => ({ type: 'line', name: label(table, y), symbolSize: 6, data: rows.map((r) => num(r[y])) }));
      }
      return { ...base, legend: series.length > 1 ? { ...legend, type: 'scroll' } : undefined, tooltip,
        grid: { ...baseGrid, top: series.length > 1 ? 48 : 40 }, xAxis: catAxis(spec, table, cats), yAxis: valAxis(spec, table), series };
    }
    case 'fan': {
      const y = spec.y[0];
      const cats = uniq(rows.map((r) => text(r[x])));
      const series: Record<string, unknown>[] = [];
      groups(rows, spec.series).forEach(([g, rs], gi) => {
        const colour = PALETTE[gi % PALETTE.length];
        const at = (c: string) => rs.find((r) => text(r[x]) === c);
        const stack = `band${gi}`;
        if (spec.lower && spec.upper) {
          series.push({ type: 'line', name: `${g} lower`, stack, showSymbol: false, lineStyle: { opacity: 0 }, silent: true,
            data: cats.map((c) => num(at(c)?.[spec.lower!])), tooltip: { show: false } });
          series.push({ type: 'line', name: `${g ? g + ' ' : ''}interval`, stack, showSymbol: false, lineStyle: { opacity: 0 },
            areaStyle: { color: colour, opacity: 0.25 }, itemStyle: { color: colour }, silent: true,
            data: cats.map((c) => { const lo = num(at(c)?.[spec.lower!]), hi = num(at(c)?.[spec.upper!]); return lo === null || hi === null ? null : hi - lo; }) });
        }
        series.push({ type: 'line', name: g || label(table, y), symbolSize: 6, lineStyle: { color: colour, width: 2 }, itemStyle: { color: colour },
          data: cats.map((c) => num(at(c)?.[y])) });
      });
      return { ...base, legend: { ...legend, data: series.filter((s) => !String(s.name).endsWith(' lower')).map((s) => s.name) },
        tooltip, grid: { ...baseGrid, top: 48 }, xAxis: catAxis(spec, table, cats), yAxis: { ...valAxis(spec, table), scale: true }, series };
    }
    case 'waterfall': {
      const y = spec.y[0];
      const cats = rows.map((r) => text(r[x]));
      const vals = rows.map((r) => num(r[y]) ?? 0);
      const baseVals: number[] = [], up: (number | null)[] = [], down: (number | null)[] = [], ends: (number | null)[] = [];
      let running = 0;
      vals.forEach((v, i) => {
        if (i === 0 || i === vals.length - 1) {
          baseVals.push(0); ends.push(v); up.push(null); down.push(null); running = v;
        } else {
          baseVals.push(v >= 0 ? running : running + v); up.push(v >= 0 ? v : null); down.push(v < 0 ? -v : null); ends.push(null);
          running += v;
        }
      });
      return { ...base, legend, tooltip: { ...tooltip, axisPointer: { type: 'shadow' } }, xAxis: catAxis(spec, table, cats), yAxis: valAxis(spec, table),
        series: [
          { type: 'bar', stack: 'w', name: 'base', silent: true, itemStyle: { color: 'transparent' }, data: baseVals, tooltip: { show: false } },
          { type: 'bar', stack: 'w', name: 'level', itemStyle: { color: NHS.darkBlue }, data: ends },
          { type: 'bar', stack: 'w', name: 'increase', itemStyle: { color: NHS.orange }, data: up },
          { type: 'bar', stack: 'w', name: 'decrease', itemStyle: { color: NHS.aquaGreen }, data: down },
        ] };
    }
    default:
      return { ...base, title: { text: `Chart kind ${spec.kind} is not drawn; see the table.` } };
  }
}

// A figure: heading, the chart (role="img" with a text alternative) and a "Show as table" toggle.
export function renderChart(spec: ChartSpec, table: Table | undefined): HTMLElement {
  const headingId = uid('chart-title');
  const fig = h('figure', { class: 'chart', 'aria-labelledby': headingId, 'data-chart': spec.name },
    h('h3', { id: headingId, class: 'chart-title' }, spec.title));
  if (!table) {
    fig.append(h('p', {}, `The table ${spec.table} is not in this report.`));
    return fig;
  }
  const summary = summarise(spec, table);
  const canvas = h('div', { class: 'chart-canvas', role: 'img', 'aria-label': summary, 'data-kind': spec.kind });
  const tableId = uid('chart-table');
  const cols = chartColumns(spec);
  const sub: Table = { name: table.name, title: spec.title, columns: table.columns.filter((c) => cols.includes(c.name)),
    rows: chartRows(spec, table) };
  const tableBox = h('div', { id: tableId, class: 'chart-table', hidden: true }, renderTable(sub, { caption: `${spec.title}: data` }));
  const toggle = h('button', { type: 'button', class: 'button-secondary', 'aria-expanded': 'false', 'aria-controls': tableId,
    onclick: () => {
      const open = tableBox.hidden;
      tableBox.hidden = !open;
      toggle.setAttribute('aria-expanded', String(open));
      toggle.textContent = open ? 'Hide table' : 'Show as table';
    } }, 'Show as table');
  fig.append(canvas, h('figcaption', { class: 'chart-summary' }, summary), toggle, tableBox);
  // Draw once the element is in the document (ECharts needs its size).
  requestAnimationFrame(() => {
    if (!canvas.isConnected) return;
    const chart = echarts.init(canvas, undefined, { renderer: 'svg' });
    chart.setOption(chartOption(spec, table) as echarts.EChartsCoreOption);
    live.add(chart);
  });
  return fig;
}

// Renders a report (tables and declared charts) with its export links: the whole report as XLSX
// (format=xlsx) and each table as CSV (format=csv&table=NAME), fetched from the same endpoint with the
// same parameters, so exports carry the same disclosed numbers as the page.

import type { Report, Table } from './api';
import { renderChart } from './charts';
import { h } from './dom';
import { renderTable } from './table';

export interface ReportView {
  endpoint: string;                              // "/api/reports/profile"
  params?: Record<string, string>;               // the query the report was fetched with
  tables?: string[];                             // only these tables (in this order); default: all
  charts?: string[];                             // only these charts; default: all
  hideMetadata?: boolean;
}

export function exportUrl(view: ReportView, format: 'csv' | 'xlsx', table?: string): string {
  const q = new URLSearchParams(view.params ?? {});
  q.set('format', format);
  if (table) q.set('table', table);
  return `${view.endpoint}?${q.toString()}`;
}

function metadataList(report: Report): HTMLElement | null {
  const entries = Object.entries(report.metadata ?? {}).filter(([k]) => k !== 'definitions');
  if (!entries.length) return null;
  return h('dl', { class: 'metadata' }, ...entries.flatMap(([k, v]) => [h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, v)]));
}

export function renderReport(report: Report, view: ReportView): HTMLElement {
  const byName = new Map(report.tables.map((t) => [t.name, t] as [string, Table]));
  const tables = view.tables ? view.tables.map((n) => byName.get(n)).filter((t): t is Table => !!t) : report.tables;
  const charts = (report.charts ?? []).filter((c) => !view.charts || view.charts.includes(c.name));
  const section = h('section', { class: 'report', 'aria-label': report.title });
  section.append(h('div', { class: 'report-head' },
    h('p', { class: 'report-title' }, report.title),
    h('a', { class: 'button-secondary export', href: exportUrl(view, 'xlsx'), download: 'report.xlsx' },
      'Download the report (XLSX)')));
  if (!view.hideMetadata) {
    const meta = metadataList(report);
    if (meta) section.append(h('details', { class: 'meta' }, h('summary', {}, 'About this report'), meta));
  }
  if (charts.length) {
    section.append(h('div', { class: 'charts' }, ...charts.map((c) => renderChart(c, byName.get(c.table)))));
  }
  for (const t of tables) {
    section.append(h('div', { class: 'report-table', 'data-report-table': t.name },
      h('div', { class: 'table-head' },
        h('h3', {}, t.title || t.name),
        h('a', { class: 'export', href: exportUrl(view, 'csv', t.name), download: `${t.name}.csv`,
          'aria-label': `Download ${t.title || t.name} as CSV` }, 'CSV')),
      renderTable(t)));
  }
  if (report.disclosure) section.append(h('p', { class: 'muted disclosure' }, `Disclosure control: ${report.disclosure}`));
  return section;
}

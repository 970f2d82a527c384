// Renders one report table (src/report/json_writer.h layout) as an accessible HTML table: a caption,
// column headers with scope, numbers right-aligned and formatted with the column's decimal places,
// redacted cells shown as "*" with an explanation, total rows in bold, footnotes below. Long tables
// show the first rows with a button for the rest.

import { type Cell, type Column, type Table, isRedacted } from './api';
import { h } from './dom';

const PAGE_ROWS = 25;

export function formatCell(col: Column, v: Cell | undefined): string {
  if (v === null || v === undefined) return '';
  if (isRedacted(v)) return '*';
  if (typeof v !== 'number') return String(v);
  switch (col.type) {
    case 'integer':
      return v.toLocaleString('en-GB', { maximumFractionDigits: 0 });
    case 'percent':
      return `${v.toLocaleString('en-GB', { minimumFractionDigits: col.places ?? 1, maximumFractionDigits: col.places ?? 1 })}%`;
    case 'decimal':
      return v.toLocaleString('en-GB', { minimumFractionDigits: col.places ?? 2, maximumFractionDigits: col.places ?? 2 });
    default:
      return String(v);
  }
}

export interface TableOptions {
  caption?: string;
  pageRows?: number;
}

export function renderTable(table: Table, opts: TableOptions = {}): HTMLElement {
  const totals = new Set(table.total_rows ?? []);
  const limit = opts.pageRows ?? PAGE_ROWS;
  const numeric = (c: Column) => c.type !== 'text';
  const tbody = h('tbody');
  const addRows = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const row = table.rows[i];
      const tr = h('tr', { class: totals.has(i) ? 'total-row' : undefined });
      table.columns.forEach((c, ci) => {
        const v = row[c.name];
        const content = isRedacted(v)
          ? h('span', { class: 'redacted', title: 'Suppressed: a small number (disclosure control)' }, '*',
              h('span', { class: 'visually-hidden' }, ' suppressed'))
          : formatCell(c, v);
        tr.append(ci === 0 ? h('th', { scope: 'row', class: numeric(c) ? 'num' : undefined }, content)
          : h('td', { class: numeric(c) ? 'num' : undefined }, content));
      });
      tbody.append(tr);
    }
  };
  addRows(0, Math.min(limit, table.rows.length));
  const el = h('table', { class: 'data-table', 'data-table': table.name },
    h('caption', {}, opts.caption ?? table.title ?? table.name),
    h('thead', {}, h('tr', {}, ...table.columns.map((c) => h('th', { scope: 'col', class: numeric(c) ? 'num' : undefined }, c.label ?? c.name)))),
    tbody);
  const wrap = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': opts.caption ?? table.title ?? table.name }, el);
  const box = h('div', { class: 'table-box' }, wrap);
  if (table.rows.length === 0) box.append(h('p', { class: 'muted' }, 'No rows.'));
  if (table.rows.length > limit) {
    const more = h('button', { type: 'button', class: 'button-secondary', onclick: () => {
      addRows(limit, table.rows.length);
      more.remove();
    } }, `Show all ${table.rows.length} rows`);
    box.append(h('p', { class: 'muted' }, `Showing ${limit} of ${table.rows.length} rows. `, more));
  }
  if (table.footnotes?.length) box.append(h('ul', { class: 'footnotes' }, ...table.footnotes.map((f) => h('li', {}, f))));
  return box;
}

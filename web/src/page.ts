// What a page of the dashboard is: a hash route, a nav label, which API endpoints (route ids from
// GET /api/me) it needs, and a render function that fills the page's main element. Shared helpers
// for pages: loading a report with a busy state and showing errors.

import { ApiError, type Me, type Meta, type Report, api, query } from './api';
import { clear, h, notice } from './dom';
import { type ReportView, renderReport } from './report';

export interface Context {
  me: Me;
  meta: Meta;
}

export interface Page {
  route: string;                     // "overview" for #/overview
  nav: string;                       // nav label
  title: string;                     // the page's h1
  allowed: (me: Me) => boolean;
  render: (main: HTMLElement, ctx: Context) => Promise<void> | void;
}

export const may = (me: Me, id: string) => me.endpoints.includes(id);

export function errorNotice(e: unknown): HTMLElement {
  if (e instanceof ApiError) {
    const what = e.status === 403 ? 'Not permitted: your role may not see this.'
      : e.status === 404 ? 'Not found.'
      : e.status === 429 ? 'Too many requests: wait a moment and try again.'
      : e.status === 0 ? e.message : `The server could not answer (${e.status}): ${e.message}`;
    return notice('error', what, e.requestId ? ` (request ${e.requestId})` : '');
  }
  return notice('error', 'Something went wrong while drawing this page.');
}

// Fetches a report into `box` (clearing it), with a busy state; returns the report or null on error.
export async function loadReport(box: HTMLElement, view: ReportView): Promise<Report | null> {
  clear(box);
  box.setAttribute('aria-busy', 'true');
  box.append(h('p', { class: 'loading' }, 'Loading…'));
  try {
    const report = await api<Report>(view.endpoint + query(view.params ?? {}));
    clear(box);
    box.append(renderReport(report, view));
    return report;
  } catch (e) {
    clear(box);
    box.append(errorNotice(e));
    return null;
  } finally {
    box.removeAttribute('aria-busy');
  }
}

// A labelled <select>; `onChange` gets the new value.
export function select(labelText: string, name: string, options: [string, string][], value: string,
  onChange?: (v: string) => void): { field: HTMLElement; input: HTMLSelectElement } {
  const id = `f-${name}`;
  const input = h('select', { id, name, onchange: () => onChange?.(input.value) },
    ...options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)));
  return { field: h('div', { class: 'field' }, h('label', { for: id }, labelText), input), input };
}

export function periodOptions(meta: Meta): [string, string][] {
  return [['', 'Latest financial year'], ...(meta.periods ?? []).map((p) => [p, p] as [string, string])];
}

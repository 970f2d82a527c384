// The client side of the JSON API (docs/reference/api.md): fetch with the session cookie, errors as
// ApiError values carrying the HTTP status, and the types of the report layout
// (src/report/json_writer.h: title, metadata, tables with columns and rows, charts as ChartSpecs).

export type Cell = string | number | null;

export interface Column {
  name: string;
  label?: string;
  type: 'text' | 'integer' | 'decimal' | 'percent' | string;
  places?: number;
  count?: boolean;
  based_on?: string[];
}

export interface Table {
  name: string;
  title?: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  total_rows?: number[];
  footnotes?: string[];
}

export interface ChartSpec {
  name: string;
  kind: 'pyramid' | 'bar' | 'points' | 'funnel' | 'spc' | 'line' | 'fan' | 'waterfall' | string;
  table: string;
  title: string;
  description?: string;
  x?: string;
  y: string[];
  lower?: string;
  upper?: string;
  limits?: string[];
  target?: string;
  series?: string;
  x_label?: string;
  y_label?: string;
  improvement?: string;
  filter_column?: string;
  filter_values?: string[];
}

export interface Report {
  title: string;
  metadata?: Record<string, string>;
  disclosure?: string;
  tables: Table[];
  charts?: ChartSpec[];
}

export interface Me {
  user: string;
  role: string;
  practices: string[];
  endpoints: string[];
}

export interface Meta {
  dataset?: string;
  as_at?: string;
  periods?: string[];
  breakdowns?: string[];
  indicators?: { id: string; title: string }[];
  practices?: { code: string; name: string; pcn?: string; place?: string }[];
  places?: string[];
  model?: string | null;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    message: string,
    public requestId = '',
  ) {
    super(message);
  }
}

// Called on any 401 after login (the session expired): the app goes back to the login page.
let onUnauthorised: () => void = () => {};
export function setUnauthorisedHandler(fn: () => void): void {
  onUnauthorised = fn;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (init.body && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached.');
  }
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    let requestId = res.headers.get('X-Request-Id') ?? '';
    try {
      const body = (await res.json()) as { error?: string; request_id?: string };
      if (body.error) message = body.error;
      if (body.request_id) requestId = body.request_id;
    } catch {
      /* not JSON: keep the status line */
    }
    if (res.status === 401 && path !== '/api/login') onUnauthorised();
    throw new ApiError(res.status, message, requestId);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

// A query string from the non-empty entries of `params` ("" when none).
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Whether a cell was suppressed by disclosure control ("*" on the wire; "redacted" in engine JSON).
export function isRedacted(v: Cell | undefined): boolean {
  return v === '*' || v === 'redacted';
}

// A numeric cell as a number; null for empty, redacted or non-numeric cells.
export function num(v: Cell | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && !isRedacted(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

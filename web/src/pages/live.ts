// Live utilisation: subscribes to server-sent events at /api/live/stream (EventSource). Each event
// (`event: report`, `id:` the version) carries a report in the JSON layout of the other pages (tables
// live_summary, live_daily_by_place and live_daily_by_provider: daily admissions, A&E attendances,
// prescribing and coding depth with SPC limits, and SPC charts by place; docs/reference/live.md), so
// the page redraws it with the same renderer. When the feed is not there (404) or drops, the page
// says "Live feed unavailable" and keeps the last picture.

import type { Report } from '../api';
import { disposeCharts } from '../charts';
import { clear, h, notice } from '../dom';
import { type Page, may } from '../page';
import { renderReport } from '../report';

let source: EventSource | null = null;
// Closes the stream (called when the page changes).
export function closeLive(): void {
  source?.close();
  source = null;
}

export const livePage: Page = {
  route: 'live', nav: 'Live', title: 'Live utilisation',
  allowed: (me) => may(me, 'live.stream') || (!me.endpoints.some((e) => e.startsWith('live')) && may(me, 'reports.variation')),
  render: async (main) => {
    main.append(h('p', { class: 'lead' }, 'Daily emergency admissions, A&E attendances, prescribing and coding depth by place and provider, each against its SPC limits, updated as new activity arrives.'));
    const state = h('div', { class: 'live-state', 'aria-live': 'polite' });
    const box = h('div');
    const stamp = h('p', { class: 'muted' });
    main.append(state, stamp, box);
    const unavailable = (why: string) => {
      clear(state);
      state.append(notice('warn', h('strong', {}, 'Live feed unavailable. '), why));
      state.dataset.live = 'unavailable';
    };
    // EventSource hides the HTTP status: ask the summary once with fetch (a stream would hold a
    // server thread until its next heartbeat).
    try {
      const res = await fetch('/api/live/summary', { credentials: 'same-origin' });
      await res.body?.cancel();
      if (!res.ok) {
        unavailable(res.status === 404 ? 'This server does not publish a live stream yet.' : `The server answered ${res.status}.`);
        return;
      }
    } catch {
      unavailable('The server cannot be reached.');
      return;
    }
    closeLive();
    source = new EventSource('/api/live/stream', { withCredentials: true });
    clear(state);
    state.append(notice('info', 'Connecting to the live feed…'));
    // One place at a time: its SPC charts and its rows of the daily table (the CSV and XLSX exports
    // of /api/live/summary hold every place). Drawing all places' charts on each event takes too long.
    const picker = h('div', { class: 'field' });
    main.insertBefore(picker, box);
    let last: Report | null = null;
    let place = '';
    let places: string[] = [];
    const render = () => {
      if (!last) return;
      const report = last;
      const found = [...new Set((report.charts ?? []).filter((c) => c.filter_column === 'place').flatMap((c) => c.filter_values ?? []))];
      if (found.join('\n') !== places.join('\n')) {
        places = found;
        if (!places.includes(place)) place = places[0] ?? '';
        clear(picker);
        const id = 'f-live-place';
        const input = h('select', { id, name: 'place', onchange: () => { place = input.value; render(); } },
          ...places.map((p) => h('option', { value: p, selected: p === place }, p)));
        picker.append(h('label', { for: id }, 'Place'), input);
      }
      const view: Report = {
        ...report,
        charts: (report.charts ?? []).filter((c) => c.filter_column !== 'place' || (c.filter_values ?? []).includes(place)),
        tables: report.tables.map((t) => (t.name === 'live_daily_by_place' ? { ...t, rows: t.rows.filter((r) => r.place === place) } : t)),
      };
      disposeCharts();
      clear(box);
      box.append(renderReport(view, { endpoint: '/api/live/summary', hideMetadata: true }));
    };
    const draw = (data: string) => {
      let report: Report;
      try { report = JSON.parse(data) as Report; } catch { return; }
      if (!Array.isArray(report.tables)) return;
      clear(state);
      state.append(notice('info', h('strong', {}, 'Live. '), 'New activity appears here within a second.'));
      state.dataset.live = 'connected';
      last = report;
      render();
      const version = report.metadata?.version ?? '';
      stamp.textContent = `Last update ${new Date().toLocaleTimeString('en-GB')}${version ? `, version ${version}` : ''}`;
      stamp.dataset.version = String(version);
    };
    source.addEventListener('message', (e) => draw((e as MessageEvent).data));
    source.addEventListener('report', (e) => draw((e as MessageEvent).data));
    source.addEventListener('error', () => {
      if (source && source.readyState === EventSource.CLOSED) unavailable('The stream closed.');
    });
  },
};

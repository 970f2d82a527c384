// Live utilisation: subscribes to server-sent events at /api/live/stream (EventSource). Each event's
// data is a report in the JSON layout of the other pages (tables of daily admissions, A&E attendances,
// prescribing and coding depth by place and provider, with SPC charts declared on them), so the page
// redraws it with the same renderer. When the stream is not there (404) or drops, the page says
// "Live feed unavailable" and keeps the last picture.

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
    main.append(h('p', { class: 'lead' }, 'Daily admissions, A&E attendances and prescribing by place, each against its SPC limits, updated as new activity arrives.'));
    const state = h('div', { class: 'live-state', 'aria-live': 'polite' });
    const box = h('div');
    const stamp = h('p', { class: 'muted' });
    main.append(state, stamp, box);
    const unavailable = (why: string) => {
      clear(state);
      state.append(notice('warn', h('strong', {}, 'Live feed unavailable. '), why));
      state.dataset.live = 'unavailable';
    };
    // EventSource hides the HTTP status: ask once with fetch and stop reading at the headers.
    const ctl = new AbortController();
    try {
      const res = await fetch('/api/live/stream', { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: ctl.signal });
      ctl.abort();
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
    const draw = (data: string) => {
      let report: Report;
      try { report = JSON.parse(data) as Report; } catch { return; }
      if (!Array.isArray(report.tables)) return;
      clear(state);
      state.append(notice('info', h('strong', {}, 'Live. '), 'New activity appears here within a second.'));
      state.dataset.live = 'connected';
      stamp.textContent = `Last update ${new Date().toLocaleTimeString('en-GB')}`;
      disposeCharts();
      clear(box);
      box.append(renderReport(report, { endpoint: '/api/live/stream', hideMetadata: true }));
    };
    source.addEventListener('message', (e) => draw((e as MessageEvent).data));
    source.addEventListener('report', (e) => draw((e as MessageEvent).data));
    source.addEventListener('error', () => {
      if (source && source.readyState === EventSource.CLOSED) unavailable('The stream closed.');
    });
  },
};

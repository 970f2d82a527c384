// Forecasts: pick a scenario (and optionally one to compare with), start a forecast job
// (POST /api/jobs/forecast), follow its progress (GET /api/jobs/{id}, polled), then show the fan
// charts, waterfall and comparison of the finished job's report (/api/reports/forecast?job=ID).

import { api } from '../api';
import { clear, h } from '../dom';
import { type Page, errorNotice, loadReport, may, select } from '../page';

interface Job { id?: string; state: string; progress: number; message?: string }

// Scenario names from /api/scenarios, whatever its shape (an array of names or of {name}, or an
// object holding such arrays, e.g. {builtin:[...], saved:[...]}).
export function scenarioNames(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.name === 'string') out.push(o.name);
      else Object.values(o).forEach(walk);
    }
  };
  walk(body);
  return out.filter((n, i) => out.indexOf(n) === i);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const forecastPage: Page = {
  route: 'forecasts', nav: 'Forecasts', title: 'Forecasts',
  allowed: (me) => may(me, 'jobs.forecast'),
  render: async (main) => {
    main.append(h('p', { class: 'lead' }, 'Project population, activity and cost under a scenario. Runs are Monte Carlo simulations: the bands show the range of outcomes.'));
    let names: string[] = [];
    try {
      names = scenarioNames(await api<unknown>('/api/scenarios'));
    } catch (e) {
      main.append(errorNotice(e));
      return;
    }
    const scenario = select('Scenario', 'scenario', names.map((n) => [n, n]), names[0] ?? '');
    const compare = select('Compare with', 'compare', [['', 'No comparison'], ...names.map((n) => [n, n] as [string, string])], '');
    const runsId = 'f-runs';
    const runs = h('input', { id: runsId, name: 'runs', type: 'number', min: '10', max: '2000', step: '10', value: '200', inputmode: 'numeric' });
    const bar = h('progress', { max: '100', value: '0', 'aria-label': 'Forecast progress' });
    const status = h('p', { class: 'job-status', role: 'status', 'aria-live': 'polite' });
    const progressBox = h('div', { class: 'job', hidden: true }, bar, status);
    const result = h('div');
    const start = h('button', { type: 'submit', class: 'button' }, 'Run the forecast');
    const run = async () => {
      start.setAttribute('disabled', '');
      clear(result);
      progressBox.hidden = false;
      bar.value = 0;
      status.textContent = 'Starting…';
      try {
        const body: Record<string, unknown> = { scenario: scenario.input.value };
        if (compare.input.value) body.compare = compare.input.value;
        const n = Number(runs.value);
        if (Number.isFinite(n) && n > 0) body.runs = n;
        const started = await api<{ job: string | { id: string } }>('/api/jobs/forecast', { method: 'POST', body: JSON.stringify(body) });
        const id = typeof started.job === 'string' ? started.job : started.job.id;
        for (;;) {
          const job = await api<Job>(`/api/jobs/${encodeURIComponent(id)}`);
          const pct = Math.round(Math.max(0, Math.min(1, job.progress ?? 0)) * 100);
          bar.value = pct;
          status.textContent = `${job.state}: ${pct}%${job.message ? ` (${job.message})` : ''}`;
          if (job.state === 'done') break;
          if (job.state === 'failed') throw new Error(job.message || 'the forecast failed');
          await sleep(500);
        }
        await loadReport(result, { endpoint: '/api/reports/forecast', params: { job: id } });
      } catch (e) {
        clear(result);
        result.append(e instanceof Error && !('status' in e) ? errorNotice(null) : errorNotice(e));
        if (e instanceof Error && !('status' in e)) status.textContent = `Failed: ${e.message}`;
      } finally {
        start.removeAttribute('disabled');
      }
    };
    main.append(h('form', { class: 'controls', 'aria-label': 'Forecast scenario', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
      scenario.field, compare.field, h('div', { class: 'field' }, h('label', { for: runsId }, 'Runs'), runs),
      h('div', { class: 'field' }, start)), progressBox, result);
  },
};

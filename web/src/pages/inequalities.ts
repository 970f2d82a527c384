// Inequalities: any indicator of the catalogue by any breakdown (from /api/meta), for a period, with
// confidence intervals and, on request, the slope and relative indices of inequality (SII, RII).

import { type Report, num } from '../api';
import { h } from '../dom';
import { type Page, loadReport, may, periodOptions, select } from '../page';

const BREAKDOWN_LABELS: Record<string, string> = {
  all: 'Whole population', imd_decile: 'IMD decile', imd_quintile: 'IMD quintile', core20: 'Core20 (most deprived 20%)',
  ethnic_group: 'Ethnic group', age_band: 'Age band', sex: 'Sex', practice: 'Practice', pcn: 'PCN', place: 'Place',
  segment: 'Segment',
};

function siiSummary(report: Report): HTMLElement | null {
  const t = report.tables.find((x) => x.name === 'sii');
  if (!t || !t.rows.length) return null;
  const f = (v: unknown) => { const n = num(v as number); return n === null ? 'suppressed' : n.toLocaleString('en-GB', { maximumFractionDigits: 1 }); };
  return h('div', { class: 'sii-summary', role: 'note' }, ...t.rows.map((r) => h('p', {},
    h('strong', {}, `${r.title ?? r.indicator}: `),
    `slope index of inequality ${f(r.sii)} (95% CI ${f(r.sii_lowercl)} to ${f(r.sii_uppercl)}), relative index ${f(r.rii)} (${f(r.rii_lowercl)} to ${f(r.rii_uppercl)}).`)));
}

export const inequalitiesPage: Page = {
  route: 'inequalities', nav: 'Inequalities', title: 'Inequalities',
  allowed: (me) => may(me, 'reports.indicators'),
  render: async (main, ctx) => {
    main.append(h('p', { class: 'lead' }, 'Pick an indicator and a breakdown: the chart shows each group with its 95% confidence interval; the slope index of inequality (SII) measures the gap across deprivation deciles.'));
    const indicators = ctx.meta.indicators ?? [];
    const breakdowns = (ctx.meta.breakdowns ?? ['imd_decile']).filter((b) => b !== 'all');
    const state = { ids: indicators[0]?.id ?? '', by: breakdowns.includes('imd_decile') ? 'imd_decile' : breakdowns[0] ?? '', period: '', sii: true };
    const box = h('div', { 'aria-live': 'polite' });
    const load = async () => {
      const params: Record<string, string> = { ids: state.ids, by: state.by };
      if (state.period) params.period = state.period;
      if (state.sii) params.sii = 'true';
      const report = await loadReport(box, { endpoint: '/api/reports/indicators', params });
      if (report) { const s = siiSummary(report); if (s) box.prepend(s); }
    };
    const ind = select('Indicator', 'indicator', indicators.map((i) => [i.id, i.title]), state.ids, (v) => { state.ids = v; void load(); });
    const by = select('Breakdown', 'breakdown', breakdowns.map((b) => [b, BREAKDOWN_LABELS[b] ?? b]), state.by, (v) => { state.by = v; void load(); });
    const per = select('Period', 'period', periodOptions(ctx.meta), '', (v) => { state.period = v; void load(); });
    const siiBox = h('input', { type: 'checkbox', id: 'f-sii', checked: true, onchange: () => { state.sii = siiBox.checked; void load(); } });
    main.append(h('form', { class: 'controls', 'aria-label': 'Indicator and breakdown', onsubmit: (e: Event) => e.preventDefault() },
      ind.field, by.field, per.field,
      h('div', { class: 'field field-check' }, siiBox, h('label', { for: 'f-sii' }, 'Slope index of inequality (adds IMD deciles)'))), box);
    await load();
  },
};

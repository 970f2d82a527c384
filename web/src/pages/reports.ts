// The report pages that show one aggregate report: population overview, segments and
// multimorbidity, variation, data quality and providers.

import { h } from '../dom';
import { type Page, loadReport, may, periodOptions, select } from '../page';

export const overviewPage: Page = {
  route: 'overview', nav: 'Population', title: 'Population overview',
  allowed: (me) => may(me, 'reports.profile'),
  render: async (main) => {
    main.append(h('p', { class: 'lead' }, 'Who lives in the area and who is registered: age and sex, deprivation, ethnicity and practices.'));
    const box = h('div');
    main.append(box);
    await loadReport(box, { endpoint: '/api/reports/profile',
      tables: ['overview', 'pyramid_registered', 'pyramid_residents', 'imd_decile', 'ethnic_group', 'places', 'practices'],
      charts: ['pyramid_registered', 'pyramid_residents', 'imd_decile', 'ethnic_group'] });
  },
};

export const segmentsPage: Page = {
  route: 'segments', nav: 'Segments', title: 'Segments and multimorbidity',
  allowed: (me) => may(me, 'reports.segments'),
  render: async (main) => {
    main.append(h('p', { class: 'lead' }, 'Bridges to Health segments, multimorbidity and frailty scores as at the end of the data.'));
    const box = h('div');
    main.append(box);
    await loadReport(box, { endpoint: '/api/reports/segments' });
  },
};

function periodReportPage(route: string, nav: string, title: string, id: string, endpoint: string, lead: string): Page {
  return {
    route, nav, title, allowed: (me) => may(me, id),
    render: async (main, ctx) => {
      main.append(h('p', { class: 'lead' }, lead));
      const box = h('div');
      const { field } = select('Period', `${route}-period`, periodOptions(ctx.meta), '', (period) => {
        void loadReport(box, { endpoint, params: period ? { period } : {} });
      });
      main.append(h('form', { class: 'controls', onsubmit: (e: Event) => e.preventDefault() }, field), box);
      await loadReport(box, { endpoint });
    },
  };
}

export const variationPage = periodReportPage('variation', 'Variation', 'Variation between practices', 'reports.variation',
  '/api/reports/variation', 'Funnel plots of practices against their expected values, and monthly SPC charts with process limits.');

export const providersPage = periodReportPage('providers', 'Providers', 'Providers', 'reports.providers',
  '/api/reports/providers', 'Provider activity, unit cost and length of stay.');

export const qualityPage: Page = {
  route: 'quality', nav: 'Data quality', title: 'Data quality',
  allowed: (me) => may(me, 'reports.quality'),
  render: async (main) => {
    main.append(h('p', { class: 'lead' }, 'Completeness, validity and linkage of the data behind every page.'));
    const box = h('div');
    main.append(box);
    await loadReport(box, { endpoint: '/api/reports/quality' });
  },
};

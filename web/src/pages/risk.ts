// Risk and case finding: the risk model's evaluation (aggregates, for analysts, clinicians and
// admins) and, for a neighbourhood clinician, the person-level case-finding list of one of their own
// practices. The practice picker offers only the clinician's practices (the server checks again and
// answers 403 for any other); every list opened is written to the audit log before it is sent.

import { type Cell, api, query } from '../api';
import { clear, h, notice } from '../dom';
import { type Page, errorNotice, loadReport, may, select } from '../page';
import { renderTable } from '../table';

type Row = Record<string, Cell>;

// The rows of a case-finding answer, whatever the array is called ("entries", "rows" or "list").
function listRows(body: Record<string, unknown>): Row[] {
  for (const k of ['entries', 'rows', 'list', 'people']) if (Array.isArray(body[k])) return body[k] as Row[];
  const arr = Object.values(body).find((v) => Array.isArray(v) && v.length && typeof v[0] === 'object');
  return (arr as Row[]) ?? [];
}

const COLUMN_LABELS: Record<string, string> = { rank: 'Rank', pseudonym: 'Pseudonym', practice: 'Practice', risk: 'Risk',
  risk_pct: 'Risk (%)', segment: 'Segment', reasons: 'Why', recent_use: 'Recent use', impactable: 'Impactable',
  impactable_because: 'Impactable because' };

export const riskPage: Page = {
  route: 'risk', nav: 'Risk and case finding', title: 'Risk and case finding',
  allowed: (me) => may(me, 'reports.risk') || may(me, 'casefind'),
  render: async (main, ctx) => {
    const { me, meta } = ctx;
    if (may(me, 'casefind')) {
      const names = new Map((meta.practices ?? []).map((p) => [p.code, p.name]));
      const section = h('section', { class: 'casefind', 'aria-labelledby': 'casefind-h' }, h('h2', { id: 'casefind-h' }, 'Case finding'));
      main.append(section);
      section.append(notice('warn', h('strong', {}, 'Access is audited. '),
        'Each list you open is recorded with your name, role, the practice and the time, before the list is shown. Open a list only for the care of the practice\'s patients.'));
      if (!me.practices.length) {
        section.append(notice('info', 'No practices are assigned to you: ask an administrator.'));
      } else {
        const practice = select('Practice', 'practice', me.practices.map((c) => [c, names.has(c) ? `${c} ${names.get(c)}` : c]), me.practices[0]);
        const top = select('List length', 'top', [['20', '20 people'], ['50', '50 people'], ['100', '100 people']], '20');
        const imp = h('input', { type: 'checkbox', id: 'f-impactability' });
        const out = h('div', { class: 'casefind-list', 'aria-live': 'polite' });
        const run = async () => {
          clear(out);
          out.append(h('p', { class: 'loading' }, 'Loading…'));
          try {
            const body = await api<Record<string, unknown>>('/api/casefind' + query({ practice: practice.input.value, top: top.input.value,
              impactability: imp.checked ? 'true' : undefined }));
            clear(out);
            const rows = listRows(body);
            const cols = rows.length ? Object.keys(rows[0]) : [];
            const scope = typeof body.scope_description === 'string' ? body.scope_description : `practice ${practice.input.value}`;
            out.append(h('p', {}, `${rows.length} people at highest risk in ${scope}.`,
              body.audit_seq !== undefined ? ` This access is audit entry ${String(body.audit_seq)}.` : ''));
            out.append(renderTable({ name: 'casefind', title: `Case-finding list, ${scope}`,
              columns: cols.map((c) => ({ name: c, label: COLUMN_LABELS[c] ?? c.replace(/_/g, ' '), type: typeof rows[0][c] === 'number' ? 'decimal' : 'text',
                places: c === 'rank' ? 0 : 3 })), rows }, { pageRows: 100 }));
          } catch (e) {
            clear(out);
            out.append(errorNotice(e));
          }
        };
        section.append(h('form', { class: 'controls', 'aria-label': 'Case-finding list', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
          practice.field, top.field,
          h('div', { class: 'field field-check' }, imp, h('label', { for: 'f-impactability' }, 'Rank impactable people first')),
          h('div', { class: 'field' }, h('button', { type: 'submit', class: 'button' }, 'Show the list'))), out);
      }
    }
    if (may(me, 'reports.risk')) {
      const box = h('div');
      main.append(h('section', { 'aria-labelledby': 'eval-h' }, h('h2', { id: 'eval-h' }, 'Model evaluation'),
        h('p', { class: 'lead' }, 'How well the risk model discriminates and is calibrated on the validation year, overall and in subgroups.'), box));
      await loadReport(box, { endpoint: '/api/reports/risk' });
    }
  },
};

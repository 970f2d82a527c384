// Administration (admin only): the users and a check of the audit chain (GET /api/admin/audit/verify).

import { type Cell, api } from '../api';
import { clear, h, notice } from '../dom';
import { type Page, errorNotice, may } from '../page';
import { renderTable } from '../table';

export const adminPage: Page = {
  route: 'admin', nav: 'Administration', title: 'Administration',
  allowed: (me) => may(me, 'admin.users.list'),
  render: async (main, ctx) => {
    const users = h('div');
    const verify = h('div', { 'aria-live': 'polite' });
    const check = h('button', { type: 'button', class: 'button', onclick: async () => {
      clear(verify);
      try {
        const r = await api<{ ok: boolean; entries: number; first_bad_seq?: number; problem?: string }>('/api/admin/audit/verify');
        verify.append(r.ok ? notice('info', `The audit chain is intact: ${r.entries} entries verified.`)
          : notice('error', `The audit chain is broken at entry ${r.first_bad_seq}: ${r.problem ?? ''}`));
      } catch (e) { verify.append(errorNotice(e)); }
    } }, 'Verify the audit log');
    main.append(h('section', { 'aria-labelledby': 'users-h' }, h('h2', { id: 'users-h' }, 'Users'), users),
      h('section', { 'aria-labelledby': 'audit-h' }, h('h2', { id: 'audit-h' }, 'Audit log'), check, verify));
    if (!may(ctx.me, 'admin.users.list')) return;
    try {
      const body = await api<unknown>('/api/admin/users');
      const rows = (Array.isArray(body) ? body : ((body as Record<string, unknown>).users as unknown[]) ?? []) as Record<string, Cell | string[]>[];
      const flat = rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])) as Record<string, Cell>);
      const cols = flat.length ? Object.keys(flat[0]) : ['name', 'role'];
      users.append(renderTable({ name: 'users', title: 'Users', columns: cols.map((c) => ({ name: c, label: c.replace(/_/g, ' '), type: 'text' })), rows: flat }));
    } catch (e) { users.append(errorNotice(e)); }
  },
};

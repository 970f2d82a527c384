// The dashboard's entry point: the app shell (skip link, header, nav, main), login and logout, and the
// hash router. After login it asks GET /api/me which endpoints the role may call and GET /api/meta for
// the pickers; the nav lists only the pages the role may use, and a hash route to any other page shows
// "Not permitted" (the server refuses the calls too: the nav is a convenience, not the control).

import './style.css';
import { ApiError, type Me, type Meta, api, setUnauthorisedHandler } from './api';
import { disposeCharts } from './charts';
import { clear, h, notice } from './dom';
import { type Context, type Page, errorNotice } from './page';
import { adminPage } from './pages/admin';
import { forecastPage } from './pages/forecast';
import { inequalitiesPage } from './pages/inequalities';
import { closeLive, livePage } from './pages/live';
import { overviewPage, providersPage, qualityPage, segmentsPage, variationPage } from './pages/reports';
import { riskPage } from './pages/risk';

const PAGES: Page[] = [overviewPage, segmentsPage, inequalitiesPage, riskPage, forecastPage, variationPage, providersPage,
  qualityPage, livePage, adminPage];

const ROLE_NAMES: Record<string, string> = { analyst: 'Analyst', clinician: 'Neighbourhood clinician', finance: 'Finance and contracting', admin: 'Administrator' };

let ctx: Context | null = null;
let renderSeq = 0;

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const userBox = document.getElementById('user') as HTMLElement;

function route(): string {
  return location.hash.replace(/^#\/?/, '').split('?')[0];
}

function go(r: string): void {
  if (route() === r) void render();
  else location.hash = `#/${r}`;
}

function heading(text: string): HTMLElement {
  return h('h1', { tabindex: '-1', id: 'page-title' }, text);
}

function drawNav(): void {
  clear(nav);
  clear(userBox);
  if (!ctx) return;
  const current = route();
  const items = PAGES.filter((p) => p.allowed(ctx!.me));
  nav.append(h('ul', {}, ...items.map((p) => h('li', {}, h('a', { href: `#/${p.route}`, 'data-route': p.route,
    'aria-current': p.route === current ? 'page' : undefined }, p.nav)))));
  userBox.append(h('span', { class: 'who' }, `${ctx.me.user} (${ROLE_NAMES[ctx.me.role] ?? ctx.me.role})`),
    h('button', { type: 'button', class: 'button-link', id: 'logout', onclick: () => void logout() }, 'Log out'));
}

function loginPage(message?: HTMLElement): void {
  ctx = null;
  drawNav();
  disposeCharts();
  closeLive();
  clear(main);
  document.title = 'Log in - ICB dashboard';
  const err = h('div', { 'aria-live': 'assertive' }, message ?? null);
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'button' }, 'Log in');
  const form = h('form', { class: 'login', 'aria-labelledby': 'page-title', onsubmit: async (e: Event) => {
    e.preventDefault();
    clear(err);
    submit.setAttribute('disabled', '');
    try {
      await api('/api/login', { method: 'POST', body: JSON.stringify({ user: user.value, password: pass.value }) });
      pass.value = '';
      await start();
    } catch (x) {
      err.append(x instanceof ApiError && (x.status === 401 || x.status === 400)
        ? notice('error', 'The user name or password is not right.') : errorNotice(x));
    } finally {
      submit.removeAttribute('disabled');
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'login-user' }, 'User name'), user),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), pass),
  submit);
  main.append(heading('Log in'), h('p', { class: 'lead' }, 'Population health analytics for the Integrated Care Board. Use the account your administrator gave you.'), err, form);
  user.focus();
}

async function logout(): Promise<void> {
  try {
    await api('/api/logout', { method: 'POST' });
  } catch {
    /* the session may already be gone */
  }
  history.replaceState(null, '', location.pathname);
  loginPage(notice('info', 'You have logged out.'));
}

async function start(): Promise<void> {
  const me = await api<Me>('/api/me');
  let meta: Meta = {};
  try {
    meta = await api<Meta>('/api/meta');
  } catch {
    /* pickers fall back to defaults */
  }
  ctx = { me, meta };
  const first = PAGES.find((p) => p.allowed(me));
  if (!route() && first) history.replaceState(null, '', `#/${first.route}`);
  await render();
}

async function render(): Promise<void> {
  if (!ctx) return;
  const seq = ++renderSeq;
  disposeCharts();
  closeLive();
  drawNav();
  clear(main);
  const r = route();
  const page = PAGES.find((p) => p.route === r);
  if (!page) {
    document.title = 'Page not found - ICB dashboard';
    main.append(heading('Page not found'), h('p', {}, 'There is no page at this address. Use the menu to pick a page.'));
  } else if (!page.allowed(ctx.me)) {
    document.title = 'Not permitted - ICB dashboard';
    main.append(heading('Not permitted'), notice('error', `Your role (${ROLE_NAMES[ctx.me.role] ?? ctx.me.role}) may not use the page "${page.title}".`),
      h('p', {}, 'Use the menu to pick a page you may use, or ask an administrator.'));
  } else {
    document.title = `${page.title} - ICB dashboard`;
    const body = h('div', { class: 'page', 'data-page': page.route });
    main.append(heading(page.title), body);
    if (ctx.meta.dataset) main.insertBefore(h('p', { class: 'dataset' }, `Dataset ${ctx.meta.dataset}${ctx.meta.as_at ? `, data to ${ctx.meta.as_at}` : ''}`), body);
    try {
      await page.render(body, ctx);
    } catch (e) {
      if (seq === renderSeq) body.append(errorNotice(e));
    }
  }
  if (seq === renderSeq) document.getElementById('page-title')?.focus({ preventScroll: false });
}

setUnauthorisedHandler(() => {
  if (ctx) loginPage(notice('info', 'Your session has ended: log in again.'));
});
window.addEventListener('hashchange', () => { if (ctx) void render(); });
// The skip link must not change the hash (the router owns it): move the focus instead.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  (document.getElementById('page-title') ?? main).focus();
});
document.getElementById('home')?.addEventListener('click', (e) => {
  e.preventDefault();
  const first = ctx && PAGES.find((p) => p.allowed(ctx!.me));
  if (first) go(first.route);
});

start().catch((e) => {
  if (e instanceof ApiError && e.status === 401) loginPage();
  else loginPage(errorNotice(e));
});

// Browser tests of the web dashboard: Debian's chromium driven by playwright-core against a running
// `icb serve`. Started by
// scripts/browser-tests.sh, which sets:
//   ICB_URL      the server's address (http://127.0.0.1:PORT)
//   ICB_USERS    JSON {role: {user, password}} for analyst, clinician, finance and admin
//   ICB_SHOTS    where screenshots go (default /tmp/icb-browser-shots)
// The role expectations are the matrix of docs/reference/api.md.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRequire } from 'node:module';

// playwright-core is a dev dependency of web/ (web/node_modules, installed by npm ci there).
const { chromium } = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');

const URL_ = process.env.ICB_URL ?? 'http://127.0.0.1:8080';
const USERS = JSON.parse(process.env.ICB_USERS ?? JSON.stringify(Object.fromEntries(
  ['analyst', 'clinician', 'finance', 'admin'].map((r) => [r, { user: r, password: `${r}-pw` }]))));
const SHOTS = process.env.ICB_SHOTS ?? '/tmp/icb-browser-shots';
mkdirSync(SHOTS, { recursive: true });
const TIMEOUT = 30000;

// Nav labels each role must and must not see (docs/reference/api.md role matrix).
const NAV = {
  analyst: { yes: ['Population', 'Segments', 'Inequalities', 'Risk and case finding', 'Forecasts', 'Variation', 'Providers', 'Data quality'], no: ['Administration'] },
  clinician: { yes: ['Population', 'Segments', 'Inequalities', 'Risk and case finding', 'Variation', 'Data quality'], no: ['Forecasts', 'Providers', 'Administration'] },
  finance: { yes: ['Population', 'Inequalities', 'Forecasts', 'Providers', 'Data quality'], no: ['Risk and case finding', 'Administration'] },
  admin: { yes: ['Population', 'Risk and case finding', 'Forecasts', 'Providers', 'Administration'], no: [] },
};
// A page each role may not open by its address.
const FORBIDDEN = { analyst: 'admin', clinician: 'forecasts', finance: 'risk', admin: null };

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'], headless: true });
});
after(async () => { await browser?.close(); });

async function login(role) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(URL_ + '/');
  await page.getByLabel('User name').fill(USERS[role].user);
  await page.getByLabel('Password').fill(USERS[role].password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#logout').waitFor();
  return { context, page };
}

async function open(page, route) {
  await page.goto(`${URL_}/#/${route}`);
  await page.locator(`[data-page="${route}"], h1:has-text("Not permitted")`).first().waitFor();
}

async function navLabels(page) {
  return (await page.locator('#nav a').allTextContents()).map((s) => s.trim());
}

async function firstChart(page) {
  await page.locator('.chart-canvas svg').first().waitFor({ timeout: 60000 });
}

for (const role of Object.keys(NAV)) {
  describe(`role ${role}`, () => {
    test('logs in and sees only the pages the role may use', async () => {
      const { context, page } = await login(role);
      const labels = await navLabels(page);
      for (const l of NAV[role].yes) assert.ok(labels.includes(l), `${role} should see ${l} (saw ${labels})`);
      for (const l of NAV[role].no) assert.ok(!labels.includes(l), `${role} should not see ${l}`);
      const me = await page.evaluate(async () => (await fetch('/api/me')).json());
      assert.equal(me.role, role);
      if (FORBIDDEN[role]) {
        await open(page, FORBIDDEN[role]);
        await assert.doesNotReject(page.getByRole('heading', { name: 'Not permitted' }).waitFor());
        await page.screenshot({ path: join(SHOTS, `${role}-not-permitted.png`) });
      }
      await page.locator('#logout').click();
      await page.getByLabel('User name').waitFor();
      const after = await page.evaluate(async () => (await fetch('/api/me')).status);
      assert.equal(after, 401, 'the session ends at logout');
      await context.close();
    });
  });
}

describe('pages as analyst', () => {
  let context, page;
  before(async () => ({ context, page } = await login('analyst')));
  after(async () => context?.close());

  for (const route of ['overview', 'segments', 'inequalities', 'risk', 'variation', 'quality', 'providers']) {
    test(`${route} renders a chart and tables`, async () => {
      await open(page, route);
      await page.locator('[data-report-table] table.data-table').first().waitFor({ timeout: 60000 });
      if (route !== 'quality') await firstChart(page);  // the quality report may declare no chart
      assert.ok(await page.locator('table.data-table').count() > 0);
      if (await page.locator('.chart-canvas').count() === 0) return;
      const alt = await page.locator('.chart-canvas').first().getAttribute('aria-label');
      assert.ok(alt && alt.length > 20, 'every chart has a text alternative');
      await page.screenshot({ path: join(SHOTS, `analyst-${route}.png`), fullPage: false });
    });
  }

  test('a chart shows as a table on request', async () => {
    await open(page, 'overview');
    await firstChart(page);
    const toggle = page.locator('figure.chart').first().locator('button');
    assert.equal(await toggle.textContent(), 'Show as table');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.locator('figure.chart').first().locator('.chart-table table').isVisible());
  });

  test('inequalities: changing the breakdown changes the table', async () => {
    await open(page, 'inequalities');
    await firstChart(page);
    const before = await page.locator('[data-report-table]').evaluateAll((els) => els.map((e) => e.dataset.reportTable));
    await page.getByLabel('Breakdown', { exact: true }).selectOption('sex');
    await page.waitForFunction((b) => {
      const now = [...document.querySelectorAll('[data-report-table]')].map((e) => e.dataset.reportTable);
      return now.length > 0 && now.join() !== b.join();
    }, before, { timeout: 60000 });
    const after = await page.locator('[data-report-table]').evaluateAll((els) => els.map((e) => e.dataset.reportTable));
    assert.ok(after.some((n) => n.includes('sex')), `a table by sex (tables: ${after})`);
    const firstCol = await page.locator('[data-report-table*="sex"] thead th').first().textContent();
    assert.match(firstCol ?? '', /sex/i);
    await page.screenshot({ path: join(SHOTS, 'analyst-inequalities-sex.png') });
  });

  test('exports a table as CSV with its header row', async () => {
    await open(page, 'overview');
    await firstChart(page);
    const link = page.locator('[data-report-table="imd_decile"] a.export');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const file = await download.path();
    const header = readFileSync(file, 'utf8').split(/\r?\n/)[0];
    assert.match(header, /^"?imd_decile"?,"?residents"?/);
  });

  test('forecast: a job runs with progress and draws fan charts', async () => {
    await open(page, 'forecasts');
    await page.getByLabel('Runs').fill('20');
    await page.getByRole('button', { name: 'Run the forecast' }).click();
    await page.locator('progress').waitFor();
    await page.locator('.chart-canvas[data-kind="fan"] svg').first().waitFor({ timeout: 120000 });
    assert.equal(await page.locator('progress').getAttribute('value'), '100');
    await page.screenshot({ path: join(SHOTS, 'analyst-forecasts.png') });
  });

  test('live: says the feed is unavailable when the stream is not there', async () => {
    await open(page, 'live');
    await page.locator('.live-state .notice').first().waitFor();
    const status = await page.evaluate(async () => {
      const c = new AbortController();
      const r = await fetch('/api/live/stream', { signal: c.signal });
      c.abort();
      return r.status;
    });
    if (status === 404) assert.match(await page.locator('.live-state').textContent(), /Live feed unavailable/);
    await page.screenshot({ path: join(SHOTS, 'analyst-live.png') });
  });

  test('keyboard: the skip link is first and moves focus to the page', async () => {
    await open(page, 'overview');
    const first = await page.evaluate(() => document.querySelector('a[href], button, input, select, [tabindex]:not([tabindex="-1"])')?.className);
    assert.equal(first, 'skip-link', 'the skip link is the first thing Tab reaches');
    await page.focus('.skip-link');
    assert.ok(await page.locator('.skip-link').isVisible(), 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'page-title');
    assert.match(page.url(), /#\/overview$/);
  });

  test('every form control has a label', async () => {
    for (const route of ['inequalities', 'forecasts', 'variation']) {
      await open(page, route);
      await page.locator('select, input').first().waitFor();
      const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.outerHTML));
      assert.deepEqual(unlabelled, [], route);
    }
  });
});

describe('clinician case finding', () => {
  test('sees only their practices, the list, the audit notice; another practice is refused', async () => {
    const { context, page } = await login('clinician');
    const me = await page.evaluate(async () => (await fetch('/api/me')).json());
    assert.ok(me.practices.length > 0, 'the clinician has practices');
    await open(page, 'risk');
    const options = await page.locator('#f-practice option').evaluateAll((els) => els.map((e) => e.value));
    assert.deepEqual(options, me.practices);
    assert.match(await page.locator('.casefind').textContent(), /audited/i);
    await page.getByRole('button', { name: 'Show the list' }).click();
    await page.locator('.casefind-list table tbody tr').first().waitFor({ timeout: 60000 });
    assert.ok(await page.locator('.casefind-list tbody tr').count() > 0);
    await page.screenshot({ path: join(SHOTS, 'clinician-casefind.png') });
    // Another practice: the picker does not offer it, and the server refuses it.
    const meta = await page.evaluate(async () => (await fetch('/api/meta')).json());
    const other = meta.practices.map((p) => p.code).find((c) => !me.practices.includes(c));
    assert.ok(other);
    assert.equal(await page.locator(`#f-practice option[value="${other}"]`).count(), 0);
    const status = await page.evaluate(async (p) => (await fetch(`/api/casefind?practice=${p}`)).status, other);
    assert.equal(status, 403);
    await context.close();
  });
});

// Live utilisation in a real browser: opens the live page (server-sent events from /api/live/stream),
// runs `icb append` with 25 A&E attendances dated on the dataset's last day and watches the page
// redraw with the new numbers. Started by scripts/browser-tests.sh, which sets, beside ICB_URL,
// ICB_USERS and ICB_SHOTS (see dashboard.test.mjs):
//   ICB_BIN       the icb binary
//   ICB_DATASET   the published dataset the server runs on
//   ICB_KEY_FILE  its pseudonymisation key
//   ICB_STATE     the server's state folder (batches go to STATE/live)
//   ICB_CSV_DIR   the synthetic input CSVs (rows to re-date and append)
// The latency (append finished -> new version drawn) is printed; docs/reference/live.md records it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';

const { chromium } = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');

const URL_ = process.env.ICB_URL ?? 'http://127.0.0.1:8080';
const USERS = JSON.parse(process.env.ICB_USERS ?? '{}');
const SHOTS = process.env.ICB_SHOTS ?? '/tmp/icb-browser-shots';
const { ICB_BIN, ICB_DATASET, ICB_KEY_FILE, ICB_STATE, ICB_CSV_DIR } = process.env;
mkdirSync(SHOTS, { recursive: true });
const APPENDED = 'Rows appended since the server started';

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'], headless: true });
});
after(async () => { await browser?.close(); });

// `n` A&E attendances from the synthetic CSV with the arrival date set to `day`.
function aeRows(day, n) {
  const lines = readFileSync(join(ICB_CSV_DIR, 'ae_attendances.csv'), 'utf8').split('\n');
  const out = [lines[0]];
  for (const line of lines.slice(1, n + 1)) {
    const f = line.split(',');
    f[1] = day;
    out.push(f.join(','));
  }
  return out.join('\n') + '\n';
}

test('live: an appended batch shows up on the page', { skip: !ICB_BIN || !ICB_CSV_DIR ? 'ICB_BIN and ICB_CSV_DIR are not set' : false }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(URL_ + '/');
  await page.getByLabel('User name').fill(USERS.analyst.user);
  await page.getByLabel('Password').fill(USERS.analyst.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#logout').waitFor();
  await page.goto(`${URL_}/#/live`);
  await page.locator('.live-state[data-live="connected"]').waitFor({ timeout: 60000 });
  const stamp = page.locator('p.muted[data-version]');
  await stamp.waitFor();
  const before = await stamp.getAttribute('data-version');
  const cell = page.locator(`tr:has-text("${APPENDED}")`).first().locator('td').last();
  const countBefore = (await cell.textContent()).trim();

  const asAt = await page.evaluate(async () => (await (await fetch('/api/health')).json()).as_at);
  const dir = mkdtempSync(join(tmpdir(), 'icb-live-'));
  const file = join(dir, 'ae_attendances_live.csv');
  writeFileSync(file, aeRows(asAt, 25));
  const t0 = Date.now();
  execFileSync(ICB_BIN, ['append', ICB_DATASET, file, '--key-file', ICB_KEY_FILE, '--state', ICB_STATE], { stdio: 'pipe' });
  const t1 = Date.now();
  await page.waitForFunction((v) => document.querySelector('p.muted[data-version]')?.getAttribute('data-version') !== v,
    before, { timeout: 10000, polling: 20 });
  const t2 = Date.now();
  const countAfter = (await cell.textContent()).trim();
  console.log(`[ live latency ] icb append ${t1 - t0} ms; the page redrew ${t2 - t1} ms after it ended`);
  assert.notEqual(countAfter, countBefore, `the appended-rows count should change (was ${countBefore})`);
  assert.equal(await page.locator('.live-state').getAttribute('data-live'), 'connected');
  await page.screenshot({ path: join(SHOTS, 'analyst-live-updated.png') });
  await context.close();
});

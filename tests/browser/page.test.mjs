// Browser tests of the static page in www/: headless Chromium against a tiny static server
// started here, on 127.0.0.1 with a free port. Run with `npm test` in this folder.
//
// Needs the engine built into www/pkg (./scripts/build-wasm.sh) and a Chromium at
// /usr/bin/chromium (or the path in $CHROMIUM). Set MAILHOUND_SCREENSHOT=/tmp/page.png to keep
// a screenshot of the page with its results.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const wwwRoot = resolve(here, '..', '..', 'www');
const fixturePath = join(here, 'fixtures', 'ual-inbox-rule.json');
const fixtureText = readFileSync(fixturePath, 'utf8');
const ATTACK_RECORD_ID = '5b7e2c1a-8f3d-4c6e-9a21-3d4f5e6a7b8c';
const EXFIL_ADDRESS = 'drop.box@outlook-mail.example';

// The page's own policy, also sent as a header: a meta policy does not reach the worker.
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'";

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** Under this prefix the page is served without its engine, to see how it reports that. */
const NO_ENGINE = '/no-engine';

function startServer() {
  const server = createServer(async (request, response) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      response.writeHead(status, {
        'Content-Type': type,
        'Content-Security-Policy': CSP,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      response.end(body);
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'method not allowed');
    let path;
    try {
      path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (path === NO_ENGINE || path.startsWith(`${NO_ENGINE}/`)) {
      path = path.slice(NO_ENGINE.length) || '/';
      if (path.startsWith('/pkg/')) return send(404, 'not found');
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = resolve(wwwRoot, `.${path}`);
    if (file !== wwwRoot && !file.startsWith(wwwRoot + sep)) return send(403, 'forbidden');
    try {
      if (!(await stat(file)).isFile()) return send(404, 'not found');
      const body = await readFile(file);
      return send(200, request.method === 'HEAD' ? undefined : body, MIME[extname(file)] ?? 'application/octet-stream');
    } catch {
      return send(404, 'not found');
    }
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer(server));
  });
}

let server;
let browser;
let origin;

before(async () => {
  for (const file of ['mailhound_wasm.js', 'mailhound_wasm_bg.wasm']) {
    if (!existsSync(join(wwwRoot, 'pkg', file))) {
      throw new Error(`www/pkg/${file} is missing: build the engine first with ./scripts/build-wasm.sh (from the repository root)`);
    }
  }
  server = await startServer();
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((done) => (server ? server.close(done) : done()));
});

/** A fresh page that records its requests, uncaught errors and console errors. */
async function openPage(t, path = '/', options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const seen = { requests: [], pageErrors: [], consoleErrors: [] };
  page.on('request', (request) => seen.requests.push(request.url()));
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.consoleErrors.push(message.text());
  });
  const response = await page.goto(origin + path);
  assert.equal(response.status(), 200, `GET ${path}`);
  return { page, ...seen };
}

/** Waits until the scan ends and returns the status text ('done' or 'failed'). */
async function scanEnd(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="status"]')?.textContent;
    return status === 'done' || status === 'failed';
  });
  return page.getByTestId('status').textContent();
}

async function assertDone(page) {
  const status = await scanEnd(page);
  const error = (await page.getByTestId('error').textContent()).trim();
  assert.equal(status, 'done', `scan did not finish; error shown: ${error || '(none)'}`);
  assert.equal(await page.getByTestId('error').isVisible(), false, `an error is shown: ${error}`);
}

async function readStats(page) {
  const stats = {};
  for (const key of ['records', 'events', 'ignored', 'rejected', 'duplicates', 'findings']) {
    stats[key] = (await page.getByTestId('stats').locator(`[data-stat="${key}"]`).textContent()).trim();
  }
  return stats;
}

function assertNoPageErrors(seen) {
  assert.deepEqual(seen.pageErrors, [], 'uncaught errors in the page');
  assert.deepEqual(seen.consoleErrors, [], 'errors in the console (CSP violations land here)');
}

describe('mailhound page', { timeout: 120_000 }, () => {
  test('finds the forwarding rule in a chosen file and shows its evidence', async (t) => {
    const seen = await openPage(t);
    const { page } = seen;
    await page.getByTestId('file-input').setInputFiles(fixturePath);
    await assertDone(page);

    const rows = page.getByTestId('finding-row');
    assert.equal(await rows.count(), 1, 'exactly one finding row');
    const row = rows.first();
    const rowText = await row.textContent();
    assert.match(rowText, /inbox_rule_exfiltration/);
    assert.match(rowText, /jdoe@contoso\.com/);
    // Forwarding out and marking as read: critical.
    assert.equal((await row.locator('.badge').textContent()).trim(), 'critical');
    assert.match(rowText, /2025-03-04 09:15:02/, 'first seen, read as UTC');

    const table = await page.getByTestId('findings-table').textContent();
    assert.doesNotMatch(table, /Newsletters/, 'the benign rule is not a finding');
    assert.doesNotMatch(table, /asmith@contoso\.com/, 'the benign rule is not a finding');

    assert.deepEqual(await readStats(page),
      { records: '4', events: '4', ignored: '0', rejected: '0', duplicates: '0', findings: '1' });
    assert.equal(await page.getByTestId('rejections').locator('li').count(), 0);

    const size = readFileSync(fixturePath).length;
    const progress = page.locator('#file-list li progress');
    assert.equal(await progress.count(), 1);
    assert.equal(await progress.evaluate((bar) => [bar.value, bar.max].join('/')), `${size}/${size}`,
      'progress shows the whole file read');

    const detail = page.getByTestId('finding-detail');
    assert.equal(await detail.isVisible(), false, 'details start collapsed');
    await row.click();
    assert.equal(await detail.isVisible(), true, 'a click expands the row');
    assert.equal((await detail.getByTestId('evidence').textContent()).trim(), ATTACK_RECORD_ID);
    const detailText = await detail.textContent();
    assert.match(detailText, new RegExp(EXFIL_ADDRESS.replaceAll('.', '\\.')));
    assert.match(detailText, /198\.51\.100\.23/, 'client IP without its port');
    assert.equal(await row.locator('button.disclose').getAttribute('aria-expanded'), 'true');
    await row.locator('button.disclose').press('Enter');
    assert.equal(await detail.isVisible(), false, 'the keyboard collapses the row again');
    assert.equal(await row.locator('button.disclose').getAttribute('aria-expanded'), 'false');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export findings (JSON)' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'mailhound-findings.json');
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.deepEqual(Object.keys(exported).sort(), ['findings', 'stats']);
    assert.equal(exported.findings.length, 1);
    assert.equal(exported.findings[0].detection, 'inbox_rule_exfiltration');
    assert.deepEqual(exported.findings[0].evidence, [ATTACK_RECORD_ID]);
    assert.equal(exported.stats.records, 4);

    if (process.env.MAILHOUND_SCREENSHOT) {
      await page.screenshot({ path: process.env.MAILHOUND_SCREENSHOT, fullPage: true });
    }
    assertNoPageErrors(seen);
  });

  test('every request stays on the page\'s own origin', async (t) => {
    // The policy would block a stray request before it is made (and so before it is seen):
    // with the policy bypassed, this checks what the page's code itself asks for.
    const seen = await openPage(t, '/', { bypassCSP: true });
    const { page, requests } = seen;
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.equal(policy, CSP, 'the page declares the expected policy');
    await page.getByTestId('file-input').setInputFiles(fixturePath);
    await assertDone(page);
    await page.getByTestId('finding-row').first().click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export findings (JSON)' }).click(),
    ]);
    await download.path();

    // The recorder must have seen the page's real traffic, or the check below proves nothing.
    for (const part of ['/main.js', '/worker.js', '/pkg/mailhound_wasm.js', '/pkg/mailhound_wasm_bg.wasm']) {
      assert.ok(requests.some((url) => new URL(url).pathname === part), `request for ${part} seen: ${requests.join(', ')}`);
    }
    const foreign = requests.filter((url) => new URL(url).origin !== origin);
    assert.deepEqual(foreign, [], 'requests to another origin');
    assertNoPageErrors(seen);
  });

  test('the same export loaded twice counts its records as duplicates', async (t) => {
    const seen = await openPage(t);
    const { page } = seen;
    await page.getByTestId('file-input').setInputFiles([
      { name: 'january.json', mimeType: 'application/json', buffer: Buffer.from(fixtureText) },
      { name: 'overlap.json', mimeType: 'application/json', buffer: Buffer.from(fixtureText) },
    ]);
    await assertDone(page);
    assert.deepEqual(await readStats(page),
      { records: '8', events: '4', ignored: '0', rejected: '0', duplicates: '4', findings: '1' });
    assert.equal(await page.getByTestId('finding-row').count(), 1);
    assertNoPageErrors(seen);
  });

  test('malformed records are listed with their location and reason', async (t) => {
    const seen = await openPage(t);
    const { page } = seen;
    const broken = [
      '[',
      '  42,',
      '  {"Id":"x1","CreationTime":"2025-03-04T09:15:02","Operation":"New-InboxRule","UserId":"amy@contoso.com","Parameters":[{"Name":"Name","Value":"Tidy"},{"Name":"MoveToFolder","Value":"Newsletters"}]},',
      '  {"Id":"x2","CreationTime":"2025-03-0',
    ].join('\n');
    await page.getByTestId('file-input').setInputFiles({
      name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(broken),
    });
    await assertDone(page);

    assert.deepEqual(await readStats(page),
      { records: '3', events: '1', ignored: '0', rejected: '2', duplicates: '0', findings: '0' });
    const items = page.getByTestId('rejections').locator('li');
    assert.equal(await items.count(), 2);
    const [scalar, truncated] = (await items.allTextContents()).map((text) => text.trim());
    assert.match(scalar, /^broken\.json:2 \(record 1\): .*not a JSON object/i);
    assert.match(truncated, /^broken\.json:4 \(record 3\): .*truncated/i);
    assert.equal(await page.getByTestId('finding-row').count(), 0);
    assertNoPageErrors(seen);
  });

  test('files dropped on the drop zone are scanned, several at once', async (t) => {
    const seen = await openPage(t);
    const { page } = seen;
    const dataTransfer = await page.evaluateHandle(({ text }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], 'ual-inbox-rule.json', { type: 'application/json' }));
      transfer.items.add(new File(['[7]'], 'scalar.json', { type: 'application/json' }));
      return transfer;
    }, { text: fixtureText });
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragenter', { dataTransfer });
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
    await assertDone(page);

    assert.equal(await page.getByTestId('finding-row').count(), 1);
    const rowText = await page.getByTestId('finding-row').first().textContent();
    assert.match(rowText, /inbox_rule_exfiltration/);
    assert.match(rowText, /jdoe@contoso\.com/);
    assert.deepEqual(await readStats(page),
      { records: '5', events: '4', ignored: '0', rejected: '1', duplicates: '0', findings: '1' });
    assert.match(await page.getByTestId('rejections').textContent(), /scalar\.json:1 \(record 1\)/,
      'each file keeps its own name in locations');
    assert.equal(await page.locator('#file-list li').count(), 2, 'progress for each file');
    assertNoPageErrors(seen);
  });

  test('an engine that cannot load is reported to the user', async (t) => {
    const seen = await openPage(t, `${NO_ENGINE}/`);
    const { page } = seen;
    await page.getByTestId('file-input').setInputFiles(fixturePath);
    assert.equal(await scanEnd(page), 'failed');
    const error = page.getByTestId('error');
    assert.equal(await error.isVisible(), true);
    assert.match(await error.textContent(), /engine/i);
    assert.equal(await page.getByTestId('finding-row').count(), 0);
    assert.deepEqual(seen.pageErrors, []);
  });
});

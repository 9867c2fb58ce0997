// A first visit cut off early. The reader's worker could not load its wasm
// module: Scan says so instead of scanning for ever, with no uncaught error,
// and the reader is loaded again when the page is back online. The page says
// "ready for offline use" only once the service worker's cache holds every
// file it needs. A saved trust list is in use at once, however slow the
// network is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { loadVerifier, pasteAndRead, nextPerson, qrImage, readVerdict, writeY4m } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

async function withSite(fn, browserOptions = {}) {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser(browserOptions);
  try {
    await fn({ issuer, site, browser });
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
}

test('the reader\'s module did not load: Scan says so, no uncaught error, and it loads when back online', async () => {
  const issuer = makeIssuer();
  const videos = mkdtempSync(join(tmpdir(), 'cw-offline-'));
  const video = join(videos, 'valid.y4m');
  writeY4m(video, await qrImage(issuer.credentials.valid));
  const site = await servePages(issuer);
  const browser = await launchBrowser({ fakeVideo: video });
  try {
    // No service worker yet: what a first visit has before it is installed.
    const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
    await context.grantPermissions(['camera'], { origin: site.url });
    const errors = [];
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); }));
    // The page's own copy of the module loads; then the network drops before
    // the worker's copy does.
    let wasmLoads = 0;
    await page.route('**/pkg/reader/codewallet_bg.wasm', (route) => {
      wasmLoads += 1;
      return wasmLoads === 1 ? route.continue() : route.abort('internetdisconnected');
    });
    await loadVerifier(page, `${site.url}/verify/`);
    await page.waitForSelector('body[data-reader=failed]', { state: 'attached' });
    await context.setOffline(true);
    await page.click('#scan-btn');
    assert.equal(await page.textContent('#scan-state'), t('en', 'readerFailed'));
    assert.equal(await page.textContent('#scan-btn'), t('en', 'scan'), 'the camera is not left scanning');
    assert.equal(await page.isHidden('#scan-hint'), true);
    assert.deepEqual(errors.filter((e) => /Failed to fetch|Uncaught/i.test(e)), []);
    // Pasting still works meanwhile.
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
    await nextPerson(page);

    // Back online: the reader is loaded again and the camera reads the code.
    await page.unroute('**/pkg/reader/codewallet_bg.wasm');
    await context.setOffline(false);
    await page.waitForSelector('body[data-reader=ready]', { state: 'attached' });
    await page.click('#scan-btn');
    const v = await readVerdict(page);
    assert.equal(v.decision, 'pass');
    assert.equal(v.name, '张*丰');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
    rmSync(videos, { recursive: true, force: true });
  }
});

test('a worker script that did not load is reported too, and a photo says so', async () => {
  await withSite(async ({ site, browser }) => {
    const context = await browser.newContext({ locale: 'zh-CN', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.route('**/shared/decode-worker.js', (route) => route.abort('internetdisconnected'));
    await loadVerifier(page, `${site.url}/verify/`);
    await page.waitForSelector('body[data-reader=failed]', { state: 'attached' });
    assert.equal(await page.textContent('#scan-state'), t('zh-CN', 'readerFailed'));
    await context.setOffline(true);
    await page.setInputFiles('#photo-input', { name: 'x.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.waitForSelector('#scan-msg[data-code=reader_unavailable]', { state: 'attached' });
    assert.equal(await page.textContent('#scan-msg'), t('zh-CN', 'readerFailed'));
    await page.unroute('**/shared/decode-worker.js');
    await context.setOffline(false);
    await page.waitForSelector('body[data-reader=ready]', { state: 'attached' });
  });
});

test('a reader still loading says so when Scan is tapped, then scans once it has loaded', async () => {
  const issuer = makeIssuer();
  const videos = mkdtempSync(join(tmpdir(), 'cw-offline-'));
  const video = join(videos, 'valid.y4m');
  writeY4m(video, await qrImage(issuer.credentials.valid));
  const site = await servePages(issuer);
  const browser = await launchBrowser({ fakeVideo: video });
  try {
    const context = await browser.newContext({ locale: 'zh-CN', serviceWorkers: 'block' });
    await context.grantPermissions(['camera'], { origin: site.url });
    const page = await context.newPage();
    // The worker's copy of the module is held up until released.
    let wasmLoads = 0;
    let release;
    const held = new Promise((ok) => { release = ok; });
    await page.route('**/pkg/reader/codewallet_bg.wasm', async (route) => {
      wasmLoads += 1;
      if (wasmLoads > 1) await held;
      return route.continue();
    });
    await loadVerifier(page, `${site.url}/verify/`);
    assert.equal(await page.getAttribute('body', 'data-reader'), 'loading');
    await page.click('#scan-btn');
    await page.waitForSelector('#scan-btn[data-t=stop]', { state: 'attached' });
    assert.equal(await page.textContent('#scan-state'), t('zh-CN', 'readerLoading'));
    release();
    const v = await readVerdict(page);
    assert.equal(v.decision, 'pass');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
    rmSync(videos, { recursive: true, force: true });
  }
});

test('a page whose own module did not load says so, and loads again when back online', async () => {
  await withSite(async ({ issuer, site, browser }) => {
    const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.route('**/pkg/reader/codewallet_bg.wasm', (route) => route.abort('internetdisconnected'));
    await page.goto(`${site.url}/verify/`);
    await page.waitForSelector('body[data-ready=error]', { state: 'attached' });
    await context.setOffline(true);
    const text = await page.textContent('#config-msg');
    const [head, tail] = t('en', 'startFailed', { why: '\u0000' }).split('\u0000');
    assert.ok(text.startsWith(head) && text.endsWith(tail), text);
    await page.unroute('**/pkg/reader/codewallet_bg.wasm');
    await context.setOffline(false);
    await page.waitForSelector('body[data-ready=true]');
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
  });
});

test('"ready for offline use" only once every file the worker caches is in its cache', async () => {
  await withSite(async ({ site, browser }) => {
    // The server lacks one file of the shell: the worker cannot install.
    const icon = join(site.dir, 'verify/icon.svg');
    renameSync(icon, `${icon}.away`);
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await loadVerifier(page, `${site.url}/verify/`);
    // Wait until the install has failed.
    await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const worker = registration && (registration.installing || registration.waiting);
      if (worker && worker.state !== 'redundant') {
        await new Promise((ok) => worker.addEventListener('statechange', () => { if (worker.state === 'redundant') ok(); }));
      }
    });
    assert.equal(await page.getAttribute('#offline-state', 'data-state'), 'saving');
    assert.equal(await page.textContent('#offline-state'), t('en', 'offlineSaving'));

    // The file is back and the page comes online again: installed, then ready.
    renameSync(`${icon}.away`, icon);
    await context.setOffline(true);
    await context.setOffline(false);
    await page.waitForSelector('#offline-state[data-state=ready]', { state: 'attached' });
    assert.equal(await page.textContent('#offline-state'), t('en', 'offlineReady'));

    // A file gone from the cache: not ready any more, and the page says how many are missing.
    const cached = await page.evaluate(async () => {
      const key = (await caches.keys()).find((k) => k.startsWith('cw-verify-'));
      const cache = await caches.open(key);
      const before = (await cache.keys()).map((r) => r.url);
      await cache.delete(new URL('../shared/decode-worker.js', location.href).href);
      return before.filter((url) => !url.includes('/demo-data/')).length;
    });
    await loadVerifier(page, `${site.url}/verify/`);
    await page.waitForSelector('#offline-state[data-state=missing]', { state: 'attached' });
    assert.equal(await page.textContent('#offline-state'), t('en', 'offlineMissing', { missing: 1, total: cached }));
  });
});

test('a saved trust list is in use at once, while the configuration is still loading', async () => {
  await withSite(async ({ issuer, site, browser }) => {
    // Without a service worker the page's own requests can be held here.
    const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
    const page = await openVerifierNoWorker(context, site);
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
    // The configuration never answers now.
    await page.route('**/demo-data/config.json', () => {});
    await page.reload();
    await page.waitForSelector('body[data-ready=true]', { timeout: 10_000 });
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
    assert.equal(await page.getAttribute('body', 'data-config'), null, 'the configuration is still loading');
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
    await nextPerson(page);
  });
});

async function openVerifierNoWorker(context, site) {
  const page = await context.newPage();
  await loadVerifier(page, `${site.url}/verify/`);
  await page.waitForSelector('body[data-config=loaded]', { state: 'attached' });
  return page;
}

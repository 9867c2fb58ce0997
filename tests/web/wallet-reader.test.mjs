// The wallet reads photos in the shared decode worker, started from the
// page's folder only when a photo is picked: nothing is decoded on the main
// thread, a file that is not a picture keeps the worker's code, and with the
// network gone the service worker still serves the worker and the reader.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPages, release, servePages } from './harness.mjs';
import { qrImage, writeHugePng, writePng } from './verify-util.mjs';
import { MESSAGES } from '../../www/wallet/i18n.js';

let issuer, site, browser, dir;

before(async () => {
  ({ issuer, site, browser } = await openPages());
  dir = mkdtempSync(join(tmpdir(), 'cw-photos-'));
});
after(() => release(browser, site, issuer, dir));

/** A PNG of `kind`'s QR code, written once. */
async function photo(kind) {
  const path = join(dir, `${kind}.png`);
  writePng(path, await qrImage(issuer.credentials[kind]));
  return path;
}

/** Whether `where` (the page or a worker) fetched the reader's wasm module. */
const fetchedReaderWasm = (where) => where.evaluate(
  () => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/pkg/reader/codewallet_bg.wasm')),
);

test('a photo is read in the decode worker, started when a photo is picked; a file that is not a picture says so', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    const workers = [];
    page.on('worker', (w) => workers.push(w));
    const paths = () => workers.map((w) => new URL(w.url()).pathname);
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    assert.deepEqual(paths(), [], 'no worker before a photo is picked');

    await page.setInputFiles('#add-photo', await photo('valid'));
    await page.waitForSelector('#message[data-code="imported"]');
    assert.equal(await page.getAttribute('#qr', 'data-text'), issuer.credentials.valid);
    assert.deepEqual(paths(), ['/wallet/decode-worker.js']);
    assert.equal(await fetchedReaderWasm(workers[0]), true, 'the worker runs the reader');
    assert.equal(await fetchedReaderWasm(page), false, 'the page does not');

    await page.setInputFiles('#add-photo', { name: 'code.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.waitForSelector('#message[data-code="err_not_image"]');
    assert.equal(await page.textContent('#message'), MESSAGES.en.err_not_image);
    assert.deepEqual(paths(), ['/wallet/decode-worker.js'], 'the same worker reads again');
  } finally {
    await context.close();
  }
});

test('offline, a photo is still read: the service worker serves the decode worker and the reader module', async () => {
  // A server of its own, stopped below.
  const ownSite = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${ownSite.url}/wallet/`);
    await page.waitForSelector('#offline[data-state="ready"]', { state: 'attached' });
    // A first photo online: the reader module is cached when first used.
    await page.setInputFiles('#add-photo', await photo('valid'));
    await page.waitForSelector('#message[data-code="imported"]');

    await context.setOffline(true);
    await ownSite.stop();
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await page.setInputFiles('#add-photo', await photo('yellow'));
    await page.waitForSelector('#message[data-code="imported"]');
    assert.equal(await page.getAttribute('#qr', 'data-text'), issuer.credentials.yellow);
  } finally {
    await context.close();
    await ownSite.cleanup();
  }
});

test('a phone camera\'s photo, larger than the reader takes, is scaled down and read; one past 50 MP is refused in words', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    // 5000 × 4000 = 20 MP, above the reader's 4096 × 4096 = 16.8 MP.
    const big = join(dir, 'twenty-megapixels.png');
    writePng(big, await qrImage(issuer.credentials.red, { width: 5000, height: 4000, scale: 40 }));
    await page.setInputFiles('#add-photo', big);
    await page.waitForSelector('#message[data-code="imported"]');
    assert.equal(await page.getAttribute('#qr', 'data-text'), issuer.credentials.red);

    const huge = join(dir, 'sixty-four-megapixels.png');
    writeHugePng(huge, 8000, 8000);
    await page.setInputFiles('#add-photo', huge);
    await page.waitForSelector('#message[data-code="err_too_large"]');
    assert.equal(await page.textContent('#message'), MESSAGES.en.err_too_large);
  } finally {
    await context.close();
  }
});

test('a reader that cannot load is said in words, and the pasted code still goes in', async () => {
  const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
  try {
    await context.route('**/pkg/reader/codewallet_bg.wasm', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    await page.setInputFiles('#add-photo', await photo('valid'));
    await page.waitForSelector('#message[data-code="err_reader_unavailable"]');
    assert.equal(await page.textContent('#message'), MESSAGES.en.err_reader_unavailable);
    await page.fill('#add-text', issuer.credentials.valid);
    await page.click('#add-paste');
    await page.waitForSelector('#message[data-code="imported"]');
  } finally {
    await context.close();
  }
});

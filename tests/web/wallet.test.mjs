// The wallet page in real headless Chromium: a link opens straight into a
// shown code, the code survives a reload with the network gone, the QR on
// screen reads back to the same text, and nothing is requested while it shows.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { ROOT, makeIssuer, servePages, launchBrowser, recordRequests, cw } from './harness.mjs';
import { messagePattern } from './text.mjs';

const { translator } = await import(join(ROOT, 'www/wallet/i18n.js'));
const en = translator('en');
const zh = translator('zh-CN');
/** The English message `key` with any text for its `param`. */
const pattern = (key, param) => messagePattern((m) => en(key, { [param]: m }));

let issuer;
let browser;
let reader;

before(async () => {
  issuer = makeIssuer();
  browser = await launchBrowser();
  reader = await import(join(ROOT, 'www/pkg/reader/codewallet.js'));
  reader.initSync({ module: readFileSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm')) });
});

after(async () => {
  await browser?.close();
  issuer?.cleanup();
});

/** A wallet link for `text` on `base`, percent-encoded as the CLI's --format link does. */
function linkFor(base, text) {
  return `${base}/wallet/#${encodeURIComponent(text).replace(/%3A/g, ':')}`;
}

/** Reads the QR codes in a PNG screenshot with the reader module. */
function readPng(buffer) {
  const png = PNG.sync.read(buffer);
  return reader.scanRgba(png.width, png.height, new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length));
}

test('a link opens into a shown code that still shows offline, and the QR reads back', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
  try {
    const page = await context.newPage();
    const text = issuer.credentials.valid;
    await page.goto(linkFor(site.url, text));
    await page.waitForSelector('#qr svg');
    assert.equal(await page.evaluate(() => location.hash), '', 'fragment removed after import');
    assert.equal(await page.textContent('#message'), en('imported', { label: en('me') }));
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');
    assert.equal(await page.textContent('#status'), en('status_green'));
    assert.equal(await page.textContent('#name'), '张*丰');
    assert.equal(await page.getAttribute('#qr', 'aria-label'), en('codeOf', { label: en('me'), status: en('status_green') }));
    assert.equal(await page.getAttribute('#qr', 'role'), 'img');
    assert.match(await page.textContent('#countdown'), pattern('left', 'time'));
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true');
    await page.waitForSelector('#offline[data-state="ready"]');

    // The QR fits a 360-px-wide screen.
    const box = await page.locator('#qr').boundingBox();
    assert.ok(box.width >= 250 && box.x >= 0 && box.x + box.width <= 360, JSON.stringify(box));
    assert.equal(Math.round(box.width), Math.round(box.height));

    // Airplane mode: no network, no server. The page's clock is driven from
    // here from now on, so that minutes of showing can pass at once.
    await context.setOffline(true);
    await site.stop();
    await page.clock.install({ time: Date.now() });
    const requests = [];
    page.on('request', (r) => requests.push(r));
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true', 'checked against the stored trust list');
    assert.ok(requests.length > 0);
    for (const r of requests) {
      const response = await r.response();
      assert.ok(response && response.fromServiceWorker(), `${r.url()} came from the service worker`);
      assert.doesNotMatch(r.url(), /demo-data/, 'no trust list fetched while offline');
    }

    // The code on screen is the credential, read back by a QR reader.
    const shot = await page.locator('#qr').screenshot();
    assert.deepEqual(readPng(shot), [text]);

    // While it shows (the countdown ticking), nothing is requested at all:
    // ten minutes of the page's timers run, and the countdown shows they did.
    const later = recordRequests(page);
    const before = await page.textContent('#countdown');
    await page.waitForFunction((b) => document.getElementById('countdown').textContent !== b, before);
    const ticked = await page.textContent('#countdown');
    await page.clock.runFor('10:00');
    await page.waitForFunction((b) => document.getElementById('countdown').textContent !== b, ticked);
    assert.deepEqual(later, []);
  } finally {
    await context.close();
    await site.cleanup();
  }
});

test('online reloads show the code with no request once the trust list is fresh', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(linkFor(site.url, issuer.credentials.yellow));
    await page.waitForSelector('#offline[data-state="ready"]');
    await page.waitForSelector('html[data-refreshed]');
    const sinceReload = recordRequests(page);
    await page.reload();
    await page.waitForSelector('#qr svg');
    const requests = recordRequests(page);
    // The reloaded page's own refresh has run (and found nothing due) and its worker is ready.
    await page.waitForSelector('html[data-refreshed]');
    await page.waitForSelector('#offline[data-state="ready"]');
    assert.deepEqual(requests, []);
    assert.deepEqual(sinceReload.filter((u) => u.includes('/demo-data/')), [], 'the fresh trust list is not fetched again');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'yellow');
    assert.equal(await page.textContent('#status'), en('status_yellow'));

    // The paper code: QR between 35 and 60 mm, with the label, masked name and
    // validity, and none of the controls.
    await page.emulateMedia({ media: 'print' });
    const mm = (px) => (px * 25.4) / 96;
    const qr = await page.locator('#qr svg').boundingBox();
    assert.ok(mm(qr.width) >= 35 && mm(qr.width) <= 60, `${mm(qr.width)} mm`);
    assert.equal(Math.round(qr.width), Math.round(qr.height));
    for (const id of ['#who', '#name', '#until', '#status']) assert.equal(await page.isVisible(id), true, id);
    for (const id of ['#add', '#manage', '#print', '#countdown', '.bar']) assert.equal(await page.isVisible(id), false, id);
  } finally {
    await context.close();
    await site.cleanup();
  }
});

test('a code that runs out on screen turns EXPIRED, crossed out, in words and not colour alone', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    // The link exactly as the CLI writes it (issue --format link), valid for one hour.
    const link = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', 'Ada Lovelace',
      '--id-number', 'GB1', '--status', 'green', '--valid-hours', '1', '--now', String(issuer.now),
      '--format', 'link', '--link-base', `${site.url}/wallet/`).trim();
    assert.ok(link.startsWith(`${site.url}/wallet/#CW1`), link);
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() });
    await page.goto(link);
    await page.waitForSelector('#qr svg');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');
    assert.equal(await page.isVisible('#stamp'), false);
    await page.clock.fastForward('01:00:30');
    await page.waitForSelector('#card.kind-expired');
    assert.equal(await page.textContent('#status-text'), en('status_expired'));
    assert.equal(await page.isVisible('#stamp'), true);
    assert.equal(await page.textContent('#stamp'), en('expiredStamp'));
    assert.match(await page.textContent('#countdown'), pattern('expiredAgo', 'time'));
    assert.equal(await page.getAttribute('#qr', 'aria-label'), en('codeOf', { label: en('me'), status: en('status_expired') }));
    await page.click('#lang');
    assert.equal(await page.textContent('#status-text'), zh('status_expired'));
  } finally {
    await context.close();
    await site.cleanup();
  }
});

test('the screen keeps its clock when the date formatter fails', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const text = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', 'Ada Lovelace',
      '--id-number', 'GB2', '--status', 'green', '--valid-hours', '1', '--now', String(issuer.now)).trim();
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() });
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(text)}`);
    await page.waitForSelector('#qr svg');
    // From now on every date format throws, as Intl does for a date out of its range.
    await page.evaluate(() => {
      Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
        get() { return () => { throw new RangeError('Invalid time value'); }; },
      });
    });
    await page.clock.fastForward('01:00:30');
    await page.waitForSelector('#card.kind-expired');
    // The countdown goes on second by second.
    for (let i = 0; i < 3; i++) {
      const before = await page.textContent('#countdown');
      await page.clock.runFor(1000);
      await page.waitForFunction((t) => document.getElementById('countdown').textContent !== t, before);
    }
    assert.match(await page.textContent('#countdown'), pattern('expiredAgo', 'time'));
  } finally {
    await context.close();
    await site.cleanup();
  }
});

// Refresh: when the deployment's config.json names a refreshUrl, the wallet
// fetches a newer credential in the background, replaces the old one in place,
// and after a failure waits (backoff) instead of asking again on every load.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, recordRequests, memoryStorage, cw, openPages, release } from './harness.mjs';

const { translator } = await import(join(ROOT, 'www/wallet/i18n.js'));

let issuer, site, browser;
let core;

before(async () => {
  ({ issuer, site, browser } = await openPages());
  core = await import(join(ROOT, 'www/pkg/core/codewallet.js'));
  core.initSync({ module: readFileSync(join(ROOT, 'www/pkg/core/codewallet_bg.wasm')) });
  const configPath = join(site.dir, 'demo-data/config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8'));
  writeFileSync(configPath, JSON.stringify({ ...config, refreshUrl: 'refresh/{id}.txt' }));
  mkdirSync(join(site.dir, 'demo-data/refresh'));
});
after(() => release(browser, site, issuer));

test('a newer credential is fetched and replaces the old one in place; failures back off', async () => {
  const old = issuer.credentials.valid;
  const oldId = core.decodeCredential(old).id;
  const fresh = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', '张三丰',
    '--id-number', '11010519491231002X', '--status', 'green', '--now', String(issuer.now + 2)).trim();
  assert.ok(core.decodeCredential(fresh).expiresAt > core.decodeCredential(old).expiresAt);
  writeFileSync(join(site.dir, `demo-data/refresh/${oldId}.txt`), `${fresh}\n`);

  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    // Yellow first (no refresh file: 404, a failure), then the valid one.
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.yellow)}`);
    await page.waitForSelector('#qr svg');
    const yellowKey = `credential:${core.decodeCredential(issuer.credentials.yellow).id}`;
    await page.waitForFunction((k) => JSON.parse(localStorage.getItem('codewallet.refresh') || '{}')[k]?.failures === 1, yellowKey);
    await page.goto('about:blank');
    const requests = recordRequests(page);
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(old)}`);
    await page.waitForSelector('#message[data-code="refreshed"]');
    assert.ok(requests.some((u) => u.endsWith(`/demo-data/refresh/${oldId}.txt`)), requests.join('\n'));
    assert.equal(await page.getAttribute('#qr', 'data-text'), fresh);
    assert.equal(await page.textContent('#who'), '张*丰');
    assert.deepEqual(await page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.textContent)), [translator('en')('me'), '张*丰']);
    const stored = await page.evaluate(() => localStorage.getItem('codewallet.wallet'));
    assert.ok(stored.includes(fresh) && !stored.includes(old));

    // The 404 for yellow was remembered as a failure with a wait.
    const state = await page.evaluate(() => JSON.parse(localStorage.getItem('codewallet.refresh')));
    const s = state[yellowKey];
    assert.equal(s.failures, 1);
    assert.ok(s.notBefore >= s.lastAttempt + 60e3);

    // Reloading asks for nothing: every refresh is inside its interval.
    await page.goto('about:blank');
    const again = recordRequests(page);
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('#qr svg');
    // The new page's background refresh has run through every entry.
    await page.waitForSelector('html[data-refreshed]');
    assert.deepEqual(again.filter((u) => u.includes('/demo-data/')), []);
  } finally {
    await context.close();
  }
});

test('a busy server is waited out: Retry-After in seconds or as an HTTP date, when longer than the backoff', async () => {
  const HOUR = 3600e3;
  for (const [label, retryAfter, atLeast] of [
    ['seconds', () => '7200', 2 * HOUR],
    ['HTTP date', () => new Date(Date.now() + 3 * HOUR).toUTCString(), 3 * HOUR - 2e3],
  ]) {
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      let served = 0;
      await context.route('**/demo-data/refresh/**', (route) => {
        served++;
        return route.fulfill({ status: 503, headers: { 'Retry-After': retryAfter() }, body: 'busy' });
      });
      const page = await context.newPage();
      const text = issuer.credentials.red;
      const key = `credential:${core.decodeCredential(text).id}`;
      await page.goto(`${site.url}/wallet/#${encodeURIComponent(text)}`);
      await page.waitForSelector('#qr svg');
      await page.waitForFunction((k) => JSON.parse(localStorage.getItem('codewallet.refresh') || '{}')[k]?.failures === 1, key);
      const s = await page.evaluate((k) => JSON.parse(localStorage.getItem('codewallet.refresh'))[k], key);
      // The first failure's own backoff is at most a few minutes.
      assert.ok(s.notBefore - s.lastAttempt >= atLeast, `${label}: waits ${s.notBefore - s.lastAttempt} ms`);
      assert.equal(served, 1, label);

      // Reloading does not ask again.
      await page.reload();
      await page.waitForSelector('#qr svg');
      await page.waitForSelector('html[data-refreshed]');
      assert.equal(served, 1, `${label}: asked again after a reload`);
    } finally {
      await context.close();
    }
  }
});

test('a full wallet (twelve people) is refreshed in place too', async () => {
  const trust = new core.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
  const storage = memoryStorage();
  const wallet = new core.Wallet(storage);
  const key = join(issuer.dir, 'issuer.key');
  for (let i = 0; i < 12; i++) {
    // The sixth is the one the first test's refresh file answers for.
    const text = i === 5 ? issuer.credentials.valid
      : cw('issue', '--key', key, '--issuer', 'Demo CDC', '--name', `Person ${i}`, '--id-number', `ID${i}`,
        '--status', 'green', '--now', String(issuer.now)).trim();
    wallet.import(i === 5 ? 'Grandpa' : `P${i}`, text, trust, issuer.now + 60);
  }
  const stored = storage.getItem('codewallet.wallet');
  const fresh = readFileSync(join(site.dir, `demo-data/refresh/${core.decodeCredential(issuer.credentials.valid).id}.txt`), 'utf8').trim();

  const context = await browser.newContext({ locale: 'en-US' });
  try {
    await context.addInitScript((value) => {
      try {
        if (!localStorage.getItem('codewallet.wallet')) localStorage.setItem('codewallet.wallet', value);
      } catch { /* about:blank has no storage */ }
    }, stored);
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('#message[data-code="refreshed"]');
    const reread = memoryStorage();
    reread.setItem('codewallet.wallet', await page.evaluate(() => localStorage.getItem('codewallet.wallet')));
    const entries = new core.Wallet(reread).entries().map((e) => [e.label, e.text]);
    assert.equal(entries.length, 12);
    assert.deepEqual(entries[5], ['Grandpa', fresh]);
  } finally {
    await context.close();
  }
});

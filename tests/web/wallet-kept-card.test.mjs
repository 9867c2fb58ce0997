// The wallet draws the card it last showed (checked and valid) before the
// core has loaded, marked provisional; the core's first render then replaces
// it with what it decides now, and a core that cannot load takes it down.
// The core's module is held back (or refused) by routing its request, with the
// service worker blocked so that every request reaches the route.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPages, release } from './harness.mjs';

let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

const WASM = '**/pkg/core/codewallet_bg.wasm';

/** A page whose wallet holds the valid code and has shown it once. */
async function walletShownOnce() {
  const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
  await page.waitForSelector('#qr svg');
  await page.waitForFunction(() => localStorage.getItem('codewallet.shown') !== null);
  return { context, page };
}

/** Holds the core's module back until the returned function is called, then serves it (or does `then`). */
async function holdCore(page, then = (route) => route.continue()) {
  let open;
  const gate = new Promise((ok) => { open = ok; });
  await page.route(WASM, async (route) => { await gate; await then(route); });
  return open;
}

test('kept card: drawn before the core loads, provisional, then confirmed by the core', async () => {
  const { context, page } = await walletShownOnce();
  try {
    const open = await holdCore(page);
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('#card[data-provisional="true"] #qr-saved svg');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');
    assert.equal(await page.isVisible('#qr'), false);
    open();
    await page.waitForSelector('#card:not([data-provisional]) #qr svg');
    assert.equal(await page.getAttribute('#qr', 'data-text'), issuer.credentials.valid);
    assert.equal(await page.isVisible('#qr-saved'), false);
  } finally {
    await context.close();
  }
});

test('kept card: when the core then finds the wallet empty, the card goes', async () => {
  const { context, page } = await walletShownOnce();
  try {
    // Another tab removed the person: the kept card is still there, the store is not.
    await page.evaluate(() => localStorage.removeItem('codewallet.wallet'));
    const open = await holdCore(page);
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('#card[data-provisional="true"]');
    open();
    await page.waitForSelector('#empty:not([hidden])');
    assert.equal(await page.isVisible('#card'), false);
  } finally {
    await context.close();
  }
});

test('kept card: a core that cannot load takes it down and says so', async () => {
  const { context, page } = await walletShownOnce();
  try {
    const refuse = await holdCore(page, (route) => route.abort('failed'));
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('#card[data-provisional="true"]');
    refuse();
    await page.waitForSelector('html[data-ready="error"]');
    assert.equal(await page.isVisible('#card'), false);
    assert.notEqual((await page.textContent('#message')).trim(), '');
  } finally {
    await context.close();
  }
});

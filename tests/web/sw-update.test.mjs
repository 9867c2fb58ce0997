// A new build reaches phones that already have the pages: the service
// workers name their caches after the build's digest (www/pkg/shell-version.js,
// written by scripts/lib.sh), so a changed digest installs the new build as a
// new cache, whole, deletes the old one, and the open page offers a reload.
// After the reload the new build is what runs, also offline.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

const { translator } = await import(join(ROOT, 'www/wallet/i18n.js'));

let issuer;
let browser;

before(async () => {
  issuer = makeIssuer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  issuer?.cleanup();
});

/** Ships a new build into the served copy: a changed string and a new digest. */
function deploy(site, file, from, to) {
  const path = join(site.dir, file);
  const text = readFileSync(path, 'utf8');
  assert.ok(text.includes(from), `${file} has ${from}`);
  writeFileSync(path, text.replace(from, to));
  writeFileSync(join(site.dir, 'pkg/shell-version.js'), "self.SHELL_VERSION = 'next-build';\n");
}

const cacheNames = (page, prefix) => page.evaluate(async (p) => (await caches.keys()).filter((k) => k.startsWith(p)), prefix);

/** The cache names once the new worker is activated (its activation deletes the old cache first). */
async function cachesAfterUpdate(page, prefix) {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated');
  return cacheNames(page, prefix);
}

const checkForUpdate = (page) => page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());

test('wallet: a new build installs as a new cache, the page offers a reload, and the new build then runs offline', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
    await page.waitForSelector('#offline[data-state="ready"]');
    await page.waitForFunction(() => navigator.serviceWorker.controller);
    const [old] = await cacheNames(page, 'codewallet-wallet-');
    assert.ok(old, 'the first build is cached');
    assert.equal(await page.isVisible('#update'), false);

    deploy(site, 'wallet/i18n.js', "offlineReady: 'Installed for offline use:", "offlineReady: 'Installed (new build) for offline use:");
    await checkForUpdate(page);
    await page.waitForSelector('#update:not([hidden])');
    assert.equal(await page.textContent('#update span'), translator('en')('updateReady'));
    assert.deepEqual(await cachesAfterUpdate(page, 'codewallet-wallet-'), ['codewallet-wallet-next-build']);

    await page.click('#update-btn');
    await page.waitForSelector('#offline[data-state="ready"]');
    assert.match(await page.textContent('#offline'), /new build/);

    await context.setOffline(true);
    await site.stop();
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.match(await page.textContent('#offline'), /new build/);
  } finally {
    await context.close();
    await site.cleanup();
  }
});

test('verifier: a new build installs as a new cache and the page offers a reload without leaving the screen', async () => {
  const site = await servePages(issuer);
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await openVerifier(context, site);
    const [old] = await cacheNames(page, 'cw-verify-');
    assert.ok(old, 'the first build is cached');
    assert.equal(await page.isVisible('#update'), false);

    deploy(site, 'verify/i18n.js', "scan: 'Scan',", "scan: 'Scan now',");
    await checkForUpdate(page);
    await page.waitForSelector('#update:not([hidden])');
    assert.deepEqual(await cachesAfterUpdate(page, 'cw-verify-'), ['cw-verify-next-build']);
    // The open page keeps running the build it started with.
    assert.equal(await page.textContent('#scan-btn'), t('en', 'scan'));

    await page.click('#update-btn');
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.textContent('#scan-btn'), 'Scan now');
    assert.equal(await page.isVisible('#update'), false);
  } finally {
    await context.close();
    await site.cleanup();
  }
});

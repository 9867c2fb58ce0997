// The verifier offline or on a slow network: a saved trust list is in use at
// once, however slow the network is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { loadWithRetry, pasteAndRead, nextPerson } from './verify-util.mjs';

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
  await loadWithRetry(page, `${site.url}/verify/`);
  await page.waitForSelector('body[data-config=loaded]', { state: 'attached' });
  return page;
}

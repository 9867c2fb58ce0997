// A checkpoint whose browser refuses localStorage (blocked site data, a
// web-view without it): the verifier still starts, checks a pasted code, and
// keeps its settings for the session.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { pasteAndRead } from './verify-util.mjs';

const { t } = await import(join(ROOT, 'www/verify/i18n.js'));

let issuer;
let site;
let browser;

before(async () => {
  issuer = makeIssuer();
  site = await servePages(issuer);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await site?.cleanup();
  issuer?.cleanup();
});

/** Every localStorage call throws, as in a browser that blocks site data. */
function refuseStorage() {
  for (const name of ['getItem', 'setItem', 'removeItem']) {
    Storage.prototype[name] = function refused() { throw new DOMException('denied', 'SecurityError'); };
  }
}

test('storage refused: the verifier starts, checks a pasted code and keeps its settings for the session', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    await context.addInitScript(refuseStorage);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/verify/`);
    await page.waitForSelector('body[data-ready=true]');
    const v = await pasteAndRead(page, issuer.credentials.valid);
    assert.equal(v.decision, 'pass');
    assert.equal(v.headline, t('en', 'd_pass'));
    // A setting changed without storage applies at once.
    await page.selectOption('#lang', 'zh-CN');
    await page.waitForSelector('html[lang="zh-CN"]');
    assert.equal(await page.textContent('#check-btn'), t('zh-CN', 'check'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

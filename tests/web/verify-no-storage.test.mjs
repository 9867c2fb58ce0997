// A checkpoint whose browser refuses localStorage (blocked site data, a
// web-view without it): the verifier still starts, checks a pasted code, and
// keeps its settings for the session.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, openPages, release } from './harness.mjs';
import { pasteAndRead } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

// Two ways a browser refuses: every call throws (blocked site data), or the
// property itself does (a web-view without storage).
const REFUSALS = {
  'every call throws': () => {
    for (const name of ['getItem', 'setItem', 'removeItem']) {
      Storage.prototype[name] = function refused() { throw new DOMException('denied', 'SecurityError'); };
    }
  },
  'the property throws': () => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
  },
};

for (const [how, refuse] of Object.entries(REFUSALS)) test(`storage refused (${how}): the verifier starts, checks a pasted code and keeps its settings for the session`, async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    await context.addInitScript(refuse);
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

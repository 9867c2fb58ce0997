// Where the verifier keeps its trust list: IndexedDB (a list may be a few MB;
// localStorage is the origin's small quota, shared with the wallet). A list an
// older version kept in localStorage moves over once; a reload finds the
// saved list offline; a save that fails (the list's, or the root key's) is
// said on screen, in both languages, and the list is then used for this
// session only.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

async function withVerifier(fn, { initScript } = {}) {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    if (initScript) await context.addInitScript(initScript.fn, initScript.arg);
    await fn({ issuer, site, context });
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
}

/** The list saved in IndexedDB, as its length and sequence, or null. */
const savedList = (page) => page.evaluate(() => new Promise((ok, fail) => {
  const req = indexedDB.open('cw-verify-trust');
  req.onsuccess = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains('lists')) { ok(null); return; }
    const get = db.transaction('lists').objectStore('lists').get('current');
    get.onsuccess = () => ok(get.result ? get.result.length : null);
    get.onerror = () => fail(get.error);
  };
  req.onerror = () => fail(req.error);
}));

async function offerFile(page, path) {
  await page.evaluate(() => { delete document.getElementById('trust-msg').dataset.code; });
  await page.setInputFiles('#trust-file', path);
  await page.waitForSelector('#trust-msg[data-code]', { state: 'attached' });
  return page.getAttribute('#trust-msg', 'data-code');
}

test('the trust list is kept in IndexedDB, not localStorage; a reload finds it offline', async () => {
  await withVerifier(async ({ issuer, site, context }) => {
    const page = await openVerifier(context, site);
    assert.ok(await savedList(page), 'the bundled list is saved in IndexedDB');
    assert.equal(await page.evaluate(() => localStorage.getItem('cw.verify.trustList')), null);
    const seq2 = issuer.trustList(2, 'seq2.cwl');
    assert.equal(await offerFile(page, seq2), 'accepted');
    assert.equal(await savedList(page), readFileSync(seq2).length);
    assert.equal(await page.isHidden('#trust-store'), true);
    await goOffline(context, page, site);
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');
    assert.equal(await page.getAttribute('#trust-store', 'data-state'), 'saved');
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
    await nextPerson(page);
  });
});

test('a list kept in localStorage by an older version moves to IndexedDB once', async () => {
  await withVerifier(async ({ issuer, site, context }) => {
    const seq2 = issuer.trustList(2, 'seq2.cwl');
    const listB64 = readFileSync(seq2).toString('base64');
    // What an older version left: the pinned key and list #2, in localStorage.
    await context.addInitScript(({ root, list }) => {
      if (sessionStorage.getItem('seeded')) return;
      sessionStorage.setItem('seeded', '1');
      localStorage.setItem('cw.verify.rootKey', root);
      localStorage.setItem('cw.verify.trustList', list);
    }, { root: issuer.rootHex, list: listB64 });
    const page = await openVerifier(context, site);
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');
    assert.equal(await savedList(page), readFileSync(seq2).length);
    assert.equal(await page.evaluate(() => localStorage.getItem('cw.verify.trustList')), null, 'the room is given back');
    await goOffline(context, page, site);
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');
  });
});

test('a failed save is said on screen in both languages; the list is used for this session only', async () => {
  // IndexedDB on a full disk: every put fails while `diskFull` is set.
  const initScript = {
    fn: () => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (globalThis.diskFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    },
  };
  await withVerifier(async ({ issuer, site, context }) => {
    const seq2 = issuer.trustList(2, 'seq2.cwl');
    const page = await openVerifier(context, site);
    await goOffline(context, page, site);
    await page.evaluate(() => { globalThis.diskFull = true; });
    assert.equal(await offerFile(page, seq2), 'accepted');
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');
    assert.equal(await page.getAttribute('#trust-store', 'data-state'), 'unsaved');
    assert.equal(await page.textContent('#trust-store'), t('en', 'tlNotSaved', { sequence: 2, why: 'The quota has been exceeded.' }));
    assert.equal(await page.isVisible('#trust-store'), true);
    await page.selectOption('#lang', 'zh-CN');
    assert.equal(await page.textContent('#trust-store'), t('zh-CN', 'tlNotSaved', { sequence: 2, why: 'The quota has been exceeded.' }));
    // In use meanwhile (the disk has room again for the log; the list is not saved again unasked).
    await page.evaluate(() => { globalThis.diskFull = false; });
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
    assert.equal(await page.getAttribute('#trust-store', 'data-state'), 'unsaved');
    await nextPerson(page);
    // After a reload the saved list (#1) is in use, as the screen said.
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
    assert.equal(await page.isHidden('#trust-store'), true);
  }, { initScript });
});

test('a root key that cannot be saved is said on screen, and pinned for this session', async () => {
  // localStorage full (the wallet's codes fill the origin's quota).
  const initScript = {
    fn: () => {
      const set = Storage.prototype.setItem;
      Storage.prototype.setItem = function (key, value) {
        if (key === 'cw.verify.rootKey') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return set.call(this, key, value);
      };
    },
  };
  await withVerifier(async ({ issuer, site, context }) => {
    const page = await openVerifier(context, site);
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
    assert.equal(await page.getAttribute('#trust-store', 'data-state'), 'error');
    assert.equal(await page.textContent('#trust-store'), t('en', 'tlRootNotSaved', { why: 'The quota has been exceeded.' }));
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).decision, 'pass');
    await nextPerson(page);
  }, { initScript });
});

// The wallet's trust list: never rolled back (not even to a different list
// under the same number), pinned to the root key first seen, kept in
// IndexedDB, and every failed save said on screen.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeIssuer, cw, openPages, release } from './harness.mjs';
import { MESSAGES } from '../../www/wallet/i18n.js';

const en = MESSAGES.en;
let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

const link = (text) => `${site.url}/wallet/#${encodeURIComponent(text)}`;
const data = (name) => join(site.dir, 'demo-data', name);

/** Serves `path` as the deployment's trust list (and `root` as its root key). */
function publish(path, root = issuer.rootHex) {
  copyFileSync(path, data('trust-list.cwl'));
  writeFileSync(data('config.json'), JSON.stringify({ rootPublicKey: root, trustList: 'trust-list.cwl' }));
}

/** Reloads with the refresh timing forgotten; resolves with what the trust-list fetch concluded. */
async function refreshNow(page) {
  await page.evaluate(() => localStorage.removeItem('codewallet.refresh'));
  await page.reload();
  await page.waitForSelector('html[data-refreshed]');
  return page.evaluate(() => document.documentElement.dataset.trustOffer);
}

test('a revocation is never undone by an older list, nor by another list under the same number', async () => {
  const dir = issuer.dir;
  // Before the revocation: a copy of the revocation list without the holder.
  cpSync(join(dir, 'revoked.jsonl'), join(dir, 'revoked-before.jsonl'));
  cw('revoke', '--list', join(dir, 'revoked.jsonl'), '--credential', issuer.credentials.valid);
  const revokedList = issuer.trustList(2, 'trust-list-2.cwl');
  // The same sequence 2 without the revocation, signed from a copy of the root
  // key elsewhere (as a second operator machine would): a list the wallet must refuse.
  const other = join(dir, 'other-machine');
  mkdirSync(other);
  copyFileSync(join(dir, 'root.key'), join(other, 'root.key'));
  cw('trust-list', '--config', join(dir, 'trust.json'), '--root-key', join(other, 'root.key'),
    '--revoked', join(dir, 'revoked-before.jsonl'), '--out', join(other, 'reused.cwl'), '--now', String(issuer.now));

  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#qr svg');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');

    publish(revokedList);
    assert.equal(await refreshNow(page), 'accepted');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'revoked');

    publish(join(other, 'reused.cwl'));
    assert.equal(await refreshNow(page), 'sequence_reused');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'revoked', 'still revoked');
    assert.match(await page.textContent('#check'), new RegExp(en.trustRefused.slice(0, 30)));

    publish(issuer.trustListPath);
    assert.equal(await refreshNow(page), 'rollback');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'revoked', 'still revoked');

    // The list in use is named on screen, and survives a reload.
    publish(revokedList);
    assert.equal(await refreshNow(page), 'same');
    assert.match(await page.textContent('#check'), /trust list no\. 2, signed /);
  } finally {
    await context.close();
    publish(issuer.trustListPath);
  }
});

test('the root key is pinned on first provisioning; another root is refused with a message', async () => {
  const intruder = makeIssuer({ now: issuer.now });
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.yellow));
    await page.waitForSelector('#qr svg');
    assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('codewallet.root'))), issuer.rootHex);

    publish(intruder.trustListPath, intruder.rootHex);
    assert.equal(await refreshNow(page), 'root_changed');
    assert.equal(await page.getAttribute('#problem', 'data-trust'), 'rootChanged');
    assert.equal(await page.isVisible('#problem'), true);
    assert.ok((await page.textContent('#problem')).includes(en.rootChanged));
    // The code is still checked against the pinned root's list.
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'yellow');
    // An import signed under the intruder's root is not accepted either.
    await page.fill('#add-text', intruder.credentials.valid);
    await page.click('#add-paste');
    await page.waitForSelector('#message[data-code="err_unknown_issuer"]');
    await page.click('#lang');
    assert.ok((await page.textContent('#problem')).includes(MESSAGES['zh-CN'].rootChanged));
  } finally {
    await context.close();
    intruder.cleanup();
    publish(issuer.trustListPath);
  }
});

test('the trust list lives in IndexedDB: a failed save is said, a saved one opens offline', async () => {
  // A full disk: every IndexedDB write of the trust list fails.
  const full = await browser.newContext({ locale: 'en-US' });
  try {
    await full.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (this.name === 'trust') throw new DOMException('The disk is full', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    const page = await full.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#qr svg');
    assert.equal(await page.getAttribute('#problem', 'data-trust'), 'trustNotSaved');
    assert.match(await page.textContent('#problem'), /could not be saved on this phone \(The disk is full\)/);
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true', 'used for this session');
  } finally {
    await full.close();
  }

  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#offline[data-state="ready"]');
    assert.equal(await page.getAttribute('#problem', 'data-trust'), '');
    const stored = await page.evaluate(() => new Promise((ok, fail) => {
      const open = indexedDB.open('codewallet.wallet');
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction('trust').objectStore('trust').get('current');
        get.onsuccess = () => ok({ root: get.result.root, bytes: get.result.data.length });
      };
    }));
    assert.equal(stored.root, issuer.rootHex);
    assert.ok(stored.bytes > 100);
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.trust')), null, 'nothing in localStorage');

    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('#qr svg');
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true', 'checked offline from IndexedDB');
    assert.match(await page.textContent('#check'), /trust list no\. 1/);
  } finally {
    await context.close();
  }
});

test('a list kept in localStorage by an earlier version moves to IndexedDB', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#offline[data-state="ready"]');
    // As an earlier version left it: the list in localStorage, nothing in IndexedDB.
    const bytes = await (await fetch(`${site.url}/demo-data/trust-list.cwl`)).arrayBuffer();
    const legacy = { root: issuer.rootHex, data: Buffer.from(bytes).toString('base64'), at: Date.now() };
    await page.evaluate(async (value) => {
      localStorage.setItem('codewallet.trust', JSON.stringify(value));
      await new Promise((ok) => {
        // The page holds the database open: the deletion completes as it unloads.
        const del = indexedDB.deleteDatabase('codewallet.wallet');
        del.onsuccess = ok;
        del.onerror = ok;
        del.onblocked = ok;
      });
    }, legacy);
    await context.setOffline(true);
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.getAttribute('#check', 'data-checked'), 'true');
    await page.waitForFunction(() => localStorage.getItem('codewallet.trust') === null);
  } finally {
    await context.close();
  }
});

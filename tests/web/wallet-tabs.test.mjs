// Two wallet tabs on one phone share one store: what one adds, the other
// shows, and neither ever writes over the other's change.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cw, openPages, release } from './harness.mjs';
import { MESSAGES } from '../../www/wallet/i18n.js';

let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

const labels = (page) => page.$$eval('#people .label', (els) => els.map((e) => e.textContent));

async function add(page, label, text) {
  await page.fill('#add-label', label);
  await page.fill('#add-text', text);
  await page.click('#add-paste');
  await page.waitForSelector(`#message[data-code="imported"]`);
}

test('a change in one tab shows in the other', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const a = await context.newPage();
    const b = await context.newPage();
    await a.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
    await a.waitForSelector('#qr svg');
    await b.goto(`${site.url}/wallet/`);
    await b.waitForSelector('#qr svg');
    await add(b, 'Mother', issuer.credentials.yellow);
    await a.waitForFunction(() => document.querySelectorAll('#people .label').length === 2);
    assert.deepEqual(await labels(a), ['Me', 'Mother']);
  } finally {
    await context.close();
  }
});

test('a tab that has not heard of the other tab\'s change never writes over it', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const a = await context.newPage();
    // Tab A does not hear of changes (as when the storage event has not arrived yet).
    await a.addInitScript(() => window.addEventListener('storage', (e) => e.stopImmediatePropagation(), true));
    const b = await context.newPage();
    await a.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
    await a.waitForSelector('#qr svg');
    await b.goto(`${site.url}/wallet/`);
    await b.waitForSelector('#qr svg');
    await add(b, 'Mother', issuer.credentials.yellow);
    assert.deepEqual(await labels(a), ['Me'], 'A has not reloaded');

    // A renames by position: refused, said, and A now shows the store as it is.
    await a.click('#manage summary');
    await a.click('#people [data-action="rename"][data-index="0"]');
    await a.fill('#people .rename-input', 'Moi');
    await a.click('#people [data-action="save"]');
    await a.waitForSelector('#message[data-code="err_changed_elsewhere"]');
    assert.equal(await a.textContent('#message'), MESSAGES.en.err_changed_elsewhere);
    assert.deepEqual(await labels(a), ['Me', 'Mother']);

    // A imports without having heard of B's next change: added to what the store holds.
    await add(b, 'Child', issuer.credentials.red);
    const grandpa = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC',
      '--name', '张大爷', '--id-number', '110101194001010011', '--status', 'green', '--now', String(issuer.now)).trim();
    await add(a, 'Grandpa', grandpa);
    assert.deepEqual(await labels(a), ['Me', 'Mother', 'Child', 'Grandpa']);
    const stored = await b.evaluate(() => localStorage.getItem('codewallet.wallet'));
    assert.deepEqual(stored.split('\n').slice(1).map((l) => l.split('\t')[0]), ['Me', 'Mother', 'Child', 'Grandpa']);
  } finally {
    await context.close();
  }
});

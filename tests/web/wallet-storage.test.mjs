// Storage faults and browsers without service workers: nothing is lost, the
// problem is said, the code still shows.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPages, release } from './harness.mjs';
import { MESSAGES } from '../../www/wallet/i18n.js';

let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

const link = (text) => `${site.url}/wallet/#${encodeURIComponent(text)}`;

test('a corrupted store is reported, kept under the backup key, and never wiped', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#qr svg');
    const good = await page.evaluate(() => localStorage.getItem('codewallet.wallet'));
    // Damage the second line: one good entry, one broken.
    const broken = `${good}\nMum\tCW1:not-base45!!`;
    await page.evaluate((v) => localStorage.setItem('codewallet.wallet', v), broken);
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.equal(await page.isVisible('#problem'), true);
    const problem = await page.textContent('#problem');
    assert.match(problem, /could not be read/);
    assert.match(problem, /original was kept/);
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.wallet.unreadable')), broken);
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.wallet')), broken, 'not rewritten on load');
    assert.equal(await page.textContent('#who'), 'Me', 'the readable entry still shows');

    // Something that is no wallet store at all.
    await page.evaluate(() => {
      localStorage.removeItem('codewallet.wallet.unreadable');
      localStorage.setItem('codewallet.wallet', '\u0000garbage{');
    });
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    assert.match(await page.textContent('#problem'), /not a wallet store/);
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.wallet.unreadable')), '\u0000garbage{');
    await page.click('#lang');
    assert.match(await page.textContent('#problem'), /原始数据已保留/);
  } finally {
    await context.close();
  }
});

test('storage that throws QuotaExceededError: the error is shown and nothing is lost', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#qr svg');
    const stored = await page.evaluate(() => localStorage.getItem('codewallet.wallet'));
    await page.addInitScript(() => {
      Storage.prototype.setItem = function setItem() {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await page.goto('about:blank');
    await page.goto(link(issuer.credentials.yellow));
    await page.waitForSelector('#message[data-code="err_quota_exceeded"]');
    assert.equal(await page.textContent('#message'), MESSAGES.en.err_quota_exceeded);
    assert.equal(await page.textContent('#who'), 'Me');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'green');
    // A rename fails the same way and changes nothing.
    await page.click('#manage summary');
    await page.click('#people [data-action="rename"]');
    await page.fill('#people .rename-input', 'Someone else');
    await page.click('#people [data-action="save"]');
    await page.waitForSelector('#message[data-code="err_quota_exceeded"]');
    assert.equal(await page.textContent('#who'), 'Me');
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.wallet')), stored);
    await page.click('#lang');
    assert.equal(await page.textContent('#message'), MESSAGES['zh-CN'].err_quota_exceeded);
  } finally {
    await context.close();
  }
});

test('without service workers the page still works and says it is not installed for offline use', async () => {
  const context = await browser.newContext({ locale: 'en-US', serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(link(issuer.credentials.red));
    await page.waitForSelector('#qr svg');
    await page.waitForSelector('#offline[data-state="none"]');
    assert.equal(await page.textContent('#offline'), MESSAGES.en.offlineNo);
    assert.equal(await page.getAttribute('#status', 'data-status'), 'red');
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'red');
    assert.equal(await page.evaluate(() => navigator.serviceWorker?.controller ?? null), null);
  } finally {
    await context.close();
  }
});

test('a page with no usable localStorage still shows an imported code and says it is not kept', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
    });
    await page.goto(link(issuer.credentials.valid));
    await page.waitForSelector('#qr svg');
    assert.match(await page.textContent('#problem'), /does not let the page store anything/);
  } finally {
    await context.close();
  }
});

// Several people on one phone: add, reorder, rename, remove (through the
// page's own confirm step), the cap, and refusals in both languages.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cw, openPages, release } from './harness.mjs';
import { MESSAGES } from '../../www/wallet/i18n.js';

let issuer, site, browser;

before(async () => ({ issuer, site, browser } = await openPages()));
after(() => release(browser, site, issuer));

async function paste(page, text, label = '') {
  await page.fill('#add-label', label);
  await page.fill('#add-text', text);
  await page.click('#add-paste');
}

const tabs = (page) => page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.textContent));
const people = (page) => page.$$eval('#people .label', (ls) => ls.map((l) => l.textContent));

function issue(name, status, ...extra) {
  return cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', name,
    '--id-number', `ID${name.length}${status}`, '--status', status, ...extra).trim();
}

test('three people: added, kept in order across a reload, renamed, moved, one removed after confirming', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    assert.equal(await page.isVisible('#empty'), true);
    await paste(page, issuer.credentials.valid, 'Me');
    await page.waitForSelector('#message[data-code="imported"]');
    // A wallet link pasted whole works too.
    await paste(page, `${site.url}/wallet/#${encodeURIComponent(issuer.credentials.yellow)}`, '外婆');
    await page.waitForFunction(() => document.querySelectorAll('#tabs .tab').length === 2);
    // The third from a photo of its QR code (the CLI's PNG).
    const png = join(issuer.dir, 'red.png');
    cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', 'Jean Dupont',
      '--id-number', '12AB34567', '--status', 'red', '--format', 'png', '--out', png);
    await page.fill('#add-label', 'Dad');
    await page.setInputFiles('#add-photo', png);
    await page.waitForFunction(() => document.querySelectorAll('#tabs .tab').length === 3);
    assert.equal(await page.getAttribute('#status', 'data-status'), 'red');
    assert.equal(await page.textContent('#who'), 'Dad');

    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.deepEqual(await tabs(page), ['Me', '外婆', 'Dad']);
    assert.equal(await page.textContent('#who'), 'Dad', 'the person last shown is shown again');

    // Showing another person.
    await page.click('#tabs .tab >> text=外婆');
    assert.equal(await page.getAttribute('#status', 'data-status'), 'yellow');

    // Rename and reorder through the manage panel.
    await page.click('#manage summary');
    await page.click('#people li:nth-child(3) [data-action="rename"]');
    await page.fill('#people .rename-input', 'Father');
    await page.click('#people [data-action="save"]');
    await page.click('#people li:nth-child(3) [data-action="up"]');
    await page.click('#people li:nth-child(1) [data-action="down"]');
    assert.deepEqual(await people(page), ['Father', 'Me', '外婆']);
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.deepEqual(await tabs(page), ['Father', 'Me', '外婆']);

    // Remove: nothing happens until the in-page confirmation; Cancel keeps everyone.
    await page.click('#manage summary');
    await page.click('#people li:nth-child(2) [data-action="remove"]');
    assert.equal(await page.isVisible('#confirm'), true);
    assert.match(await page.textContent('#confirm-text'), /Me/);
    assert.equal((await people(page)).length, 3);
    await page.click('#confirm-no');
    assert.equal(await page.isVisible('#confirm'), false);
    assert.equal((await people(page)).length, 3);
    await page.click('#people li:nth-child(2) [data-action="remove"]');
    await page.click('#confirm-yes');
    assert.deepEqual(await people(page), ['Father', '外婆']);
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.deepEqual(await tabs(page), ['Father', '外婆']);
  } finally {
    await context.close();
  }
});

test('expired, revoked, forged and tampered codes are refused with a clear message in both languages', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    const cases = {
      expired: 'err_expired', revoked: 'err_revoked', forged: 'err_unknown_issuer', tampered: 'err_invalid_signature',
      notYetValid: 'err_not_yet_valid',
    };
    for (const [kind, key] of Object.entries(cases)) {
      await paste(page, issuer.credentials[kind]);
      await page.waitForSelector(`#message[data-code="${key}"]`);
      assert.equal(await page.textContent('#message'), MESSAGES.en[key], kind);
      await page.click('#lang');
      assert.equal(await page.textContent('#message'), MESSAGES['zh-CN'][key], kind);
      assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
      await page.click('#lang');
    }
    // A refused link import says so too, and stores nothing.
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.revoked)}`);
    await page.waitForSelector('#message[data-code="err_revoked"]');
    assert.equal(await page.isVisible('#card'), false);
    assert.equal(await page.evaluate(() => localStorage.getItem('codewallet.wallet')), null);
    // Text that is no credential at all.
    await paste(page, 'hello');
    await page.waitForSelector('#message[data-code="err_not_credential"]');
  } finally {
    await context.close();
  }
});

test('the language follows the browser, and the switch is remembered', async () => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
    await page.waitForSelector('#qr svg');
    assert.equal(await page.textContent('h1'), MESSAGES['zh-CN'].title);
    assert.equal(await page.textContent('#status-text'), MESSAGES['zh-CN'].status_green);
    await page.click('#lang');
    assert.equal(await page.textContent('h1'), MESSAGES.en.title);
    await page.reload();
    await page.waitForSelector('#qr svg');
    assert.equal(await page.textContent('#status-text'), MESSAGES.en.status_green);
    assert.equal(await page.textContent('#message'), '');
  } finally {
    await context.close();
  }
});

test('every string exists in both languages', () => {
  assert.deepEqual(Object.keys(MESSAGES['zh-CN']).sort(), Object.keys(MESSAGES.en).sort());
});

test('at most twelve people; the thirteenth is refused with a message, duplicates too', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    for (let i = 0; i < 12; i++) {
      await paste(page, issue(`Person Number ${i}`, 'green'), `P${i}`);
      await page.waitForSelector('#message[data-code="imported"]');
      assert.equal(await page.locator('#people li').count(), i + 1, await page.textContent('#message'));
    }
    await paste(page, issuer.credentials.valid, 'Thirteen');
    await page.waitForSelector('#message[data-code="err_wallet_full"]');
    assert.match(await page.textContent('#message'), /12/);
    await page.click('#manage summary');
    await page.click('#people li:nth-child(1) [data-action="remove"]');
    await page.click('#confirm-yes');
    await paste(page, issuer.credentials.valid, 'Thirteen');
    await page.waitForSelector('#message[data-code="imported"]');
    await paste(page, issuer.credentials.valid, 'Again');
    await page.waitForSelector('#message[data-code="err_duplicate"]');
    assert.equal(await page.textContent('#who'), 'Thirteen');
  } finally {
    await context.close();
  }
});

test('raw code text is taken as written: Base45 has its own % and spaces', async () => {
  // A credential whose text holds '%' followed by two hex digits, which a
  // percent-decoder would change.
  let text = null;
  for (let i = 0; i < 40 && !text; i++) {
    const t = issue(`Percent Person ${i}`, 'green');
    if (/%[0-9A-Fa-f]{2}/.test(t)) text = t;
  }
  assert.ok(text, 'no credential with %XX in 40 tries');
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    await paste(page, text, 'Raw');
    await page.waitForSelector('#message[data-code="imported"]');
    assert.equal(await page.getAttribute('#qr', 'data-text'), text);
    // The same code as a link is percent-decoded once, not twice.
    await page.goto('about:blank');
    await page.goto(`${site.url}/wallet/#${encodeURIComponent(text)}`);
    await page.waitForSelector('#message[data-code="err_duplicate"]');
  } finally {
    await context.close();
  }
});

test('a file that is not a picture is refused with the reader\'s own code, in words', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    await page.setInputFiles('#add-photo', { name: 'code.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
    await page.waitForSelector('#message[data-code="err_not_image"]');
    assert.equal(await page.textContent('#message'), MESSAGES.en.err_not_image);
  } finally {
    await context.close();
  }
});

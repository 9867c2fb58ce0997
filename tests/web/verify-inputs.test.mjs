// The verifier's fallbacks and its answers to bad input: a chosen photo, pasted
// text, random bytes, truncated and oversize codes, a QR code of a web address,
// pictures without a code and a huge picture. Each gets a clear message.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIssuer, servePages, launchBrowser, recordRequests, cw } from './harness.mjs';
import { qrImage, writePng, writeHugePng, openVerifier, goOffline, pasteAndRead, readVerdict, nextPerson } from './verify-util.mjs';

let issuer, site, browser, context, page, files;
before(async () => {
  issuer = makeIssuer();
  files = mkdtempSync(join(tmpdir(), 'cw-photos-'));
  site = await servePages(issuer);
  browser = await launchBrowser();
  context = await browser.newContext();
  page = await openVerifier(context, site);
  await goOffline(context, page, site);
});
after(async () => {
  await browser?.close();
  await site?.cleanup();
  issuer?.cleanup();
  rmSync(files, { recursive: true, force: true });
});

async function choosePhoto(path) {
  await page.evaluate(() => { document.getElementById('scan-msg').textContent = ''; delete document.getElementById('scan-msg').dataset.code; });
  await page.setInputFiles('#photo-input', path);
  await page.waitForFunction(() => document.getElementById('scan-msg').dataset.code || !document.getElementById('verdict').hidden);
  return page.evaluate(() => ({ code: document.getElementById('scan-msg').dataset.code, message: document.getElementById('scan-msg').textContent }));
}

test('photo: a PNG of a valid credential is read and verified, with no request', async () => {
  const path = join(files, 'valid.png');
  writePng(path, await qrImage(issuer.credentials.valid, { width: 900, height: 700, scale: 6 }));
  const requests = recordRequests(page);
  assert.equal((await choosePhoto(path)).code, 'found');
  const v = await readVerdict(page);
  assert.equal(v.code, 'valid');
  assert.equal(v.name, '张*丰');
  assert.deepEqual(requests, []);
  await nextPerson(page);
});

test('photo: the CLI\'s own PNG of a new credential signed by an issuer not in the list', async () => {
  const path = join(files, 'cli.png');
  cw('issue', '--key', join(issuer.dir, 'rogue.key'), '--issuer', 'Demo CDC', '--name', 'Test Person',
    '--id-number', 'T123', '--status', 'green', '--format', 'png', '--out', path);
  await choosePhoto(path);
  const v = await readVerdict(page);
  assert.equal(v.code, 'unknown_issuer');
  await nextPerson(page);
});

test('photo: a QR code of a newer trust list provisions it', async () => {
  const path = join(files, 'trust.png');
  const seq2 = issuer.trustList(2, 'seq2.cwl');
  writePng(path, await qrImage(readFileSync(`${seq2}.txt`, 'utf8').trim(), { scale: 3 }));
  assert.equal((await choosePhoto(path)).code, 'found');
  await page.waitForSelector('#trust-msg[data-code=accepted]');
  assert.equal(await page.textContent('#trust-msg'), 'Trust list #2 accepted');
  assert.equal(await page.isHidden('#verdict'), true);
});

test('paste: a valid credential, then the ID-card check', async () => {
  const v = await pasteAndRead(page, issuer.credentials.valid);
  assert.equal(v.code, 'valid');
  await page.fill('#v-id', '11010519491231002X');
  assert.equal(await page.getAttribute('#v-id-result', 'data-match'), 'true');
  assert.match(await page.textContent('#v-id-result'), /matches/);
  await page.fill('#v-id', '110105194912310021');
  assert.equal(await page.getAttribute('#v-id-result', 'data-match'), 'false');
  assert.match(await page.textContent('#v-id-result'), /does NOT match/);
  await nextPerson(page);
  // A wallet link counts as its credential.
  const link = `http://example.test/wallet/#${encodeURIComponent(issuer.credentials.yellow)}`;
  const y = await pasteAndRead(page, link);
  assert.equal(y.code, 'valid');
  assert.equal(y.tone, 'warn');
  assert.equal(y.reason, 'Status: yellow');
  await nextPerson(page);
});

test('paste: random bytes, truncated, oversize and a web address are refused with clear reasons', async () => {
  const random = await pasteAndRead(page, randomBytes(60).toString('latin1').replace(/\s/g, 'x'));
  assert.equal(random.code, 'malformed');
  assert.equal(random.reason, 'Not a valid code');
  await nextPerson(page);
  const truncated = await pasteAndRead(page, issuer.credentials.valid.slice(0, 60));
  assert.equal(truncated.code, 'malformed');
  assert.match(truncated.detail, /^not a valid code: /);
  await nextPerson(page);
  const oversize = await pasteAndRead(page, `CW1:${'A'.repeat(10_000)}`);
  assert.equal(oversize.code, 'too_long');
  assert.equal(oversize.reason, 'Too long to be a health code');
  await nextPerson(page);
  const url = await pasteAndRead(page, 'https://example.com/login');
  assert.equal(url.code, 'url');
  assert.equal(url.reason, 'This QR code holds a web address, not a health code');
  await nextPerson(page);
  await page.fill('#paste', '   ');
  await page.click('#check-btn');
  assert.equal(await page.textContent('#scan-msg'), 'Nothing to check');
});

test('photo: a QR code of a web address, pictures without a code, random bytes, a huge picture', async () => {
  const urlPng = join(files, 'url.png');
  writePng(urlPng, await qrImage('https://example.com/a/very/ordinary/link'));
  await choosePhoto(urlPng);
  const v = await readVerdict(page);
  assert.equal(v.code, 'url');
  await nextPerson(page);

  const blank = join(files, 'gradient.png');
  const width = 320, height = 240;
  const luma = new Uint8Array(width * height);
  for (let i = 0; i < luma.length; i++) luma[i] = (i % width) * 255 / width;
  writePng(blank, { width, height, luma });
  const none = await choosePhoto(blank);
  assert.equal(none.code, 'not_found');
  assert.equal(none.message, 'No QR code found in this image.');

  const junk = join(files, 'junk.png');
  writeFileSync(junk, randomBytes(5000));
  const bad = await choosePhoto(junk);
  assert.equal(bad.code, 'not_image');
  assert.equal(bad.message, 'This file is not an image that can be read.');

  const huge = join(files, 'huge.png');
  writeHugePng(huge, 8000, 8000);
  const big = await choosePhoto(huge);
  assert.equal(big.code, 'too_large');
  assert.match(big.message, /^Image too large \(64,000,000 pixels\)/);
  // The page still answers at once.
  const after = await pasteAndRead(page, issuer.credentials.valid);
  assert.equal(after.code, 'valid');
  await nextPerson(page);
});

// A revocation cannot be undone by offering the list from before it: two
// different lists with one sequence (the older signed with a copy of the root
// key file, whose sequence record is its own). The newer is provisioned; the
// older is then offered by a QR photo, by a link (on load and while open) and
// by file: each refused with its own message, in both languages, and the
// revoked code stays refused. A lower sequence is refused too, and the same
// list again is a quiet no-op.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson, qrImage, writePng, sameSequencePair } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

/** The message a trust-list offer made by `action` shows. */
async function offer(page, action) {
  await page.evaluate(() => {
    const el = document.getElementById('trust-msg');
    delete el.dataset.code;
    el.textContent = '';
  });
  await action();
  await page.waitForSelector('#trust-msg[data-code]', { state: 'attached' });
  return page.evaluate(() => {
    const el = document.getElementById('trust-msg');
    return { code: el.dataset.code, text: el.textContent };
  });
}

async function revokedStillRefused(page, credential) {
  const v = await pasteAndRead(page, credential);
  assert.equal(v.code, 'revoked');
  assert.equal(v.decision, 'refuse');
  await nextPerson(page);
  assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');
}

test('the list from before a revocation, same sequence, is refused by QR, link and file; a lower one too', async () => {
  const issuer = makeIssuer();
  const files = mkdtempSync(join(tmpdir(), 'cw-successor-'));
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const { before, after, credential } = sameSequencePair(issuer, 2);
    const beforeText = readFileSync(`${before}.txt`, 'utf8').trim();
    const context = await browser.newContext({ locale: 'en-US' });
    let page = await openVerifier(context, site);
    await goOffline(context, page, site);

    assert.deepEqual(await offer(page, () => page.setInputFiles('#trust-file', after)), { code: 'accepted', text: t('en', 'tlAccepted', { sequence: 2 }) });
    await revokedStillRefused(page, credential);
    // The same list again: nothing happens.
    assert.deepEqual(await offer(page, () => page.setInputFiles('#trust-file', after)), { code: 'same', text: t('en', 'tlSame', { sequence: 2 }) });

    // By a photo of its QR code.
    const qr = join(files, 'before.png');
    writePng(qr, await qrImage(beforeText, { scale: 3 }));
    const byQr = await offer(page, () => page.setInputFiles('#photo-input', qr));
    assert.deepEqual(byQr, { code: 'sequence_reused', text: t('en', 'tlReused', { sequence: 2, current: 2 }) });
    await revokedStillRefused(page, credential);

    // By a link while the page is open, and by a link that opens the page.
    const base = page.url().split('#')[0];
    const link = `${base}#${encodeURIComponent(beforeText)}`;
    assert.deepEqual(await offer(page, () => page.goto(link)), { code: 'sequence_reused', text: t('en', 'tlReused', { sequence: 2, current: 2 }) });
    assert.ok(!page.url().includes('CWL1'), 'the fragment is cleared');
    await revokedStillRefused(page, credential);
    await page.close();
    page = await context.newPage();
    await page.goto(link);
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForSelector('#trust-msg[data-code]', { state: 'attached' });
    assert.equal(await page.getAttribute('#trust-msg', 'data-code'), 'sequence_reused');
    await revokedStillRefused(page, credential);

    // A lower sequence (the bundled #1), by QR.
    const lowerQr = join(files, 'lower.png');
    writePng(lowerQr, await qrImage(readFileSync(`${issuer.trustListPath}.txt`, 'utf8').trim(), { scale: 3 }));
    assert.deepEqual(await offer(page, () => page.setInputFiles('#photo-input', lowerQr)), { code: 'rollback', text: t('en', 'tlRollback', { sequence: 1, current: 2 }) });

    // In Chinese, by file; still refused after a reload.
    await page.selectOption('#lang', 'zh-CN');
    assert.deepEqual(await offer(page, () => page.setInputFiles('#trust-file', before)), { code: 'sequence_reused', text: t('zh-CN', 'tlReused', { sequence: 2, current: 2 }) });
    assert.deepEqual(await offer(page, () => page.setInputFiles('#trust-file', issuer.trustListPath)), { code: 'rollback', text: t('zh-CN', 'tlRollback', { sequence: 1, current: 2 }) });
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await revokedStillRefused(page, credential);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
    rmSync(files, { recursive: true, force: true });
  }
});

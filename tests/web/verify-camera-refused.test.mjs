// The verifier's camera path, continued (split from verify-camera.test.mjs to
// keep each file short): forged codes through the fake camera, and the hint
// when nothing readable is in view.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { scanCredentialWithCamera, writeY4m, openVerifier, goOffline } from './verify-util.mjs';

let issuer;
let videos;
before(() => {
  issuer = makeIssuer();
  videos = mkdtempSync(join(tmpdir(), 'cw-y4m-'));
});
after(() => {
  issuer.cleanup();
  rmSync(videos, { recursive: true, force: true });
});

const scanWithCamera = (kind) => scanCredentialWithCamera(issuer, videos, kind);

test('camera: a forged signature and an unknown signer are refused, each with its reason', async () => {
  const tampered = await scanWithCamera('tampered');
  assert.equal(tampered.verdict.code, 'invalid_signature');
  assert.equal(tampered.verdict.reason, 'Forged or altered: the signature is invalid');
  assert.deepEqual(tampered.requests, []);
  const rogue = await scanWithCamera('forged');
  assert.equal(rogue.verdict.code, 'unknown_issuer');
  assert.equal(rogue.verdict.reason, 'Unknown issuer: not in the trust list');
  assert.deepEqual(rogue.requests, []);
});

test('camera: with no code in view the page keeps scanning and shows a hint', async () => {
  const video = join(videos, 'blank.y4m');
  const width = 640, height = 480;
  writeY4m(video, { width, height, luma: new Uint8Array(width * height).fill(200) });
  const site = await servePages(issuer);
  const browser = await launchBrowser({ fakeVideo: video });
  try {
    const context = await browser.newContext();
    const page = await openVerifier(context, site);
    await goOffline(context, page, site);
    await page.click('#scan-btn');
    await page.waitForSelector('#scan-hint:not([hidden])', { timeout: 20_000 });
    assert.equal(await page.textContent('#scan-hint'), 'No code found yet: hold steady, 20–30 cm away, more light.');
    assert.equal(await page.isHidden('#verdict'), true);
    assert.equal(await page.textContent('#scan-btn'), 'Stop camera');
    await page.click('#scan-btn');
    assert.equal(await page.textContent('#scan-btn'), 'Scan');
  } finally {
    await browser.close();
    await site.cleanup();
  }
});

// Camera import: Chromium's fake camera plays a video of an issuer's QR code
// (a .y4m file written here from the core's own QR matrix); the wallet reads
// it frame by frame with the reader module and imports the credential.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';

let issuer;
let site;
let browser;
let dir;

/** A few seconds of 640x480 4:2:0 video showing `text` as a QR code, 6 px per module. */
async function qrVideo(text, path) {
  const core = await import(join(ROOT, 'www/pkg/core/codewallet.js'));
  core.initSync({ module: readFileSync(join(ROOT, 'www/pkg/core/codewallet_bg.wasm')) });
  const qr = core.qrMatrix(text);
  const [w, h, scale] = [640, 480, 6];
  const side = qr.size * scale;
  const x0 = (w - side) >> 1;
  const y0 = (h - side) >> 1;
  const luma = Buffer.alloc(w * h, 235);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (qr.modules[Math.floor(y / scale) * qr.size + Math.floor(x / scale)]) luma[(y0 + y) * w + x0 + x] = 16;
    }
  }
  const chroma = Buffer.alloc((w / 2) * (h / 2) * 2, 128);
  const frames = [Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < 30; i++) frames.push(Buffer.from('FRAME\n'), luma, chroma);
  writeFileSync(path, Buffer.concat(frames));
}

before(async () => {
  issuer = makeIssuer();
  site = await servePages(issuer);
  dir = mkdtempSync(join(tmpdir(), 'cw-camera-'));
  const video = join(dir, 'qr.y4m');
  await qrVideo(issuer.credentials.yellow, video);
  browser = await launchBrowser({ fakeVideo: video });
});

after(async () => {
  await browser?.close();
  await site?.cleanup();
  issuer?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('scanning with the camera imports the code it sees, then stops the camera', async () => {
  const context = await browser.newContext({ locale: 'en-US', permissions: ['camera'] });
  try {
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    await page.fill('#add-label', 'Grandma');
    await page.click('#add-camera');
    await page.waitForSelector('#message[data-code="imported"]', { timeout: 20000 });
    assert.equal(await page.textContent('#who'), 'Grandma');
    assert.equal(await page.getAttribute('#qr', 'data-text'), issuer.credentials.yellow);
    assert.equal(await page.isVisible('#video'), false, 'camera stopped');
    assert.equal(await page.textContent('#add-camera'), 'Scan with the camera');
  } finally {
    await context.close();
  }
});

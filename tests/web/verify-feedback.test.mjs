// What the checkpoint hears and feels: a tone and a vibration pattern per
// verdict (none with sound off), "next person" after the configured seconds,
// and the torch button where the camera has a torch. Headless Chromium plays
// no sound, vibrates nothing and has no torch, so those browser APIs are
// wrapped before the page starts, and the calls the page makes are recorded.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, pasteAndRead, writeY4m } from './verify-util.mjs';

let issuer;
let site;
let videos;

before(async () => {
  issuer = makeIssuer();
  site = await servePages(issuer);
  videos = mkdtempSync(join(tmpdir(), 'cw-feedback-'));
});

after(async () => {
  await site?.cleanup();
  issuer?.cleanup();
  if (videos) rmSync(videos, { recursive: true, force: true });
});

/** Records tones (oscillator frequencies), vibration patterns and torch constraints. */
function recordFeedback() {
  window.__tones = [];
  window.__vibrations = [];
  window.__torch = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__tones.push(this.frequency.value);
    return start.apply(this, args);
  };
  navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
  const caps = MediaStreamTrack.prototype.getCapabilities;
  MediaStreamTrack.prototype.getCapabilities = function () { return { ...caps.call(this), torch: true }; };
  MediaStreamTrack.prototype.applyConstraints = async function (c) { window.__torch.push(c); };
}

const recorded = (page) => page.evaluate(() => {
  const out = { tones: window.__tones, vibrations: window.__vibrations, torch: window.__torch };
  window.__tones = [];
  window.__vibrations = [];
  window.__torch = [];
  return out;
});

test('each verdict has its own tone and vibration; none with sound off; the next person comes after the set seconds', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.addInitScript(recordFeedback);
    // The page's timers run on a clock driven from here when the test says so.
    await context.clock.install();
    const page = await openVerifier(context, site, { autoNext: 1, sound: true });

    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).tone, 'ok');
    assert.deepEqual(await recorded(page), { tones: [1760], vibrations: [60], torch: [] });
    // Back to scanning by itself after one second.
    await page.waitForSelector('#verdict', { state: 'hidden', timeout: 5000 });

    assert.equal((await pasteAndRead(page, issuer.credentials.yellow)).tone, 'warn');
    assert.deepEqual(await recorded(page), { tones: [880, 880], vibrations: [[60, 80, 60]], torch: [] });
    await page.waitForSelector('#verdict', { state: 'hidden', timeout: 5000 });

    assert.equal((await pasteAndRead(page, issuer.credentials.forged)).tone, 'bad');
    assert.deepEqual(await recorded(page), { tones: [220], vibrations: [[250, 100, 250]], torch: [] });
    await page.waitForSelector('#verdict', { state: 'hidden', timeout: 5000 });

    // Sound off, and no automatic next: the verdict stays until dismissed.
    await page.click('#settings-panel summary');
    await page.uncheck('#set-sound');
    await page.fill('#set-auto', '0');
    await page.dispatchEvent('#set-auto', 'change');
    await pasteAndRead(page, issuer.credentials.valid);
    // A minute passes (the longest automatic next there is): still shown.
    await page.clock.runFor('01:01');
    assert.equal(await page.isVisible('#verdict'), true);
    assert.deepEqual(await recorded(page), { tones: [], vibrations: [], torch: [] });
  } finally {
    await browser.close();
  }
});

test('the torch button appears where the camera has a torch and switches it on and off', async () => {
  const video = join(videos, 'blank.y4m');
  writeY4m(video, { width: 320, height: 240, luma: new Uint8Array(320 * 240).fill(200) });
  const browser = await launchBrowser({ fakeVideo: video });
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    await context.grantPermissions(['camera'], { origin: site.url });
    await context.addInitScript(recordFeedback);
    const page = await openVerifier(context, site);
    assert.equal(await page.isVisible('#torch-btn'), false);
    await page.click('#scan-btn');
    await page.waitForSelector('#torch-btn:not([hidden])');
    await page.click('#torch-btn');
    assert.equal(await page.getAttribute('#torch-btn', 'aria-pressed'), 'true');
    await page.click('#torch-btn');
    assert.equal(await page.getAttribute('#torch-btn', 'aria-pressed'), 'false');
    assert.deepEqual((await recorded(page)).torch, [{ advanced: [{ torch: true }] }, { advanced: [{ torch: false }] }]);
    // Stopping the camera hides it again.
    await page.click('#scan-btn');
    assert.equal(await page.isVisible('#torch-btn'), false);
  } finally {
    await browser.close();
  }
});

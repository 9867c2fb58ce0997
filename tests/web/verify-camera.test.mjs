// The verifier end to end through a real camera stream: Chromium's fake
// camera plays a Y4M video of a credential's QR code, the page decodes frames
// in its worker and shows the verdict, with the network cut and no request made.
//
// One browser for every case: Chromium takes the fake camera's file name once
// per launch but reads the file each time a camera is opened, so each case
// puts its video in place (a new file renamed over the old one) and starts
// the camera again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser, recordRequests, release } from './harness.mjs';
import { openVerifier, goOffline, readVerdict, nextPerson, qrImage, writeY4m } from './verify-util.mjs';
import { messagePattern, verifierText as t } from './text.mjs';


const pattern = (key) => messagePattern((m) => t('en', key, { duration: m }));

// kind of credential → what the verdict screen shows for it.
const VERDICTS = [
  ['valid', { code: 'valid', decision: 'pass', tone: 'ok', icon: '✓', reason: t('en', 'statusGreen'), name: '张*丰' }],
  ['yellow', { code: 'valid', decision: 'check', tone: 'warn', icon: '!', reason: t('en', 'statusYellow') }],
  ['red', { code: 'valid', decision: 'refuse', tone: 'bad', icon: '✗', reason: t('en', 'statusRed') }],
  ['expired', { code: 'expired', decision: 'refuse', tone: 'bad', icon: '✗', reason: pattern('r_expired') }],
  ['notYetValid', { code: 'not_yet_valid', decision: 'refuse', tone: 'bad', icon: '✗', reason: pattern('r_not_yet_valid') }],
  ['revoked', { code: 'revoked', decision: 'refuse', tone: 'bad', icon: '✗', reason: t('en', 'r_revoked') }],
  ['tampered', { code: 'invalid_signature', decision: 'refuse', tone: 'bad', icon: '✗', reason: t('en', 'r_invalid_signature') }],
  ['forged', { code: 'unknown_issuer', decision: 'refuse', tone: 'bad', icon: '✗', reason: t('en', 'r_unknown_issuer') }],
];

let issuer;
let videos;
let video;
let site;
let browser;
let page;

/** Puts `image` in front of the fake camera, for the next time it is opened. */
function showOnCamera(image) {
  const next = join(videos, 'next.y4m');
  writeY4m(next, image);
  renameSync(next, video);
}

before(async () => {
  issuer = makeIssuer();
  videos = mkdtempSync(join(tmpdir(), 'cw-y4m-'));
  video = join(videos, 'camera.y4m');
  showOnCamera(await qrImage(issuer.credentials.valid));
  site = await servePages(issuer);
  browser = await launchBrowser({ fakeVideo: video });
  const context = await browser.newContext({ locale: 'en-US' });
  await context.grantPermissions(['camera'], { origin: site.url });
  page = await openVerifier(context, site);
  await goOffline(context, page, site);
});

after(() => release(browser, site, issuer, videos));

test('camera: each kind of credential gets its verdict, offline, with no request', async () => {
  let logged = 0;
  for (const [kind, want] of VERDICTS) {
    showOnCamera(await qrImage(issuer.credentials[kind]));
    const requests = recordRequests(page);
    await page.click('#scan-btn');
    const verdict = await readVerdict(page);
    assert.equal(verdict.code, want.code, kind);
    assert.equal(verdict.decision, want.decision, kind);
    assert.equal(verdict.tone, want.tone, kind);
    assert.equal(verdict.icon, want.icon, kind);
    assert.equal(verdict.headline, t('en', `d_${want.decision}`), kind);
    if (want.reason instanceof RegExp) assert.match(verdict.reason, want.reason, kind);
    else assert.equal(verdict.reason, want.reason, kind);
    if (want.name) assert.equal(verdict.name, want.name, kind);
    await page.waitForSelector(`#log-summary[data-total="${++logged}"]`, { state: 'attached' });
    assert.deepEqual(requests, [], `${kind}: no request while scanning and verifying`);
    page.removeAllListeners('request');
    await nextPerson(page);
    await page.click('#scan-btn');
    await page.waitForSelector('#scan-btn[data-t=scan]');
  }
});

test('camera: with no code in view the page keeps scanning and shows a hint', async () => {
  const width = 640, height = 480;
  showOnCamera({ width, height, luma: new Uint8Array(width * height).fill(200) });
  await page.click('#scan-btn');
  await page.waitForSelector('#scan-hint:not([hidden])', { timeout: 20_000 });
  assert.equal(await page.textContent('#scan-hint'), t('en', 'hint'));
  assert.equal(await page.isHidden('#verdict'), true);
  assert.equal(await page.textContent('#scan-btn'), t('en', 'stop'));
  await page.click('#scan-btn');
  assert.equal(await page.textContent('#scan-btn'), t('en', 'scan'));
});

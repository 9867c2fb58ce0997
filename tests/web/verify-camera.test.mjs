// The verifier end to end through a real camera stream: Chromium's fake
// camera plays a Y4M video of a credential's QR code, the page decodes frames
// in its worker and shows the verdict, with the network cut and no request made.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, makeIssuer } from './harness.mjs';
import { scanCredentialWithCamera } from './verify-util.mjs';

const { t } = await import(join(ROOT, 'www/verify/i18n.js'));

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

test('camera: a valid green credential may pass: green, with the masked name', async () => {
  const { verdict, requests, log } = await scanWithCamera('valid');
  assert.equal(verdict.code, 'valid');
  assert.equal(verdict.tone, 'ok');
  assert.equal(verdict.icon, '✓');
  assert.equal(verdict.decision, 'pass');
  assert.equal(verdict.headline, t('en', 'd_pass'));
  assert.equal(verdict.name, '张*丰');
  assert.deepEqual(requests, [], 'no request while scanning and verifying');
  assert.match(log, /^1 records/);
});

test('camera: an expired credential is refused with how long ago', async () => {
  const { verdict, requests } = await scanWithCamera('expired');
  assert.equal(verdict.code, 'expired');
  assert.equal(verdict.tone, 'bad');
  assert.equal(verdict.icon, '✗');
  assert.equal(verdict.decision, 'refuse');
  assert.equal(verdict.headline, t('en', 'd_refuse'));
  assert.match(verdict.reason, /^Expired \d+ (h|d) ago$/);
  assert.deepEqual(requests, []);
});

test('camera: a revoked credential is refused as revoked', async () => {
  const { verdict, requests } = await scanWithCamera('revoked');
  assert.equal(verdict.code, 'revoked');
  assert.equal(verdict.reason, 'Revoked by the issuer');
  assert.deepEqual(requests, []);
});

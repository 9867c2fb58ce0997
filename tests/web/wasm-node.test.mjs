// The wasm modules in Node, with no DOM at all: what a mini-program's own
// WebAssembly runtime or a worker gets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, memoryStorage } from './harness.mjs';

async function load(variant) {
  const mod = await import(join(ROOT, `www/pkg/${variant}/codewallet.js`));
  mod.initSync({ module: readFileSync(join(ROOT, `www/pkg/${variant}/codewallet_bg.wasm`)) });
  return mod;
}

test('core module: verifies a credential and renders its QR without a DOM', async () => {
  assert.equal(typeof globalThis.document, 'undefined');
  const cw = await load('core');
  const issuer = makeIssuer();
  try {
    const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
    assert.equal(trust.sequence, 1);
    assert.deepEqual(trust.issuerNames, ['Demo CDC']);
    const now = issuer.now + 60;
    const ok = trust.verify(issuer.credentials.valid, now);
    assert.equal(ok.valid, true);
    assert.equal(ok.credential.displayName, '张*丰');
    assert.equal(ok.credential.status, 'green');
    const cases = { expired: 'expired', revoked: 'revoked', forged: 'unknown_issuer', tampered: 'invalid_signature', notYetValid: 'not_yet_valid' };
    for (const [kind, code] of Object.entries(cases)) {
      const verdict = trust.verify(issuer.credentials[kind], now);
      assert.equal(verdict.valid, false, kind);
      assert.equal(verdict.code, code, kind);
    }
    assert.equal(trust.verify('HC1:xyz', now).code, 'malformed');

    const svg = cw.qrSvg(issuer.credentials.valid);
    assert.match(svg, /^<svg [^>]*viewBox="0 0 (\d+) \1"/);
    const qr = cw.qrMatrix(issuer.credentials.valid);
    assert.ok(qr.version <= 11, `version ${qr.version}`);
    assert.equal(qr.modules.length, qr.size * qr.size);
    assert.equal(cw.idNumberMatches(issuer.credentials.valid, '110105 19491231 002x'), true);
    assert.equal(cw.idNumberMatches(issuer.credentials.valid, '110105194912310021'), false);
  } finally {
    issuer.cleanup();
  }
});

test('core module: errors are Error objects with a code', async () => {
  const cw = await load('core');
  const issuer = makeIssuer();
  try {
    const bytes = readFileSync(issuer.trustListPath);
    bytes[bytes.length - 1] ^= 1;
    assert.throws(() => new cw.TrustList(bytes, issuer.rootHex), (e) => e instanceof Error && e.code === 'invalid_signature');
    assert.throws(() => new cw.TrustList(bytes, 'zz'), (e) => e.code === 'bad_root_key');
    assert.throws(() => cw.decodeCredential('CW1:!!'), (e) => e.code === 'base45' && /Base45/.test(e.message));
    assert.throws(() => cw.qrSvg('A'.repeat(5000)), (e) => e.code === 'too_long');
  } finally {
    issuer.cleanup();
  }
});

test('core module: the wallet keeps credentials in any getItem/setItem storage', async () => {
  const cw = await load('core');
  const issuer = makeIssuer();
  const storage = memoryStorage();
  try {
    const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
    const wallet = new cw.Wallet(storage);
    assert.equal(wallet.loadProblem, null);
    wallet.import('Me', issuer.credentials.valid, trust, issuer.now + 60);
    wallet.import('外婆', issuer.credentials.yellow, trust, issuer.now + 60);
    assert.throws(() => wallet.import('X', issuer.credentials.expired, trust, issuer.now + 60), (e) => e.code === 'expired');
    const reloaded = new cw.Wallet(storage);
    assert.deepEqual(reloaded.entries().map((e) => e.label), ['Me', '外婆']);
    // A storage that is full: nothing changes.
    const full = { getItem: storage.getItem, setItem: () => { const e = new Error('full'); e.name = 'QuotaExceededError'; throw e; } };
    const w2 = new cw.Wallet(full);
    assert.throws(() => w2.import('Red', issuer.credentials.red, trust, issuer.now + 60), (e) => e.code === 'quota_exceeded');
    assert.equal(w2.entries().length, 2);
  } finally {
    issuer.cleanup();
  }
});

test('reader module: reads back a QR it rendered', async () => {
  const cw = await load('reader');
  const issuer = makeIssuer();
  try {
    const text = issuer.credentials.valid;
    const qr = cw.qrMatrix(text);
    const scale = 3;
    const side = qr.size * scale;
    const rgba = new Uint8Array(side * side * 4);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const v = qr.modules[Math.floor(y / scale) * qr.size + Math.floor(x / scale)] ? 0 : 255;
        rgba.set([v, v, v, 255], (y * side + x) * 4);
      }
    }
    assert.deepEqual(cw.scanRgba(side, side, rgba), [text]);
    assert.throws(() => cw.scanRgba(side, side, rgba.subarray(4)), (e) => e.code === 'bad_dimensions');
    assert.throws(() => cw.scanRgba(5000, 5000, new Uint8Array(4)), (e) => e.code === 'too_large');
  } finally {
    issuer.cleanup();
  }
});

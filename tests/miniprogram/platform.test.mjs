// The platform adapter: storage within the platform's limits with typed
// errors, the scanner, the screen, the network; and it is the only file of
// the package that names a platform API.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { buildPackage, makeIssuer } from './util.mjs';

const require = createRequire(import.meta.url);
const shims = require('./shims.cjs');
let env;
let platform;

before(() => {
  buildPackage();
  env = shims.install();
  platform = require('../../miniprogram/lib/platform.js');
});

const MB = 1024 * 1024;
const isQuota = (e) => e.code === 'quota_exceeded' && e.name === 'QuotaExceededError';

test('storage: localStorage semantics over the platform storage', () => {
  const s = platform.storage;
  env.storage.items.clear();
  assert.equal(s.getItem('absent'), null);
  s.setItem('empty', '');
  assert.equal(s.getItem('empty'), '');
  s.setItem('k', '健康码');
  assert.equal(s.getItem('k'), '健康码');
  s.removeItem('k');
  assert.equal(s.getItem('k'), null);
});

test('storage: 1 MB a key and 10 MB in all, refused with quota_exceeded and nothing changed', () => {
  const s = platform.storage;
  env.storage.items.clear();
  s.setItem('k', 'a'.repeat(MB - 1)); // key and value: exactly 1 MB
  assert.throws(() => s.setItem('k', 'a'.repeat(MB)), isQuota);
  assert.equal(s.getItem('k').length, MB - 1);
  // Three bytes a character: a third as many characters fit.
  assert.throws(() => s.setItem('z', '码'.repeat(Math.ceil(MB / 3))), isQuota);
  assert.equal(s.getItem('z'), null);

  env.storage.items.clear();
  for (let i = 0; i < 10; i++) s.setItem(`k${i}`, 'a'.repeat(MB - 1024));
  assert.throws(() => s.setItem('k10', 'a'.repeat(20 * 1024)), isQuota);
  assert.equal(s.getItem('k10'), null);
  // Replacing a value counts the old one as freed.
  s.setItem('k0', 'b'.repeat(MB - 1024));
  assert.equal(s.getItem('k0')[0], 'b');
});

test('storage: the platform refusing a write is quota_exceeded even past our own check', () => {
  const s = platform.storage;
  env.storage.items.clear();
  const info = env.wx.getStorageInfoSync;
  env.wx.getStorageInfoSync = () => ({ ...info(), currentSize: 0 }); // a stale size
  try {
    for (let i = 0; i < 10; i++) s.setItem(`k${i}`, 'a'.repeat(MB - 1024));
    assert.throws(() => s.setItem('k10', 'a'.repeat(20 * 1024)), isQuota);
  } finally {
    env.wx.getStorageInfoSync = info;
  }
});

test('storage: the limits hold where the platform would take more', () => {
  // A storage that takes anything: only the adapter's own checks refuse.
  const s = platform.storage;
  env.storage.items.clear();
  const strict = env.wx.setStorageSync;
  env.wx.setStorageSync = (key, value) => env.storage.items.set(key, value);
  try {
    assert.throws(() => s.setItem('k', 'a'.repeat(MB)), isQuota);
    for (let i = 0; i < 10; i++) s.setItem(`k${i}`, 'a'.repeat(MB - 1024));
    assert.throws(() => s.setItem('k10', 'a'.repeat(20 * 1024)), isQuota);
    assert.equal(env.storage.items.size, 10);
  } finally {
    env.wx.setStorageSync = strict;
    env.storage.items.clear();
  }
});

test('storage: a broken storage is storage_unavailable, never an untyped throw', () => {
  const s = platform.storage;
  env.storage.broken = true;
  try {
    for (const f of [() => s.getItem('k'), () => s.setItem('k', 'v'), () => s.removeItem('k')]) {
      assert.throws(f, (e) => e.code === 'storage_unavailable' && e instanceof Error);
    }
  } finally {
    env.storage.broken = false;
  }
});

test('storage: the core wallet refuses an import into a full store with quota_exceeded, keeping what it had', async (t) => {
  const issuer = makeIssuer();
  t.after(issuer.cleanup);
  const { core } = require('../../miniprogram/lib/core.js');
  const cw = await core();
  const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
  env.storage.items.clear();
  const wallet = new cw.Wallet(platform.storage);
  wallet.import('me', issuer.credentials.valid, trust, issuer.now);
  // Filled to the last few bytes.
  for (let i = 0; i < 10; i++) platform.storage.setItem(`fill${i}`, 'a'.repeat(MB - 1024));
  const info = env.wx.getStorageInfoSync();
  platform.storage.setItem('last', 'a'.repeat((info.limitSize - info.currentSize) * 1024 - 16));
  assert.throws(() => wallet.import('kid', issuer.credentials.yellow, trust, issuer.now), (e) => e.code === 'quota_exceeded');
  const again = new cw.Wallet(platform.storage);
  assert.equal(again.loadProblem, null);
  assert.deepEqual(again.entries().map((e) => e.label), ['me']);
  env.storage.items.clear();
});

test('scanCode: camera only, QR only; a cancel and a failure are told apart', async () => {
  env.scans.queue.push({ result: 'CW1:ABC' }, { fail: 'scanCode:fail cancel' }, { fail: 'scanCode:fail camera' });
  assert.deepEqual(await platform.scanCode(), { ok: true, text: 'CW1:ABC' });
  assert.equal((await platform.scanCode()).code, 'cancelled');
  assert.equal((await platform.scanCode()).code, 'scan_failed');
  for (const call of env.scans.calls) assert.deepEqual(call, { onlyFromCamera: true, scanType: ['qrCode'] });
});

test('screen: raised and kept on while a code is shown, then the holder\'s brightness', async () => {
  env.screen.brightness = 0.3;
  assert.equal(await platform.raiseScreen(), true);
  assert.deepEqual([env.screen.brightness, env.screen.keepScreenOn], [1, true]);
  await platform.raiseScreen(); // twice: the first saved brightness stays
  assert.equal(await platform.restoreScreen(), true);
  assert.deepEqual([env.screen.brightness, env.screen.keepScreenOn], [0.3, false]);
  assert.equal(await platform.vibrate(), true);
  assert.equal(env.screen.vibrations, 1);
  assert.equal(await platform.vibrate(true), true);
  assert.deepEqual(env.screen.buzzes, ['short', 'long']);
});

test('storage keys, and a record id source where the runtime has no Web Crypto', () => {
  env.storage.items.clear();
  platform.storage.setItem('a', '1');
  assert.deepEqual(platform.storage.keys(), ['a']);
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  try {
    assert.equal(platform.ensureRandomValues(), false, 'a runtime that has one keeps it');
    delete globalThis.crypto;
    assert.equal(platform.ensureRandomValues(), true);
    const bytes = globalThis.crypto.getRandomValues(new Uint8Array(64));
    assert.ok(bytes.some((b) => b !== 0));
  } finally {
    Object.defineProperty(globalThis, 'crypto', saved);
  }
});

test('request: a network failure is a typed result, and it is counted', async () => {
  const before = env.network.calls.length;
  const res = await platform.request({ url: 'https://example.invalid/refresh/1.txt' });
  assert.deepEqual([res.ok, res.code], [false, 'network']);
  assert.equal(env.network.calls.length, before + 1);
});

test('only lib/platform.js names a platform API', () => {
  const root = new URL('../../miniprogram/', import.meta.url).pathname;
  const offenders = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(js|wxml|wxs)$/.test(name) && full !== join(root, 'lib/platform.js')) {
        const text = readFileSync(full, 'utf8');
        if (/\b(wx|my|swan|tt|qq)\s*\.\s*[A-Za-z]|\bWXWebAssembly\b|\bgetApp\s*\(/.test(text)) offenders.push(full.slice(root.length));
      }
    }
  };
  walk(root);
  assert.deepEqual(offenders, []);
});

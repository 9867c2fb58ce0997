// The checkpoint page rendered by miniprogram-simulate: the platform's scanner
// (a queue) → offline verification in the core against the package's trust
// list → the record in storage → the verifier's verdict screen, its words
// from the verifier's message table, in both languages; no network call; a
// full store stops scanning with a message and loses nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, beforeEach, test } from 'node:test';
import { dateTime } from '../../www/shared/languages.js';
import { messagePattern, verifierText as t } from '../web/text.mjs';
import { makeIssuer, setUpCheckpoint, useConfig } from './util.mjs';

const require = createRequire(import.meta.url);
let issuer;
let env;
let simulate;
let renderPage;
let waitFor;
let own;
let config;
const RECORD = 'cw.log.r.';

before(async () => {
  ({ issuer, simulate, env, renderPage, waitFor, own, config } = setUpCheckpoint());
  // The platform's runtime has no Web Crypto either.
  assert.equal(globalThis.crypto, undefined);
});

after(() => issuer && issuer.cleanup());

beforeEach(() => {
  env.storage.items.clear();
  env.network.calls.length = 0;
  env.scans.queue.length = 0;
  env.scans.calls.length = 0;
  env.screen.buzzes.length = 0;
  env.app.language = 'en';
  useConfig(config);
});

const records = () => [...env.storage.items.keys()].filter((k) => k.startsWith(RECORD)).map((k) => JSON.parse(env.storage.items.get(k)));

async function opened() {
  const comp = renderPage(simulate, 'pages/checkpoint/index');
  await waitFor(() => comp.data.state !== 'loading', 'the checkpoint starts');
  return comp;
}

// Taps Scan with `scan` next in the scanner ({result} or {fail}, or nothing:
// cancelled) and waits until the page settles.
async function scanned(comp, scan, button = '#scan') {
  if (scan) env.scans.queue.push(scan);
  const calls = env.scans.calls.length;
  comp.querySelector(button).dispatchEvent('tap');
  await waitFor(() => env.scans.calls.length > calls || comp.data.state === 'stopped', 'the scanner opens');
  await waitFor(() => comp.data.state !== 'scanning' && comp.data.state !== 'ready' ? true : comp.data.note !== '', 'the scan settles');
}

test('verdicts for valid, expired, revoked, forged, tampered, red and malformed codes, in both languages', async () => {
  const c = issuer.credentials;
  const cases = [
    ['valid', c.valid, 'pass', 'ok', '✓', (l) => t(l, 'statusGreen'), '张*丰'],
    ['yellow', c.yellow, 'check', 'warn', '!', (l) => t(l, 'statusYellow'), null],
    ['red', c.red, 'refuse', 'bad', '✗', (l) => t(l, 'statusRed'), null],
    ['expired', c.expired, 'refuse', 'bad', '✗', (l) => messagePattern((m) => t(l, 'r_expired', { duration: m })), null],
    ['revoked', c.revoked, 'refuse', 'bad', '✗', (l) => t(l, 'r_revoked'), null],
    ['forged', c.forged, 'refuse', 'bad', '✗', (l) => t(l, 'r_unknown_issuer'), null],
    ['tampered', c.tampered, 'refuse', 'bad', '✗', (l) => t(l, 'r_invalid_signature'), null],
    ['malformed', 'hello, not a code', 'refuse', 'bad', '✗', (l) => t(l, 'r_malformed'), null],
    ['a web address', 'https://example.org/', 'refuse', 'bad', '✗', (l) => t(l, 'r_url'), null],
  ];
  const headlines = { pass: 'd_pass', check: 'd_check', refuse: 'd_refuse' };
  for (const [platformLanguage, lang] of [['en', 'en'], ['zh_CN', 'zh-CN']]) {
    env.app.language = platformLanguage;
    const comp = await opened();
    assert.equal(comp.data.state, 'ready');
    assert.equal(comp.data.notice, '');
    let first = true;
    for (const [what, text, decision, tone, icon, reason, name] of cases) {
      // The first scan from the Scan button, the others from "Next person".
      await scanned(comp, { result: text }, first ? '#scan' : '#next');
      first = false;
      const v = comp.data.verdict;
      assert.equal(comp.data.state, 'verdict', what);
      assert.equal(v.decision, decision, what);
      assert.equal(v.tone, tone, what);
      assert.equal(v.icon, icon, what);
      assert.equal(v.headline, t(lang, headlines[decision]), what);
      const expected = reason(lang);
      if (expected instanceof RegExp) assert.match(v.reason, expected, what);
      else assert.equal(v.reason, expected, what);
      const words = comp.dom.textContent;
      for (const shown of [v.headline, v.reason, icon]) assert.ok(words.includes(shown), `${lang} ${what}: ${shown} in ${words}`);
      assert.ok(words.includes(t(lang, 'next')));
      if (name) {
        assert.equal(v.name, name);
        assert.ok(words.includes(name) && !words.includes('张三丰'), 'the masked name only');
        assert.ok(words.includes(t(lang, 'name')) && words.includes(t(lang, 'issuer')) && words.includes(t(lang, 'validUntil')));
        assert.ok(v.issuer && words.includes(v.issuer), 'the issuer named by the trust list');
        assert.ok(v.until && words.includes(v.until));
      }
      assert.equal(env.screen.buzzes.at(-1), tone === 'bad' ? 'long' : 'short', what);
    }
    // One record a scan, in the order scanned, with the decision shown.
    const logged = records();
    assert.equal(logged.length, cases.length);
    assert.deepEqual(logged.sort((a, b) => a.seq - b.seq).map((r) => r.decision), cases.map((k) => k[2]));
    assert.deepEqual(env.scans.calls.at(-1), { onlyFromCamera: true, scanType: ['qrCode'] });
    comp.detach();
    env.storage.items.clear();
  }
  assert.equal(env.network.calls.length, 0, 'no network call on the scan path');
});

test('the valid-until shown is the credential\'s', async () => {
  const comp = await opened();
  await scanned(comp, { result: issuer.credentials.valid });
  const cw = await require('../../miniprogram/lib/core.js').core();
  assert.equal(comp.data.verdict.until, dateTime('en', cw.decodeCredential(issuer.credentials.valid).expiresAt));
  comp.detach();
});

test('the record is in storage before the verdict is shown', async () => {
  const comp = await opened();
  const seen = [];
  const set = env.wx.setStorageSync;
  env.wx.setStorageSync = (key, value) => {
    set(key, value);
    if (key.startsWith(RECORD)) seen.push(comp.data.state);
  };
  try {
    await scanned(comp, { result: issuer.credentials.valid });
  } finally {
    env.wx.setStorageSync = set;
  }
  assert.deepEqual(seen, ['scanning'], 'written once, while the scan was still on screen');
  assert.equal(comp.data.state, 'verdict');
  const [record] = records();
  assert.equal(record.verdict, 'valid');
  assert.equal(record.decision, 'pass');
  assert.equal(record.mode, 'tally');
  assert.equal(record.name, undefined, 'a tally keeps no identity');
  assert.match(record.id, /^[0-9a-f]{16}$/);
  comp.detach();
});

test('a cancelled scan and a failed scanner log nothing and say so', async () => {
  for (const [platformLanguage, lang] of [['en', 'en'], ['zh_CN', 'zh-CN']]) {
    env.app.language = platformLanguage;
    const comp = await opened();
    await scanned(comp, null);
    assert.equal(comp.data.state, 'ready');
    assert.equal(comp.data.note, own(lang)('cancelled'));
    assert.ok(comp.dom.textContent.includes(own(lang)('cancelled')));
    await scanned(comp, { fail: 'scanCode:fail camera error' });
    assert.equal(comp.data.note, own(lang)('scanFailed', { code: 'scan_failed' }));
    assert.deepEqual(records(), []);
    comp.detach();
  }
  assert.equal(env.network.calls.length, 0);
});

test('a full store stops scanning with a message; nothing logged before is lost', async () => {
  const comp = await opened();
  await scanned(comp, { result: issuer.credentials.valid });
  assert.equal(records().length, 1);
  // Fill the platform's 10 MB to within a few bytes.
  const KB = 1024;
  const used = () => [...env.storage.items].reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  for (let i = 0; used() < 10 * KB * KB - 600 * KB; i++) env.storage.items.set(`filler.${i}`, 'x'.repeat(500 * KB));
  env.storage.items.set('filler.last', 'x'.repeat(10 * KB * KB - used() - 64 - 'filler.last'.length));
  const before = new Map(env.storage.items);

  await scanned(comp, { result: issuer.credentials.red }, '#next');
  assert.equal(comp.data.state, 'stopped');
  assert.equal(comp.data.stopped, t('en', 'logFull'));
  assert.ok(comp.dom.textContent.includes(t('en', 'logFull')));
  assert.ok(!comp.dom.textContent.includes(t('en', 'd_refuse')), 'no verdict without its record');
  assert.deepEqual(new Map(env.storage.items), before, 'the refused commit changed nothing');
  assert.equal(records().length, 1, 'the earlier record is kept');

  // Scanning stays stopped: the scanner does not open again.
  const calls = env.scans.calls.length;
  env.scans.queue.push({ result: issuer.credentials.valid });
  await comp.instance.scan();
  assert.equal(env.scans.calls.length, calls);
  assert.equal(comp.data.state, 'stopped');
  env.scans.queue.length = 0;
  comp.detach();
});

test('broken storage stops scanning with the verifier\'s words, in Chinese too', async () => {
  env.app.language = 'zh_CN';
  const comp = await opened();
  env.storage.broken = true;
  try {
    await scanned(comp, { result: issuer.credentials.valid });
  } finally {
    env.storage.broken = false;
  }
  assert.equal(comp.data.state, 'stopped');
  assert.match(comp.data.stopped, messagePattern((m) => t('zh-CN', 'logBroken', { why: m })));
  comp.detach();
});

test('a package without a trust list, or with one from another root, refuses every code and says why', async () => {
  const other = makeIssuer();
  try {
    const cases = [
      [{ rootPublicKey: null, trustListBase64: null, refreshUrl: null }, 'configMissing'],
      [{ ...config, rootPublicKey: other.rootHex }, 'tlWrongRoot'],
    ];
    for (const [given, key] of cases) {
      useConfig(given);
      const comp = await opened();
      assert.equal(comp.data.notice, t('en', key));
      await scanned(comp, { result: issuer.credentials.valid });
      assert.equal(comp.data.verdict.decision, 'refuse');
      assert.equal(comp.data.verdict.reason, t('en', 'r_no_trust'));
      comp.detach();
    }
  } finally {
    other.cleanup();
  }
  assert.equal(env.network.calls.length, 0);
});

test('a clock that went back since the last scan is a warning on the verdict, in the verifier\'s words', async () => {
  env.app.language = 'zh_CN';
  const comp = await opened();
  env.storage.items.set('cw.log.meta', JSON.stringify({ next: 1, values: { lastScan: Date.now() + 10 * 60_000 } }));
  await scanned(comp, { result: issuer.credentials.valid });
  const v = comp.data.verdict;
  assert.equal(v.decision, 'pass');
  assert.equal(v.icon, '!', 'a pass with a warning is marked');
  assert.equal(v.warnings.length, 1);
  assert.match(v.warnings[0], messagePattern((m) => t('zh-CN', 'warn_clock_jump', { duration: m })));
  assert.ok(comp.dom.textContent.includes(v.warnings[0]));
  comp.detach();
});

test('the package\'s own trust list scanned here is already loaded, and logs nothing', async () => {
  const comp = await opened();
  const text = readFileSync(`${issuer.trustListPath}.txt`, 'utf8').trim();
  assert.ok(text.startsWith('CWL1:'));
  await scanned(comp, { result: text });
  assert.equal(comp.data.state, 'ready');
  assert.equal(comp.data.note, t('en', 'tlSame', { sequence: 1 }));
  assert.equal(comp.data.trust.code, 'same');
  assert.deepEqual(records(), []);
  comp.detach();
});

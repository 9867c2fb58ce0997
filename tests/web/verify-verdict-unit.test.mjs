// The verifier's pure modules in Node, no browser: what a scanned text is
// (verdict.js classify), what the screen says for codes and warnings the page
// meets (reasons with durations, fallbacks, the clock jump), and the edges of
// provisioning (trust.js: pinning, restore and offers that cannot succeed).
// Expected strings come from the page's message tables.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, memoryStorage } from './harness.mjs';
import { loadCore } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

const { classify, present, reasonText, clockJump, CLOCK_JUMP_MS, MAX_TEXT } = await import(join(ROOT, 'www/verify/verdict.js'));
const { Provisioning, KEYS, trustListFromFragment } = await import(join(ROOT, 'www/verify/trust.js'));
const { duration, LANGUAGE_CODES } = await import(join(ROOT, 'www/shared/languages.js'));

const LANGS = LANGUAGE_CODES;
let core, issuer, other;
before(async () => {
  core = await loadCore();
  issuer = makeIssuer();
  other = makeIssuer();
});
after(() => {
  issuer?.cleanup();
  other?.cleanup();
});

const read = (path) => new Uint8Array(readFileSync(path));

/** A storage whose every call throws, as a browser with storage blocked does. */
const blocked = () => {
  const no = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
  return { getItem: no, setItem: no, removeItem: no };
};

const storage = () => {
  const s = memoryStorage();
  s.removeItem = (k) => { s.values.delete(k); };
  return s;
};

const noLists = () => ({ get: async () => null, put: async () => {} });

test('classify: credentials, trust lists and grants, bare or in a link; web addresses, empty and long texts refused', () => {
  const cw1 = 'CW1:6BF+80 ABC';
  const cases = [
    [cw1, { kind: 'credential', text: cw1 }],
    [`  ${cw1}\n`, { kind: 'credential', text: cw1 }],
    [`https://example.org/wallet/#${encodeURIComponent(cw1)}`, { kind: 'credential', text: cw1 }],
    ['https://example.org/wallet/#CW1:6BF%ZZ', { kind: 'credential', text: 'CW1:6BF%ZZ' }],
    ['CWL1:ABC', { kind: 'trustList', text: 'CWL1:ABC' }],
    ['http://example.org/verify/#CWL1%3AABC', { kind: 'trustList', text: 'CWL1:ABC' }],
    ['CWG1:XYZ', { kind: 'grant', text: 'CWG1:XYZ' }],
    ['HTTPS://example.org/verify/#CWG1:XYZ', { kind: 'grant', text: 'CWG1:XYZ' }],
    ['https://example.org/', { kind: 'refused', code: 'url' }],
    ['https://example.org/#hello', { kind: 'refused', code: 'url' }],
    ['', { kind: 'refused', code: 'empty' }],
    [' \n\t', { kind: 'refused', code: 'empty' }],
    [null, { kind: 'refused', code: 'empty' }],
    [undefined, { kind: 'refused', code: 'empty' }],
    [`CW1:${'A'.repeat(MAX_TEXT - 3)}`, { kind: 'refused', code: 'too_long' }],
    ['TUBE-000123', { kind: 'other', text: 'TUBE-000123' }],
    [12345, { kind: 'other', text: '12345' }],
  ];
  for (const [input, want] of cases) assert.deepEqual(classify(input), want, String(input));
  assert.equal(classify(`CW1:${'A'.repeat(MAX_TEXT - 4)}`).kind, 'credential', 'exactly the longest text');
});

test('reasons: durations from the core\'s seconds, the table\'s wording, the core\'s reason for a code the table lacks', () => {
  const trust = new core.TrustList(read(issuer.trustListPath), issuer.rootHex);
  for (const lang of LANGS) {
    for (const kind of ['expired', 'notYetValid']) {
      const verdict = trust.verify(issuer.credentials[kind], issuer.now, {});
      assert.ok(verdict.seconds > 0, kind);
      assert.equal(reasonText(lang, verdict), t(lang, `r_${verdict.code}`, { duration: duration(lang, verdict.seconds) }), `${lang} ${kind}`);
      assert.equal(present(lang, verdict).reason, reasonText(lang, verdict));
    }
    const junk = trust.verify('CW1:garbage', issuer.now, {});
    assert.equal(junk.code, 'malformed');
    assert.equal(reasonText(lang, junk), t(lang, 'r_malformed'));
    // No code at all counts as damaged; a code the table has no words for shows the core's own.
    assert.equal(reasonText(lang, { valid: false }), t(lang, 'r_malformed'));
    assert.equal(reasonText(lang, { valid: false, code: 'from_the_future', reason: 'the core says why' }), 'the core says why');
    assert.equal(reasonText(lang, { valid: false, code: 'from_the_future' }), 'from_the_future');
    for (const code of ['url', 'too_long', 'empty']) assert.equal(reasonText(lang, { code }), t(lang, `r_${code}`));
  }
  trust.free();
});

test('present: the page\'s own refusals, warnings the table lacks, and a passing code without warnings', () => {
  const trust = new core.TrustList(read(issuer.trustListPath), issuer.rootHex);
  for (const lang of LANGS) {
    const tooLong = present(lang, { valid: false, decision: 'refuse', code: 'too_long', credential: null });
    assert.deepEqual(
      { headline: tooLong.headline, reason: tooLong.reason, tone: tooLong.tone, icon: tooLong.icon, accepted: tooLong.accepted, name: tooLong.name, until: tooLong.until, warnings: tooLong.warnings },
      { headline: t(lang, 'd_refuse'), reason: t(lang, 'r_too_long'), tone: 'bad', icon: '✗', accepted: false, name: null, until: null, warnings: [] },
    );
    const green = trust.verify(issuer.credentials.valid, issuer.now, {});
    const shown = present(lang, green);
    assert.equal(shown.icon, '✓');
    assert.equal(shown.status, 'green');
    assert.equal(shown.accepted, true);
    assert.equal(shown.until.getTime(), green.credential.expiresAt * 1000);
    // A warning the table has no words for shows the core's message, and still marks the pass.
    const odd = present(lang, { ...green, warnings: [{ code: 'new_kind_of_warning', message: 'the core says so' }] });
    assert.deepEqual(odd.warnings, ['the core says so']);
    assert.equal(odd.icon, '!');
    // A refused code is never shown with its status, even when the credential has one.
    const revoked = present(lang, trust.verify(issuer.credentials.revoked, issuer.now, {}));
    assert.equal(revoked.status, null);
    assert.equal(revoked.reason, t(lang, 'r_revoked'));
  }
  trust.free();
});

test('clockJump: a step back of more than a minute between scans, and only then', () => {
  const last = 1_000_000_000;
  assert.equal(clockJump(last, undefined), null, 'no scan before');
  assert.equal(clockJump(last, null), null);
  assert.equal(clockJump(last + 5000, last), null, 'forward');
  assert.equal(clockJump(last - CLOCK_JUMP_MS, last), null, 'a minute back is tolerated');
  const jump = clockJump(last - CLOCK_JUMP_MS - 1000, last);
  assert.equal(jump.code, 'clock_jump');
  assert.equal(jump.seconds, CLOCK_JUMP_MS / 1000 + 1);
  for (const lang of LANGS) {
    const shown = present(lang, { valid: false, decision: 'refuse', code: 'url', credential: null }, [jump]);
    assert.deepEqual(shown.warnings, [t(lang, 'warn_clock_jump', { duration: duration(lang, jump.seconds) })]);
  }
});

test('trustListFromFragment: the CWL1 text of a fragment, percent-encoded or not; nothing else', () => {
  assert.equal(trustListFromFragment('#CWL1:ABC'), 'CWL1:ABC');
  assert.equal(trustListFromFragment('CWL1:ABC'), 'CWL1:ABC');
  assert.equal(trustListFromFragment('#CWL1%3AA%20B'), 'CWL1:A B');
  assert.equal(trustListFromFragment('#CWL1:A%B'), 'CWL1:A%B', 'a bare % of Base45 is kept');
  for (const h of ['', '#', null, undefined, '#CW1:ABC', '#CWG1:ABC', '#cwl1:abc']) assert.equal(trustListFromFragment(h), null, String(h));
});

test('pin: the first valid key is pinned, the same key again is the same, another is a change; bad keys are refused', () => {
  const s = storage();
  const p = new Provisioning(core, s, noLists());
  for (const bad of [undefined, null, 42, '', 'xyz', issuer.rootHex.slice(1), `${issuer.rootHex}00`, 'g'.repeat(64)]) {
    assert.equal(p.pin(bad), 'invalid', String(bad));
  }
  assert.equal(p.root, null);
  assert.equal(p.pin(` ${issuer.rootHex.toUpperCase()}\n`), 'pinned');
  assert.equal(s.getItem(KEYS.root), issuer.rootHex);
  assert.equal(p.pin(issuer.rootHex), 'same');
  assert.equal(p.pin(other.rootHex), 'changed');
  assert.equal(p.root, issuer.rootHex, 'a change is refused, not taken');
  // The next start finds the pinned key.
  assert.equal(new Provisioning(core, s, noLists()).pin(other.rootHex), 'changed');
});

test('provisioning with storage blocked: nothing pinned at start, a pin held for the session and the reason kept', async () => {
  const p = new Provisioning(core, blocked(), noLists());
  assert.equal(p.root, null);
  assert.equal(p.rootError, null);
  assert.equal(p.pin(issuer.rootHex), 'pinned');
  assert.match(p.rootError, /insecure/);
  assert.equal(await p.restore(), false);
  assert.equal((await p.offer(read(issuer.trustListPath))).code, 'accepted');
  assert.equal(p.describe(issuer.now, {}).sequence, 1);
});

test('offer: without a pinned key, of bytes that are no list, and of a list of another root, refused with the core\'s code', async () => {
  const p = new Provisioning(core, storage(), noLists());
  assert.deepEqual(await p.offer(read(issuer.trustListPath)), { accepted: false, code: 'no_root', message: 'no pinned root key' });
  assert.equal(p.describe(issuer.now, {}), null, 'nothing to show without a list');
  p.pin(issuer.rootHex);
  const coreCode = (bytes) => {
    try {
      new core.TrustList(bytes, issuer.rootHex).free();
      return null;
    } catch (e) {
      return e.code;
    }
  };
  for (const [label, bytes] of [
    ['junk', new Uint8Array([1, 2, 3])],
    ['empty', new Uint8Array(0)],
    ['text that is no list', new TextEncoder().encode('CWL1:not a list')],
    ['another root', read(other.trustListPath)],
  ]) {
    const r = await p.offer(bytes);
    assert.equal(r.accepted, false, label);
    assert.equal(r.code, coreCode(bytes), label);
    assert.ok(r.code, label);
  }
  assert.equal((await p.offer(read(other.trustListPath))).code, 'wrong_root');
  assert.equal(p.trust, null, 'nothing refused is in use');
});

test('restore: nothing without a pinned key; a damaged or unreadable saved list is no list, and never throws', async () => {
  let reads = 0;
  const unpinned = new Provisioning(core, storage(), { get: async () => { reads += 1; return read(issuer.trustListPath); }, put: async () => {} });
  assert.equal(await unpinned.restore(), false);
  assert.equal(reads, 0, 'not even read without a key to open it with');

  const s = storage();
  s.setItem(KEYS.root, issuer.rootHex);
  s.setItem(KEYS.list, '***not base64***');
  assert.equal(await new Provisioning(core, s, noLists()).restore(), false);

  s.setItem(KEYS.list, Buffer.from([1, 2, 3]).toString('base64'));
  assert.equal(await new Provisioning(core, s, noLists()).restore(), false);

  const failing = new Provisioning(core, s, { get: async () => { throw new DOMException('disk gone', 'UnknownError'); }, put: async () => {} });
  assert.equal(await failing.restore(), false);
  assert.match(failing.storeError, /disk gone/);

  // A list of another root saved under this one's key: not used.
  const wrong = new Provisioning(core, s, { get: async () => read(other.trustListPath), put: async () => {} });
  s.removeItem(KEYS.list);
  assert.equal(await wrong.restore(), false);
  assert.equal(wrong.trust, null);
});

// The verifier's pure parts in Node, against the core wasm module and real
// lists from the CLI: what the verdict screen says for each admission decision
// (in both languages, from the message tables), warning durations from the
// core's numbers, and provisioning: the successor rule, saves that fail, the
// move of a list out of localStorage, and the list's state by the core's rules.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, memoryStorage, cw, DAY } from './harness.mjs';
import { loadCore, sameSequencePair } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

const { present, clockJump } = await import(join(ROOT, 'www/verify/verdict.js'));
const { Provisioning, KEYS } = await import(join(ROOT, 'www/verify/trust.js'));
const { toBase64 } = await import(join(ROOT, 'www/shared/base64.js'));
const { duration, LANGUAGE_CODES } = await import(join(ROOT, 'www/shared/languages.js'));

const LANGS = LANGUAGE_CODES;
let core, issuer;
before(async () => {
  core = await loadCore();
  issuer = makeIssuer();
});
after(() => issuer?.cleanup());

/** A list store over memory; `fail` makes every write reject as a full disk does. */
function memoryLists() {
  return {
    bytes: null,
    fail: false,
    writes: 0,
    async get() { return this.bytes; },
    async put(bytes) {
      this.writes += 1;
      if (this.fail) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      this.bytes = new Uint8Array(bytes);
    },
  };
}

const storage = () => {
  const s = memoryStorage();
  s.removeItem = (k) => { s.values.delete(k); };
  return s;
};

const read = (path) => new Uint8Array(readFileSync(path));

test('present: the headline, colour and icon are the core\'s decision, for each status, in both languages', () => {
  const trust = new core.TrustList(read(issuer.trustListPath), issuer.rootHex);
  const cases = [
    ['valid', 'pass', 'ok', '✓', 'statusGreen'],
    ['yellow', 'check', 'warn', '!', 'statusYellow'],
    ['red', 'refuse', 'bad', '✗', 'statusRed'],
    ['revoked', 'refuse', 'bad', '✗', 'r_revoked'],
  ];
  for (const lang of LANGS) {
    for (const [kind, decision, tone, icon, reasonKey] of cases) {
      const verdict = trust.verify(issuer.credentials[kind], issuer.now, {});
      assert.equal(verdict.decision, decision, kind);
      const p = present(lang, verdict);
      assert.equal(p.decision, decision, kind);
      assert.equal(p.headline, t(lang, `d_${decision}`), `${lang} ${kind}`);
      assert.equal(p.tone, tone, kind);
      assert.equal(p.icon, icon, kind);
      assert.equal(p.reason, t(lang, reasonKey), kind);
      assert.equal(p.issuer, 'Demo CDC');
    }
  }
  // A valid red code is never headed as valid or passing.
  const red = present('en', trust.verify(issuer.credentials.red, issuer.now, {}));
  assert.notEqual(red.headline, t('en', 'd_pass'));
  trust.free();
});

test('present: refusals made by the page, and unknown decisions, refuse', () => {
  for (const lang of LANGS) {
    const p = present(lang, { valid: false, decision: 'refuse', code: 'url', warnings: [], credential: null });
    assert.equal(p.headline, t(lang, 'd_refuse'));
    assert.equal(p.reason, t(lang, 'r_url'));
    assert.equal(p.issuer, null);
    const odd = present(lang, { valid: true, decision: 'maybe', credential: { status: 'green', displayName: 'A*', expiresAt: 0 }, warnings: [] });
    assert.equal(odd.headline, t(lang, 'd_refuse'));
    assert.equal(odd.tone, 'bad');
  }
});

test('present: the issuer shown is the trust list\'s name of the signing key, not the credential\'s claim', () => {
  const text = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Ministry of Truth', '--name', 'Li Lei',
    '--id-number', 'I1', '--status', 'green', '--now', String(issuer.now)).trim();
  const trust = new core.TrustList(read(issuer.trustListPath), issuer.rootHex);
  const verdict = trust.verify(text, issuer.now, {});
  assert.equal(verdict.credential.issuer, 'Ministry of Truth');
  assert.equal(present('en', verdict).issuer, 'Demo CDC');
  trust.free();
});

test('present: warning durations come from the core\'s numbers, not its English text', () => {
  const trust = new core.TrustList(read(issuer.trustListPath), issuer.rootHex);
  // A day after signing, with a one-hour staleness limit.
  const verdict = trust.verify(issuer.credentials.valid, issuer.now + DAY, { staleAfter: 3600 });
  const stale = verdict.warnings.find((w) => w.code === 'trust_list_stale');
  assert.equal(stale.seconds, DAY);
  for (const lang of LANGS) {
    const p = present(lang, { ...verdict, warnings: [{ ...stale, message: 'no number here' }] });
    assert.deepEqual(p.warnings, [t(lang, 'warn_trust_list_stale', { duration: duration(lang, DAY) })]);
    assert.equal(p.icon, '!', 'a passing code with a warning is marked');
  }
  const behind = present('zh-CN', { ...verdict, warnings: [{ code: 'clock_behind', seconds: 7200, message: '' }] });
  assert.deepEqual(behind.warnings, [t('zh-CN', 'warn_clock_behind', { duration: duration('zh-CN', 7200) })]);
  const jump = clockJump(1_000_000, 1_000_000 + 3 * 3600_000);
  assert.equal(jump.seconds, 3 * 3600);
  assert.deepEqual(present('en', verdict, [jump]).warnings.at(-1), t('en', 'warn_clock_jump', { duration: duration('en', 3 * 3600) }));
  trust.free();
});

test('provisioning: the identical list is a no-op; another list needs a higher sequence', async () => {
  const seq2 = issuer.trustList(2, 'unit-seq2.cwl');
  const { before: a, after: b, credential } = sameSequencePair(issuer, 3);
  const seq4 = issuer.trustList(4, 'unit-seq4.cwl');
  const lists = memoryLists();
  const p = new Provisioning(core, storage(), lists);
  assert.equal(p.pin(issuer.rootHex), 'pinned');
  assert.equal((await p.offer(read(seq2))).code, 'accepted');
  assert.equal((await p.offer(read(b))).code, 'accepted');
  assert.equal(p.trust.verify(credential, issuer.now, {}).code, 'revoked');
  const writes = lists.writes;
  assert.deepEqual(await p.offer(read(b)), { accepted: false, code: 'same', sequence: 3, current: 3, saved: true });
  // The text form of the same list is the same list.
  assert.equal((await p.offer(new TextEncoder().encode(readFileSync(`${b}.txt`, 'utf8').trim()))).code, 'same');
  assert.equal(lists.writes, writes, 'a no-op writes nothing');
  // The list from before the revocation, same sequence: refused.
  const reused = await p.offer(read(a));
  assert.equal(reused.code, 'sequence_reused');
  assert.equal(reused.accepted, false);
  assert.equal(p.trust.verify(credential, issuer.now, {}).code, 'revoked');
  assert.equal((await p.offer(read(seq2))).code, 'rollback');
  assert.equal((await p.offer(read(seq4))).code, 'accepted');
  assert.equal((await p.offer(read(a))).code, 'rollback');
  // What is saved is what is in use.
  const reopened = new Provisioning(core, storage(), lists);
  reopened.pin(issuer.rootHex);
  assert.equal(await reopened.restore(), true);
  assert.equal(reopened.trust.sequence, 4);
});

test('provisioning: a failed save is reported and the list used for this session; the same list again saves it', async () => {
  const lists = memoryLists();
  const p = new Provisioning(core, storage(), lists);
  p.pin(issuer.rootHex);
  lists.fail = true;
  const r = await p.offer(read(issuer.trustListPath));
  assert.equal(r.accepted, true);
  assert.equal(r.saved, false);
  assert.match(r.message, /quota/);
  assert.equal(p.describe(issuer.now, {}).saved, false);
  assert.equal(lists.bytes, null);
  lists.fail = false;
  const again = await p.offer(read(issuer.trustListPath));
  assert.equal(again.code, 'same');
  assert.equal(again.saved, true);
  assert.equal(p.describe(issuer.now, {}).saved, true);
  assert.ok(lists.bytes);
});

test('provisioning: a list kept in localStorage by an older version moves to the list store once', async () => {
  const local = storage();
  local.setItem(KEYS.root, issuer.rootHex);
  local.setItem(KEYS.list, toBase64(read(issuer.trustListPath)));
  const lists = memoryLists();
  lists.fail = true;
  // The move fails: the list stays where it was, and is in use.
  const first = new Provisioning(core, local, lists);
  assert.equal(await first.restore(), true);
  assert.ok(local.getItem(KEYS.list));
  lists.fail = false;
  const second = new Provisioning(core, local, lists);
  assert.equal(await second.restore(), true);
  assert.equal(local.getItem(KEYS.list), null, 'localStorage is given back');
  assert.deepEqual(lists.bytes, read(issuer.trustListPath));
  const third = new Provisioning(core, local, lists);
  assert.equal(await third.restore(), true);
  assert.equal(third.trust.sequence, second.trust.sequence);
});

test('provisioning: the list\'s state is the core\'s (expired at its expiry second, stale after the limit)', () => {
  const trust = read(issuer.trustListPath);
  const p = new Provisioning(core, storage(), memoryLists());
  p.pin(issuer.rootHex);
  p.trust = new core.TrustList(trust, issuer.rootHex);
  const { issuedAt, expiresAt } = p.trust;
  assert.equal(p.describe(expiresAt - 1, {}).expired, false);
  const at = p.describe(expiresAt, {});
  assert.equal(at.expired, true, 'expired from the expiry second on, as verify refuses');
  assert.equal(at.expiredFor, 0);
  assert.equal(p.describe(issuedAt + 3600, { staleAfter: 3600 }).stale, false);
  const stale = p.describe(issuedAt + 3601, { staleAfter: 3600 });
  assert.equal(stale.stale, true);
  assert.equal(stale.age, 3601);
  assert.equal(p.describe(issuedAt - DAY, {}).clockBefore, true);
});

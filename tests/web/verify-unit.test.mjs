// The verifier's pure parts in Node, against the core wasm module and real
// lists from the CLI: what the verdict screen says for each admission decision
// (in both languages, from the message tables), and warning durations from the
// core's numbers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, cw, DAY } from './harness.mjs';
import { loadCore } from './verify-util.mjs';

const { present, clockJump } = await import(join(ROOT, 'www/verify/verdict.js'));
const { t, duration, LANGUAGES } = await import(join(ROOT, 'www/verify/i18n.js'));

const LANGS = Object.keys(LANGUAGES);
let core, issuer;
before(async () => {
  core = await loadCore();
  issuer = makeIssuer();
});
after(() => issuer?.cleanup());

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
    assert.deepEqual(p.warnings, [t(lang, 'w_trust_list_stale', duration(lang, DAY))]);
    assert.equal(p.icon, '!', 'a passing code with a warning is marked');
  }
  const behind = present('zh-CN', { ...verdict, warnings: [{ code: 'clock_behind', seconds: 7200, message: '' }] });
  assert.deepEqual(behind.warnings, [t('zh-CN', 'w_clock_behind', duration('zh-CN', 7200))]);
  const jump = clockJump(1_000_000, 1_000_000 + 3 * 3600_000);
  assert.equal(jump.seconds, 3 * 3600);
  assert.deepEqual(present('en', verdict, [jump]).warnings.at(-1), t('en', 'w_clock_jump', duration('en', 3 * 3600)));
  trust.free();
});

// The shapes the wallet relies on, from the core module in Node: verdicts,
// credentials, entries and load problems as plain objects, and the policy
// object read field by field with typed errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, memoryStorage } from './harness.mjs';

const cw = await import(join(ROOT, 'www/pkg/core/codewallet.js'));
cw.initSync({ module: readFileSync(join(ROOT, 'www/pkg/core/codewallet_bg.wasm')) });

test('verdicts and credentials are plain objects with every field', () => {
  const issuer = makeIssuer();
  try {
    const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
    const now = issuer.now + 60;
    const ok = trust.verify(issuer.credentials.valid, now);
    assert.deepEqual(Object.keys(ok), ['valid', 'decision', 'code', 'reason', 'seconds', 'issuer', 'warnings', 'credential']);
    assert.equal(ok.decision, 'pass');
    assert.equal(ok.issuer, 'Demo CDC', 'the trust list\'s name for the signing key');
    assert.equal(ok.code, null);
    assert.equal(ok.reason, null);
    assert.equal(ok.seconds, null);
    assert.deepEqual(ok.warnings, []);
    const c = ok.credential;
    assert.deepEqual(Object.keys(c), ['issuer', 'id', 'issuedAt', 'notBefore', 'expiresAt', 'status', 'decidedAt', 'displayName', 'hasHolderKey']);
    assert.equal(c.issuer, 'Demo CDC');
    assert.match(c.id, /^[0-9a-f]+$/);
    assert.equal(c.issuedAt, issuer.now);
    assert.equal(c.expiresAt, issuer.now + 48 * 3600);
    assert.equal(c.hasHolderKey, false);
    assert.deepEqual(cw.decodeCredential(issuer.credentials.valid), c);

    const expired = trust.verify(issuer.credentials.expired, now);
    assert.equal(expired.code, 'expired');
    assert.equal(typeof expired.reason, 'string');
    assert.equal(expired.seconds, now - expired.credential.expiresAt);
    const forged = trust.verify(issuer.credentials.forged, now);
    assert.equal(forged.credential, null, 'no claims from an unverified code');
    assert.equal(forged.issuer, null);
    assert.equal(forged.decision, 'refuse');
    assert.equal(cw.checkTime(issuer.credentials.valid, now), null);
    assert.deepEqual(cw.checkTime(issuer.credentials.expired, now), { code: 'expired', seconds: expired.seconds });
    const status = trust.status(now);
    assert.deepEqual(Object.keys(status), ['age', 'clockBefore', 'expired', 'expiredFor', 'stale']);
    assert.equal(status.age, 60);
    assert.equal(trust.checkSuccessor(trust), 'same');
  } finally {
    issuer.cleanup();
  }
});

test('the policy is read field by field; wrong shapes are bad_policy errors', () => {
  const issuer = makeIssuer();
  try {
    const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
    const now = issuer.now + 60;
    const text = issuer.credentials.valid;
    assert.deepEqual(trust.verify(text, now, {}).warnings, []);
    assert.deepEqual(trust.verify(text, now, null).warnings, []);
    const stale = trust.verify(text, now, { staleAfter: 10 });
    assert.equal(stale.valid, true);
    assert.deepEqual(stale.warnings.map((w) => w.code), ['trust_list_stale']);
    assert.equal(typeof stale.warnings[0].message, 'string');
    assert.equal(stale.warnings[0].seconds, 60, 'the age as a number, not in the English text');
    // After the trust list's expiry (7 days): a warning by default, a refusal when asked.
    const late = issuer.now + 8 * 86400;
    const yellowLater = trust.verify(text, late, { refuseExpiredTrustList: false });
    assert.ok(yellowLater.warnings.some((w) => w.code === 'trust_list_expired'));
    assert.equal(trust.verify(text, late, { refuseExpiredTrustList: true }).valid, false);
    for (const bad of ['strict', 5, { staleAfter: -1 }, { staleAfter: 1.5 }, { clockTolerance: 'x' }, { refuseExpiredTrustList: 'yes' }]) {
      assert.throws(() => trust.verify(text, now, bad), (e) => e instanceof Error && e.code === 'bad_policy', JSON.stringify(bad));
    }
  } finally {
    issuer.cleanup();
  }
});

test('wallet entries and load problems are plain objects', () => {
  const issuer = makeIssuer();
  const storage = memoryStorage();
  const store = storage.values;
  try {
    const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
    const wallet = new cw.Wallet(storage);
    wallet.import('Me', issuer.credentials.valid, trust, issuer.now + 60);
    const [entry] = wallet.entries();
    assert.deepEqual(Object.keys(entry), ['label', 'text', 'credential']);
    assert.equal(entry.label, 'Me');
    assert.equal(entry.text, issuer.credentials.valid);
    assert.equal(entry.credential.displayName, '张*丰');
    store.set('codewallet.wallet', `${store.get('codewallet.wallet')}\nX\tnot a code`);
    const damaged = new cw.Wallet(storage);
    assert.deepEqual(Object.keys(damaged.loadProblem), ['skipped', 'reason', 'backedUp', 'backupKey']);
    assert.equal(damaged.loadProblem.skipped, 1);
    assert.equal(damaged.loadProblem.backedUp, true);
    assert.equal(damaged.loadProblem.backupKey, 'codewallet.wallet.unreadable');
    assert.equal(damaged.entries().length, 1);
  } finally {
    issuer.cleanup();
  }
});

// The wallet's refresh timing rules (www/shared/backoff.js), with an injected
// clock and random source.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULTS, initialState, parseState, isDue, retryDelay, parseRetryAfter, afterAttempt, gated,
} from '../../www/shared/backoff.js';

const rules = { interval: 3600e3, minGap: 10e3, base: 20e3, cap: 160e3 };
const T0 = 1_700_000_000_000;

test('a fresh state is due at once; after success the next is one interval later', () => {
  const s0 = initialState();
  assert.equal(isDue(s0, T0, rules), true);
  const s1 = afterAttempt(s0, { ok: true }, T0, () => 0.5, rules);
  assert.deepEqual(s1, { lastAttempt: T0, failures: 0, notBefore: T0 + 3600e3 });
  assert.equal(isDue(s1, T0 + 3600e3 - 1, rules), false);
  assert.equal(isDue(s1, T0 + 3600e3, rules), true);
});

test('failures back off exponentially up to the cap, with full jitter', () => {
  // random() just below 1 gives the top of each window.
  const top = () => 0.999999;
  const delays = [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, top, rules));
  assert.deepEqual(delays.map((d) => Math.round(d / 1000)), [20, 40, 80, 160, 160, 160]);
  // random() = 0 gives the floor: the minimum gap, never less.
  assert.equal(retryDelay(3, () => 0, rules), rules.minGap);
  // Half way through the window.
  assert.equal(retryDelay(3, () => 0.5, rules), 40e3);
  // A huge failure count neither overflows nor exceeds the cap.
  assert.equal(retryDelay(10_000, top, rules) <= rules.cap, true);
});

test('jitter spreads retries: different random draws give different waits', () => {
  const draws = [0.1, 0.35, 0.6, 0.85];
  const waits = draws.map((r) => afterAttempt(initialState(), { ok: false }, T0, () => r, { ...rules, minGap: 0 }).notBefore - T0);
  assert.equal(new Set(waits).size, draws.length);
  for (const w of waits) assert.ok(w >= 0 && w < rules.base);
});

test('consecutive failures count up and a success resets them', () => {
  let s = initialState();
  let now = T0;
  for (let i = 1; i <= 3; i++) {
    s = afterAttempt(s, { ok: false }, now, () => 0.5, rules);
    assert.equal(s.failures, i);
    now = s.notBefore;
  }
  s = afterAttempt(s, { ok: true }, now, () => 0.5, rules);
  assert.equal(s.failures, 0);
});

test('Retry-After is honoured when longer than the backoff, not when shorter', () => {
  const long = afterAttempt(initialState(), { ok: false, retryAfter: 900e3 }, T0, () => 0.5, rules);
  assert.equal(long.notBefore, T0 + 900e3);
  const short = afterAttempt(initialState(), { ok: false, retryAfter: 1e3 }, T0, () => 0.5, rules);
  assert.equal(short.notBefore, T0 + rules.minGap);
});

test('parseRetryAfter reads seconds and HTTP dates, and refuses junk', () => {
  assert.equal(parseRetryAfter('120', T0), 120e3);
  assert.equal(parseRetryAfter(' 0 ', T0), 0);
  assert.equal(parseRetryAfter(new Date(T0 + 30e3).toUTCString(), T0), 30e3);
  assert.equal(parseRetryAfter(new Date(T0 - 30e3).toUTCString(), T0), 0);
  assert.equal(parseRetryAfter(null, T0), null);
  assert.equal(parseRetryAfter('soon', T0), null);
  assert.equal(parseRetryAfter('-5', T0), null);
});

test('a Retry-After is honoured up to a day, never for decades', () => {
  const day = DEFAULTS.maxRetryAfter;
  assert.equal(day, 24 * 3600e3);
  assert.equal(parseRetryAfter(String(day / 1000), T0), day);
  assert.equal(parseRetryAfter('999999999999', T0), day);
  assert.equal(parseRetryAfter(new Date(T0 + 40 * 365 * 86400e3).toUTCString(), T0), day);
  const s = afterAttempt(initialState(), { ok: false, retryAfter: parseRetryAfter('3153600000', T0) }, T0, () => 0.5);
  assert.ok(isDue(s, T0 + day + 1), 'due again a day later');
});

test('never more than one attempt per minimum gap, even with notBefore in the past', () => {
  const s = { lastAttempt: T0, failures: 0, notBefore: 0 };
  assert.equal(isDue(s, T0 + rules.minGap - 1, rules), false);
  assert.equal(isDue(s, T0 + rules.minGap, rules), true);
});

test('a clock that went back does not block refresh for ever', () => {
  const s = afterAttempt(initialState(), { ok: true }, T0, Math.random, rules);
  assert.equal(isDue(s, T0 - 86400e3, rules), true);
});

test('parseState keeps good numbers and drops anything else', () => {
  assert.deepEqual(parseState(null), initialState());
  assert.deepEqual(parseState('x'), initialState());
  assert.deepEqual(parseState({ lastAttempt: 5, failures: 'two', notBefore: -1 }), { lastAttempt: 5, failures: 0, notBefore: 0 });
  assert.ok(DEFAULTS.interval > DEFAULTS.minGap);
});

/** A timing book in memory, as storage would keep it (JSON in, JSON out). */
function memoryBook(start = {}) {
  let text = JSON.stringify(start);
  return { read: () => JSON.parse(text), write: (all) => { text = JSON.stringify(all); }, peek: () => JSON.parse(text) };
}

test('gated: an attempt is written down before it runs, its outcome after, and a second is not due within the gap', async () => {
  const book = memoryBook({ other: { lastAttempt: 5, failures: 0, notBefore: 0 } });
  let clock = 1_000_000;
  const now = () => clock;
  let seenDuring = null;
  const result = await gated(book, 'trust', async () => {
    seenDuring = book.peek().trust;
    clock += 2000;
    return 'list';
  }, { now, random: () => 0.5 });
  assert.equal(result, 'list');
  assert.deepEqual(seenDuring, { lastAttempt: 1_000_000, failures: 0, notBefore: 0 }, 'remembered before it ran');
  assert.deepEqual(book.peek().trust, afterAttempt(initialState(), { ok: true }, 1_000_000, () => 0.5));
  assert.deepEqual(book.peek().other, { lastAttempt: 5, failures: 0, notBefore: 0 }, 'other entries kept');
  let ran = false;
  assert.equal(await gated(book, 'trust', async () => { ran = true; }, { now }), undefined);
  assert.equal(ran, false, 'not due again so soon');
});

test('gated: a failure backs off, honouring the Retry-After the caller reads from the error', async () => {
  const book = memoryBook();
  const now = () => 1_000_000;
  const failed = await gated(book, 'credential:x', async () => { throw Object.assign(new Error('HTTP 503'), { header: '7200' }); },
    { now, random: () => 0, retryAfterOf: (e) => e.header });
  assert.equal(failed, undefined);
  assert.deepEqual(book.peek()['credential:x'], { lastAttempt: 1_000_000, failures: 1, notBefore: 1_000_000 + 7200e3 });
  // A book that holds junk counts as never tried.
  const junk = { read: () => ({ trust: 'junk' }), write: () => {} };
  assert.equal(await gated(junk, 'trust', async () => 'ok', { now }), 'ok');
});

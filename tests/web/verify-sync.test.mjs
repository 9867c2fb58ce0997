// The checkpoint's background upload (www/verify/sync.js) in Node, against the
// real log over an in-memory backend and a fake store behind `fetch`: batches
// and keys, acknowledgements only after a 2xx, backoff with full jitter and
// Retry-After, the same key after a crash, an expired grant, one upload at a
// time, and the retention rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';

const { CheckpointLog, memoryBackend } = await import(join(ROOT, 'www/verify/log.js'));
const { Sync, RULES, nextBatch, batchKey, grantFromFragment } = await import(join(ROOT, 'www/verify/sync.js'));

const T0 = Date.UTC(2026, 0, 5, 9, 0);
const DAY = 86_400_000;
const grantFor = (station, { maxBytes = 1 << 20, expiresAt = T0 / 1000 + 72 * 3600 } = {}) => ({
  station, endpoint: 'http://store.test/codewallet', prefix: `registrations/${station}/`, maxBytes,
  issuedAt: T0 / 1000, expiresAt, fields: [['policy', 'p'], ['x-amz-signature', 's']],
});
const valid = (id) => ({ valid: true, decision: 'pass', code: null, credential: { id, displayName: 'Z*', status: 'green' } });

/** A fake store: objects by key; `answer(form)` may return a status, throw, or store. */
function fakeStore() {
  const store = { objects: new Map(), posts: [], active: 0, maxActive: 0, answer: null };
  store.fetch = async (url, init) => {
    store.active += 1;
    store.maxActive = Math.max(store.maxActive, store.active);
    try {
      await new Promise((ok) => setImmediate(ok));
      const form = init.body;
      const names = [...form.keys()];
      const key = form.get('key');
      const body = await form.get('file').text();
      store.posts.push({ url, key, names, body });
      const custom = store.answer && await store.answer({ key, body });
      if (custom) return custom;
      store.objects.set(key, body);
      return new Response(null, { status: 204 });
    } finally {
      store.active -= 1;
    }
  };
  store.records = () => [...store.objects.values()].flatMap((b) => b.trim().split('\n').map((l) => JSON.parse(l)));
  return store;
}

function setup({ grant = grantFor('SH-1'), rules = {}, random = () => 0.5, log = new CheckpointLog(memoryBackend()), store = fakeStore() } = {}) {
  const clock = { now: T0 };
  const sync = new Sync(log, {
    fetch: store.fetch, now: () => clock.now, random, rules,
    setTimer: () => 0, clearTimer: () => {}, // the tests call run() themselves
  });
  sync.setGrant(grant);
  return { log, store, sync, clock, grant };
}

async function fill(log, n, { mode = 'registration', at = T0 } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await log.record(valid(`c${i}`), { mode, nowMs: at, station: 'SH-1' }));
  return out;
}

test('sync: every waiting record goes, in seq order, in batches of at most 200, under idempotent keys', async () => {
  const { log, store, sync } = setup();
  await fill(log, 300);
  await fill(log, 150, { mode: 'tally' });
  await sync.run();
  assert.equal(store.posts.length, 3);
  const device = store.posts[0].key.match(/^registrations\/SH-1\/([0-9a-f]{16})-1-200\.jsonl$/)[1];
  assert.deepEqual(store.posts.map((p) => p.key), [
    batchKey('registrations/SH-1/', device, 1, 200), batchKey('registrations/SH-1/', device, 201, 400),
    batchKey('registrations/SH-1/', device, 401, 450)]);
  // The grant's fields, then the key, the file last.
  assert.deepEqual(store.posts[0].names, ['policy', 'x-amz-signature', 'key', 'file']);
  const uploaded = store.records();
  const logged = await log.records();
  assert.deepEqual(uploaded.map((r) => r.id), logged.map((r) => r.id));
  assert.equal(uploaded.filter((r) => r.mode === 'tally').length, 150);
  assert.equal(uploaded[0].seq, undefined);
  assert.deepEqual((await log.acknowledgements()).map(({ batch, via, upTo }) => [batch, via, upTo]),
    store.posts.map((p, i) => [p.key, 'sync', [200, 400, 450][i]]));
  assert.equal((await log.summary(T0)).unexported, 0);
  assert.equal(sync.status.phase, 'idle');
  assert.equal(sync.status.lastUpload, T0);
  // Nothing waiting: nothing sent.
  await sync.run();
  assert.equal(store.posts.length, 3);
});

test('sync: a batch stays within the grant\'s size; a record larger than it stops uploads, kept', async () => {
  const records = Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, id: `r${i}`, mode: 'tally', pad: 'x'.repeat(80) }));
  const one = new TextEncoder().encode(`${JSON.stringify({ id: 'r0', mode: 'tally', pad: 'x'.repeat(80) })}\n`).length;
  const b = nextBatch(records, { maxBytes: one * 3 + 5 });
  assert.deepEqual([b.firstSeq, b.lastSeq, b.records.length], [1, 3, 3]);
  assert.ok(new TextEncoder().encode(b.body).length <= one * 3 + 5);
  assert.deepEqual(nextBatch(records, { maxBytes: one - 1 }), { tooLarge: true });
  assert.equal(nextBatch([], { maxBytes: 100 }), null);

  const { log, store, sync } = setup({ grant: grantFor('SH-1', { maxBytes: 700 }) });
  await fill(log, 9);
  await sync.run();
  assert.ok(store.posts.length >= 3);
  for (const p of store.posts) assert.ok(Buffer.byteLength(p.body) <= 700, `${p.key}: ${Buffer.byteLength(p.body)}`);
  assert.equal(store.records().length, 9);

  const small = setup({ grant: grantFor('SH-1', { maxBytes: 50 }) });
  await fill(small.log, 2);
  await small.sync.run();
  assert.equal(small.store.posts.length, 0);
  assert.equal(small.sync.status.phase, 'too_large');
  assert.equal((await small.log.summary(T0)).unexported, 2);
});

test('sync: a failure acknowledges nothing and waits with full jitter, doubling; Retry-After when longer', async () => {
  let random = 0.999999;
  const rules = { base: 10e3, cap: 80e3, minGap: 1e3 };
  const { log, store, sync, clock } = setup({ rules, random: () => random });
  await fill(log, 5);
  store.answer = () => { throw new TypeError('Failed to fetch'); };
  const waits = [];
  for (let i = 0; i < 5; i++) {
    await sync.run();
    assert.equal(sync.status.phase, 'unreachable');
    waits.push(sync.status.retryAt - clock.now);
    // Not due yet: nothing is sent.
    const posts = store.posts.length;
    await sync.run();
    assert.equal(store.posts.length, posts);
    clock.now = sync.status.retryAt;
  }
  assert.deepEqual(waits.map((w) => Math.round(w / 1000)), [10, 20, 40, 80, 80]);
  assert.deepEqual(await log.acknowledgements(), []);
  // Full jitter: anywhere from the floor up.
  random = 0;
  await sync.run();
  assert.equal(sync.status.retryAt - clock.now, 1e3);
  clock.now = sync.status.retryAt;
  // A refusal says its status; a busy store's Retry-After is honoured.
  store.answer = () => new Response('', { status: 403 });
  await sync.run();
  assert.deepEqual([sync.status.phase, sync.status.httpStatus], ['refused', 403]);
  clock.now = sync.status.retryAt;
  store.answer = () => new Response('', { status: 503, headers: { 'Retry-After': '120' } });
  await sync.run();
  assert.deepEqual([sync.status.phase, sync.status.httpStatus, sync.status.retryAt - clock.now], ['refused', 503, 120e3]);
  // Every attempt was the same batch under the same key.
  assert.equal(new Set(store.posts.map((p) => p.key)).size, 1);
  clock.now = sync.status.retryAt;
  store.answer = null;
  await sync.run();
  assert.equal(sync.status.phase, 'idle');
  assert.equal(store.records().length, 5);
  assert.equal((await log.summary(clock.now)).unexported, 0);
  // Back online: tried within the online jitter, whatever the backoff said.
  store.answer = () => { throw new TypeError('offline'); };
  await fill(log, 1);
  random = 0.999999;
  await sync.run();
  await sync.run();
  sync.wentOnline();
  assert.ok(sync.notBefore <= clock.now + RULES.onlineJitter);
});

test('sync: after a crash between the store\'s answer and the acknowledgement, the same key goes again', async () => {
  const log = new CheckpointLog(memoryBackend());
  const store = fakeStore();
  const first = setup({ log, store });
  await fill(log, 4);
  // The store keeps the object, the page never hears back (it was closed).
  store.answer = ({ key, body }) => { store.objects.set(key, body); throw new TypeError('page closed'); };
  await first.sync.run();
  assert.equal(store.objects.size, 1);
  assert.deepEqual(await log.acknowledgements(), []);
  // Reloaded: a new page, more records meanwhile.
  await fill(log, 3);
  store.answer = null;
  const second = setup({ log, store });
  await second.sync.run();
  assert.equal(store.posts[1].key, store.posts[0].key, 'the batch is sent again under its key');
  assert.match(store.posts[2].key, /-5-7\.jsonl$/);
  assert.equal(store.objects.size, 2);
  const ids = store.records().map((r) => r.id);
  assert.equal(ids.length, 7);
  assert.equal(new Set(ids).size, 7, 'each record once');
});

test('sync: a tube linked after its registration went up is uploaded again as the newer copy', async () => {
  const { log, store, sync } = setup();
  const [r] = await fill(log, 1);
  await sync.run();
  await log.attachTube(r, 'TUBE-0001');
  await sync.run();
  const copies = store.records().filter((x) => x.id === r.id);
  assert.deepEqual(copies.map((x) => x.tube), [null, 'TUBE-0001']);
  assert.equal((await log.summary(T0)).unexported, 0);
});

test('sync: an expired grant uploads nothing and keeps the queue; a new grant resumes', async () => {
  const { log, store, sync, clock, grant } = setup();
  await fill(log, 3);
  clock.now = grant.expiresAt * 1000;
  await sync.run();
  assert.equal(sync.status.phase, 'expired');
  assert.equal(store.posts.length, 0);
  assert.equal((await log.summary(clock.now)).unexported, 3);
  sync.setGrant(grantFor('SH-1', { expiresAt: clock.now / 1000 + 3600 }));
  await sync.run();
  assert.equal(store.records().length, 3);
  // No grant at all: nothing sent.
  sync.setGrant(null);
  await fill(log, 1);
  await sync.run();
  assert.equal(sync.status.phase, 'none');
  assert.equal(store.posts.length, 1);
});

test('sync: never two uploads at once; calls while running only make it go on', async () => {
  const { log, store, sync } = setup({ rules: { maxRecords: 2 } });
  await fill(log, 5);
  await Promise.all([sync.run(), sync.run(), sync.run()]);
  await fill(log, 1);
  const a = sync.run();
  const b = sync.run();
  assert.equal(a, b);
  await a;
  assert.equal(store.maxActive, 1);
  assert.equal(store.records().length, 6);
  assert.equal(new Set(store.records().map((r) => r.id)).size, 6);
});

test('sync: retention deletes uploaded records older than the limit, never waiting or only exported ones', async () => {
  const { log, store, sync, clock } = setup();
  await fill(log, 2, { at: T0 - 10 * DAY }); // exported, old
  const exported = await log.export('jsonl', { nowMs: T0 });
  await log.confirmSaved(exported.batch);
  await fill(log, 3, { at: T0 - 8 * DAY }); // uploaded, old
  await fill(log, 2, { mode: 'tally', at: T0 - 8 * DAY }); // uploaded, old
  await fill(log, 2, { at: T0 - DAY }); // uploaded, recent
  clock.now = T0 - 7 * DAY + 1000; // uploaded a day after the old ones: nothing old enough yet
  await sync.run();
  assert.equal(store.records().length, 7);
  assert.equal((await log.records()).length, 9);
  await fill(log, 1, { at: T0 - 30 * DAY }); // waiting (a wrong clock): never deleted
  clock.now = T0 + 1000;
  sync.setGrant(null);
  await sync.run();
  const left = await log.records();
  assert.deepEqual(left.map((r) => r.seq), [1, 2, 8, 9, 10]);
  assert.equal((await log.summary(clock.now)).unexported, 1);
  // The manual delete still frees what is acknowledged.
  assert.equal(await log.clearAcknowledged(), 4);
  assert.deepEqual((await log.records()).map((r) => r.seq), [10]);
});

test('sync: a grant link is read from the fragment only when it is a CWG1 text', () => {
  assert.equal(grantFromFragment('#CWG1:ABC'), 'CWG1:ABC');
  assert.equal(grantFromFragment('#CWG1%3AABC'), 'CWG1:ABC');
  assert.equal(grantFromFragment('#CWL1:ABC'), null);
  assert.equal(grantFromFragment(''), null);
});

test('sync: a retry timer that fires a moment early waits for the retry time, not for the next periodic check', async () => {
  const store = fakeStore();
  let failing = true;
  store.answer = () => (failing ? new Response(null, { status: 503 }) : null);
  const timers = [];
  const clock = { now: T0 };
  const log = new CheckpointLog(memoryBackend());
  const sync = new Sync(log, {
    fetch: store.fetch, now: () => clock.now, random: () => 0.5, rules: { tick: 3_600_000 },
    setTimer: (f, ms) => { timers.push({ f, at: clock.now + ms }); return timers.length; }, clearTimer: () => {},
  });
  sync.setGrant(grantFor('SH-EARLY'));
  await fill(log, 3);
  timers.shift().f(); // the upload the grant scheduled
  await sync.running;
  assert.equal(sync.status.phase, 'refused');
  failing = false;
  const retryAt = sync.status.retryAt;
  // The retry timer fires 1 ms before the retry time by the page's clock.
  const due = timers.filter((t) => t.at >= retryAt);
  assert.ok(due.length > 0, 'a retry is scheduled');
  clock.now = retryAt - 1;
  timers.length = 0;
  due.at(-1).f();
  await sync.running;
  assert.equal(store.objects.size, 0, 'not sent before its time');
  const again = timers.find((t) => t.at >= retryAt);
  assert.ok(again && again.at - retryAt < RULES.tick, 'set again for the retry time');
  clock.now = again.at;
  again.f();
  await sync.running;
  assert.equal(store.objects.size, 1);
  assert.equal(sync.status.phase, 'idle');
});

// The checkpoint log's platform storage under the pages' own CheckpointLog
// (bridged from www/verify/log.js): records kept by number across restarts, a
// number never given twice even after deletions, and unreadable values kept
// aside rather than stopping the log.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, beforeEach, test } from 'node:test';
import { buildPackage } from './util.mjs';

const require = createRequire(import.meta.url);
let env;
let platform;
let storageBackend;
let CheckpointLog;
let META;
let RECORD;

before(() => {
  buildPackage();
  env = require('./shims.cjs').install();
  platform = require('../../miniprogram/lib/platform.js');
  ({ storageBackend, META, RECORD } = require('../../miniprogram/lib/log-store.js'));
  ({ CheckpointLog } = require('../../miniprogram/web/verify/log.js'));
});

beforeEach(() => env.storage.items.clear());

const green = { valid: true, decision: 'pass', code: null, credential: { status: 'green', id: 'c1', displayName: '张*丰' } };
const open = () => new CheckpointLog(storageBackend(platform.storage));

test('records and meta survive a restart; a tube link rewrites its record under a new number', async () => {
  let log = open();
  const first = await log.record(green, { mode: 'registration', nowMs: Date.UTC(2026, 0, 1, 9), station: 'A' });
  await log.record({ valid: false, decision: 'refuse', code: 'revoked' }, { mode: 'tally', nowMs: Date.UTC(2026, 0, 1, 9, 5) });
  const linked = await log.attachTube(first, 'TUBE-0001');
  log = open();
  const all = await log.records();
  assert.deepEqual(all.map((r) => [r.seq, r.verdict, r.tube]), [[2, 'revoked', undefined], [3, 'valid', 'TUBE-0001']]);
  assert.equal(linked.seq, 3);
  assert.equal(await log.lastScanTime(), Date.UTC(2026, 0, 1, 9, 5));
});

test('a number is never given twice, even when every record was deleted', async () => {
  const backend = storageBackend(platform.storage);
  await backend.commit({ put: [{ a: 1 }, { a: 2 }] });
  await backend.commit({ delUpTo: 2 });
  assert.deepEqual(await backend.all(), []);
  const again = storageBackend(platform.storage);
  const r = { a: 3 };
  await again.commit({ put: [r] });
  assert.equal(r.seq, 3);
});

test('an unreadable record is kept aside; unreadable meta starts numbering after the highest record', async () => {
  const backend = storageBackend(platform.storage);
  await backend.commit({ put: [{ a: 1 }, { a: 2 }], meta: { lastScan: 5 } });
  env.storage.items.set(`${RECORD}1`, '{"a":');
  env.storage.items.set(META, 'not json');
  assert.deepEqual((await backend.all()).map((r) => r.a), [2]);
  assert.equal(await backend.meta('lastScan'), undefined);
  const r = { a: 3 };
  await backend.commit({ put: [r] });
  assert.equal(r.seq, 3);
  assert.equal(env.storage.items.get(`${RECORD}1`), '{"a":', 'the unreadable record is still there');
});

test('a refused write is a QuotaExceededError the log turns into log_full, and changes nothing', async () => {
  const log = open();
  await log.record(green, { mode: 'tally', nowMs: 1 });
  const before = new Map(env.storage.items);
  // A station name past the platform's 1 MB a key.
  await assert.rejects(log.record(green, { mode: 'registration', nowMs: 2, station: 'x'.repeat(1024 * 1024) }), (e) => e.code === 'log_full');
  assert.deepEqual(new Map(env.storage.items), before);
  await assert.rejects(log.record(green, { mode: 'tally', nowMs: 3 }), (e) => e.code === 'log_full', 'stays stopped');
});

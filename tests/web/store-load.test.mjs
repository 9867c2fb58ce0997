// A city's checkpoints coming back at once: 500 stations, each with 200
// registrations in its log, upload with the page's own upload loop (sync.js)
// against one Garage node on loopback, through a network that drops one
// request in ten on the way and loses one answer in twenty on the way back
// (the object was stored; the station sends it again). Then `codewallet
// collect` reads the store: every record once, none lost, none doubled.
// Bounded in count and time; loopback only.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, CLI, cw, startStore, release } from './harness.mjs';

const STATIONS = 500;
const RECORDS = 200;
const DROP = 0.1;
const LOSE_ANSWER = 0.05;
const LIMIT_MS = 180_000;
const BATCH = 50; // records per uploaded object
const OBJECTS = STATIONS * (RECORDS / BATCH);

const { CheckpointLog, memoryBackend } = await import(join(ROOT, 'www/verify/log.js'));
const { Sync } = await import(join(ROOT, 'www/verify/sync.js'));
const wasm = await import(join(ROOT, 'www/pkg/reader/codewallet.js'));
wasm.initSync({ module: readFileSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm')) });

const dir = mkdtempSync(join(tmpdir(), 'cw-load-'));
let garage;

before(() => { garage = startStore(join(dir, 'garage')); });
after(() => release(garage, dir));

const hex = (n) => n.toString(16).padStart(16, '0');

test(`${STATIONS} stations × ${RECORDS} registrations upload at once through a lossy network: none lost, none doubled`, async () => {
  const rootHex = cw('keygen', '--out', join(dir, 'root.key')).match(/^public ([0-9a-f]{64})$/m)[1];
  const store = garage.file;
  let attempts = 0;
  let dropped = 0;
  let stored = 0;
  let lost = 0;
  const lossyFetch = async (url, init) => {
    attempts += 1;
    if (Math.random() < DROP) {
      dropped += 1;
      throw new TypeError('network error');
    }
    const r = await fetch(url, init);
    if (r.ok) stored += 1;
    if (r.ok && Math.random() < LOSE_ANSWER) {
      lost += 1;
      throw new TypeError('connection reset');
    }
    return r;
  };
  const stations = [];
  for (let s = 0; s < STATIONS; s++) {
    const station = `S${String(s).padStart(3, '0')}`;
    const text = cw('grant', '--root-key', join(dir, 'root.key'), '--store', store, '--station', station,
      '--out', join(dir, `${station}.cwg`)).trim();
    const grant = wasm.openGrant(new TextEncoder().encode(text), rootHex);
    const log = new CheckpointLog(memoryBackend());
    for (let i = 0; i < RECORDS; i++) {
      const credential = { id: hex(s * RECORDS + i), displayName: 'P*n', status: 'yellow' };
      const record = await log.record({ valid: true, decision: 'check', code: null, credential },
        { mode: 'registration', nowMs: Date.UTC(2026, 0, 2, 9) + i * 1000, station });
      await log.attachTube(record, `T-${String(s * RECORDS + i).padStart(8, '0')}`);
    }
    const sync = new Sync(log, {
      fetch: lossyFetch,
      // Retries within a few seconds, jittered: the test's clock, not a city's.
      rules: { maxRecords: BATCH, base: 200, cap: 3000, minGap: 50, debounce: 0, tick: 3_600_000 },
      retentionDays: null,
    });
    sync.setGrant(grant);
    stations.push({ log, sync });
  }
  const started = Date.now();
  await Promise.all(stations.map(({ sync }) => sync.start()));
  // Every station's log is fully acknowledged, or the time is up.
  const waiting = async () => {
    let n = 0;
    for (const { log } of stations) n += (await log.unacknowledged()).length;
    return n;
  };
  let left = await waiting();
  while (left > 0 && Date.now() - started < LIMIT_MS) {
    await new Promise((ok) => setTimeout(ok, 250));
    left = await waiting();
  }
  const seconds = (Date.now() - started) / 1000;
  for (const { sync } of stations) sync.stop();
  assert.equal(left, 0, `records still waiting after ${seconds} s`);

  // The authority's view: every record exactly once.
  writeFileSync(join(dir, 'people.csv'), 'name,id_number,status\n');
  writeFileSync(join(dir, 'issued.jsonl'), '');
  writeFileSync(join(dir, 'lab.csv'), 'tube,result\n');
  const collect = spawnSync(CLI, ['collect', '--store', store, '--lab', join(dir, 'lab.csv'),
    '--people', join(dir, 'people.csv'), '--issued', join(dir, 'issued.jsonl'), '--out', join(dir, 'out.csv')],
  { encoding: 'utf8' });
  assert.equal(collect.status, 0, collect.stderr);
  const stderr = collect.stderr;
  const total = STATIONS * RECORDS;
  // Records counts every line read, registrations each record id once: equal means none doubled.
  assert.match(stderr, new RegExp(`^${OBJECTS} objects, ${total} records \\(0 tally\\), ${total} registrations`, 'm'), stderr);
  console.log(`# ${total} registrations from ${STATIONS} stations in ${seconds.toFixed(1)} s `
    + `(${Math.round(total / seconds)} records/s); ${OBJECTS} objects in ${attempts} requests, `
    + `so ${attempts - OBJECTS} retries (${dropped} requests dropped by the network, ${lost} answers lost after the store `
    + `kept the object, ${attempts - stored - dropped} refused by the store)`);
  assert.ok(dropped > 0 && lost > 0, 'the network did drop requests and answers');
});

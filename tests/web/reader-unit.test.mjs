// The page side of the decode worker (www/shared/reader.js) in Node, over a
// stand-in Worker: started on first use, answers matched to their requests,
// a worker that fails answers every read with reader_unavailable until it is
// started again, and nothing throws.

import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createReader } from '../../www/shared/reader.js';

let workers;
class StandInWorker {
  constructor(url, options) {
    if (StandInWorker.refuse) throw new Error('workers refused');
    Object.assign(this, { url, options, posted: [], terminated: false });
    workers.push(this);
  }

  postMessage(message, transfer) {
    if (message.blob === 'uncloneable') throw new Error('could not be cloned');
    this.posted.push({ message, transfer });
  }

  terminate() { this.terminated = true; }
  say(data) { this.onmessage({ data }); }
}

beforeEach(() => {
  workers = [];
  StandInWorker.refuse = false;
  globalThis.Worker = StandInWorker;
});

const URL_ = 'http://127.0.0.1/wallet/decode-worker.js';
const unavailable = { error: { code: 'reader_unavailable', message: 'the code reader did not load' } };

test('the worker starts on the first read; answers go to their own request', async () => {
  const states = [];
  const reader = createReader({ url: URL_, onState: (s) => states.push(s) });
  assert.equal(workers.length, 0, 'nothing started by creating it');
  assert.equal(reader.state, 'idle');
  const first = reader.readFile('photo 1');
  const second = reader.readRgba(2, 1, 'pixels');
  const [w] = workers;
  assert.equal(workers.length, 1);
  assert.equal(w.url, URL_);
  assert.deepEqual(w.options, { type: 'module' });
  assert.deepEqual(w.posted.map((p) => p.message), [
    { kind: 'file', blob: 'photo 1', id: 1 },
    { kind: 'rgba', width: 2, height: 1, buffer: 'pixels', id: 2 },
  ]);
  assert.deepEqual(w.posted[1].transfer, ['pixels']);
  w.say({ kind: 'ready' });
  w.say({ id: 2, texts: ['B'] });
  w.say({ id: 1, error: { code: 'not_image', message: 'not an image' } });
  assert.deepEqual(await first, { id: 1, error: { code: 'not_image', message: 'not an image' } });
  assert.deepEqual(await second, { id: 2, texts: ['B'] });
  assert.deepEqual(states, ['loading', 'ready']);
  reader.start();
  assert.equal(workers.length, 1, 'a running worker is kept');
});

test('a worker whose module did not load answers reader_unavailable until started again', async () => {
  const states = [];
  const reader = createReader({ url: URL_, onState: (s) => states.push(s) });
  const waiting = reader.readFile('photo');
  const [old] = workers;
  old.say({ kind: 'failed', error: { code: 'reader_unavailable', message: 'no wasm' } });
  assert.deepEqual(await waiting, unavailable);
  assert.deepEqual(await reader.readFile('photo'), unavailable);
  assert.equal(old.posted.length, 1, 'nothing sent to a failed worker');

  reader.start();
  assert.equal(old.terminated, true);
  assert.equal(workers.length, 2);
  const again = reader.readFile('photo');
  old.say({ id: 2, texts: ['from the old worker'] });
  workers[1].say({ id: 2, texts: ['CW1:A'] });
  assert.deepEqual(await again, { id: 2, texts: ['CW1:A'] });
  assert.deepEqual(states, ['loading', 'failed', 'loading']);
});

test('a worker script that did not load fails the reader (the error is handled here)', async () => {
  const reader = createReader({ url: URL_ });
  const waiting = reader.readFile('photo');
  let prevented = false;
  workers[0].onerror({ preventDefault: () => { prevented = true; } });
  assert.equal(prevented, true);
  assert.equal(reader.state, 'failed');
  assert.deepEqual(await waiting, unavailable);
});

test('a browser that refuses the worker, or a message that cannot be sent, is an answer, not a throw', async () => {
  StandInWorker.refuse = true;
  const refused = createReader({ url: URL_ });
  assert.deepEqual(await refused.readFile('photo'), unavailable);
  assert.equal(refused.state, 'failed');

  StandInWorker.refuse = false;
  const reader = createReader({ url: URL_ });
  const answer = await reader.readFile('uncloneable');
  assert.equal(answer.error.code, 'internal');
  assert.match(answer.error.message, /could not be cloned/);
});

test('terminate answers the reads still waiting; the next read starts a new worker', async () => {
  const reader = createReader({ url: URL_ });
  const waiting = reader.readFile('photo');
  reader.terminate();
  assert.equal(workers[0].terminated, true);
  assert.deepEqual(await waiting, unavailable);
  assert.equal(reader.state, 'idle');
  reader.readFile('photo');
  assert.equal(workers.length, 2);
});

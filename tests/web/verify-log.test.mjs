// The checkpoint log: its logic in Node against an in-memory backend (with
// storage errors injected), then in Chromium against IndexedDB: 200
// registrations across a reload, exported exactly once, and a full disk that
// stops scanning instead of losing records.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson } from './verify-util.mjs';

const { CheckpointLog, LogError, memoryBackend, toCsv } = await import(join(ROOT, 'www/verify/log.js'));

const HOUR_MS = 3_600_000;
const valid = (id, name = 'Z*S') => ({ valid: true, code: null, credential: { id, displayName: name, status: 'green' } });
const refused = (code) => ({ valid: false, code, credential: null });

test('log: tally records keep no identities and export as counts per hour and verdict', async () => {
  const log = new CheckpointLog(memoryBackend());
  const t0 = Date.UTC(2026, 0, 5, 9, 15);
  await log.record(valid('c1', '张*丰'), { nowMs: t0 });
  await log.record(valid('c2'), { nowMs: t0 + 60_000 });
  await log.record(refused('expired'), { nowMs: t0 + 120_000 });
  await log.record(refused('expired'), { nowMs: t0 + HOUR_MS });
  for (const r of await log.records()) {
    assert.equal(r.name, undefined);
    assert.equal(r.credentialId, undefined);
    assert.equal(r.time, undefined);
  }
  assert.equal(await log.lastScanTime(), t0 + HOUR_MS);
  const out = await log.export('jsonl', { nowMs: t0 + 2 * HOUR_MS });
  const rows = out.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map(({ hour, verdict, count }) => [hour, verdict, count]), [
    ['2026-01-05T09:00Z', 'valid', 2], ['2026-01-05T09:00Z', 'expired', 1], ['2026-01-05T10:00Z', 'expired', 1],
  ]);
  assert.deepEqual(await log.summary(t0), { total: 4, unexported: 0, hourValid: 2, hourRefused: 1 });
  // Only new ones: nothing until the next scan.
  assert.equal((await log.export('jsonl', { onlyNew: true })).count, 0);
  await log.record(refused('revoked'), { nowMs: t0 });
  const fresh = await log.export('csv', { onlyNew: true });
  assert.equal(fresh.count, 1);
  assert.match(fresh.text, /^mode,id,time,hour,station,verdict,status,credentialId,name,tube,count,exported\r\ntally,,,2026-01-05T09:00Z,,revoked,,,,,1,\r\n$/);
});

test('log: registration records link a tube; every record exported once and marked with its batch', async () => {
  const log = new CheckpointLog(memoryBackend());
  const t0 = Date.UTC(2026, 0, 5, 9, 0);
  const r1 = await log.record(valid('c1', '李*龙'), { mode: 'registration', nowMs: t0, station: 'S-7' });
  await log.attachTube(r1, ' TUBE-1 ');
  await log.record(refused('revoked'), { mode: 'registration', nowMs: t0 + 1000, station: 'S-7' });
  const first = await log.export('jsonl', { nowMs: t0 + 5000 });
  const rows = first.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(rows.map((r) => [r.verdict, r.name, r.credentialId, r.tube, r.station, r.time, r.exported]), [
    ['valid', '李*龙', 'c1', 'TUBE-1', 'S-7', '2026-01-05T09:00:00.000Z', null],
    ['revoked', null, null, null, 'S-7', '2026-01-05T09:00:01.000Z', null],
  ]);
  const again = await log.export('jsonl', { nowMs: t0 + 9000 });
  const marked = again.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(marked.map((r) => r.exported), [first.batch, first.batch], 'marked with the batch that first exported them');
  assert.equal(await log.clearExported(), 2);
  assert.equal((await log.records()).length, 0);
});

test('log: a full store stops the log with log_full and loses nothing already written', async () => {
  const backend = memoryBackend();
  const log = new CheckpointLog(backend);
  await log.record(valid('c1'), { nowMs: 1000 });
  backend.failWith = Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
  await assert.rejects(log.record(valid('c2'), { nowMs: 2000 }), (e) => e instanceof LogError && e.code === 'log_full');
  // Stopped: refuses without trying, until room is made.
  backend.failWith = null;
  await assert.rejects(log.record(valid('c3'), { nowMs: 3000 }), (e) => e.code === 'log_full');
  assert.equal((await log.records()).length, 1);
  await log.export('jsonl');
  assert.equal(await log.clearExported(), 1);
  await log.record(valid('c4'), { nowMs: 4000 });
  assert.equal((await log.records()).length, 1);
  backend.failWith = new Error('disk on fire');
  await assert.rejects(log.record(valid('c5'), { nowMs: 5000 }), (e) => e.code === 'log_unavailable' && /disk on fire/.test(e.message));
});

test('log: CSV cells are quoted and cannot start a formula', () => {
  const csv = toCsv([{ mode: 'registration', name: '=HYPERLINK("x")', tube: 'a,b', station: 'line\nbreak' }]);
  assert.equal(csv.split('\r\n')[1], `registration,,,,"line\nbreak",,,,"'=HYPERLINK(""x"")","a,b",,`);
});

async function exportFile(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  return readFileSync(await download.path(), 'utf8');
}

test('registration in the browser: 200 people with tubes, a reload in the middle, every record exported exactly once', async () => {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-3', autoNext: 0 });
    await goOffline(context, page, site);
    const texts = [issuer.credentials.valid, issuer.credentials.yellow, issuer.credentials.red];
    for (let i = 1; i <= 200; i++) {
      if (i === 101) {
        await page.reload();
        await page.waitForSelector('body[data-ready=true]');
        assert.equal(await page.getAttribute('#log-summary', 'data-total'), '100');
      }
      const v = await pasteAndRead(page, texts[i % 3]);
      assert.equal(v.code, 'valid');
      const tube = `TUBE-${String(i).padStart(4, '0')}`;
      await page.fill('#v-tube', tube);
      await page.press('#v-tube', 'Enter');
      await page.waitForSelector(`#v-tube-msg[data-tube="${tube}"]`);
      await nextPerson(page);
    }
    await page.click('#log-panel summary');
    const jsonl = await exportFile(page, '#export-jsonl');
    const rows = jsonl.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(rows.length, 200);
    const tubes = rows.map((r) => r.tube).sort();
    assert.deepEqual(tubes, Array.from({ length: 200 }, (_, i) => `TUBE-${String(i + 1).padStart(4, '0')}`));
    assert.ok(rows.every((r) => r.station === 'Gate-3' && r.verdict === 'valid' && r.exported === null && r.name && r.credentialId));
    assert.equal(new Set(rows.map((r) => r.id)).size, 200);
    // The CSV now has the same 200, each marked with the batch of the first export.
    const csv = (await exportFile(page, '#export-csv')).trim().split('\r\n');
    assert.equal(csv.length, 201);
    const batches = new Set(csv.slice(1).map((line) => line.split(',').at(-1)));
    assert.equal(batches.size, 1);
    assert.match([...batches][0], /^\d{8}T\d{6}-[0-9a-f]{6}$/);
    // Only new: nothing.
    await page.check('#export-new');
    assert.equal((await exportFile(page, '#export-jsonl')).trim(), '');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('a full disk in the browser: the verdict is not shown, scanning stops and says why, records are kept', async () => {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    // IndexedDB that refuses writes once the test says the disk is full.
    await context.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (globalThis.diskFull && this.name === 'records') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    const page = await openVerifier(context, site);
    await goOffline(context, page, site);
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).code, 'valid');
    await nextPerson(page);
    await page.evaluate(() => { globalThis.diskFull = true; });
    await page.fill('#paste', issuer.credentials.valid);
    await page.click('#check-btn');
    await page.waitForSelector('#stopped:not([hidden])');
    assert.equal(await page.getAttribute('#stopped', 'data-code'), 'log_full');
    assert.match(await page.textContent('#stopped'), /^The log is full/);
    assert.equal(await page.isHidden('#verdict'), true);
    assert.equal(await page.isDisabled('#check-btn'), true);
    // Export, then delete exported records: room again.
    await page.evaluate(() => { globalThis.diskFull = false; });
    const text = await exportFile(page, '#export-jsonl');
    assert.equal(text.trim().split('\n').length, 1);
    await page.click('#clear-exported');
    await page.waitForSelector('#stopped', { state: 'hidden' });
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).code, 'valid');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

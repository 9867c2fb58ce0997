// The checkpoint log: its logic in Node against an in-memory backend (with
// storage errors and a full disk injected), then in Chromium against
// IndexedDB: 200 registrations across a reload, exported exactly once; records
// deleted only after an export confirmed saved; a full disk that stops
// scanning instead of losing records, and is exported and freed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson } from './verify-util.mjs';

const { CheckpointLog, LogError, TubeError, memoryBackend, toCsv, checkTube, tubeRule, DEFAULT_TUBE_PATTERN } = await import(join(ROOT, 'www/verify/log.js'));

const HOUR_MS = 3_600_000;
const valid = (id, name = 'Z*S', status = 'green') => ({
  valid: true, decision: { green: 'pass', yellow: 'check', red: 'refuse' }[status], code: null,
  credential: { id, displayName: name, status },
});
const refused = (code) => ({ valid: false, decision: 'refuse', code, credential: null });
const jsonl = (text) => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const HEADER = 'mode,kind,id,time,hour,station,verdict,decision,status,credentialId,name,tube,corrects,previousTube,count,exported';

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
  assert.deepEqual(jsonl(out.text).map(({ hour, verdict, count }) => [hour, verdict, count]), [
    ['2026-01-05T09:00Z', 'valid', 2], ['2026-01-05T09:00Z', 'expired', 1], ['2026-01-05T10:00Z', 'expired', 1],
  ]);
  // Exporting marks nothing; the user's "saved" does.
  assert.deepEqual(await log.summary(t0), { total: 4, unexported: 4, acknowledged: 0, hourPass: 2, hourCheck: 0, hourRefused: 1 });
  assert.deepEqual(await log.confirmSaved(out.batch), { acknowledged: 4, durable: true });
  assert.deepEqual(await log.summary(t0), { total: 4, unexported: 0, acknowledged: 4, hourPass: 2, hourCheck: 0, hourRefused: 1 });
  // Only new ones: nothing until the next scan.
  assert.equal((await log.export('jsonl', { onlyNew: true })).count, 0);
  await log.record(refused('revoked'), { nowMs: t0 });
  const fresh = await log.export('csv', { onlyNew: true });
  assert.equal(fresh.count, 1);
  assert.equal(fresh.text, `${HEADER}\r\ntally,scan,,,2026-01-05T09:00Z,,revoked,refuse,,,,,,,1,\r\n`);
});

test('log: counts and exports follow the admission decision shown, a valid red code included', async () => {
  const log = new CheckpointLog(memoryBackend());
  const t0 = Date.UTC(2026, 0, 5, 9, 0);
  await log.record(valid('g', 'A*', 'green'), { nowMs: t0 });
  await log.record(valid('y', 'B*', 'yellow'), { nowMs: t0 });
  await log.record(valid('r', 'C*', 'red'), { nowMs: t0 });
  await log.record(refused('revoked'), { nowMs: t0 });
  assert.deepEqual(await log.summary(t0), { total: 4, unexported: 4, acknowledged: 0, hourPass: 1, hourCheck: 1, hourRefused: 2 });
  const rows = jsonl((await log.export('jsonl', { nowMs: t0 })).text);
  assert.deepEqual(rows.map((r) => [r.status, r.decision]), [['green', 'pass'], ['yellow', 'check'], ['red', 'refuse'], [null, 'refuse']]);
  const reg = await log.record(valid('r2', 'D*', 'red'), { mode: 'registration', nowMs: t0 });
  assert.equal(reg.decision, 'refuse');
  const csv = (await log.export('csv', { nowMs: t0 })).text.split('\r\n');
  assert.match(csv.find((l) => l.includes(reg.id)), /,valid,refuse,red,/);
});

test('log: registration records link a tube; a row names the confirmed batch that covers it', async () => {
  const log = new CheckpointLog(memoryBackend());
  const t0 = Date.UTC(2026, 0, 5, 9, 0);
  const r1 = await log.record(valid('c1', '李*龙'), { mode: 'registration', nowMs: t0, station: 'S-7' });
  await log.attachTube(r1, ' TUBE-1 ');
  await log.record(refused('revoked'), { mode: 'registration', nowMs: t0 + 1000, station: 'S-7' });
  const first = await log.export('jsonl', { nowMs: t0 + 5000 });
  assert.deepEqual(jsonl(first.text).map((r) => [r.kind, r.verdict, r.name, r.credentialId, r.tube, r.station, r.time, r.exported]), [
    ['scan', 'valid', '李*龙', 'c1', 'TUBE-1', 'S-7', '2026-01-05T09:00:00.000Z', null],
    ['scan', 'revoked', null, null, null, 'S-7', '2026-01-05T09:00:01.000Z', null],
  ]);
  await log.confirmSaved(first.batch);
  const again = await log.export('jsonl', { nowMs: t0 + 9000 });
  assert.deepEqual(jsonl(again.text).map((r) => r.exported), [first.batch, first.batch], 'marked with the batch that was confirmed');
  assert.equal(await log.clearAcknowledged(), 2);
  assert.equal((await log.records()).length, 0);
});

test('log: nothing is deleted unless an export of it was confirmed saved', async () => {
  const log = new CheckpointLog(memoryBackend());
  for (let i = 0; i < 3; i++) await log.record(valid(`c${i}`), { mode: 'registration', nowMs: 1000 + i });
  // Exported, then the download was cancelled: no answer, or "No".
  const cancelled = await log.export('csv', { nowMs: 5000 });
  assert.equal(cancelled.count, 3);
  assert.equal(await log.clearAcknowledged(), 0);
  assert.equal(log.discardBatch(cancelled.batch), true);
  assert.equal(await log.clearAcknowledged(), 0);
  await assert.rejects(log.confirmSaved(cancelled.batch), (e) => e instanceof LogError && e.code === 'unknown_batch');
  assert.equal((await log.records()).length, 3);
  // A batch covers what existed when it was made; later records stay.
  const saved = await log.export('jsonl', { nowMs: 6000 });
  const late = await log.record(valid('c3'), { mode: 'registration', nowMs: 7000 });
  await log.confirmSaved(saved.batch);
  assert.equal((await log.summary(7000)).unexported, 1);
  // A record changed after the export (a tube linked) is written again and is not covered.
  const early = (await log.records())[0];
  await log.attachTube(early, 'TUBE-0001');
  assert.equal((await log.summary(7000)).unexported, 2);
  assert.equal(await log.clearAcknowledged(), 2);
  const left = await log.records();
  assert.deepEqual(left.map((r) => [r.credentialId, r.tube]), [[late.credentialId, null], ['c0', 'TUBE-0001']]);
  // Only new: exactly those two.
  const next = await log.export('jsonl', { onlyNew: true, nowMs: 8000 });
  assert.deepEqual(jsonl(next.text).map((r) => r.credentialId), ['c3', 'c0']);
  // Acknowledgements are kept in storage: a new log over the same store agrees.
  await log.confirmSaved(next.batch);
  const reopened = new CheckpointLog(log.backend);
  assert.equal((await reopened.summary(8000)).acknowledged, 2);
});

test('log: records an earlier version marked "exported" before the file saved are not taken as saved', async () => {
  const backend = memoryBackend();
  await backend.commit({ put: [{ id: 'a', mode: 'tally', hour: '2026-01-05T09:00Z', verdict: 'valid', exported: '20260105T090000-abcdef' }] });
  const log = new CheckpointLog(backend);
  assert.equal((await log.summary(0)).unexported, 1);
  assert.equal(await log.clearAcknowledged(), 0);
  assert.equal(jsonl((await log.export('jsonl', { onlyNew: true })).text)[0].exported, null);
});

test('log: a full store stops the log with log_full, loses nothing, and can still be exported and freed', async () => {
  const backend = memoryBackend({ capacity: 4 }); // lastScan + 3 records
  const log = new CheckpointLog(backend);
  for (let i = 1; i <= 3; i++) await log.record(valid(`c${i}`), { nowMs: i * 1000 });
  await assert.rejects(log.record(valid('c4'), { nowMs: 4000 }), (e) => e instanceof LogError && e.code === 'log_full');
  // Stopped: refuses without trying, until room is made.
  await assert.rejects(log.record(valid('c5'), { nowMs: 5000 }), (e) => e.code === 'log_full');
  assert.equal((await log.records()).length, 3);
  const out = await log.export('jsonl');
  assert.equal(out.count, 3);
  assert.deepEqual(jsonl(out.text).map((r) => r.count), [3]);
  // The acknowledgement does not fit: kept in memory, and deleting still works.
  assert.deepEqual(await log.confirmSaved(out.batch), { acknowledged: 3, durable: false });
  assert.equal(await backend.meta('acks'), undefined);
  assert.equal(await log.clearAcknowledged(), 3);
  assert.equal((await backend.meta('acks')).length, 1, 'written once there was room');
  await log.record(valid('c6'), { nowMs: 6000 });
  assert.deepEqual(await log.summary(6000), { total: 1, unexported: 1, acknowledged: 0, hourPass: 1, hourCheck: 0, hourRefused: 0 });
  backend.failWith = new Error('disk on fire');
  await assert.rejects(log.record(valid('c7'), { nowMs: 7000 }), (e) => e.code === 'log_unavailable' && /disk on fire/.test(e.message));
});

test('log: CSV cells are quoted (comma and semicolon locales) and cannot start a formula', () => {
  const csv = toCsv([{ mode: 'registration', name: '=HYPERLINK("x")', tube: 'a,b', station: 'line\nbreak', id: 'x;y', credentialId: '+1;2', corrects: '-2', previousTube: '@SUM(A1)' }]);
  assert.equal(csv.split('\r\n')[0], HEADER);
  assert.equal(csv.split('\r\n')[1], `registration,,"x;y",,,"line\nbreak",,,,"'+1;2","'=HYPERLINK(""x"")","a,b",'-2,'@SUM(A1),,`);
  // Read with ";" as the separator, no cell splits either.
  assert.equal(toCsv([{ name: 'a;=1+1' }]).split('\r\n')[1], ',,,,,,,,,,"a;=1+1",,,,,');
});

test('tubes: the pattern, and codes that are never a tube', () => {
  const rule = tubeRule();
  assert.equal(rule.source, DEFAULT_TUBE_PATTERN);
  assert.deepEqual(checkTube(' TUBE-0001 ', rule), { ok: true, tube: 'TUBE-0001' });
  for (const bad of ['', 'tube-1', 'AB12', 'A'.repeat(21), 'https://example.org/poster', 'WELCOME TO GATE 3']) {
    assert.equal(checkTube(bad, rule).ok, false, bad);
  }
  assert.equal(checkTube('', rule).code, 'tube_empty');
  assert.equal(checkTube('POSTER 2026', rule).code, 'tube_pattern');
  const any = tubeRule('.+');
  assert.equal(checkTube('CW1:6BFOXN*TS0BI$ZD', any).code, 'tube_credential');
  assert.equal(checkTube('https://h.example/wallet/#CW1:6BF', any).code, 'tube_credential');
  assert.equal(checkTube('https://h.example/wallet/#CW1%3A6BF', any).code, 'tube_credential');
  assert.equal(checkTube('CWL1:NCFOXN', any).code, 'tube_trust_list');
  assert.equal(checkTube('https://h.example/verify/#CWL1:NCF', any).code, 'tube_trust_list');
  assert.equal(checkTube('anything else', any).ok, true);
  assert.equal(tubeRule('T-[0-9]{4}').regex.test('T-0001'), true);
  assert.equal(tubeRule('T-[0-9]{4}').regex.test('XT-0001'), false, 'anchored');
  const broken = tubeRule('([');
  assert.equal(broken.valid, false);
  assert.equal(broken.source, DEFAULT_TUBE_PATTERN);
  assert.equal(tubeRule(42).valid, false);
});

test('tubes: a correction is appended and exported beside the registration it corrects', async () => {
  const log = new CheckpointLog(memoryBackend(), { tubePattern: 'T-[0-9]{4}' });
  const t0 = Date.UTC(2026, 0, 5, 9, 0);
  const r = await log.record(valid('c1', '李*龙'), { mode: 'registration', nowMs: t0, station: 'S-7' });
  await assert.rejects(log.attachTube(r, 'CW1:ABC'), (e) => e instanceof TubeError && e.code === 'tube_credential');
  await assert.rejects(log.attachTube(r, 'TUBE-0001'), (e) => e.code === 'tube_pattern');
  const linked = await log.attachTube(r, 'T-0001');
  assert.deepEqual((await log.lastRegistration()).tube, 'T-0001');
  await assert.rejects(log.correctTube(linked.id, 'CWL1:X', { nowMs: t0 }), (e) => e.code === 'tube_trust_list');
  await assert.rejects(log.correctTube('nope', 'T-0002', { nowMs: t0 }), (e) => e.code === 'tube_no_registration');
  await log.correctTube(linked.id, 'T-0002', { nowMs: t0 + 60_000, station: 'S-7' });
  await log.correctTube(linked.id, 'T-0003', { nowMs: t0 + 120_000, station: 'S-7' });
  const last = await log.lastRegistration();
  assert.equal(last.record.id, linked.id);
  assert.equal(last.tube, 'T-0003');
  assert.equal(last.record.tube, 'T-0001', 'the registration stays as logged');
  const rows = jsonl((await log.export('jsonl', { nowMs: t0 + 180_000 })).text);
  assert.deepEqual(rows.map((x) => [x.kind, x.tube, x.corrects, x.previousTube, x.name, x.time]), [
    ['scan', 'T-0001', null, null, '李*龙', '2026-01-05T09:00:00.000Z'],
    ['correction', 'T-0002', linked.id, 'T-0001', '李*龙', '2026-01-05T09:01:00.000Z'],
    ['correction', 'T-0003', linked.id, 'T-0002', '李*龙', '2026-01-05T09:02:00.000Z'],
  ]);
  const csv = (await log.export('csv')).text.split('\r\n');
  assert.equal(csv[2], `registration,correction,${rows[1].id},2026-01-05T09:01:00.000Z,,S-7,,,,c1,李*龙,T-0002,${linked.id},T-0001,,`);
  // Corrections are not scans: the hour's counts do not change.
  assert.deepEqual(await log.summary(t0), { total: 3, unexported: 3, acknowledged: 0, hourPass: 1, hourCheck: 0, hourRefused: 0 });
});

async function exportFile(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  await page.waitForSelector('#export-confirm:not([hidden])');
  return readFileSync(await download.path(), 'utf8');
}

/** Answers the page's "did the file save?" question. */
async function answerSaved(page, saved) {
  await page.click(saved ? '#export-yes' : '#export-no');
  await page.waitForSelector(`#log-msg[data-state=${saved ? 'confirmed' : 'discarded'}]`);
}

/** "Delete exported records", then the in-page confirm step: returns the count it named, or 0 if it said there is nothing. */
async function deleteExported(page, { confirm = true } = {}) {
  await page.evaluate(() => { delete document.getElementById('log-msg').dataset.state; });
  await page.click('#clear-exported');
  const state = await Promise.race([
    page.waitForSelector('#clear-confirm:not([hidden])').then(() => 'asking'),
    page.waitForSelector('#log-msg[data-state=nothing]').then(() => 'nothing'),
  ]);
  if (state === 'nothing') return 0;
  const named = Number(await page.getAttribute('#clear-confirm', 'data-count'));
  assert.match(await page.textContent('#clear-yes'), new RegExp(`\\b${named}\\b`));
  await page.click(confirm ? '#clear-yes' : '#clear-no');
  await page.waitForSelector(`#log-msg[data-state=${confirm ? 'cleared' : 'cancelled'}]`);
  return named;
}

const total = async (page) => Number(await page.getAttribute('#log-summary', 'data-total'));

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
    const batch = await page.getAttribute('#export-confirm', 'data-batch');
    await answerSaved(page, true);
    // The CSV now has the same 200, each marked with the confirmed batch.
    const csv = (await exportFile(page, '#export-csv')).trim().split('\r\n');
    await answerSaved(page, false);
    assert.equal(csv.length, 201);
    const batches = new Set(csv.slice(1).map((line) => line.split(',').at(-1)));
    assert.deepEqual([...batches], [batch]);
    assert.match(batch, /^\d{8}T\d{6}-[0-9a-f]{6}$/);
    // Only new: nothing, and no file.
    await page.check('#export-new');
    await page.click('#export-jsonl');
    await page.waitForSelector('#log-msg[data-state=nothing]');
    assert.equal(await page.isHidden('#export-confirm'), true);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('a cancelled download, or a "No", then delete: nothing is lost; deleting needs a confirmed export and a second yes', async () => {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-1', autoNext: 0 });
    await goOffline(context, page, site);
    for (const kind of ['valid', 'expired', 'yellow']) {
      await pasteAndRead(page, issuer.credentials[kind]);
      await nextPerson(page);
    }
    await page.click('#log-panel summary');
    assert.equal(await total(page), 3);
    // The download is cancelled; the user answers "No".
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    await download.cancel();
    await page.waitForSelector('#export-confirm:not([hidden])');
    assert.match(await page.textContent('#export-question'), /Did the file checkpoint-log-\S+\.csv \(3 records\) save\?/);
    await answerSaved(page, false);
    assert.equal(await deleteExported(page), 0);
    assert.equal(await total(page), 3);
    // Exported again, the question left unanswered: still nothing to delete, also after a reload.
    await exportFile(page, '#export-jsonl');
    assert.equal(await deleteExported(page), 0);
    assert.equal(await total(page), 3);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#log-panel summary');
    assert.equal(await page.isHidden('#export-confirm'), true);
    assert.equal(await deleteExported(page), 0);
    assert.equal(await total(page), 3);
    // Saved and confirmed; the delete step names the count and can be cancelled.
    const text = await exportFile(page, '#export-jsonl');
    assert.equal(text.trim().split('\n').length, 3);
    await answerSaved(page, true);
    assert.equal(await page.getAttribute('#log-summary', 'data-acknowledged'), '3');
    assert.equal(await deleteExported(page, { confirm: false }), 3);
    assert.equal(await total(page), 3);
    // A person scanned after the export is not covered by it.
    await pasteAndRead(page, issuer.credentials.valid);
    await nextPerson(page);
    assert.equal(await deleteExported(page), 3);
    assert.equal(await total(page), 1);
    // Chinese too.
    await page.selectOption('#lang', 'zh-CN');
    await exportFile(page, '#export-csv');
    assert.match(await page.textContent('#export-question'), /保存成功了吗/);
    assert.equal(await page.textContent('#export-yes'), '是，已保存');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('a full disk in the browser: scanning stops and says why; export, confirm saved and delete make room; scanning resumes', async () => {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    // IndexedDB on a full disk: every put fails (records and meta alike)
    // until a delete of records frees room.
    await context.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      const del = IDBObjectStore.prototype.delete;
      IDBObjectStore.prototype.put = function (...args) {
        if (globalThis.diskFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
      IDBObjectStore.prototype.delete = function (...args) {
        if (this.name === 'records') globalThis.diskFull = false;
        return del.apply(this, args);
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
    // Still full: export, confirm saved, delete.
    const text = await exportFile(page, '#export-jsonl');
    assert.deepEqual(text.trim().split('\n').map((l) => JSON.parse(l).count), [1]);
    await answerSaved(page, true);
    assert.equal(await page.evaluate(() => globalThis.diskFull), true);
    assert.equal(await deleteExported(page), 1);
    await page.waitForSelector('#stopped', { state: 'hidden' });
    assert.match(await page.textContent('#log-msg'), /scanning resumed/);
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).code, 'valid');
    await nextPerson(page);
    assert.equal(await total(page), 1);
    // The acknowledgement kept through the full disk was written once there was room.
    const acks = await page.evaluate(() => new Promise((ok, fail) => {
      const req = indexedDB.open('cw-verify-log');
      req.onsuccess = () => {
        const get = req.result.transaction('meta').objectStore('meta').get('acks');
        get.onsuccess = () => ok(get.result);
        get.onerror = () => fail(get.error);
      };
    }));
    assert.equal(acks.length, 1);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('a real full disk (the origin\'s quota set just above its use): scanning stops; export, confirm and delete need no room; scanning resumes', async () => {
  const issuer = makeIssuer();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-9', autoNext: 0 });
    await goOffline(context, page, site);
    const cdp = await context.newCDPSession(page);
    const { usage } = await page.evaluate(() => navigator.storage.estimate());
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: site.url, quotaSize: usage + 30_000 });
    let scanned = 0;
    for (;;) {
      await page.fill('#paste', issuer.credentials.valid);
      await page.click('#check-btn');
      const shown = await Promise.race([
        page.waitForSelector('#verdict:not([hidden])').then(() => 'verdict'),
        page.waitForSelector('#stopped:not([hidden])').then(() => 'stopped'),
      ]);
      if (shown === 'stopped') break;
      scanned += 1;
      assert.ok(scanned < 1000, 'the quota never ran out');
      await nextPerson(page);
    }
    assert.equal(await page.getAttribute('#stopped', 'data-code'), 'log_full');
    assert.equal(await total(page), scanned);
    const text = await exportFile(page, '#export-jsonl');
    assert.equal(text.trim().split('\n').length, scanned);
    await answerSaved(page, true);
    assert.equal(await deleteExported(page), scanned);
    await page.waitForSelector('#stopped', { state: 'hidden' });
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).code, 'valid');
    await nextPerson(page);
    assert.equal(await total(page), 1);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

// The checkpoint page's flows beyond one verdict, rendered by
// miniprogram-simulate over the platform shims: registration with a sample
// tube, export and acknowledgement through the platform's file sharing, a
// newer trust list by scan, file or link under the no-rollback rule (kept
// after the page is opened again, the package's list the floor), settings in
// platform storage, and bad input answered in words. No network call.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, test } from 'node:test';
import { duration } from '../../www/shared/languages.js';
import { messagePattern, verifierText as t } from '../web/text.mjs';
import { ROOT, makeIssuer, setUpCheckpoint, useConfig } from './util.mjs';

let issuer;
let env;
let simulate;
let renderPage;
let waitFor;
let own;
let config;
let lists;
const RECORD = 'cw.log.r.';
const LIST_KEY = 'cw.checkpoint.trustList';
const SETTINGS_KEY = 'cw.checkpoint.settings';

// Trust lists of the issuer's root beside its #1 (run in a child process, as
// makeIssuer is): #2 from before a revocation and #2 after it (signed with a
// copy of the root key, whose sequence record is its own), and the revoked
// credential.
function moreLists(dir, now) {
  const script = `
    import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
    import { join } from 'node:path';
    import { tmpdir } from 'node:os';
    const { cw } = await import('${ROOT}tests/web/harness.mjs');
    const dir = ${JSON.stringify(dir)};
    const sign = (seq, key, out) => {
      const config = JSON.parse(readFileSync(join(dir, 'trust.json'), 'utf8'));
      config.sequence = seq;
      writeFileSync(join(dir, 'trust.json'), JSON.stringify(config));
      cw('trust-list', '--config', join(dir, 'trust.json'), '--root-key', key, '--revoked', join(dir, 'revoked.jsonl'),
        '--out', join(dir, out), '--text-out', join(dir, out + '.txt'), '--now', '${now}');
      return join(dir, out);
    };
    const credential = cw('issue', '--key', join(dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', 'Chen Jing',
      '--id-number', 'R0000001', '--status', 'green', '--now', '${now}').trim();
    const before = sign(2, join(dir, 'root.key'), 'seq2-before.cwl');
    cw('revoke', '--list', join(dir, 'revoked.jsonl'), '--credential', credential);
    const copy = mkdtempSync(join(tmpdir(), 'cw-root-copy-'));
    copyFileSync(join(dir, 'root.key'), join(copy, 'root.key'));
    const after = sign(2, join(copy, 'root.key'), 'seq2-after.cwl');
    rmSync(copy, { recursive: true, force: true });
    process.stdout.write(JSON.stringify({ before, after, credential }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

before(async () => {
  ({ issuer, simulate, env, renderPage, waitFor, own, config } = setUpCheckpoint());
  lists = moreLists(issuer.dir, issuer.now);
});

after(() => issuer && issuer.cleanup());

beforeEach(() => {
  env.storage.items.clear();
  env.storage.broken = false;
  env.network.calls.length = 0;
  env.scans.queue.length = 0;
  env.scans.calls.length = 0;
  env.app.language = 'en';
  Object.assign(env.files, { picks: [], shares: [], shareAnswers: [], removed: [], broken: false });
  env.files.written.clear();
  useConfig(config);
});

const records = () =>
  [...env.storage.items.keys()].filter((k) => k.startsWith(RECORD)).map((k) => JSON.parse(env.storage.items.get(k))).sort((a, b) => a.seq - b.seq);
const text = (path) => readFileSync(`${path}.txt`, 'utf8').trim();

async function opened(properties) {
  const comp = renderPage(simulate, 'pages/checkpoint/index', properties);
  await waitFor(() => comp.data.state !== 'loading', 'the checkpoint starts');
  return comp;
}

// Taps `selector` and waits until `done()` holds.
async function tap(comp, selector, done, what = selector) {
  const el = comp.querySelector(selector);
  assert.ok(el, `${selector} on screen`);
  el.dispatchEvent('tap');
  await waitFor(done, what);
}

// Taps Scan (or `button`) with `result` next in the scanner (null: the scan
// is cancelled); waits for the page to settle.
async function scan(comp, result, button = '#scan') {
  if (result !== null) env.scans.queue.push({ result });
  const calls = env.scans.calls.length;
  await tap(comp, button, () => env.scans.calls.length > calls && comp.data.state !== 'scanning' && !comp.instance.busy, `scan of ${String(result).slice(0, 20)}`);
}

// A tube scanned (or typed) on the verdict screen; resolves to the tube line's {code, message}.
async function tube(comp, how, value) {
  comp.setData({ 'tube.code': 'pending' });
  const answered = () => comp.data.tube.code !== 'pending' && !comp.instance.busy;
  if (how === 'scan') {
    env.scans.queue.push({ result: value });
    await tap(comp, '#tube-scan', answered);
  } else {
    comp.querySelector('#tube-input').dispatchEvent('input', { detail: { value } });
    await waitFor(() => comp.data.tube.typed === value, 'the typed tube');
    await tap(comp, '#tube-save', answered);
  }
  return { code: comp.data.tube.code, message: comp.data.tube.message };
}

test('registration: an admitted person\'s tube is scanned or typed, checked and linked; codes in its place are refused in the verifier\'s words', async () => {
  for (const [platformLanguage, lang] of [['en', 'en'], ['zh_CN', 'zh-CN']]) {
    env.storage.items.clear();
    env.app.language = platformLanguage;
    const comp = await opened();
    await tap(comp, '#mode-registration', () => comp.data.settings.mode === 'registration');
    comp.querySelector('#station').dispatchEvent('blur', { detail: { value: '  Gate 3 ' } });
    await waitFor(() => comp.data.settings.station === 'Gate 3', 'the station saved');

    await scan(comp, issuer.credentials.valid);
    assert.equal(comp.data.verdict.decision, 'pass');
    assert.equal(comp.data.tube.message, t(lang, 'tubeNeeded'));
    assert.ok(comp.dom.textContent.includes(t(lang, 'tubeNeeded')));
    const tr = (key) => t(lang, key);
    assert.deepEqual(await tube(comp, 'scan', issuer.credentials.yellow), { code: 'tube_credential', message: tr('tube_credential') });
    assert.deepEqual(env.scans.calls.at(-1).scanType, ['barCode', 'qrCode'], 'the tube scanner reads barcodes');
    assert.deepEqual(await tube(comp, 'scan', text(issuer.trustListPath)), { code: 'tube_trust_list', message: tr('tube_trust_list') });
    assert.deepEqual(await tube(comp, 'type', 'ab'), { code: 'tube_pattern', message: tr('tube_pattern') });
    assert.deepEqual(await tube(comp, 'type', 'A'.repeat(100000)), { code: 'tube_pattern', message: tr('tube_pattern') });
    assert.deepEqual(await tube(comp, 'type', '   '), { code: 'tube_empty', message: tr('tube_empty') });
    // A cancelled tube scan changes nothing.
    const waiting = JSON.stringify(comp.data.tube);
    env.scans.queue.push({ fail: 'scanCode:fail cancel' });
    const calls = env.scans.calls.length;
    comp.querySelector('#tube-scan').dispatchEvent('tap');
    await waitFor(() => env.scans.calls.length > calls && !comp.instance.busy, 'the cancelled tube scan');
    assert.equal(JSON.stringify(comp.data.tube), waiting);
    assert.equal(records()[0].tube, null, 'no tube linked by a refused one');

    assert.deepEqual(await tube(comp, 'scan', 'TUBE-000123'), { code: 'linked', message: t(lang, 'tubeSaved', { tube: 'TUBE-000123' }) });
    assert.ok(comp.dom.textContent.includes(t(lang, 'tubeSaved', { tube: 'TUBE-000123' })));
    assert.equal(comp.dom.querySelector('.tube-input'), null, 'no tube field once linked');
    const [record] = records();
    assert.equal(records().length, 1, 'the record is rewritten, not doubled');
    assert.equal(record.mode, 'registration');
    assert.equal(record.tube, 'TUBE-000123');
    assert.equal(record.station, 'Gate 3');
    assert.equal(record.name, '张*丰');

    // A refused person gets no tube question; their record has no tube.
    await scan(comp, issuer.credentials.red, '#next');
    assert.equal(comp.data.verdict.decision, 'refuse');
    assert.equal(comp.dom.querySelector('.tube-input'), null);
    assert.equal(records().length, 2);
    comp.detach();
  }
  assert.equal(env.network.calls.length, 0);
});

// The log panel after `selector` is tapped, once its state is `state`.
async function logAfter(comp, selector, state) {
  comp.setData({ 'log.state': '' });
  await tap(comp, selector, () => comp.data.log.state === state && !comp.instance.exporting, `${selector} → ${state}`);
  return comp.data.log;
}

// Export of `count` records as `format`: the file written and offered with
// its button, then that button tapped (the platform shares only from a
// tap); the log panel once its state is `state`.
async function exported(comp, format, state, count) {
  const log = await logAfter(comp, `#export-${format}`, 'ready_to_share');
  const file = [...env.files.written.keys()].at(-1).split('/').pop();
  assert.equal(log.ready, own(comp.instance.lang)('exportReady', { file, count }));
  assert.ok(comp.dom.textContent.includes(log.ready));
  return logAfter(comp, '#export-share', state);
}

test('export and acknowledgement through the platform\'s file sharing', async () => {
  const comp = await opened();
  await scan(comp, issuer.credentials.valid);
  await scan(comp, issuer.credentials.red, '#next');
  await scan(comp, 'not a code', '#next');
  // Back to the Scan screen: "Next person" with the scanner cancelled.
  await scan(comp, null, '#next');
  assert.equal(comp.data.state, 'ready');
  assert.equal(records().length, 3);

  // The share fails: the file was written and offered, nothing counts.
  env.files.shareAnswers.push({ fail: 'shareFileMessage:fail share failed' });
  let log = await exported(comp, 'csv', 'not_shared', 3);
  assert.equal(log.message, own('en')('exportNotShared', { code: 'share_failed' }));
  assert.equal(env.files.shares.length, 1);
  assert.match(env.files.shares[0].fileName, /^checkpoint-log-.*\.csv$/);
  assert.match(env.files.shares[0].text, /^[a-z]/, 'a CSV with its header');
  assert.ok(!log.question, 'no question about a file that did not leave');
  assert.equal(env.files.written.size, 0, 'the file not shared is removed');
  log = await logAfter(comp, '#clear', 'nothing');
  assert.equal(log.message, t('en', 'clearNone'));

  // A cancelled share: the same.
  env.files.shareAnswers.push({ fail: 'shareFileMessage:fail cancel' });
  log = await exported(comp, 'csv', 'not_shared', 3);
  assert.equal(log.message, own('en')('exportNotShared', { code: 'cancelled' }));

  // Shared, but the user says it did not save.
  log = await exported(comp, 'jsonl', 'asking', 3);
  const shared = env.files.shares.at(-1);
  assert.equal(shared.text.trim().split('\n').length, 3, 'one line a record');
  assert.equal(log.question, t('en', 'exportQuestion', { file: shared.fileName, count: 3 }));
  assert.ok(comp.dom.textContent.includes(log.question));
  const batch = log.batch;
  log = await logAfter(comp, '#export-no', 'discarded');
  assert.equal(log.message, t('en', 'exportDiscarded', { batch }));
  log = await logAfter(comp, '#clear', 'nothing');
  assert.equal(log.message, t('en', 'clearNone'));
  assert.equal(records().length, 3);

  // Shared and saved; a person scanned while the question waits is not in the file.
  log = await exported(comp, 'csv', 'asking', 3);
  await scan(comp, issuer.credentials.yellow);
  await scan(comp, null, '#next');
  const file = env.files.shares.at(-1).fileName;
  const saved = log.batch;
  log = await logAfter(comp, '#export-yes', 'confirmed');
  assert.equal(log.message, t('en', 'exportConfirmed', { batch: saved, count: 3 }));
  await waitFor(() => env.files.removed.some((p) => p.endsWith(file)), 'the shared copy removed once answered');
  assert.ok(env.files.shares.every((x) => x.tapped), 'each share from a tap');

  // Deleting asks again, naming the count; "Cancel" keeps everything.
  log = await logAfter(comp, '#clear', 'asking');
  assert.equal(log.clearQuestion, t('en', 'clearQuestion', { count: 3 }));
  assert.equal(comp.querySelector('#clear-yes').dom.textContent, t('en', 'clearYes', { count: 3 }));
  log = await logAfter(comp, '#clear-no', 'cancelled');
  assert.equal(log.message, t('en', 'clearCancelled'));
  assert.equal(records().length, 4);
  await logAfter(comp, '#clear', 'asking');
  log = await logAfter(comp, '#clear-yes', 'cleared');
  assert.equal(log.message, t('en', 'clearedN', { count: 3 }));
  const left = records();
  assert.equal(left.length, 1, 'only the record after the export stays');
  assert.equal(left[0].decision, 'check');
  // The next export holds that one record.
  log = await exported(comp, 'csv', 'asking', 1);
  assert.equal(env.files.shares.at(-1).text.split('\n').filter(Boolean).length, 2, 'the header and the one record');
  comp.detach();
  assert.equal(env.network.calls.length, 0);
});

test('a full store: scanning stops, the log is still exported, confirmed and cleared, and scanning resumes', async () => {
  const comp = await opened();
  await scan(comp, issuer.credentials.valid);
  await scan(comp, issuer.credentials.yellow, '#next');
  // Fill the platform's 10 MB to within a few bytes.
  const KB = 1024;
  const used = () => [...env.storage.items].reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  for (let i = 0; used() < 10 * KB * KB - 600 * KB; i++) env.storage.items.set(`filler.${i}`, 'x'.repeat(500 * KB));
  env.storage.items.set('filler.last', 'x'.repeat(10 * KB * KB - used() - 64 - 'filler.last'.length));
  await scan(comp, issuer.credentials.red, '#next');
  assert.equal(comp.data.state, 'stopped');
  assert.equal(records().length, 2);

  let log = await exported(comp, 'csv', 'asking', 2);
  assert.equal(log.question, t('en', 'exportQuestion', { file: env.files.shares.at(-1).fileName, count: 2 }));
  const batch = log.batch;
  log = await logAfter(comp, '#export-yes', 'confirmed');
  assert.equal(log.message, t('en', 'exportConfirmedFull', { batch, count: 2 }), 'no room for the acknowledgement: kept in memory');
  await logAfter(comp, '#clear', 'asking');
  log = await logAfter(comp, '#clear-yes', 'cleared');
  assert.equal(log.message, `${t('en', 'clearedN', { count: 2 })} · ${t('en', 'logResume')}`);
  assert.equal(comp.data.state, 'ready');
  assert.equal(records().length, 0);
  for (const key of [...env.storage.items.keys()].filter((k) => k.startsWith('filler.'))) env.storage.items.delete(key);
  await scan(comp, issuer.credentials.valid);
  assert.equal(comp.data.state, 'verdict');
  assert.equal(records().length, 1);
  comp.detach();
});

test('export in Chinese; a file that cannot be written counts nothing', async () => {
  env.app.language = 'zh_CN';
  const comp = await opened();
  let log = await logAfter(comp, '#export-csv', 'nothing');
  assert.equal(log.message, t('zh-CN', 'exportNothing'));
  await scan(comp, issuer.credentials.valid);
  await scan(comp, null, '#next');
  env.files.broken = true;
  log = await logAfter(comp, '#export-csv', 'failed');
  assert.match(log.message, messagePattern((m) => own('zh-CN')('exportWriteFailed', { why: m })));
  env.files.broken = false;
  log = await exported(comp, 'csv', 'asking', 1);
  assert.equal(log.question, t('zh-CN', 'exportQuestion', { file: env.files.shares.at(-1).fileName, count: 1 }));
  const batch = log.batch;
  log = await logAfter(comp, '#export-yes', 'confirmed');
  assert.equal(log.message, t('zh-CN', 'exportConfirmed', { batch, count: 1 }));
  comp.detach();
});

test('a newer trust list by file is used and kept after reopening; older, reused and other-root lists are refused in words', async () => {
  const comp = await opened();
  assert.equal(comp.data.trust.sequence, 1);
  // The credential revoked in #2 passes under #1.
  await scan(comp, lists.credential);
  assert.equal(comp.data.verdict.decision, 'pass');
  await scan(comp, null, '#next');

  env.files.picks.push({ name: 'list.cwl', bytes: readFileSync(lists.after) });
  await tap(comp, '#list-file', () => comp.data.trust.code === 'accepted' && !comp.instance.busy);
  assert.equal(comp.data.trust.message, t('en', 'tlAccepted', { sequence: 2 }));
  assert.equal(comp.data.trust.sequence, 2);
  assert.ok(env.storage.items.has(LIST_KEY), 'kept in platform storage');
  await scan(comp, lists.credential);
  assert.equal(comp.data.verdict.reason, t('en', 'r_revoked'));
  await scan(comp, null, '#next');

  // The list from before the revocation, same number, by scanning its code.
  await scan(comp, text(lists.before));
  assert.equal(comp.data.note, t('en', 'tlReused', { sequence: 2, current: 2 }));
  assert.equal(comp.data.trust.code, 'sequence_reused');
  // The package's #1 by file: older.
  env.files.picks.push({ name: 'old.cwl', bytes: readFileSync(issuer.trustListPath) });
  await tap(comp, '#list-file', () => comp.data.trust.code === 'rollback' && !comp.instance.busy);
  assert.equal(comp.data.trust.message, t('en', 'tlRollback', { sequence: 1, current: 2 }));
  // Another root's list.
  const other = makeIssuer({ sequence: 9 });
  try {
    env.files.picks.push({ name: 'other.cwl', bytes: readFileSync(other.trustListPath) });
    await tap(comp, '#list-file', () => comp.data.trust.code === 'wrong_root' && !comp.instance.busy);
    assert.equal(comp.data.trust.message, t('en', 'tlWrongRoot'));
  } finally {
    other.cleanup();
  }
  // The same list again.
  env.files.picks.push({ name: 'list.cwl', bytes: readFileSync(lists.after) });
  await tap(comp, '#list-file', () => comp.data.trust.code === 'same' && !comp.instance.busy);
  assert.equal(comp.data.trust.message, t('en', 'tlSame', { sequence: 2 }));
  // A cancelled pick changes nothing; an unreadable file says so.
  const shown = comp.data.trust;
  const picks = env.files.picks.length;
  comp.querySelector('#list-file').dispatchEvent('tap');
  await waitFor(() => !comp.instance.busy && env.files.picks.length === picks, 'the cancelled pick');
  await waitFor(() => !comp.instance.busy);
  assert.equal(comp.data.trust.message, shown.message);
  env.files.picks.push({ name: 'huge.cwl', bytes: Buffer.alloc(16 * 1024 * 1024 + 1) });
  await tap(comp, '#list-file', () => comp.data.trust.code === 'too_large' && !comp.instance.busy);
  assert.equal(comp.data.trust.message, own('en')('fileFailed', { code: 'too_large' }));
  env.files.picks.push({ name: 'junk.cwl', bytes: Buffer.from('garbage') });
  await tap(comp, '#list-file', () => comp.data.trust.code === 'malformed' && !comp.instance.busy);
  assert.match(comp.data.trust.message, messagePattern((m) => t('en', 'tlBad', { reason: m })));
  assert.equal(comp.data.trust.sequence, 2, 'still #2');
  comp.detach();

  // Opened again, in Chinese: #2 from storage, over the package's #1.
  env.app.language = 'zh_CN';
  const again = await opened();
  assert.equal(again.data.trust.sequence, 2);
  assert.equal(again.data.notice, '');
  await scan(again, lists.credential);
  assert.equal(again.data.verdict.reason, t('zh-CN', 'r_revoked'));
  await scan(again, null, '#next');
  await scan(again, text(issuer.trustListPath));
  assert.equal(again.data.note, t('zh-CN', 'tlRollback', { sequence: 1, current: 2 }));
  again.detach();
  assert.equal(env.network.calls.length, 0);
});

test('a trust list by link: a newer one is taken on opening, an older one refused, a link without one said', async () => {
  const link = (path) => encodeURIComponent(text(path));
  let comp = await opened({ list: link(lists.after) });
  assert.equal(comp.data.trust.code, 'accepted');
  assert.equal(comp.data.trust.message, t('en', 'tlAccepted', { sequence: 2 }));
  assert.ok(comp.dom.textContent.includes(comp.data.trust.message));
  comp.detach();
  comp = await opened({ list: link(lists.before) });
  assert.equal(comp.data.trust.message, t('en', 'tlReused', { sequence: 2, current: 2 }));
  comp.detach();
  comp = await opened({ list: link(issuer.trustListPath) });
  assert.equal(comp.data.trust.message, t('en', 'tlRollback', { sequence: 1, current: 2 }));
  comp.detach();
  for (const junk of ['%E0%A4%A', 'CW1%3AABC', 'x'.repeat(100000)]) {
    comp = await opened({ list: junk });
    assert.equal(comp.data.trust.message, own('en')('linkNoList'), junk.slice(0, 10));
    assert.equal(comp.data.trust.sequence, 2);
    comp.detach();
  }
});

test('a damaged kept list, or one of another root, gives way to the package\'s list with a message', async () => {
  const other = makeIssuer();
  try {
    for (const stored of ['%%% not base64', readFileSync(other.trustListPath).toString('base64'), Buffer.from('junk').toString('base64')]) {
      env.storage.items.clear();
      env.storage.items.set(LIST_KEY, stored);
      const comp = await opened();
      assert.equal(comp.data.state, 'ready');
      assert.match(comp.data.notice, messagePattern((m) => t('en', 'tlReadFailed', { why: m })));
      assert.equal(comp.data.trust.sequence, 1, 'the package\'s list');
      assert.equal(env.storage.items.has(LIST_KEY), false, 'the damaged copy is gone');
      await scan(comp, issuer.credentials.valid);
      assert.equal(comp.data.verdict.decision, 'pass');
      comp.detach();
    }
  } finally {
    other.cleanup();
  }
});

test('a package list of another root: a list of the package\'s root scanned is taken, and only the trust problem goes from the notice', async () => {
  const other = makeIssuer();
  try {
    useConfig({ ...config, rootPublicKey: other.rootHex });
    env.storage.items.set(SETTINGS_KEY, 'damaged');
    const comp = await opened();
    const settingsWords = own('en')('settingsReset', { why: comp.data.notice.match(/\(([^)]*)\)/)[1] });
    assert.equal(comp.data.notice, `${settingsWords} ${t('en', 'tlWrongRoot')}`);
    await scan(comp, text(other.trustListPath));
    assert.equal(comp.data.trust.code, 'accepted');
    assert.equal(comp.data.notice, settingsWords);
    await scan(comp, other.credentials.valid);
    assert.equal(comp.data.verdict.decision, 'pass');
    comp.detach();
  } finally {
    other.cleanup();
  }
});

test('a newer package list replaces a kept older one; a list too large for one storage key is used for the session and said', async () => {
  // The package now carries #2: the kept #1 copy is not needed.
  env.storage.items.set(LIST_KEY, readFileSync(issuer.trustListPath).toString('base64'));
  useConfig({ ...config, trustListBase64: readFileSync(lists.after).toString('base64') });
  let comp = await opened();
  assert.equal(comp.data.trust.sequence, 2);
  assert.equal(env.storage.items.has(LIST_KEY), false);
  comp.detach();

  useConfig(config);
  comp = await opened();
  const set = env.wx.setStorageSync;
  env.wx.setStorageSync = (key, value) => {
    if (key === LIST_KEY) throw { errMsg: 'setStorageSync:fail exceed storage item max length' };
    set(key, value);
  };
  try {
    await scan(comp, text(lists.after));
  } finally {
    env.wx.setStorageSync = set;
  }
  assert.equal(comp.data.trust.code, 'accepted');
  assert.equal(comp.data.trust.sequence, 2);
  assert.match(comp.data.trust.problems, messagePattern((m) => t('en', 'tlNotSaved', { sequence: 2, why: m })));
  comp.detach();
});

test('the trust-list panel says when the list is stale by the stale-hours setting, or expired', async () => {
  const realNow = Date.now;
  const at = (hours) => {
    Date.now = () => realNow() + hours * 3600_000;
  };
  try {
    env.app.language = 'zh_CN';
    let comp = await opened();
    assert.equal(comp.data.trust.warning, '');
    comp.detach();
    at(25);
    comp = await opened();
    assert.equal(comp.data.trust.warning, t('zh-CN', 'tlStale', { limit: duration('zh-CN', 24 * 3600) }));
    assert.ok(comp.dom.textContent.includes(comp.data.trust.warning));
    // A longer limit: fresh again.
    comp.querySelector('#stale-hours').dispatchEvent('blur', { detail: { value: '48' } });
    await waitFor(() => comp.data.settings.staleHours === 48 && comp.data.trust.warning === '', 'fresh under 48 hours');
    comp.detach();
    at(24 * 8);
    comp = await opened();
    assert.match(comp.data.trust.warning, messagePattern((m) => t('zh-CN', 'tlExpired', { duration: m })));
    comp.detach();
  } finally {
    Date.now = realNow;
  }
});

test('settings: kept in platform storage, bounded, a damaged copy replaced by the defaults with a message', async () => {
  env.storage.items.set(SETTINGS_KEY, '{not json');
  let comp = await opened();
  assert.equal(comp.data.notice, own('en')('settingsReset', { why: comp.data.notice.match(/\((.*)\)/)[1] }));
  assert.deepEqual(comp.data.settings, { mode: 'tally', station: '', autoNext: 0, staleHours: 24 });
  for (const [label, key] of [['mode', 'mode'], ['station', 'station'], ['autoNext', 'autoNext'], ['staleHours', 'staleHours']]) {
    assert.ok(comp.dom.textContent.includes(t('en', key)), label);
  }
  const blur = async (selector, value, done) => {
    comp.querySelector(selector).dispatchEvent('blur', { detail: { value } });
    await waitFor(done, `${selector} = ${String(value).slice(0, 10)}`);
  };
  await blur('#station', 'S'.repeat(1000), () => comp.data.settings.station.length === 64);
  await blur('#stale-hours', '100000', () => comp.data.settings.staleHours === 720);
  await blur('#stale-hours', 'abc', () => comp.data.settings.staleHours === 24);
  await blur('#stale-hours', '2', () => comp.data.settings.staleHours === 2);
  await blur('#auto-next', '-5', () => comp.data.settings.autoNext === 0 && comp.data.settings.staleHours === 2);
  await blur('#auto-next', '1', () => comp.data.settings.autoNext === 1);
  await tap(comp, '#mode-registration', () => comp.data.settings.mode === 'registration');
  await tap(comp, '#mode-tally', () => comp.data.settings.mode === 'tally');
  assert.deepEqual(JSON.parse(env.storage.items.get(SETTINGS_KEY)), { mode: 'tally', station: 'S'.repeat(64), autoNext: 1, staleHours: 2 });

  // Auto next: after a verdict the scanner opens again by itself.
  await scan(comp, issuer.credentials.valid);
  assert.equal(comp.data.state, 'verdict');
  const calls = env.scans.calls.length;
  await waitFor(() => env.scans.calls.length > calls && comp.data.state === 'ready', 'the scanner opens again by itself');
  assert.equal(comp.data.note, own('en')('cancelled'));
  comp.detach();

  // Opened again: the same settings, no message.
  comp = await opened();
  assert.equal(comp.data.notice, '');
  assert.deepEqual(comp.data.settings, { mode: 'tally', station: 'S'.repeat(64), autoNext: 1, staleHours: 2 });
  // Storage refusing the write: said, and the settings hold for now.
  env.storage.broken = true;
  try {
    comp.querySelector('#station').dispatchEvent('blur', { detail: { value: 'Gate 9' } });
    await waitFor(() => comp.data.settings.station === 'Gate 9', 'the station for this session');
  } finally {
    env.storage.broken = false;
  }
  assert.match(comp.data.settingsProblem, messagePattern((m) => own('en')('settingsNotSaved', { why: m })));
  comp.detach();

  for (const damaged of ['[1,2]', 'null', JSON.stringify({ mode: 'party', station: 7, autoNext: 'soon', staleHours: -4 })]) {
    env.storage.items.set(SETTINGS_KEY, damaged);
    comp = await opened();
    assert.equal(comp.data.state, 'ready', damaged);
    assert.equal(comp.data.settings.mode, 'tally');
    assert.equal(comp.data.settings.station, '');
    assert.equal(comp.data.settings.autoNext, 0);
    assert.ok(comp.data.settings.staleHours >= 1);
    comp.detach();
  }
});

test('bad scans: an oversize value, an upload grant, a result without text; each said, none logged as a person but the refusal', async () => {
  env.app.language = 'zh_CN';
  const comp = await opened();
  await scan(comp, `CW1:${'A'.repeat(200000)}`);
  assert.equal(comp.data.verdict.decision, 'refuse');
  assert.equal(comp.data.verdict.reason, t('zh-CN', 'r_too_long'));
  await scan(comp, 'CWG1:ABCDEF', '#next');
  assert.equal(comp.data.state, 'ready');
  assert.equal(comp.data.note, own('zh-CN')('grantNotHere'));
  env.scans.queue.push({ result: undefined });
  const calls = env.scans.calls.length;
  await tap(comp, '#scan', () => env.scans.calls.length > calls && !comp.instance.busy);
  assert.equal(comp.data.note, own('zh-CN')('scanFailed', { code: 'scan_failed' }));
  assert.equal(records().length, 1, 'only the refused oversize code');
  comp.detach();
  assert.equal(env.network.calls.length, 0);
});

// The wallet page's pure helpers in Node, without a browser: link and
// fragment parsing, time formatting, what the code screen shows for each
// verdict, labels, selections, the refresh bookkeeping and the storage
// wrapper's memory fallback. Importing a page module has no side effects, so
// each is loaded here as it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { ROOT } from './harness.mjs';

const wallet = (file) => import(join(ROOT, 'www/wallet', file));

const { appearance, judge, duration, countdown, untilNextSecond } = await wallet('code-status.js');
const { dateTime } = await import(join(ROOT, 'www/shared/languages.js'));
const { createState, KEY } = await wallet('state.js');
const { problems, OFFLINE_KEY } = await wallet('view.js');
const { initialSelection } = await wallet('store.js');
const { moveTarget } = await wallet('people.js');
const { defaultLabel, noCredentialKey, errorMessage } = await wallet('import-rules.js');
const { extractCredential } = await import(join(ROOT, 'www/shared/links.js'));
const { firstCredential } = await wallet('scan.js');
const { refreshUrl } = await wallet('refresh.js');
const { staleRefreshKeys, refreshEntries } = await wallet('refresh-rules.js');
const { validRoot } = await wallet('trust.js');
const { MESSAGES } = await wallet('i18n.js');
const { drawable, keepShown } = await wallet('kept-card.js');
const { openStorage, memoryStorage } = await import(join(ROOT, 'www/shared/storage.js'));

/** A translator that shows the key and parameters it was asked for. */
const echo = (key, params = {}) => `${key}${JSON.stringify(params)}`;

test('importing any module of the page does nothing by itself', async () => {
  // No document, window or localStorage here: a module that touched them at import would throw.
  assert.equal(typeof globalThis.document, 'undefined');
  for (const file of readdirSync(join(ROOT, 'www/wallet')).filter((f) => f.endsWith('.js'))) {
    // The entry runs the page; the service worker and the decode worker run only as workers.
    if (file === 'main.js' || file === 'sw.js' || file === 'decode-worker.js') continue;
    await wallet(file);
  }
  assert.equal(typeof (await wallet('wallet.js')).start, 'function');
});

test('a credential is found in raw text, a link and a fragment', () => {
  const text = 'CW1:6BF%20A+B';
  assert.equal(extractCredential(text), text, 'raw Base45 keeps its % and spaces');
  assert.equal(extractCredential(`  ${text}\n`), text);
  assert.equal(extractCredential(`https://example.org/wallet/#${encodeURIComponent(text)}`), text);
  assert.equal(extractCredential('https://example.org/wallet/#CW1:ABC'), 'CW1:ABC');
  assert.equal(extractCredential(encodeURIComponent(text), true), text, 'a fragment is decoded');
  assert.equal(extractCredential('CW1%3AABC%20D'), 'CW1:ABC D', 'a pasted encoded code is decoded');
  assert.equal(extractCredential('cw1%3aABC'), null, 'the prefix is upper case');
  assert.equal(extractCredential('#CW1:%E0%A4%A'), 'CW1:%E0%A4%A', 'bad percent-encoding is kept as written');
  for (const none of ['', '   ', null, undefined, 'hello', 'https://example.org/wallet/', '#', 'CW2:ABC']) {
    assert.equal(extractCredential(none), null, String(none));
  }
});

test('what the card shows follows the core\'s refusal code', () => {
  assert.deepEqual(appearance(null, 'green'), { kind: 'green', statusKey: 'status_green', stampKey: null });
  assert.deepEqual(appearance(null, 'yellow'), { kind: 'yellow', statusKey: 'status_yellow', stampKey: null });
  assert.deepEqual(appearance(null, 'red'), { kind: 'red', statusKey: 'status_red', stampKey: null });
  assert.deepEqual(appearance('expired', 'green'), { kind: 'expired', statusKey: 'status_expired', stampKey: 'expiredStamp' });
  assert.deepEqual(appearance('not_yet_valid', 'green'), { kind: 'expired', statusKey: 'status_not_yet_valid', stampKey: 'invalidStamp' });
  assert.deepEqual(appearance('revoked', 'green'), { kind: 'invalid', statusKey: 'status_revoked', stampKey: 'invalidStamp' });
  assert.deepEqual(appearance('bad_signature', 'yellow'), { kind: 'invalid', statusKey: 'status_invalid', stampKey: 'invalidStamp' });
  // Every key the card can show exists in every language.
  for (const code of [null, 'expired', 'not_yet_valid', 'revoked', 'malformed']) {
    for (const status of ['green', 'yellow', 'red']) {
      const a = appearance(code, status);
      for (const table of Object.values(MESSAGES)) {
        assert.ok(a.statusKey in table, a.statusKey);
        if (a.stampKey) assert.ok(a.stampKey in table, a.stampKey);
      }
    }
  }
});

test('a code checked against the trust list shows the list\'s verdict and credential', () => {
  const stored = { status: 'green', displayName: 'C** Jing' };
  const verified = { status: 'red', displayName: 'C** Jing' };
  const entry = { text: 'CW1:X', credential: stored };
  const trust = (v) => ({ verify: (text, now) => { assert.equal(text, 'CW1:X'); assert.equal(now, 1000); return v; } });
  const ok = judge(trust({ valid: true, credential: verified, warnings: [] }), entry, 1000);
  assert.equal(ok.kind, 'red');
  assert.equal(ok.checked, true);
  assert.equal(ok.credential, verified);
  const revoked = judge(trust({ valid: false, code: 'revoked', credential: verified }), entry, 1000);
  assert.equal(revoked.statusKey, 'status_revoked');
  assert.equal(revoked.code, 'revoked');
});

test('without a trust list a code is judged by the core\'s time rule alone, as stored', () => {
  const entry = { text: 'CW1:X', credential: { status: 'yellow', displayName: 'C** Jing' } };
  const checkTime = (answer) => (text, now) => {
    assert.deepEqual([text, now], ['CW1:X', 1000]);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  const fine = judge(null, entry, 1000, checkTime(null));
  assert.deepEqual([fine.kind, fine.checked, fine.code, fine.credential], ['yellow', false, null, entry.credential]);
  assert.equal(judge(null, entry, 1000, checkTime({ code: 'expired' })).statusKey, 'status_expired');
  const broken = judge(null, entry, 1000, checkTime(Object.assign(new Error('bad'), { code: 'malformed' })));
  assert.deepEqual([broken.kind, broken.code], ['invalid', 'malformed']);
  // A verifying list that throws is treated as no list.
  const throwing = { verify: () => { throw new Error('freed'); } };
  assert.equal(judge(throwing, entry, 1000, checkTime(null)).checked, false);
});

test('a date the formatter cannot write is written as digits, the same in every language', () => {
  const original = Intl.DateTimeFormat;
  Intl.DateTimeFormat = function () { throw new RangeError('no Intl here'); };
  try {
    const local = new Date(86400 * 1000);
    const two = (n) => String(n).padStart(2, '0');
    const expected = `${local.getFullYear()}-${two(local.getMonth() + 1)}-${two(local.getDate())} ${two(local.getHours())}:${two(local.getMinutes())}`;
    assert.equal(dateTime('en', 86400), expected);
    assert.equal(dateTime('zh-CN', 86400), expected);
  } finally {
    Intl.DateTimeFormat = original;
  }
});

test('durations are days or h:mm:ss, never negative', () => {
  assert.equal(duration(echo, 0), 'hms{"d":0,"h":"00","m":"00","s":"00"}');
  assert.equal(duration(echo, 3661.9), 'hms{"d":0,"h":"01","m":"01","s":"01"}');
  assert.equal(duration(echo, 86399), 'hms{"d":0,"h":"23","m":"59","s":"59"}');
  assert.equal(duration(echo, 2 * 86400 + 5), 'days{"d":2,"h":"00","m":"00","s":"05"}');
  assert.equal(duration(echo, -5), 'hms{"d":0,"h":"00","m":"00","s":"00"}');
});

test('the countdown says starts in, left or expired ago', () => {
  const c = { notBefore: 100, expiresAt: 200 };
  const hms = (m, sec) => echo('hms', { d: 0, h: '00', m, s: sec });
  assert.equal(countdown(echo, c, 40), echo('startsIn', { time: hms('01', '00') }));
  assert.equal(countdown(echo, c, 100), echo('left', { time: hms('01', '40') }));
  assert.equal(countdown(echo, c, 199.5), echo('left', { time: hms('00', '00') }));
  assert.equal(countdown(echo, c, 200), echo('expiredAgo', { time: hms('00', '00') }));
  assert.equal(countdown(echo, c, 261), echo('expiredAgo', { time: hms('01', '01') }));
});

test('a date the formatter cannot take is shown as its number', () => {
  assert.equal(dateTime('en', 1e300), '1e+300');
  assert.match(dateTime('en', 0), /1970/);
  assert.match(dateTime('zh-CN', 0), /1970/);
});

test('the next tick lands just past the whole second', () => {
  assert.equal(untilNextSecond(5000), 1005);
  assert.equal(untilNextSecond(5999), 6);
});

test('a new person is labelled Me, by their name, or Person n', () => {
  const t = (key, p = {}) => `${key}${p.n ?? ''}`;
  const decode = () => ({ displayName: 'W** Fang' });
  assert.equal(defaultLabel(t, [], 'CW1:A', decode), 'me');
  assert.equal(defaultLabel(t, [{ label: 'Me' }], 'CW1:A', decode), 'W** Fang');
  assert.equal(defaultLabel(t, [{ label: 'Me' }, { label: 'W** Fang' }], 'CW1:A', decode), 'person3', 'a name already used is not repeated');
  assert.equal(defaultLabel(t, [{ label: 'Me' }], 'CW1:A', () => { throw new Error('malformed'); }), 'person2');
  assert.equal(noCredentialKey('  '), 'err_empty');
  assert.equal(noCredentialKey(null), 'err_empty');
  assert.equal(noCredentialKey('hello'), 'err_not_credential');
  assert.equal(firstCredential(['http://x', 'CW1:B', 'CW1:C']), 'CW1:B');
  assert.equal(firstCredential([]), undefined);
});

test('a stored selection is used only if it names a person', () => {
  assert.equal(initialSelection(2, 3), 2);
  for (const bad of [3, -1, 1.5, '1', null]) assert.equal(initialSelection(bad, 3), 0, String(bad));
  assert.equal(moveTarget('up', 0, 3), null);
  assert.equal(moveTarget('up', 2, 3), 1);
  assert.equal(moveTarget('down', 2, 3), null);
  assert.equal(moveTarget('down', 0, 3), 1);
});

test('errors and problems become message keys the tables hold', () => {
  assert.deepEqual(errorMessage({ code: 'duplicate' }), { key: 'err_duplicate', params: { max: 12 } });
  assert.deepEqual(errorMessage({ code: 'no_such_code', message: 'boom' }), { key: 'err_unknown', params: { message: 'boom' } });
  assert.deepEqual(errorMessage('odd'), { key: 'err_unknown', params: { message: 'odd' } });
  const base = { storage: { problem: null }, loadProblem: null, trustProblem: null };
  assert.deepEqual(problems(base), []);
  const all = problems({
    storage: { problem: 'denied' },
    loadProblem: { backedUp: false, reason: 'r', skipped: 1, backupKey: 'k' },
    trustProblem: { key: 'rootChanged', params: {} },
  });
  assert.deepEqual(all.map((p) => p.key), ['storageUnavailable', 'loadProblemNoBackup', 'rootChanged']);
  assert.equal(problems({ ...base, loadProblem: { backedUp: true } })[0].key, 'loadProblem');
  for (const table of Object.values(MESSAGES)) {
    for (const key of ['err_duplicate', 'err_unknown', 'storageUnavailable', 'loadProblem', 'loadProblemNoBackup', ...Object.values(OFFLINE_KEY)]) {
      assert.ok(key in table, key);
    }
  }
});

test('refresh bookkeeping: stale credentials forgotten, refresh links resolved', () => {
  const all = { trust: {}, 'credential:a': {}, 'credential:b': {}, other: {} };
  assert.deepEqual(staleRefreshKeys(all, ['a']), ['credential:b']);
  assert.deepEqual(staleRefreshKeys(all, ['a', 'b']), []);
  const base = 'https://pages.example/demo-data/config.json';
  assert.equal(refreshUrl('fresh/{id}.txt', 'x/y', base).href, 'https://pages.example/demo-data/fresh/x%2Fy.txt');
  assert.equal(refreshUrl('https://bucket.example/{id}', 'a b', base).href, 'https://bucket.example/a%20b');
  assert.equal(refreshUrl('javascript:alert({id})', 'a', base), null);
  assert.equal(refreshUrl('http://[broken/{id}', 'a', base), null);
  assert.equal(validRoot('ab'.repeat(32)), 'ab'.repeat(32));
  for (const bad of ['AB'.repeat(32), 'ab', null, 7]) assert.equal(validRoot(bad), null);
});

test('storage that refuses falls back to memory for the session and says why', () => {
  const refusing = {
    get localStorage() { throw Object.assign(new Error('denied'), { name: 'SecurityError' }); },
  };
  const s = openStorage('probe', refusing);
  assert.equal(s.problem, 'denied');
  assert.equal(s.readJson('k'), null);
  assert.equal(s.writeJson('k', { a: 1 }), true);
  assert.deepEqual(s.readJson('k'), { a: 1 });
  assert.equal(s.remove('k'), true);
  assert.equal(s.readJson('k'), null);

  const throwing = { getItem() { throw new Error('blocked'); }, setItem() { throw new Error('blocked'); } };
  assert.equal(openStorage('probe', { localStorage: throwing }).problem, 'blocked');
  assert.match(openStorage('probe', {}).problem, /getItem|undefined/);

  // Working storage is used as it is; a refusing write or bad JSON is no error.
  const raw = memoryStorage();
  raw.setItem('bad', '{');
  const ok = openStorage('probe', { localStorage: raw });
  assert.equal(ok.problem, null);
  assert.equal(ok.raw, raw);
  assert.equal(ok.readJson('bad'), null);
  raw.setItem = () => { throw new Error('quota'); };
  assert.equal(ok.writeJson('k', 1), false);
  ok.fallBack(new Error('the store refused'));
  assert.equal(ok.problem, 'the store refused');
  assert.notEqual(ok.raw, raw);
  assert.equal(ok.writeJson('k', 1), true);
});

test('the page starts in the saved language, else the browser\'s', () => {
  const storage = openStorage('probe', { localStorage: memoryStorage() });
  assert.equal(createState(storage, ['zh-TW', 'en']).lang, 'zh-CN');
  storage.writeJson(KEY.lang, 'en');
  storage.writeJson(KEY.config, { refreshUrl: 'r/{id}' });
  const app = createState(storage, ['zh-CN']);
  assert.equal(app.lang, 'en');
  assert.equal(app.t('title'), MESSAGES.en.title);
  assert.deepEqual(app.config, { refreshUrl: 'r/{id}' });
});

test('a kept card is drawn early only while its code is valid and well formed', () => {
  const kept = { svg: '<svg viewBox="0 0 29 29"></svg>', notBefore: 1000, expiresAt: 5000 };
  assert.equal(drawable(kept, 1000), true);
  assert.equal(drawable(kept, 4939), true);
  assert.equal(drawable(kept, 4941), false, 'not in its last minute: the core may already call it expired');
  assert.equal(drawable(kept, 999), false, 'not yet valid');
  assert.equal(drawable({ ...kept, svg: '<img onerror=x>' }, 2000), false);
  for (const bad of [null, undefined, 7, 'x', {}, { ...kept, svg: null }]) assert.equal(drawable(bad, 2000), false, String(bad));
});

test('the kept card is written only when it changes, and forgotten with null', () => {
  const raw = memoryStorage();
  let writes = 0;
  const setItem = raw.setItem;
  raw.setItem = (k, v) => { writes += 1; setItem(k, v); };
  raw.setItem('codewallet.shown', '{"svg":"<svg></svg>"}');
  const forget = { storage: openStorage('probe', { localStorage: raw }), keptShown: undefined };
  keepShown(forget, null);
  assert.equal(raw.getItem('codewallet.shown'), null, 'a card kept by an earlier session is forgotten');
  writes = 0;
  const app = { storage: openStorage('probe', { localStorage: raw }), keptShown: undefined };
  const shown = { svg: '<svg></svg>', kind: 'green', notBefore: 1, expiresAt: 2 };
  keepShown(app, shown);
  keepShown(app, { ...shown });
  assert.equal(writes, 1);
  assert.deepEqual(JSON.parse(raw.getItem('codewallet.shown')), shown);
  keepShown(app, null);
  assert.equal(raw.getItem('codewallet.shown'), null);
  keepShown(app, null);
  assert.equal(writes, 1);
});

test('the first view is preloaded by the page and cached by the worker; the rest loads when used', () => {
  const dir = join(ROOT, 'www/wallet');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]));
  const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
  const listed = (text, name) => [...text.slice(text.indexOf(`const ${name}`)).split('];')[0].matchAll(/'([^']+)'/g)].map((m) => m[1]);
  // The page's own files, and the shared modules the worker core adds to them.
  const core = readFileSync(join(ROOT, 'www/shared/sw-core.js'), 'utf8');
  const shell = new Set([...listed(sw, 'SHELL'), ...listed(core, 'SHARED_MODULES').map((f) => `../shared/${f}`)]);
  // The static imports of the entry and of wallet.js (which the entry loads at once).
  const seen = new Set();
  const walk = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(join(dir, file), 'utf8');
    for (const m of src.matchAll(/^import\b[^'"]*['"](\.[^'"]+)['"]/gm)) walk(posix.normalize(posix.join(posix.dirname(file), m[1])));
  };
  walk('main.js');
  walk('wallet.js');
  seen.delete('main.js');
  for (const file of seen) {
    assert.ok(preloaded.has(file), `${file} is preloaded`);
    assert.ok(shell.has(file), `${file} is cached`);
  }
  for (const file of preloaded) assert.ok(seen.has(file), `${file} is preloaded but not part of the first view`);
  for (const file of ['scan.js', 'refresh.js']) {
    assert.ok(!seen.has(file), `${file} is not part of the first view`);
    assert.ok(shell.has(file), `${file} is cached`);
  }
});

test('refreshEntries takes a newer code the core accepts, skips what is not due or not newer, and forgets people who left', async () => {
  const entry = (label, id, text) => ({ label, text, credential: { id } });
  const entries = [entry('Me', 'a', 'CW1:A1'), entry('Kid', 'b', 'CW1:B1'), entry('Gran', 'c', 'CW1:C1')];
  const replaced = [];
  const wallet = {
    entries: () => entries,
    replace(index, text) {
      if (text === 'CW1:B2') throw Object.assign(new Error('not newer'), { code: 'not_a_refresh' });
      entries[index] = entry(entries[index].label, `${entries[index].credential.id}2`, text);
      replaced.push(index);
    },
  };
  let stored = { 'credential:gone': { lastAttempt: 1, failures: 0, notBefore: 0 }, 'credential:c': { lastAttempt: Date.now(), failures: 0, notBefore: Date.now() + 3600e3 } };
  const book = { read: () => JSON.parse(JSON.stringify(stored)), write: (all) => { stored = JSON.parse(JSON.stringify(all)); } };
  const bodies = { 'u/a': 'CW1:A2', 'u/b': 'CW1:B2' };
  const fetched = [];
  const said = [];
  await refreshEntries({
    wallet, trust: {}, book, nowSecs: () => 1,
    urlFor: (id) => `u/${id}`,
    fetchText: async (url) => { fetched.push(url); return bodies[url]; },
    onReplaced: (label) => said.push(label),
  });
  assert.deepEqual(fetched, ['u/a', 'u/b'], 'c is not due yet');
  assert.deepEqual(replaced, [0]);
  assert.deepEqual(said, ['Me']);
  assert.equal(entries[0].text, 'CW1:A2');
  assert.equal(entries[1].text, 'CW1:B1', 'a code the core refuses leaves the old one');
  assert.ok(!('credential:gone' in stored), 'timing of a person no longer here is forgotten');
  assert.ok(!('credential:a' in stored) && stored['credential:a2'].failures === 0, 'the new code waits a full interval');
  assert.equal(stored['credential:b'].failures, 0, 'a refused code was still a good fetch');

  // Another window changed the store first: said, nothing replaced; a failed fetch backs off.
  let changed = 0;
  entries[1] = entry('Kid', 'b3', 'CW1:B3');
  await refreshEntries({
    wallet: { entries: () => entries, replace() { throw Object.assign(new Error('changed'), { code: 'changed_elsewhere' }); } },
    trust: {}, book, nowSecs: () => 1,
    urlFor: (id) => (id === 'b3' ? 'u/b3' : null),
    fetchText: async () => 'CW1:B4',
    onChangedElsewhere: () => { changed += 1; },
  });
  assert.equal(changed, 1);
  assert.equal(entries[1].text, 'CW1:B3');
});

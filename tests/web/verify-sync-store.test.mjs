// The checkpoint's background upload in Chromium against a real Garage node
// (scripts/garage, one per file): grants provisioned by file, link, pasted
// text and photo, refused for another root or store; registrations reach the
// store once each under the grant's station; the store down while scanning,
// a reload mid-upload, an expired grant, a flapping network; and a grant that
// cannot write under another station's prefix. What reached the store is
// counted by the real `codewallet collect` and read back with curl.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cw, makeIssuer, servePages, launchBrowser, startStore, release } from './harness.mjs';
import { openVerifier, pasteAndRead, nextPerson, qrImage, writePng } from './verify-util.mjs';

const work = mkdtempSync(join(tmpdir(), 'cw-sync-'));
const garageDir = join(work, 'garage');
const storeJson = join(garageDir, 'store.json');
let issuer, site, browser, garage, store;

before(async () => {
  issuer = makeIssuer();
  garage = startStore(garageDir);
  store = garage.config;
  site = await servePages(issuer, { storeOrigin: new URL(store.endpoint).origin });
  // The store answers the pages' origin (CORS), as scripts/garage --origin sets it.
  cw('store-cors', '--store', storeJson, '--origin', site.url);
  writeFileSync(join(work, 'lab.csv'), 'tube,result\n');
  writeFileSync(join(work, 'people.csv'), 'name,id_number,status\n');
  writeFileSync(join(work, 'issued.jsonl'), '');
  browser = await launchBrowser();
});

after(() => release(browser, site, garage, issuer, work));

/** A grant for `station` signed by `root` (the issuer's root by default); returns {file, text}. */
function grant(station, { root = join(issuer.dir, 'root.key'), storeFile = storeJson, hours = 72 } = {}) {
  const file = join(work, `${station}-${Math.random().toString(16).slice(2)}.cwg`);
  const text = cw('grant', '--root-key', root, '--store', storeFile, '--station', station, '--out', file,
    '--valid-hours', String(hours)).trim();
  return { file, text };
}

/** What `codewallet collect` finds in the whole bucket. */
function collect() {
  const r = spawnSync(CLI, ['collect', '--store', storeJson, '--lab', join(work, 'lab.csv'), '--people', join(work, 'people.csv'),
    '--issued', join(work, 'issued.jsonl'), '--out', join(work, 'out.csv')], { encoding: 'utf8' });
  const m = r.stderr.match(/(\d+) objects, (\d+) records \((\d+) tally\), (\d+) registrations/);
  assert.ok(m, r.stderr);
  return { objects: Number(m[1]), records: Number(m[2]), tallies: Number(m[3]), registrations: Number(m[4]) };
}
const minus = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, a[k] - b[k]]));
/**
 * What `n` registrations must add up to: each registered once. A record read
 * more than once is allowed: one uploaded before its tube was linked is
 * uploaded again with it, and collect keeps it once.
 */
function assertRegisteredOnce(d, n) {
  assert.equal(d.registrations, n);
  assert.ok(d.records >= n, `${d.records} records for ${n} registrations`);
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The store read back with SigV4 (curl): object keys under `prefix`, and one object's lines. */
function s3(path) {
  // Garage wants the payload's digest signed: that of an empty body.
  return execFileSync('curl', ['-sf', '-H', `x-amz-content-sha256: ${EMPTY_SHA256}`, '--aws-sigv4', `aws:amz:${store.region}:s3`, '--user', `${store.access_key_id}:${store.secret_access_key}`,
    `${store.endpoint}/${store.bucket}${path}`], { encoding: 'utf8' });
}
const listKeys = (prefix) => [...s3(`?list-type=2&prefix=${encodeURIComponent(prefix)}`).matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
const readObject = (key) => s3(`/${key}`).trim().split('\n').map((l) => JSON.parse(l));

/** Stops Garage, and starts it again on the same ports and data. */
function storeDown() { garage.stop(); }
/** Kills Garage at once (SIGKILL: no shutdown of its own) and waits until its port is closed. */
async function storeKilled() {
  process.kill(Number(readFileSync(join(garageDir, 'garage.pid'), 'utf8')), 'SIGKILL');
  for (let i = 0; ; i++) {
    const up = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${store.endpoint}/${store.bucket}`], { encoding: 'utf8' });
    if (up.stdout === '000') return;
    if (i > 200) throw new Error('garage did not die');
    await new Promise((ok) => setTimeout(ok, 50)); // polling the store's own state
  }
}
async function storeUp() {
  const logFd = openSync(join(garageDir, 'garage.log'), 'a');
  const child = spawn('garage', ['-c', join(garageDir, 'garage.toml'), 'server'], { detached: true, stdio: ['ignore', logFd, logFd], env: { ...process.env, RUST_LOG: 'warn' } });
  child.unref();
  writeFileSync(join(garageDir, 'garage.pid'), `${child.pid}\n`);
  for (let i = 0; ; i++) {
    const up = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `${store.endpoint}/${store.bucket}`], { encoding: 'utf8' });
    if (up.stdout !== '000') return;
    if (i > 200) throw new Error('garage did not come back');
    await new Promise((ok) => setTimeout(ok, 100)); // polling the store's own state
  }
}

async function newPage(settings = { autoNext: 0, mode: 'registration' }, { clock = false } = {}) {
  const context = await browser.newContext();
  if (clock) await context.clock.install();
  const page = await openVerifier(context, site, settings);
  return { context, page };
}

let tubes = 0;
/** One person registered with a tube through the page. */
async function register(page) {
  const verdict = await pasteAndRead(page, issuer.credentials.valid);
  assert.equal(verdict.decision, 'pass');
  const tube = `T-${String(++tubes).padStart(6, '0')}`;
  await page.fill('#v-tube', tube);
  await page.press('#v-tube', 'Enter');
  await page.waitForSelector(`#v-tube-msg[data-tube="${tube}"]`);
  await nextPerson(page);
  return tube;
}

const syncState = (page) => page.evaluate(() => ({ ...document.getElementById('sync-state').dataset, text: document.getElementById('sync-state').textContent }));
const waitSync = (page, state, waiting, timeout = 30_000) => page.waitForSelector(
  `#sync-state[data-state=${state}]${waiting === undefined ? '' : `[data-waiting="${waiting}"]`}`, { timeout });
const waitUploaded = (page) => waitSync(page, 'idle', 0);

/** Provisions a grant for `station` as pasted text; waits until the page shows it. */
async function pasteGrant(page, station, options) {
  await page.fill('#paste', grant(station, options).text);
  await page.click('#check-btn');
  await page.waitForSelector(`#grant-info[data-station=${station}]`);
}

/** Runs the page's clock past the retry time it shows (a page with the clock installed). */
async function pastRetryTime(page) {
  const { retryAt } = await syncState(page);
  const now = await page.evaluate(() => Date.now());
  await page.clock.fastForward(Math.max(0, Number(retryAt) - now) + 1000);
}

test('sync: a grant from a file is shown and kept; registrations reach the store once each, under its station', async () => {
  const { context, page } = await newPage();
  try {
    assert.equal(await page.getAttribute('#grant-info', 'data-state'), 'none');
    await register(page);
    assert.equal((await syncState(page)).state, 'none');
    assert.match((await syncState(page)).text, /no upload grant\. 1 records/);
    const before = collect();
    const g = grant('SH-FILE');
    await page.setInputFiles('#grant-file', g.file);
    await page.waitForSelector('#grant-msg[data-code=accepted]');
    const info = await page.textContent('#grant-info');
    assert.match(info, /station SH-FILE · bucket http:\/\/127\.0\.0\.1:\d+\/codewallet · valid until /);
    assert.equal(await page.inputValue('#set-station'), 'SH-FILE');
    for (let i = 0; i < 4; i++) await register(page);
    await waitUploaded(page);
    assert.match((await syncState(page)).text, /^All records uploaded, last upload \d\d:\d\d/);
    const d = minus(collect(), before);
    assert.deepEqual([d.records, d.tallies, d.registrations], [5, 0, 5]);
    const keys = listKeys('registrations/SH-FILE/');
    for (const key of keys) assert.match(key, /^registrations\/SH-FILE\/[0-9a-f]{16}-\d+-\d+\.jsonl$/);
    const uploaded = keys.flatMap(readObject);
    assert.equal(uploaded.length, 5);
    assert.equal(new Set(uploaded.map((r) => r.id)).size, 5);
    // Registered before the grant: the station typed (none); after: the grant's.
    assert.deepEqual(uploaded.map((r) => r.station), ['', 'SH-FILE', 'SH-FILE', 'SH-FILE', 'SH-FILE']);
    assert.ok(uploaded.slice(1).every((r) => /^T-\d{6}$/.test(r.tube)));
    // Kept across a reload.
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForSelector('#grant-info[data-station=SH-FILE]');
    await waitUploaded(page);
    assert.equal((await page.$eval('#log-summary', (el) => el.dataset.acknowledged)), '5');
  } finally {
    await context.close();
  }
});

test('sync: a grant by link, by pasted text or by photo is taken; another root\'s or another store\'s is refused', async () => {
  const { context, page } = await newPage();
  try {
    const rogue = join(work, 'rogue-root.key');
    cw('keygen', '--out', rogue);
    const other = join(work, 'other-store.json');
    writeFileSync(other, JSON.stringify({ ...store, endpoint: 'http://127.0.0.1:9' }));
    await page.setInputFiles('#grant-file', grant('SH-R', { root: rogue }).file);
    await page.waitForSelector('#grant-msg[data-code=wrong_root]');
    assert.match(await page.textContent('#grant-msg'), /another root key/);
    await page.setInputFiles('#grant-file', grant('SH-O', { storeFile: other }).file);
    await page.waitForSelector('#grant-msg[data-code=other_store]');
    assert.match(await page.textContent('#grant-msg'), /writes to http:\/\/127\.0\.0\.1:9, not to this deployment’s store http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(await page.getAttribute('#grant-info', 'data-state'), 'none');
    // A link.
    await page.goto(`${site.url}/verify/#${encodeURIComponent(grant('SH-LINK').text)}`);
    await page.waitForSelector('#grant-info[data-station=SH-LINK]');
    assert.equal(await page.evaluate(() => location.hash), '');
    // A link opened on a device that has the root already: the grant waits for config.json.
    const opened = await context.newPage();
    await opened.goto(`${site.url}/verify/#${encodeURIComponent(grant('SH-LINK2').text)}`);
    await opened.waitForSelector('#grant-msg[data-code]');
    assert.equal(await opened.getAttribute('#grant-msg', 'data-code'), 'accepted');
    await opened.close();
    // Pasted text, as a scanned QR gives it.
    await pasteGrant(page, 'SH-PASTE');
    assert.equal(await page.isVisible('#verdict'), false, 'a grant is no verdict');
    // A photo of its QR code.
    const png = join(work, 'grant.png');
    writePng(png, await qrImage(grant('SH-PHOTO').text, { width: 800, height: 800, scale: 4 }));
    await page.setInputFiles('#photo-input', png);
    await page.waitForSelector('#grant-info[data-station=SH-PHOTO]', { timeout: 30_000 });
  } finally {
    await context.close();
  }
});

test('sync: with the store down, scanning goes on and records queue; back up, each is uploaded once', async () => {
  const { context, page } = await newPage(undefined, { clock: true });
  try {
    await pasteGrant(page, 'SH-DOWN');
    const before = collect();
    storeDown();
    for (let i = 0; i < 3; i++) await register(page);
    await waitSync(page, 'unreachable');
    // Scanning is not held up by the failing store.
    for (let i = 0; i < 2; i++) await register(page);
    await waitSync(page, 'unreachable', 5);
    const down = await syncState(page);
    assert.match(down.text, /^Store unreachable: 5 records waiting, retrying at \d\d:\d\d/);
    assert.equal((await page.$eval('#log-summary', (el) => el.dataset.total)), '5');
    await storeUp();
    await pastRetryTime(page);
    await waitUploaded(page);
    const d = minus(collect(), before);
    assertRegisteredOnce(d, 5);
  } finally {
    await context.close();
  }
});

test('sync: the store killed mid-upload loses and doubles nothing once it is back', async () => {
  const { context, page } = await newPage(undefined, { clock: true });
  try {
    await pasteGrant(page, 'SH-KILL');
    const before = collect();
    // The first upload is passed on to the store by hand, and the store is
    // killed when half of it has arrived: the page never gets an answer.
    let halfSent;
    const killed = new Promise((ok) => { halfSent = ok; });
    await page.route(`${store.endpoint}/**`, async (route) => {
      const request = route.request();
      const body = request.postDataBuffer();
      const out = httpRequest(request.url(), { method: 'POST', headers: await request.allHeaders() });
      out.on('error', () => {}); // the store dies under it
      await new Promise((ok) => out.write(body.subarray(0, body.length >> 1), ok));
      await storeKilled();
      out.destroy();
      await route.abort('connectionreset');
      halfSent(body.length >> 1);
    }, { times: 1 });
    for (let i = 0; i < 3; i++) await register(page);
    assert.ok(await killed > 0);
    await waitSync(page, 'unreachable');
    // Scanning goes on with the store dead; every record waits.
    for (let i = 0; i < 2; i++) await register(page);
    await waitSync(page, 'unreachable', 5);
    assert.equal(await page.$eval('#log-summary', (el) => el.dataset.acknowledged), '0');
    await storeUp();
    await pastRetryTime(page);
    await waitUploaded(page);
    const d = minus(collect(), before);
    assertRegisteredOnce(d, 5);
    assert.equal(new Set(listKeys('registrations/SH-KILL/').flatMap(readObject).map((r) => r.id)).size, 5);
  } finally {
    await context.close();
  }
});

test('sync: reloaded mid-upload, the same key is sent again and collect finds each record once', async () => {
  const { context, page } = await newPage();
  try {
    const before = collect();
    // The first upload reaches the store, but its answer never reaches the page: it is reloaded.
    let reached;
    const stored = new Promise((ok) => { reached = ok; });
    await page.route(`${store.endpoint}/**`, async (route) => {
      const response = await route.fetch();
      reached(response.status());
    }, { times: 1 });
    for (let i = 0; i < 3; i++) await register(page);
    await page.fill('#paste', grant('SH-RELOAD').text);
    await page.click('#check-btn');
    assert.equal(await stored, 204);
    const first = listKeys('registrations/SH-RELOAD/');
    assert.equal(first.length, 1);
    assert.equal((await page.$eval('#log-summary', (el) => el.dataset.acknowledged)), '0');
    // Scanning goes on meanwhile; then the page is reloaded.
    await register(page);
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await waitUploaded(page);
    // The batch went again under its key, the later record in a batch of its own.
    const keys = listKeys('registrations/SH-RELOAD/');
    assert.equal(keys.length, 2);
    assert.ok(keys.includes(first[0]), 'the same key again');
    assert.equal(readObject(first[0]).length, 3);
    const d = minus(collect(), before);
    assert.deepEqual(d, { objects: 2, records: 4, tallies: 0, registrations: 4 });
  } finally {
    await context.close();
  }
});

test('sync: an expired grant says so, uploads nothing and keeps the queue', async () => {
  const { context, page } = await newPage(undefined, { clock: true });
  try {
    await pasteGrant(page, 'SH-EXP', { hours: 1 });
    await register(page);
    await waitUploaded(page);
    const requests = [];
    page.on('request', (r) => { if (r.url().startsWith(store.endpoint)) requests.push(r.url()); });
    await page.clock.fastForward('01:01:00');
    await waitSync(page, 'expired');
    await page.waitForSelector('#grant-info[data-state=expired]');
    assert.match(await page.textContent('#grant-info'), /^Upload grant of station SH-EXP EXPIRED on .*: uploads stopped/);
    for (let i = 0; i < 2; i++) await register(page);
    await waitSync(page, 'expired', 2);
    assert.match((await syncState(page)).text, /^Upload grant expired: uploads stopped, 2 records kept on this device/);
    await page.clock.fastForward('05:00');
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await waitSync(page, 'expired', 2);
    assert.deepEqual(requests, []);
    assert.equal(listKeys('registrations/SH-EXP/').length, 1);
    // A new grant takes the queue up.
    await page.fill('#paste', grant('SH-EXP', { hours: 72 }).text);
    await page.click('#check-btn');
    await waitUploaded(page);
    assert.equal(listKeys('registrations/SH-EXP/').flatMap(readObject).length, 3);
  } finally {
    await context.close();
  }
});

test('sync: a flapping network loses and doubles nothing', async () => {
  const { context, page } = await newPage();
  try {
    await pasteGrant(page, 'SH-FLAP');
    const before = collect();
    let n = 0;
    for (let round = 0; round < 4; round++) {
      await register(page); n++;
      await context.setOffline(true);
      // The upload due now finds the network gone (or loses it on the way).
      await page.waitForSelector('#sync-state:is([data-state=offline], [data-state=unreachable])');
      await register(page); n++;
      await register(page); n++;
      await context.setOffline(false);
    }
    await waitUploaded(page);
    const d = minus(collect(), before);
    assertRegisteredOnce(d, n);
    const ids = listKeys('registrations/SH-FLAP/').flatMap(readObject).map((r) => r.id);
    assert.equal(new Set(ids).size, n);
  } finally {
    await context.close();
  }
});

test('sync: a station\'s grant cannot write under another station\'s prefix (the store refuses)', async () => {
  const { context, page } = await newPage();
  try {
    const g = grant('SH-A');
    const post = (key) => page.evaluate(async ({ text, root, key }) => {
      const m = await import('/pkg/reader/codewallet.js');
      await m.default();
      const grant = m.openGrant(new TextEncoder().encode(text), root);
      const form = new FormData();
      for (const [name, value] of grant.fields) form.append(name, value);
      form.append('key', key);
      form.append('file', new Blob(['{"id":"x","mode":"tally"}\n']), 'x.jsonl');
      return (await fetch(grant.endpoint, { method: 'POST', body: form })).status;
    }, { text: g.text, root: issuer.rootHex, key });
    assert.equal(await post('registrations/SH-A/probe-1-1.jsonl'), 204);
    for (const key of ['registrations/SH-B/probe-1-1.jsonl', 'registrations/probe.jsonl', 'refresh/x.txt']) {
      const status = await post(key);
      assert.ok(status === 400 || status === 403, `${key}: ${status}`);
    }
    assert.deepEqual(listKeys('registrations/SH-B/'), []);
  } finally {
    await context.close();
  }
});

// A whole round, as a city runs it, with every part real: 200 people hold
// their "awaiting result" code in family wallets; two checkpoints register
// them, half each, with a sample tube through their cameras (Chromium's fake
// capture fed a video of the queue: a person's code, then their tube); the
// pages upload the registrations to Garage by themselves; the lab's CSV is joined by `codewallet
// collect`; `issue-batch` signs the new codes and `publish` puts them in the
// public refresh bucket; each wallet's own refresh then shows its people's new
// codes, with the status the lab found for their tube.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cw, makeIssuer, servePages, launchBrowser, startStore, release } from './harness.mjs';
import { openVerifier, qrImage } from './verify-util.mjs';

const PEOPLE = 200;
const FAMILY = 12; // the wallet's limit of people on one phone
const STATIONS = 2; // checkpoints, each with its own camera, grant and half of the queue
const WIDTH = 320;
const HEIGHT = 240;
const FPS = 20;
// 0.4 s in front of the camera: a brisk queue, yet long enough that a page on a
// loaded machine still sees every code (a missed tube would be a wrong link).
const FRAMES_PER_CODE = 8;
const RESULTS = { negative: 'green', positive: 'red', inconclusive: 'yellow' };

const work = mkdtempSync(join(tmpdir(), 'cw-round-'));
const path = (name) => join(work, name);
let issuer, site, store;
const browsers = [];

/** The queue as the checkpoint's camera sees it: each person's code, then their tube; then nobody. */
async function writeQueueVideo(file, people) {
  const fd = openSync(file, 'w');
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const frame = (luma, n) => { for (let i = 0; i < n; i++) { writeSync(fd, 'FRAME\n'); writeSync(fd, luma); writeSync(fd, chroma); } };
  writeSync(fd, `YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`);
  const empty = Buffer.alloc(WIDTH * HEIGHT, 200);
  frame(empty, FPS); // the camera starting up
  for (const p of people) {
    for (const text of [p.text, p.tube]) {
      frame(Buffer.from((await qrImage(text, { width: WIDTH, height: HEIGHT, scale: 3 })).luma), FRAMES_PER_CODE);
    }
  }
  frame(empty, 10 * FPS); // the queue is done (before the file starts over)
  closeSync(fd);
}

before(async () => {
  issuer = makeIssuer();
  store = startStore(path('garage'));
  site = await servePages(issuer, { storeOrigin: new URL(store.config.endpoint).origin, refreshUrl: `${store.config.refresh_url}refresh/{id}.txt` });
  cw('store-cors', '--store', store.file, '--origin', site.url);
});

after(() => release(...browsers, site, store, issuer, work));

/** The lab's finding for the i-th tube: one in seven positive, one in eleven inconclusive, else negative. */
const labResult = (i) => (i % 7 === 3 ? 'positive' : i % 11 === 5 ? 'inconclusive' : 'negative');
const jsonl = (file) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test(`a round: ${PEOPLE} people registered with tubes by camera, uploaded, joined with the lab, refreshed in their wallets`, async () => {
  // The people and their codes, awaiting a result.
  const rows = Array.from({ length: PEOPLE }, (_, i) => ({ name: `Person ${String(i).padStart(3, '0')}`, id: `R${String(i).padStart(8, '0')}` }));
  writeFileSync(path('people.csv'), `name,id_number,status\n${rows.map((r) => `${r.name},${r.id},yellow`).join('\n')}\n`);
  cw('issue-batch', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--input', path('people.csv'), '--output', path('issued.jsonl'));
  const people = jsonl(path('issued.jsonl')).map((row, i) => ({
    ...row, tube: `T-${String(i + 1).padStart(6, '0')}`, result: labResult(i),
  }));
  assert.equal(people.length, PEOPLE);

  // Each checkpoint's camera is a browser of its own (Chromium's fake capture reads one file per launch).
  const queues = Array.from({ length: STATIONS }, (_, s) => people.filter((_, i) => i % STATIONS === s));
  for (const [s, queue] of queues.entries()) {
    await writeQueueVideo(path(`queue-${s}.y4m`), queue);
    browsers.push(await launchBrowser({ fakeVideo: path(`queue-${s}.y4m`) }));
  }

  // Families of up to twelve, each wallet holding its people's codes.
  const wallets = [];
  for (let f = 0; f * FAMILY < PEOPLE; f++) {
    const context = await browsers[0].newContext({ locale: 'en-US' });
    await context.clock.install();
    const page = await context.newPage();
    await page.goto(`${site.url}/wallet/`);
    await page.waitForSelector('html[data-ready="true"]');
    const members = people.slice(f * FAMILY, (f + 1) * FAMILY);
    for (const [i, p] of members.entries()) {
      await page.fill('#add-label', '');
      await page.fill('#add-text', p.text);
      await page.click('#add-paste');
      await page.waitForFunction((n) => document.querySelectorAll('#tabs .tab').length === n, i + 1);
    }
    wallets.push({ context, page, members });
  }

  // The checkpoints: registration mode, each its station's upload grant, the cameras on at once.
  const checkpoints = await Promise.all(queues.map(async (queue, s) => {
    const context = await browsers[s].newContext();
    await context.grantPermissions(['camera'], { origin: site.url });
    const page = await openVerifier(context, site, { mode: 'registration', autoNext: 0.1 });
    const station = `ROUND-0${s + 1}`;
    const grantText = cw('grant', '--root-key', join(issuer.dir, 'root.key'), '--store', store.file,
      '--station', station, '--out', path(`${station}.cwg`)).trim();
    await page.fill('#paste', grantText);
    await page.click('#check-btn');
    await page.waitForSelector(`#grant-info[data-station=${station}]`);
    return { page, queue };
  }));
  const started = Date.now();
  await Promise.all(checkpoints.map(async ({ page, queue }) => {
    await page.click('#scan-btn');
    await page.waitForSelector(`#log-summary[data-total="${queue.length}"]`, { state: 'attached', timeout: 5 * 60_000 });
    await page.click('#scan-btn');
  }));
  const scanned = (Date.now() - started) / 1000;
  for (const { page } of checkpoints) {
    await page.waitForSelector('#sync-state[data-state=idle][data-waiting="0"]', { timeout: 60_000 });
  }
  console.log(`# ${PEOPLE} people registered by camera at ${STATIONS} checkpoints in ${scanned.toFixed(1)} s; all uploaded`);

  // The lab's results by tube; collect joins them with the registrations.
  writeFileSync(path('lab.csv'), `tube,result\n${people.map((p) => `${p.tube},${p.result}`).join('\n')}\n`);
  const collect = spawnSync(CLI, ['collect', '--store', store.file, '--lab', path('lab.csv'),
    '--people', path('people.csv'), '--issued', path('issued.jsonl'), '--out', path('results.csv'), '--report', path('problems.jsonl')],
  { encoding: 'utf8' });
  assert.equal(collect.status, 0, `${collect.stderr}\n${readFileSync(path('problems.jsonl'), 'utf8')}`);
  // (A record is uploaded again once its tube is linked: more records than registrations.)
  assert.match(collect.stderr, new RegExp(`\\(0 tally\\), ${PEOPLE} registrations: ${PEOPLE} people with a result, 0 awaiting the lab; 0 problems`));

  // New codes signed and published to the refresh bucket.
  cw('issue-batch', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--input', path('results.csv'), '--output', path('refreshed.jsonl'));
  cw('publish', '--store', store.file, '--input', path('refreshed.jsonl'));
  const fresh = new Map(jsonl(path('refreshed.jsonl')).map((r) => [r.replaces, r]));
  assert.equal(fresh.size, PEOPLE);

  // Each wallet, the next time it looks (its backoff after the earlier misses is past), shows the new codes.
  for (const { page: wallet, members } of wallets) {
    await wallet.clock.fastForward('03:00:00');
    await wallet.reload();
    await wallet.waitForFunction((texts) => {
      const stored = localStorage.getItem('codewallet.wallet') || '';
      return texts.every((t) => stored.includes(t));
    }, members.map((m) => fresh.get(m.id).text), { timeout: 60_000 });
    const tabs = wallet.locator('#tabs .tab');
    assert.equal(await tabs.count(), members.length);
    for (const [i, member] of members.entries()) {
      await tabs.nth(i).click();
      const renewed = fresh.get(member.id);
      await wallet.waitForSelector(`#qr[data-text="${renewed.text}"]`);
      assert.equal(await wallet.getAttribute('#status', 'data-status'), RESULTS[member.result], member.name);
    }
  }
  console.log(`# ${PEOPLE} wallets' codes refreshed: ${[...fresh.values()].filter((r) => r.status === 'red').length} red, `
    + `${[...fresh.values()].filter((r) => r.status === 'yellow').length} yellow, ${[...fresh.values()].filter((r) => r.status === 'green').length} green`);
});

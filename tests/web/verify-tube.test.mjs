// Sample tubes in registration mode, in Chromium: only a code matching the
// deployment's pattern is linked, a health code, wallet link or trust list
// never is (said in both languages, typed or in front of the camera), and a
// wrong tube is corrected by an audit record that both export formats show
// beside the registration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeIssuer, servePages, launchBrowser } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson, qrImage, readVerdict } from './verify-util.mjs';

/** Serves the pages with `extra` added to demo-data/config.json. */
async function serveWithConfig(issuer, extra) {
  const site = await servePages(issuer);
  const path = join(site.dir, 'demo-data/config.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...extra }));
  return site;
}

async function offerTube(page, text) {
  await page.evaluate(() => { delete document.getElementById('v-tube-msg').dataset.code; });
  await page.fill('#v-tube', text);
  await page.press('#v-tube', 'Enter');
  await page.waitForSelector('#v-tube-msg[data-code]');
  return { code: await page.getAttribute('#v-tube-msg', 'data-code'), text: await page.textContent('#v-tube-msg') };
}

async function exportFile(page, button) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  await page.waitForSelector('#export-confirm:not([hidden])');
  const text = readFileSync(await download.path(), 'utf8');
  await page.click('#export-no');
  await page.waitForSelector('#export-confirm', { state: 'hidden' });
  return text;
}

test('registration: a tube must match the configured pattern; a health code, wallet link or trust list is never a tube', async () => {
  const issuer = makeIssuer();
  const site = await serveWithConfig(issuer, { tubePattern: 'T-[0-9]{4}' });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-2', autoNext: 0 });
    await goOffline(context, page, site);
    await page.waitForSelector('body[data-tube-pattern="T-[0-9]{4}"]');
    assert.equal((await pasteAndRead(page, issuer.credentials.valid)).code, 'valid');
    // The next person's code, as text and as a wallet link; a trust list; a poster.
    let r = await offerTube(page, issuer.credentials.yellow);
    assert.deepEqual(r, { code: 'tube_credential', text: 'That is a health code, not a sample tube: scan the tube’s barcode' });
    r = await offerTube(page, `${site.url}/wallet/#${issuer.credentials.yellow}`);
    assert.equal(r.code, 'tube_credential');
    r = await offerTube(page, readFileSync(`${issuer.trustListPath}.txt`, 'utf8').trim());
    assert.deepEqual(r, { code: 'tube_trust_list', text: 'That is a trust list, not a sample tube: scan the tube’s barcode' });
    r = await offerTube(page, 'POSTER-2026');
    assert.equal(r.code, 'tube_pattern');
    assert.match(r.text, /^Not a sample tube barcode/);
    assert.equal(await page.isVisible('#v-tube-wrap'), true, 'still waiting for the tube');
    r = await offerTube(page, 'T-0001');
    assert.equal(r.code, 'linked');
    assert.equal(await page.getAttribute('#v-tube-msg', 'data-tube'), 'T-0001');
    await nextPerson(page);
    // In Chinese.
    await page.selectOption('#lang', 'zh-CN');
    assert.equal((await pasteAndRead(page, issuer.credentials.red)).code, 'valid');
    r = await offerTube(page, issuer.credentials.valid);
    assert.deepEqual(r, { code: 'tube_credential', text: '这是健康码，不是采样管：请扫描采样管上的条码' });
    r = await offerTube(page, 'XT-00012');
    assert.deepEqual(r, { code: 'tube_pattern', text: '不是采样管条码（格式不符）：请检查采样管后重新扫描' });
    await nextPerson(page);
    // What was logged: one tube, the one that matched.
    await page.click('#log-panel summary');
    const rows = (await exportFile(page, '#export-jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => x.tube), ['T-0001', null]);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('registration: the last tube is corrected; the registration stays and the correction is in both exports, across a reload', async () => {
  const issuer = makeIssuer();
  // A broken pattern: the default is used, and the page says so.
  const site = await serveWithConfig(issuer, { tubePattern: '([' });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-5', autoNext: 0 });
    await goOffline(context, page, site);
    await page.waitForSelector('body[data-tube-pattern="[A-Z0-9-]{6,20}"]');
    assert.match(await page.textContent('#log-msg'), /tube pattern is invalid: using the default \[A-Z0-9-\]\{6,20\}/);
    assert.equal(await page.isHidden('#tube-fix'), true, 'nothing to correct yet');
    await pasteAndRead(page, issuer.credentials.valid);
    assert.equal((await offerTube(page, 'TUBE-0001')).code, 'linked');
    await nextPerson(page);
    await pasteAndRead(page, issuer.credentials.yellow);
    assert.equal((await offerTube(page, 'TUBE-0009')).code, 'linked'); // the wrong tube
    await nextPerson(page);

    await page.click('#log-panel summary');
    await page.waitForSelector('#tube-fix[data-tube="TUBE-0009"]');
    assert.match(await page.textContent('#tube-fix-last'), /^Last registration: M\S* · .+ · tube TUBE-0009$/);
    await page.fill('#tube-fix-input', issuer.credentials.red);
    await page.click('#tube-fix-save');
    await page.waitForSelector('#tube-fix-msg[data-code=tube_credential]');
    await page.fill('#tube-fix-input', 'TUBE-0002');
    await page.press('#tube-fix-input', 'Enter');
    await page.waitForSelector('#tube-fix-msg[data-code=corrected]');
    assert.equal(await page.textContent('#tube-fix-msg'), 'Tube corrected: TUBE-0002 replaces TUBE-0009 (both kept in the log)');
    await page.waitForSelector('#tube-fix[data-tube="TUBE-0002"]');

    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    await page.click('#log-panel summary');
    await page.waitForSelector('#tube-fix[data-tube="TUBE-0002"]');
    assert.equal(await page.getAttribute('#log-summary', 'data-total'), '3');

    const rows = (await exportFile(page, '#export-jsonl')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(rows.map((x) => [x.kind, x.tube, x.previousTube, x.station]), [
      ['scan', 'TUBE-0001', null, 'Gate-5'],
      ['scan', 'TUBE-0009', null, 'Gate-5'],
      ['correction', 'TUBE-0002', 'TUBE-0009', 'Gate-5'],
    ]);
    assert.equal(rows[2].corrects, rows[1].id);
    assert.equal(rows[2].credentialId, rows[1].credentialId);
    const csv = (await exportFile(page, '#export-csv')).trim().split('\r\n');
    const header = csv[0].split(',');
    const cells = csv.map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
    assert.deepEqual(cells.slice(1).map((c) => [c.kind, c.id, c.tube, c.corrects, c.previousTube]), [
      ['scan', rows[0].id, 'TUBE-0001', '', ''],
      ['scan', rows[1].id, 'TUBE-0009', '', ''],
      ['correction', rows[2].id, 'TUBE-0002', rows[1].id, 'TUBE-0009'],
    ]);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

/** A Y4M video (grey, 10 frames a second) showing each image for `frames` frames in turn. */
function writeVideo(path, images, frames = 15) {
  const { width, height } = images[0];
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (const { luma } of images) {
    for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), Buffer.from(luma), chroma);
  }
  writeFileSync(path, Buffer.concat(parts));
}

test('registration by camera: the next person\'s code and a poster in view are not taken as the tube', async () => {
  const issuer = makeIssuer();
  const dir = mkdtempSync(join(tmpdir(), 'cw-y4m-'));
  const video = join(dir, 'queue.y4m');
  // The camera sees, in a loop: one person's code, the next person's, a poster.
  writeVideo(video, [
    await qrImage(issuer.credentials.valid), await qrImage(issuer.credentials.yellow),
    await qrImage('WELCOME TO GATE 3'),
  ]);
  const site = await servePages(issuer);
  const browser = await launchBrowser({ fakeVideo: video });
  try {
    const context = await browser.newContext();
    await context.grantPermissions(['camera'], { origin: site.url });
    const page = await openVerifier(context, site, { mode: 'registration', station: 'Gate-4', autoNext: 0 });
    await goOffline(context, page, site);
    await page.click('#scan-btn');
    const first = await readVerdict(page);
    assert.equal(first.code, 'valid');
    await page.waitForSelector('#v-tube-msg[data-code=tube_credential]');
    await page.waitForSelector('#v-tube-msg[data-code=tube_pattern]');
    assert.equal(await page.getAttribute('#v-tube-msg', 'data-tube'), null, 'no tube linked');
    assert.equal(await page.isVisible('#v-tube-wrap'), true);
    // The tube itself, typed: linked.
    await page.fill('#v-tube', 'TUBE-0042');
    await page.press('#v-tube', 'Enter');
    await page.waitForSelector('#v-tube-msg[data-tube="TUBE-0042"]');
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});

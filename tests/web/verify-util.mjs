// Helpers of the verifier's browser tests: pictures of QR codes written in
// Node (PNG files and a Y4M "camera" video), and opening the verifier with its
// service worker in control.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { ROOT, cw } from './harness.mjs';

const require = createRequire(import.meta.url);
const { PNG } = require('pngjs');

let core = null;
/** The core wasm module, loaded in Node. */
export async function loadCore() {
  if (!core) {
    core = await import(join(ROOT, 'www/pkg/core/codewallet.js'));
    core.initSync({ module: readFileSync(join(ROOT, 'www/pkg/core/codewallet_bg.wasm')) });
  }
  return core;
}

/** A grey image `{width, height, luma}` with the QR of `text` centred on white. */
export async function qrImage(text, { width = 640, height = 480, scale = 4 } = {}) {
  const { size, modules } = (await loadCore()).qrMatrix(text);
  const luma = new Uint8Array(width * height).fill(235);
  const side = size * scale;
  if (side > width || side > height) throw new Error(`QR of ${size} modules does not fit at scale ${scale}`);
  const x0 = Math.floor((width - side) / 2), y0 = Math.floor((height - side) / 2);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      if (modules[Math.floor(y / scale) * size + Math.floor(x / scale)]) luma[(y0 + y) * width + x0 + x] = 16;
    }
  }
  return { width, height, luma };
}

/** Writes a Y4M video (4:2:0, grey) showing `image` for `frames` frames. */
export function writeY4m(path, { width, height, luma }, frames = 10) {
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let i = 0; i < frames; i++) parts.push(Buffer.from('FRAME\n'), Buffer.from(luma), chroma);
  writeFileSync(path, Buffer.concat(parts));
}

/** Writes a grey image as a PNG. */
export function writePng(path, { width, height, luma }) {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(luma);
  writeFileSync(path, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
}

/** A valid PNG header and data for a huge white image, without holding its pixels. */
export function writeHugePng(path, width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const head = Buffer.alloc(8); head.writeUInt32BE(data.length, 0); head.write(type, 4, 'ascii');
    const tail = Buffer.alloc(4); tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; ihdr[9] = 0; // 1-bit grey
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff); row[0] = 0;
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  writeFileSync(path, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/** Loads the verifier at `url` and waits until it is ready. */
export async function loadVerifier(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]');
}

/**
 * Opens the verifier with settings (localStorage) set before it starts, waits
 * until it is ready and its service worker controls the page.
 */
export async function openVerifier(context, site, settings = { autoNext: 0 }) {
  await context.addInitScript((s) => {
    if (!localStorage.getItem('cw.verify.settings')) localStorage.setItem('cw.verify.settings', s);
  }, JSON.stringify(settings));
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await loadVerifier(page, `${site.url}/verify/`);
  await page.waitForFunction(() => navigator.serviceWorker.controller);
  return page;
}

/** Cuts the network (browser offline and server stopped), then reloads from the service worker. */
export async function goOffline(context, page, site) {
  await context.setOffline(true);
  await site.stop();
  await page.reload();
  await page.waitForSelector('body[data-ready=true]');
  // Loading is done (the icon too) before the scan path is watched for requests.
  await page.waitForLoadState('networkidle');
}

/** Shows the verdict of pasted text; returns `{code, decision, tone, icon, headline, reason, detail, name, issuer, warnings}`. */
export async function pasteAndRead(page, text) {
  await page.fill('#paste', text);
  await page.click('#check-btn');
  return readVerdict(page);
}

export async function readVerdict(page) {
  await page.waitForSelector('#verdict:not([hidden])');
  return page.evaluate(() => {
    const el = document.getElementById('verdict');
    const text = (id) => document.getElementById(id).textContent;
    return {
      code: el.dataset.code, decision: el.dataset.decision, tone: el.dataset.tone, icon: text('v-icon'),
      headline: text('v-headline'), reason: text('v-reason'), detail: text('v-detail'), name: text('v-name'),
      issuer: text('v-issuer'),
      warnings: [...document.querySelectorAll('#v-warnings li')].map((li) => li.textContent),
    };
  });
}

export async function nextPerson(page) {
  await page.click('#v-next');
  await page.waitForSelector('#verdict', { state: 'hidden' });
}

/**
 * Two different trust lists with one sequence `seq`, as an issuer could once
 * sign them: `before` (signed first, with the key's own sequence record) and
 * `after` (the same configuration once `credential`, a new green code, is
 * revoked), signed with a copy of the root key file elsewhere, whose sequence
 * record is its own. Each path has its `CWL1:` text beside it (`.txt`).
 */
export function sameSequencePair(issuer, seq) {
  const credential = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC', '--name', 'Chen Jing',
    '--id-number', 'R0000001', '--status', 'green', '--now', String(issuer.now)).trim();
  const before = issuer.trustList(seq, `seq${seq}-before.cwl`);
  cw('revoke', '--list', join(issuer.dir, 'revoked.jsonl'), '--credential', credential);
  const copy = mkdtempSync(join(tmpdir(), 'cw-root-copy-'));
  try {
    copyFileSync(join(issuer.dir, 'root.key'), join(copy, 'root.key'));
    const after = join(issuer.dir, `seq${seq}-after.cwl`);
    cw('trust-list', '--config', join(issuer.dir, 'trust.json'), '--root-key', join(copy, 'root.key'),
      '--revoked', join(issuer.dir, 'revoked.jsonl'), '--out', after, '--text-out', `${after}.txt`, '--now', String(issuer.now));
    return { before, after, credential };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

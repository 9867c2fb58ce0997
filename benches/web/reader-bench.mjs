// QR reader benchmark: this project's reader (the reader wasm), zxing-wasm,
// @zxing/library and jsqr (and with --rqrr the previous reader, rqrr), on the
// same generated camera frames, in Node and in headless Chromium, in one run.
// Two frame models: examples/frames.rs (the one the reader was first built
// on) and the second, independent one of examples/camera_frames.rs, whose
// tuning set and test set differ in seeds and ranges; both regenerated here.
// Each decoder gets the frame as RGBA (what a canvas gives) and converts what
// it needs inside the timed call. Reports frames read (right text) per
// condition, wrong texts, reads of frames without a code, and the median and
// 95th percentile time per frame, found or not; writes bench-results/reader.txt.
//
// Usage: node benches/web/reader-bench.mjs [--frames N] [--hd-frames N]
//   [--camera-hd N] [--sets tuning,test,frames] [--no-browser] [--rqrr]
// (needs the reader wasm: scripts/test or `source scripts/lib.sh; build_wasm`;
// and the libraries it compares against: `source scripts/lib.sh; ensure_npm benches/web`).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, extname } from 'node:path';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = process.env.CARGO_TARGET_DIR || join(ROOT, 'target');
const WORK = join(TARGET, 'bench/reader');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const FRAMES = opt('--frames', 200);
const HD_FRAMES = opt('--hd-frames', 40);
const CAMERA_HD = opt('--camera-hd', 60);
const BROWSER = !args.includes('--no-browser');
const RQRR = args.includes('--rqrr');
const i_sets = args.indexOf('--sets');
const WANT = i_sets >= 0 ? args[i_sets + 1].split(',') : ['tuning', 'test', 'frames'];
const log = (...a) => console.error('==>', ...a);

// ---------------------------------------------------------------- inputs

function run(cmd, cmdArgs) {
  execFileSync(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

function frames(count, width, height) {
  const dir = join(WORK, `frames-${width}x${height}-${count}`);
  if (!existsSync(join(dir, 'index.json'))) {
    log(`generating ${count} frames of ${width}×${height}`);
    run('cargo', ['run', '--quiet', '--release', '--example', 'frames', '--', dir, String(count), String(width), String(height)]);
  }
  return { dir, index: JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) };
}

// The second model; regenerated when its generator is newer than the frames.
function cameraFrames(model, width, height, codes, empty) {
  const dir = join(WORK, `camera-${model}-${width}x${height}-${codes}-${empty}`);
  const gen = ['tests/it/camera.rs', 'examples/camera_frames.rs'].map((f) => statSync(join(ROOT, f)).mtimeMs);
  const index = join(dir, 'index.json');
  if (!existsSync(index) || statSync(index).mtimeMs < Math.max(...gen)) {
    log(`generating ${model} frames of ${width}×${height}`);
    run('cargo', ['run', '--quiet', '--release', '--example', 'camera_frames', '--', dir, model, String(width), String(height), String(codes), String(empty)]);
  }
  return { dir, index: JSON.parse(readFileSync(index, 'utf8')) };
}

if (!existsSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm'))) {
  log('building the wasm modules');
  run('bash', ['-c', 'source scripts/lib.sh; build_wasm']);
}
// The verifier's module built the same way without the reader (its own
// checkpoint bindings kept, as they are not the reader's): what the
// reader adds to it is the difference (bound: 25 KB gzipped). Rebuilt each
// run, as the reader module may be newer.
log('building the verifier module without the reader, for its size');
run('bash', ['-c', 'source scripts/lib.sh; ensure_wasm_tools; build_wasm_module noreader wasm-reader -O3 --no-default-features --features checkpoint']);
if (RQRR && !existsSync(join(ROOT, 'www/pkg/rqrr-baseline/codewallet_bg.wasm'))) {
  log('building the rqrr baseline wasm');
  run('bash', ['-c', 'source scripts/lib.sh; ensure_wasm_tools; build_wasm_module rqrr-baseline wasm-reader -O3 --features rqrr-baseline']);
}
const SETS = [];
for (const model of ['tuning', 'test']) {
  if (!WANT.includes(model)) continue;
  SETS.push({ model, label: '640×480', ...cameraFrames(model, 640, 480, 300, 20) });
  if (CAMERA_HD > 0) SETS.push({ model, label: '1280×720', ...cameraFrames(model, 1280, 720, CAMERA_HD, 0) });
}
if (WANT.includes('frames')) {
  SETS.push({ model: 'frames.rs', label: '640×480', ...frames(FRAMES, 640, 480) });
  if (HD_FRAMES > 0) SETS.push({ model: 'frames.rs', label: '1280×720', ...frames(HD_FRAMES, 1280, 720) });
}

/** PGM (P5) or PPM (P6), 8-bit, bytes → RGBA pixels. */
function pgmToRgba(bytes) {
  let pos = 0;
  const fields = [];
  while (fields.length < 4) {
    while (bytes[pos] === 0x20 || bytes[pos] === 0x0a || bytes[pos] === 0x0d || bytes[pos] === 0x09) pos++;
    let s = '';
    while (bytes[pos] > 0x20) s += String.fromCharCode(bytes[pos++]);
    fields.push(s);
  }
  pos++;
  const [width, height] = [Number(fields[1]), Number(fields[2])];
  const rgba = new Uint8ClampedArray(width * height * 4);
  const colour = fields[0] === 'P6';
  for (let i = 0; i < width * height; i++) {
    if (colour) {
      rgba[4 * i] = bytes[pos + 3 * i]; rgba[4 * i + 1] = bytes[pos + 3 * i + 1]; rgba[4 * i + 2] = bytes[pos + 3 * i + 2];
    } else {
      const v = bytes[pos + i];
      rgba[4 * i] = v; rgba[4 * i + 1] = v; rgba[4 * i + 2] = v;
    }
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba };
}

// ---------------------------------------------------------------- decoders
// One definition for Node and the page (passed there as source text).

function makeDecoders({ cw, baseline, zxingWasm, ZXing, jsQR }) {
  const zxHints = new Map([[ZXing.DecodeHintType.TRY_HARDER, true]]);
  const zxReader = new ZXing.QRCodeReader();
  const texts = (f) => { try { return f(); } catch { return []; } };
  return [
    { name: 'codewallet', decode: (w, h, rgba) => texts(() => cw.scanRgba(w, h, rgba)) },
    ...(baseline ? [{ name: 'rqrr (previous)', decode: (w, h, rgba) => texts(() => baseline.scanRgba(w, h, rgba)) }] : []),
    {
      name: 'zxing-wasm',
      decode: async (w, h, rgba) => (await zxingWasm.readBarcodes({ data: rgba, width: w, height: h }, { formats: ['QRCode'] }))
        .filter((r) => r.isValid).map((r) => r.text),
    },
    {
      name: '@zxing/library',
      decode: (w, h, rgba) => texts(() => {
        const luma = new Uint8ClampedArray(w * h);
        for (let i = 0; i < w * h; i++) luma[i] = (rgba[4 * i] * 77 + rgba[4 * i + 1] * 150 + rgba[4 * i + 2] * 29) >> 8;
        const bitmap = new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(new ZXing.RGBLuminanceSource(luma, w, h)));
        return [zxReader.decode(bitmap, zxHints).getText()];
      }),
    },
    { name: 'jsqr', decode: (w, h, rgba) => { const r = jsQR(rgba, w, h); return r ? [r.data] : []; } },
  ];
}

// Per set and decoder: for each frame, read (the right text), wrong (a text
// that is not the frame's, or any text from a frame without a code), and ms.
async function measure(decoders, sets, loadFrame) {
  const results = [];
  for (const set of sets) {
    const frames = [];
    for (const f of set.index) frames.push({ ...(await loadFrame(set, f.file)), text: f.text });
    for (const d of decoders) {
      // Warm-up, as a camera stream gives: the engines compile hot wasm and
      // JavaScript functions with their optimising tier only after some calls.
      for (const f of frames.slice(0, 10)) await d.decode(f.width, f.height, f.rgba);
      const per = [];
      for (const f of frames) {
        const t0 = performance.now();
        const out = await d.decode(f.width, f.height, f.rgba);
        const ms = performance.now() - t0;
        per.push([f.text !== '' && out.includes(f.text) ? 1 : 0, out.some((t) => t !== f.text) ? 1 : 0, ms]);
      }
      results.push({ model: set.model, set: set.label, name: d.name, per });
    }
  }
  return results;
}

// ---------------------------------------------------------------- Node

async function inNode() {
  const require = createRequire(import.meta.url);
  const cw = await import(join(ROOT, 'www/pkg/reader/codewallet.js'));
  cw.initSync({ module: readFileSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm')) });
  let baseline = null;
  if (RQRR) {
    baseline = await import(join(ROOT, 'www/pkg/rqrr-baseline/codewallet.js'));
    baseline.initSync({ module: readFileSync(join(ROOT, 'www/pkg/rqrr-baseline/codewallet_bg.wasm')) });
  }
  const zxingWasm = await import('zxing-wasm/reader');
  const wasmBinary = readFileSync(join(ROOT, 'benches/web/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm'));
  await zxingWasm.prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  const decoders = makeDecoders({ cw, baseline, zxingWasm, ZXing: require('@zxing/library'), jsQR: require('jsqr') });
  return measure(decoders, SETS, (set, file) => pgmToRgba(readFileSync(join(set.dir, file))));
}

// ---------------------------------------------------------------- Chromium

async function inBrowser() {
  const { launchBrowser } = await import(join(ROOT, 'tests/web/harness.mjs'));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
    // Everything from disk under one made-up origin: no server, no network.
    await page.route('http://bench.test/**', (route) => {
      const path = decodeURIComponent(new URL(route.request().url()).pathname);
      if (path === '/') return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>reader bench</title>' });
      const file = path.startsWith('/frames/') ? join(WORK, path.slice('/frames/'.length)) : join(ROOT, path);
      if (!file.startsWith(ROOT) && !file.startsWith(WORK)) return route.fulfill({ status: 403 });
      if (!existsSync(file)) return route.fulfill({ status: 404 });
      return route.fulfill({ body: readFileSync(file), contentType: types[extname(file)] || 'application/octet-stream' });
    });
    await page.goto('http://bench.test/');
    await page.addScriptTag({ url: '/benches/web/node_modules/@zxing/library/umd/index.min.js' });
    await page.addScriptTag({ url: '/benches/web/node_modules/jsqr/dist/jsQR.js' });
    const sets = SETS.map((s) => ({ model: s.model, label: s.label, dir: s.dir.slice(WORK.length + 1), index: s.index }));
    return await page.evaluate(async ({ sets, makeDecodersSrc, measureSrc, pgmSrc, rqrr }) => {
      const makeDecoders = eval(`(${makeDecodersSrc})`);
      const measure = eval(`(${measureSrc})`);
      const pgmToRgba = eval(`(${pgmSrc})`);
      const cw = await import('/www/pkg/reader/codewallet.js');
      await cw.default();
      let baseline = null;
      if (rqrr) {
        baseline = await import('/www/pkg/rqrr-baseline/codewallet.js');
        await baseline.default();
      }
      const zxingWasm = await import('/benches/web/node_modules/zxing-wasm/dist/es/reader/index.js');
      await zxingWasm.prepareZXingModule({
        overrides: { locateFile: (p) => `/benches/web/node_modules/zxing-wasm/dist/reader/${p}` },
        fireImmediately: true,
      });
      const decoders = makeDecoders({ cw, baseline, zxingWasm, ZXing: window.ZXing, jsQR: window.jsQR });
      return measure(decoders, sets, async (set, file) =>
        pgmToRgba(new Uint8Array(await (await fetch(`/frames/${set.dir}/${file}`)).arrayBuffer())));
    }, { sets, makeDecodersSrc: makeDecoders.toString(), measureSrc: measure.toString(), pgmSrc: pgmToRgba.toString(), rqrr: RQRR });
  } finally {
    await browser.close();
  }
}

// ---------------------------------------------------------------- report

const gz = (path) => gzipSync(readFileSync(join(ROOT, path)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const module = (name) => gz(`www/pkg/${name}/codewallet_bg.wasm`) + gz(`www/pkg/${name}/codewallet.js`);
const sizes = [
  ['codewallet reader wasm (whole module: core + reader)', module('reader')],
  ['the same module built without the reader', module('noreader')],
  ['  what the reader adds (bound: 25 KB)', module('reader') - module('noreader')],
  ['codewallet core wasm (the wallet\'s, built for size)', module('core')],
  ...(RQRR ? [['rqrr-baseline wasm (core + rqrr)', gz('www/pkg/rqrr-baseline/codewallet_bg.wasm') + gz('www/pkg/rqrr-baseline/codewallet.js')]] : []),
  ['zxing-wasm reader (wasm + ES glue)', gz('benches/web/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm') + gz('benches/web/node_modules/zxing-wasm/dist/es/reader/index.js') + gz('benches/web/node_modules/zxing-wasm/dist/es/share.js')],
  ['@zxing/library (umd min)', gz('benches/web/node_modules/@zxing/library/umd/index.min.js')],
  ['jsqr', gz('benches/web/node_modules/jsqr/dist/jsQR.js')],
];

log('Node');
const node = await inNode();
let browser = [];
if (BROWSER) {
  log('headless Chromium');
  browser = await inBrowser();
}

const pct = (times, p) => {
  const t = [...times].sort((a, b) => a - b);
  return t[Math.min(t.length - 1, Math.floor(t.length * p))];
};
// Rows of the table: everything, then each condition label, then time.
const ROWS = ['low contrast', 'tilt 28–35°', '6–7 px per module', 'light on dark', 'blur 0.3–0.45 × pitch'];

function table(rows, set) {
  const mine = rows.filter((r) => r.model === set.model && r.set === set.label);
  if (!mine.length) return [];
  const names = mine.map((r) => r.name);
  const index = set.index;
  const withCode = index.map((f, i) => [f, i]).filter(([f]) => f.text !== '');
  const empty = index.length - withCode.length;
  const out = [];
  const cell = (s, n) => String(s).padStart(n);
  out.push(`${'frames'.padEnd(34)}${names.map((n) => cell(n, 16)).join('')}`);
  const line = (label, idx) => out.push(`${`${label} (${idx.length})`.padEnd(34)}${mine.map((r) => cell(idx.filter((i) => r.per[i][0]).length, 16)).join('')}`);
  line(`all with a code`, withCode.map(([, i]) => i));
  if (index.some((f) => f.labels)) {
    for (const label of ROWS) line(label, withCode.filter(([f]) => f.labels.includes(label)).map(([, i]) => i));
  }
  out.push(`${'wrong texts'.padEnd(34)}${mine.map((r) => cell(r.per.filter((p, i) => p[1] && index[i].text !== '').length, 16)).join('')}`);
  if (empty) out.push(`${`reads of frames with no code (${empty})`.padEnd(34)}${mine.map((r) => cell(r.per.filter((p, i) => p[1] && index[i].text === '').length, 16)).join('')}`);
  out.push(`${'median / p95 ms per frame'.padEnd(34)}${mine.map((r) => { const t = r.per.map((p) => p[2]); return cell(`${pct(t, 0.5).toFixed(1)} / ${pct(t, 0.95).toFixed(1)}`, 16); }).join('')}`);
  return out;
}

const lines = [
  `QR reader benchmark (${new Date().toISOString().slice(0, 10)}, benches/web/reader-bench.mjs)`,
  'Frames: tuning and test sets of examples/camera_frames.rs (300 with a code and 20 without at 640×480,',
  `${CAMERA_HD} with a code at 1280×720, each), and examples/frames.rs seeds 0..${FRAMES} (640×480) and 0..${HD_FRAMES} (1280×720).`,
  'Time per frame, found or not.',
  '',
];
for (const [where, rows] of [['Node ' + process.version, node], ['headless Chromium', browser]]) {
  if (!rows.length) continue;
  for (const set of SETS) {
    lines.push(`${where}: ${set.model} set, ${set.label}`, ...table(rows, set), '');
  }
}
lines.push('Gzipped size (gzip -9)');
for (const [name, n] of sizes) lines.push(`  ${name.padEnd(54)} ${kb(n).padStart(9)}`);
const text = lines.join('\n') + '\n';
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results/reader.txt'), text);
if (process.env.READER_BENCH_JSON) writeFileSync(process.env.READER_BENCH_JSON, JSON.stringify({ node, browser, sets: SETS.map((s) => ({ model: s.model, label: s.label, index: s.index })) }));
process.stdout.write(text);

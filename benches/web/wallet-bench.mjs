// Wallet benchmarks: what the page costs to download, how fast the code is on
// screen offline, and QR rendering against the npm library a web team would
// otherwise ship. Prints a table and writes bench-results/wallet.txt.
//
// Usage: node benches/web/wallet-bench.mjs [runs]   (after scripts/test or
// `source scripts/lib.sh; build_wasm` and `cargo build --bin codewallet`; the
// libraries it compares against: `source scripts/lib.sh; ensure_npm benches/web`)

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from '../../tests/web/harness.mjs';
import { FIRST_VIEW_BUDGET, firstViewFiles, gz, sizeOf } from '../../tests/web/first-view.mjs';

const RUNS = Math.max(20, Number(process.argv[2]) || 25);
const RENDER_RUNS = 300;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---- sizes -------------------------------------------------------------------

/**
 * qrcode's browser entry with everything it requires, concatenated into one
 * ES module (what a bundler would ship, minus its own runtime).
 */
function bundleQrcode() {
  const modules = new Map();
  const pkgDir = (name) => join(ROOT, 'benches/web/node_modules', name);
  const resolveFrom = (from, spec) => {
    if (spec.startsWith('.')) {
      const p = resolve(dirname(from), spec);
      return p.endsWith('.js') ? p : `${p}.js`;
    }
    const pkg = JSON.parse(readFileSync(join(pkgDir(spec), 'package.json'), 'utf8'));
    return join(pkgDir(spec), pkg.main || 'index.js');
  };
  const visit = (file) => {
    if (modules.has(file)) return;
    const src = readFileSync(file, 'utf8');
    modules.set(file, src);
    for (const m of src.matchAll(/require\('([^']+)'\)/g)) {
      if (m[1] === 'fs' || m[1] === 'pngjs') continue;
      visit(resolveFrom(file, m[1]));
    }
  };
  const entry = join(ROOT, 'benches/web/node_modules/qrcode/lib/browser.js');
  visit(entry);
  const ids = [...modules.keys()];
  let out = 'const __defs = {};\nconst __cache = {};\n';
  out += 'function __req(id) { if (!(id in __cache)) { const module = { exports: {} }; __cache[id] = module; __defs[id](module, module.exports); } return __cache[id].exports; }\n';
  for (const [id, src] of modules) {
    const body = src.replace(/require\('([^']+)'\)/g, (whole, spec) => {
      if (spec === 'fs' || spec === 'pngjs') return '{}';
      return `__req(${ids.indexOf(resolveFrom(id, spec))})`;
    });
    out += `__defs[${ids.indexOf(id)}] = function (module, exports) {\n${body}\n};\n`;
  }
  out += `export default __req(${ids.indexOf(entry)});\n`;
  return { source: out, files: ids.length };
}

// ---- browser timings -----------------------------------------------------------

async function offlineTimeToQr(browser, issuer) {
  const site = await servePages(issuer);
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  await context.addInitScript(() => {
    // In the page, without a round trip to the bench: the first frame after a QR is inserted.
    const seen = new MutationObserver(() => {
      if (!document.querySelector('#qr-saved svg, #qr svg')) return;
      seen.disconnect();
      requestAnimationFrame(() => setTimeout(() => { window.__painted = performance.now(); }));
    });
    seen.observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  await page.goto(`${site.url}/wallet/#${encodeURIComponent(issuer.credentials.valid)}`);
  await page.waitForSelector('#offline[data-state="ready"]');
  await context.setOffline(true);
  await site.stop();
  const marks = [];
  const painted = [];
  const checked = [];
  for (let i = 0; i < RUNS + 2; i++) {
    await page.goto(`${site.url}/wallet/`);
    // Visible: the card kept from last time (#qr-saved), or the one the core drew.
    await page.waitForSelector('#qr-saved svg, #qr svg');
    await page.waitForFunction(() => window.__painted);
    const t = await page.evaluate(() => ({ mark: performance.getEntriesByName('qr-shown')[0].startTime, painted: window.__painted }));
    await page.waitForSelector('#qr svg');
    const rect = await page.locator('#qr').boundingBox();
    if (!rect || rect.width < 100) throw new Error('QR not laid out');
    const c = await page.evaluate(() => performance.getEntriesByName('qr-checked')[0].startTime);
    if (i >= 2) { // the first two warm the HTTP and code caches
      marks.push(t.mark);
      painted.push(t.painted);
      checked.push(c);
    }
  }
  await context.close();
  await site.cleanup();
  return { mark: median(marks), painted: median(painted), checked: median(checked), runs: marks.length };
}

async function qrRenderTimes(browser, issuer, bundle) {
  const site = await servePages(issuer);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(`${site.url}/bench/qrcode.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
  await page.goto(`${site.url}/wallet/`);
  await page.waitForSelector('html[data-ready="true"]');
  const result = await page.evaluate(async ({ text, runs }) => {
    const core = await import('/pkg/core/codewallet.js');
    await core.default();
    const QRCode = (await import('/bench/qrcode.js')).default;
    const ours = [];
    const theirs = [];
    const svgOf = (t) => new Promise((ok, fail) => QRCode.toString(t, { type: 'svg', errorCorrectionLevel: 'Q' }, (e, s) => (e ? fail(e) : ok(s))));
    for (let i = 0; i < 20; i++) { core.qrSvg(text); await svgOf(text); }
    // Timers in a page are coarse (0.1 ms): time batches of BATCH renders.
    const BATCH = 10;
    for (let i = 0; i < runs / BATCH; i++) {
      let a;
      let b;
      let t0 = performance.now();
      for (let k = 0; k < BATCH; k++) a = core.qrSvg(text);
      ours.push((performance.now() - t0) / BATCH);
      t0 = performance.now();
      for (let k = 0; k < BATCH; k++) b = await svgOf(text);
      theirs.push((performance.now() - t0) / BATCH);
      if (!a.startsWith('<svg') || !b.includes('<svg')) throw new Error('no svg');
    }
    const med = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };
    const size = (svg) => svg.match(/viewBox="0 0 (\d+)/)[1];
    return { ours: med(ours), theirs: med(theirs), oursView: size(core.qrSvg(text)), theirsView: size(await svgOf(text)) };
  }, { text: issuer.credentials.valid, runs: RENDER_RUNS });
  await context.close();
  await site.cleanup();
  return result;
}

// ---- main ----------------------------------------------------------------------

const FIRST_VIEW = firstViewFiles();
const wasm = sizeOf(FIRST_VIEW.wasm);
const js = sizeOf(FIRST_VIEW.js);
const other = sizeOf(FIRST_VIEW.other);
const reader = sizeOf(['www/pkg/reader/codewallet_bg.wasm', 'www/pkg/reader/codewallet.js']);
const qr = bundleQrcode();
const qrGz = gz(Buffer.from(qr.source));
const nobleGz = gz(readFileSync(join(ROOT, 'benches/web/node_modules/@noble/ed25519/index.js')));

const issuer = makeIssuer();
const browser = await launchBrowser();
let tq;
let render;
try {
  tq = await offlineTimeToQr(browser, issuer);
  render = await qrRenderTimes(browser, issuer, qr.source);
} finally {
  await browser.close();
  issuer.cleanup();
}

const rows = [
  ['Sizes (gzip -9)', '', ''],
  ['wallet wasm (core module)', kb(wasm.gz), `${kb(wasm.raw)} raw`],
  ['wallet JS (glue + page modules + service worker)', kb(js.gz), `${kb(js.raw)} raw`],
  ['wallet wasm + JS', kb(wasm.gz + js.gz), `goal ≤ ${kb(FIRST_VIEW_BUDGET)}`],
  ['wallet HTML + CSS + manifest + icon', kb(other.gz), ''],
  ['wallet first view, everything', kb(wasm.gz + js.gz + other.gz), ''],
  ['reader module (lazy: photo/camera import)', kb(reader.gz), 'not on first view'],
  ['npm qrcode 1.5.4 (browser entry, bundled)', kb(qrGz), `${qr.files} files, QR only`],
  ['npm @noble/ed25519 3.2.0 (index.js)', kb(nobleGz), 'signatures only'],
  ['qrcode + @noble/ed25519', kb(qrGz + nobleGz), 'no COSE, CBOR, Base45, trust list, store'],
  ['Time to a visible QR, offline (Chromium)', '', ''],
  [`navigation → code visible, SVG inserted (median of ${tq.runs})`, `${tq.mark.toFixed(1)} ms`, 'goal ≤ 150 ms; the card kept from last time'],
  ['navigation → next frame after insertion', `${tq.painted.toFixed(1)} ms`, ''],
  ['navigation → checked by the core, its SVG inserted', `${tq.checked.toFixed(1)} ms`, ''],
  [`QR render to SVG, EC Q, ${RENDER_RUNS} renders (median of batches of 10)`, '', ''],
  ['codewallet qrSvg (wasm)', `${render.ours.toFixed(3)} ms`, `${render.oursView} modules incl. quiet zone`],
  ["npm qrcode toString({type:'svg'})", `${render.theirs.toFixed(3)} ms`, `${render.theirsView} modules incl. quiet zone`],
  ['ratio qrcode / ours', `${(render.theirs / render.ours).toFixed(1)}×`, ''],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
const table = rows.map(([a, b, c]) => (b === '' && c === '' ? `\n${a}` : `  ${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`)).join('\n');
const out = `codewallet wallet benchmarks (${new Date().toISOString()})\n${table}\n`;
process.stdout.write(out);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
writeFileSync(join(ROOT, 'bench-results/wallet.txt'), out);

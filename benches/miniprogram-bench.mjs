// Mini-program benchmark, in Node with the platform shims and
// miniprogram-simulate: from loading the core module (the brotli file read,
// decompressed, compiled and instantiated through WXWebAssembly) to the first
// QR drawn on the wallet's code view, and at the checkpoint from the
// scanner's answer to the verdict on screen (verified, the record stored
// first). Reports medians; asserts nothing.
//
// Usage: node benches/miniprogram-bench.mjs [runs]   (after `cargo build --bin
// codewallet`; builds the package with scripts/miniprogram)
//
// Node is not the phone: V8 here compiles the module with its own tiers and
// zlib decompresses in place of the platform. Read the numbers as the
// package's own cost, and as a baseline to compare changes against.
import { createRequire } from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { buildPackage, configFor, makeIssuer, useConfig } from '../tests/miniprogram/util.mjs';

const require = createRequire(import.meta.url);
const RUNS = Math.max(5, Number(process.argv[2]) || 25);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => `${x.toFixed(1)} ms`;

buildPackage();
const issuer = makeIssuer();
const pageEnv = require('../tests/miniprogram/page-env.cjs');
const { simulate, env, shims } = pageEnv.setUp();
const PACKAGE = shims.PACKAGE;
const PAGE = `${PACKAGE}/pages/wallet/index`;

// Every file of the package is loaded afresh, as on a cold start.
function forgetPackage() {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(`${PACKAGE}/`)) delete require.cache[key];
  }
}

// One stored credential to show; the first load of the module is timed on
// its own (V8 keeps a compiled module for the same bytes, so later loads in
// this process skip part of the compilation a phone's cold start pays).
let firstLoad;
{
  const t0 = performance.now();
  const cw = await require(`${PACKAGE}/lib/core.js`).core();
  firstLoad = performance.now() - t0;
  const trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
  new cw.Wallet(require(`${PACKAGE}/lib/platform.js`).storage).import('me', issuer.credentials.valid, trust, issuer.now);
}

const coreLoad = [];
const coldToDrawn = [];
const warmToDrawn = [];
for (let i = 0; i < RUNS; i++) {
  // The core alone.
  forgetPackage();
  let t0 = performance.now();
  await require(`${PACKAGE}/lib/core.js`).core();
  coreLoad.push(performance.now() - t0);

  // Cold: the page attached with no core loaded → the QR on the canvas.
  forgetPackage();
  const id = simulate.load(PAGE, { rootPath: PACKAGE });
  t0 = performance.now();
  let comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  await pageEnv.waitFor(() => comp.data.drawn, 'the code drawn');
  coldToDrawn.push(performance.now() - t0);
  comp.detach();

  // Warm: the core already loaded (the page opened again).
  t0 = performance.now();
  comp = simulate.render(id);
  comp.attach(document.createElement('parent-wrapper'));
  await pageEnv.waitFor(() => comp.data.drawn, 'the code drawn');
  warmToDrawn.push(performance.now() - t0);
  comp.detach();
}
// The checkpoint, its package config made for this issuer: the scanner's
// answer (the shim's success callback) → the verdict on screen, then Next.
useConfig(configFor(issuer));
const scanToVerdict = [];
{
  const { wx } = env;
  const scanCode = wx.scanCode;
  let answeredAt = 0;
  wx.scanCode = (options) => scanCode({
    ...options,
    success: (res) => {
      answeredAt = performance.now();
      options.success(res);
    },
  });
  const comp = simulate.render(simulate.load(`${PACKAGE}/pages/checkpoint/index`, { rootPath: PACKAGE }));
  comp.attach(document.createElement('parent-wrapper'));
  await pageEnv.waitFor(() => comp.data.state === 'ready', 'the checkpoint ready');
  const codes = [issuer.credentials.valid, issuer.credentials.red, issuer.credentials.revoked];
  for (let i = 0; i < RUNS * 2; i++) {
    env.scans.queue.push({ result: codes[i % codes.length] });
    comp.querySelector('#scan').dispatchEvent('tap');
    await pageEnv.waitFor(() => comp.data.state === 'verdict', 'the verdict shown');
    scanToVerdict.push(performance.now() - answeredAt);
    comp.querySelector('#next').dispatchEvent('tap');
    await pageEnv.waitFor(() => comp.data.state === 'ready', 'ready for the next person');
  }
  comp.detach();
  wx.scanCode = scanCode;
}
if (env.network.calls.length !== 0) console.log(`note: ${env.network.calls.length} network call(s) were made`);
issuer.cleanup();

const br = statSync(`${PACKAGE}/core/codewallet_bg.wasm.br`).size;
console.log(`mini-program, ${RUNS} runs, Node ${process.version} (medians)`);
console.log(`  core module, first load in this process: ${ms(firstLoad)}`);
console.log(`  core module load (read ${(br / 1024).toFixed(1)} KB .br, decompress, instantiate): ${ms(median(coreLoad))}`);
console.log(`  page attached → first QR drawn, core not loaded: ${ms(median(coldToDrawn))}`);
console.log(`  page attached → QR drawn, core already loaded:  ${ms(median(warmToDrawn))}`);
console.log(`  checkpoint: scanner's answer → verdict on screen, record stored (${scanToVerdict.length} scans): ${ms(median(scanToVerdict))}`);

// Verifier benchmarks: Ed25519 verification in our wasm (TrustList.verify of a
// whole credential: Base45, CBOR, COSE, signature, trust checks) against the
// raw signature check of @noble/ed25519 and of WebCrypto, in the same headless
// Chromium page and in Node; and the gzipped size of everything the verifier
// page loads. The wasm module exports no raw signature check, so decode-only
// time is measured too and the signature's share estimated from the two. Prints a table and writes bench-results/verify.txt.
//
// Usage: node benches/web/verify-bench.mjs [rounds]   (after scripts/test or
// `source scripts/lib.sh; build_wasm` and `cargo build --bin codewallet`; the
// libraries it compares against: `source scripts/lib.sh; ensure_npm benches/web`)

import { gzipSync } from 'node:zlib';
import { webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser } from '../../tests/web/harness.mjs';
import { loadVerifier } from '../../tests/web/verify-util.mjs';

const ROUNDS = Math.max(5, Number(process.argv[2]) || 9);
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * The measuring code, run both in the page and in Node: each case runs in
 * batches for ~100 ms; the median over `rounds` batches of µs per operation.
 */
async function measure({ cw, ed, subtle, trustBytes, rootHex, credential, rounds }) {
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const now = () => performance.now();
  const trust = new cw.TrustList(trustBytes, rootHex);
  const at = Date.now() / 1000;
  if (!trust.verify(credential, at).valid) throw new Error('the credential does not verify');

  const key = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await subtle.exportKey('raw', key.publicKey));
  const message = new Uint8Array(200).map((_, i) => i * 7);
  const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key.privateKey, message));
  if (!(await ed.verifyAsync(sig, message, pub))) throw new Error('noble disagrees');

  const cases = {
    'wasm TrustList.verify (whole credential)': () => { trust.verify(credential, at); },
    'wasm decodeCredential (decode, no signature)': () => { cw.decodeCredential(credential); },
    '@noble/ed25519 verifyAsync (signature only)': () => ed.verifyAsync(sig, message, pub),
    'WebCrypto Ed25519 verify (signature only)': () => subtle.verify({ name: 'Ed25519' }, key.publicKey, sig, message),
  };
  const result = {};
  for (const [name, fn] of Object.entries(cases)) {
    for (let i = 0; i < 20; i++) await fn(); // warm up
    let batch = 1;
    for (;;) { const t0 = now(); for (let i = 0; i < batch; i++) await fn(); if (now() - t0 > 100) break; batch *= 2; }
    const samples = [];
    for (let r = 0; r < rounds; r++) {
      const t0 = now();
      for (let i = 0; i < batch; i++) await fn();
      samples.push(((now() - t0) * 1000) / batch);
    }
    result[name] = median(samples);
  }
  return result;
}

const issuer = makeIssuer();
const site = await servePages(issuer);
const trustBytes = readFileSync(issuer.trustListPath);
const credential = issuer.credentials.valid;
const lines = [];
const out = (s = '') => { lines.push(s); console.log(s); };

try {
  // ---- Chromium -------------------------------------------------------------
  const browser = await launchBrowser();
  const page = await browser.newPage();
  // @noble/ed25519 served from node_modules at the site's origin, as a page would ship it.
  await page.route(`${site.url}/bench/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/bench/noble-ed25519.js') {
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(join(ROOT, 'benches/web/node_modules/@noble/ed25519/index.js')) });
    }
    return route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' });
  });

  // Sizes: every response of a first load of the verifier, gzipped.
  const loaded = new Map();
  page.on('response', async (r) => {
    try { if (r.ok() && r.url().startsWith(site.url)) loaded.set(new URL(r.url()).pathname, await r.body()); } catch { /* redirects have no body */ }
  });
  await loadVerifier(page, `${site.url}/verify/`);
  await page.waitForLoadState('networkidle');
  page.removeAllListeners('response');
  // What the service worker fetches for itself (the page does not see those requests).
  for (const path of ['/verify/sw.js', '/verify/manifest.webmanifest', '/verify/icon.svg', '/demo-data/trust-list.txt']) {
    if (!loaded.has(path)) loaded.set(path, readFileSync(join(site.dir, path)));
  }

  await page.goto(`${site.url}/bench/`);
  const browserResult = await page.evaluate(async ({ src, trust, rootHex, credential, rounds }) => {
    const cw = await import('/pkg/reader/codewallet.js');
    await cw.default();
    const ed = await import('/bench/noble-ed25519.js');
    // eslint-disable-next-line no-new-func
    const measure = new Function(`return (${src})`)();
    return measure({ cw, ed, subtle: crypto.subtle, trustBytes: new Uint8Array(trust), rootHex, credential, rounds });
  }, { src: measure.toString(), trust: [...trustBytes], rootHex: issuer.rootHex, credential, rounds: ROUNDS });
  const version = browser.version();
  await browser.close();

  // ---- Node -----------------------------------------------------------------
  const cw = await import(join(ROOT, 'www/pkg/reader/codewallet.js'));
  cw.initSync({ module: readFileSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm')) });
  const ed = await import(join(ROOT, 'benches/web/node_modules/@noble/ed25519/index.js'));
  const nodeResult = await measure({ cw, ed, subtle: webcrypto.subtle, trustBytes, rootHex: issuer.rootHex, credential, rounds: ROUNDS });

  // ---- report ---------------------------------------------------------------
  out(`Verifier benchmarks — Chromium ${version}, Node ${process.version}, median of ${ROUNDS} batches`);
  out();
  out('Ed25519 verification, µs per operation (lower is better); ratio = time / wasm');
  const names = Object.keys(browserResult);
  const wasm = names[0];
  out(`${'case'.padEnd(46)}${'Chromium'.padStart(10)}${'ratio'.padStart(8)}${'Node'.padStart(10)}${'ratio'.padStart(8)}`);
  for (const n of names) {
    out(`${n.padEnd(46)}${browserResult[n].toFixed(1).padStart(10)}${(browserResult[n] / browserResult[wasm]).toFixed(2).padStart(8)}`
      + `${nodeResult[n].toFixed(1).padStart(10)}${(nodeResult[n] / nodeResult[wasm]).toFixed(2).padStart(8)}`);
  }
  out(`(TrustList.verify decodes and checks a whole ${credential.length}-character credential; noble and WebCrypto check one signature over 200 bytes)`);
  const sigOnly = (r) => r[names[0]] - r[names[1]];
  out(`${'wasm signature share (verify − decode), est.'.padEnd(46)}${sigOnly(browserResult).toFixed(1).padStart(10)}${''.padStart(8)}${sigOnly(nodeResult).toFixed(1).padStart(10)}`);
  out();
  out('What the verifier page loads (first visit), gzip -9:');
  let raw = 0, packed = 0;
  const groups = { wasm: [0, 0], js: [0, 0], other: [0, 0] };
  for (const [path, body] of [...loaded.entries()].sort()) {
    const g = gz(body);
    raw += body.length; packed += g;
    const kind = path.endsWith('.wasm') ? 'wasm' : path.endsWith('.js') ? 'js' : 'other';
    groups[kind][0] += body.length; groups[kind][1] += g;
    out(`  ${path.padEnd(40)}${kb(body.length).padStart(10)}${kb(g).padStart(10)}`);
  }
  for (const [k, [r, g]] of Object.entries(groups)) out(`  ${`all ${k}`.padEnd(40)}${kb(r).padStart(10)}${kb(g).padStart(10)}`);
  out(`  ${'total'.padEnd(40)}${kb(raw).padStart(10)}${kb(packed).padStart(10)}   (target: verifier ≤ 200 KB gz)`);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench-results/verify.txt'), `${lines.join('\n')}\n`);
} finally {
  await site.cleanup();
  issuer.cleanup();
}

// The core loads in the mini-program's runtime: through WXWebAssembly from a
// path inside the package, with no WebAssembly, TextEncoder or TextDecoder.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, test } from 'node:test';
import { buildPackage } from './util.mjs';

const require = createRequire(import.meta.url);
let shims;
let env;

before(() => {
  buildPackage();
  shims = require('./shims.cjs');
  env = shims.install();
});

test('the core loads once from the brotli module in the package, without the web globals', async () => {
  assert.equal(typeof WebAssembly, 'undefined');
  assert.equal(typeof TextEncoder, 'undefined');
  assert.equal(typeof TextDecoder, 'undefined');
  const { core } = require('../../miniprogram/lib/core.js');
  const [a, b] = await Promise.all([core(), core()]);
  assert.equal(a, b);
  assert.equal(await core(), a);
  assert.deepEqual(env.wasmCalls, ['/core/codewallet_bg.wasm.br']);

  // Strings cross in both directions through the package's UTF-8 codec.
  const matrix = a.qrMatrix('CW1:健康码 ✓');
  assert.ok(matrix.size >= 21 && matrix.modules.length === matrix.size * matrix.size);
  assert.ok(a.qrSvg('码').startsWith('<svg'));
  assert.throws(() => a.decodeCredential('CW1:健康'), (e) => typeof e.code === 'string');
  const codes = a.messageCodes();
  assert.ok(codes.verdict.includes('expired'));
});

test('WXWebAssembly takes a path inside the package, never bytes', async () => {
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(new URL('../../www/pkg/core/codewallet_bg.wasm', import.meta.url));
  const engine = globalThis.WXWebAssembly;
  assert.throws(() => engine.instantiate(bytes, {}), TypeError);
  assert.throws(() => engine.instantiate(bytes.buffer, {}), TypeError);
  assert.throws(() => engine.instantiate('/../www/pkg/core/codewallet_bg.wasm', {}), TypeError);
  await assert.rejects(engine.instantiate('/core/missing.wasm', {}));
});

test('a glue that passes bytes cannot load', async () => {
  // The same glue, loaded afresh, with an engine call of the web's kind.
  const path = require.resolve('../../miniprogram/core/codewallet.js');
  delete require.cache[path];
  const glue = require(path);
  delete require.cache[path];
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(new URL('../../www/pkg/core/codewallet_bg.wasm', import.meta.url));
  const byBytes = { instantiate: (_path, imports) => globalThis.WXWebAssembly.instantiate(bytes, imports) };
  await assert.rejects(glue.instantiate('/core/codewallet_bg.wasm.br', byBytes), TypeError);
  // And a failed load can be tried again.
  await glue.instantiate('/core/codewallet_bg.wasm.br', globalThis.WXWebAssembly);
  assert.ok(glue.qrMatrix('x').size >= 21);
});

test('a failed load is a typed error, tried again on the next call', async () => {
  const platform = require('../../miniprogram/lib/platform.js');
  const corePath = require.resolve('../../miniprogram/lib/core.js');
  delete require.cache[corePath];
  const { core } = require(corePath);
  delete require.cache[corePath];
  const real = platform.loadCore;
  platform.loadCore = () => Promise.reject(new Error('no file'));
  try {
    await assert.rejects(core(), (e) => e.code === 'core_unavailable');
  } finally {
    platform.loadCore = real;
  }
  assert.ok((await core()).qrMatrix);
});

test('a runtime without WXWebAssembly gets a typed rejection, not a throw', async () => {
  const corePath = require.resolve('../../miniprogram/lib/core.js');
  delete require.cache[corePath];
  const { core } = require(corePath);
  delete require.cache[corePath];
  const engine = globalThis.WXWebAssembly;
  delete globalThis.WXWebAssembly;
  try {
    let loading;
    assert.doesNotThrow(() => {
      loading = core();
    });
    await assert.rejects(loading, (e) => e.code === 'core_unavailable');
  } finally {
    globalThis.WXWebAssembly = engine;
  }
});

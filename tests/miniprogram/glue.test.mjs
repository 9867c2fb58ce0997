// The build's pieces that need no wasm: the UTF-8 codec the glue uses in place
// of TextEncoder/TextDecoder, and the glue transform's refusal of a glue whose
// shape it does not know.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import test from 'node:test';
import { GlueShapeError, toCommonJs } from '../../scripts/miniprogram-glue.mjs';

const require = createRequire(import.meta.url);
const utf8 = require('../../miniprogram/lib/utf8.js');
const ROOT = new URL('../../', import.meta.url).pathname;
const GLUE = readFileSync(`${ROOT}www/pkg/core/codewallet.js`, 'utf8');

// A small deterministic generator, so a failure can be replayed.
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('utf8 decodes as TextDecoder does, invalid bytes included', () => {
  const td = new TextDecoder('utf-8', { ignoreBOM: true });
  const tricky = [0xe0, 0xed, 0xf0, 0xf4, 0x80, 0xbf, 0xa0, 0x9f, 0x90, 0x8f, 0xc2, 0xc0, 0xf5, 0xff, 0x41, 0xef, 0xbb];
  const next = rng(12);
  for (let t = 0; t < 20000; t++) {
    const bytes = new Uint8Array(Math.floor(next() * 12));
    for (let i = 0; i < bytes.length; i++) {
      bytes[i] = next() < 0.6 ? tricky[Math.floor(next() * tricky.length)] : Math.floor(next() * 256);
    }
    assert.equal(utf8.decode(bytes), td.decode(bytes), `bytes ${[...bytes]}`);
  }
  const long = '健康码 ✓ 🙂 '.repeat(5000); // past the codec's chunk size
  assert.equal(utf8.decode(new TextEncoder().encode(long)), long);
});

test('utf8 encodes as TextEncoder does, lone surrogates included', () => {
  const te = new TextEncoder();
  const units = [0xd800, 0xdc00, 0xdbff, 0xdfff, 0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xffff, 0xfeff, 0x5065];
  const next = rng(7);
  for (let t = 0; t < 20000; t++) {
    let s = '';
    const n = Math.floor(next() * 10);
    for (let i = 0; i < n; i++) s += String.fromCharCode(units[Math.floor(next() * units.length)]);
    assert.deepEqual(utf8.encode(s), te.encode(s), JSON.stringify(s));
    const view = new Uint8Array(s.length * 3);
    assert.deepEqual(utf8.encodeInto(s, view), te.encodeInto(s, new Uint8Array(s.length * 3)));
  }
  // A character that does not fit is not split.
  const view = new Uint8Array(4);
  assert.deepEqual(utf8.encodeInto('ab码', view), { read: 2, written: 2 });
});

test('the glue becomes CommonJS with no loader, WebAssembly or text codec left', () => {
  const out = toCommonJs(GLUE);
  assert.match(out, /^module\.exports = \{ .*\bqrMatrix\b.*\binstantiate \};$/m);
  assert.match(out, /require\('\.\.\/lib\/utf8\.js'\)/);
  for (const word of [/\bWebAssembly\b/, /\bTextDecoder\b/, /\bTextEncoder\b/, /import\.meta/, /\bfetch\(/, /^export /m]) {
    assert.doesNotMatch(out, word);
  }
});

test('a glue of another shape stops the transform', () => {
  const changes = [
    ['no loader', (g) => g.replace('async function __wbg_load(module, imports) {', 'async function loadIt(module, imports) {')],
    ['no finalize', (g) => g.replace('function __wbg_finalize_init(instance, module) {', 'function finish(instance) {')],
    ['another codec', (g) => g.replace("let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });", 'let dec = new TextDecoder();')],
    ['another export line', (g) => g.replace('export { initSync, __wbg_init as default };', 'export default __wbg_init;')],
    ['code after the loader', (g) => `${g}\nconsole.log(1);\n`],
    ['a new WebAssembly use', (g) => g.replace('let WASM_VECTOR_LEN = 0;', 'let WASM_VECTOR_LEN = 0; const M = WebAssembly.Memory;')],
    ['a new encoder use', (g) => g.replace('let WASM_VECTOR_LEN = 0;', 'let WASM_VECTOR_LEN = 0; const E = new TextEncoder();')],
    ['no exports', (g) => g.replaceAll('export function', 'function').replaceAll('export class', 'class')],
    ['broken syntax', (g) => g.replace('let WASM_VECTOR_LEN = 0;', 'let WASM_VECTOR_LEN = ;')],
  ];
  for (const [what, change] of changes) {
    const changed = change(GLUE);
    assert.notEqual(changed, GLUE, what);
    assert.throws(() => toCommonJs(changed), GlueShapeError, what);
  }
});

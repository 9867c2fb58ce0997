// Turns wasm-bindgen's `--target web` glue (an ES module that fetches the
// module and uses TextEncoder/TextDecoder) into the CommonJS file the
// mini-program loads: the same bindings, exported through module.exports, UTF-8
// through miniprogram/lib/utf8.js, and `instantiate(path, engine)` in place of
// the loading tail, where `engine` is the platform's WXWebAssembly (it takes a
// path inside the package, not bytes).
//
// Every edit checks that the glue has the shape it expects; anything else (a
// newer wasm-bindgen) stops the build rather than produce a half-working file.
//
// Usage: node scripts/miniprogram-glue.mjs IN.js OUT.js
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { runStep, writeWhole } from './build-step.mjs';

export class GlueShapeError extends Error {
  constructor(message) {
    super(`unexpected wasm-bindgen glue: ${message}`);
    this.name = 'GlueShapeError';
  }
}

const fail = (message) => {
  throw new GlueShapeError(message);
};

function once(source, needle, what) {
  const first = source.indexOf(needle);
  if (first < 0) fail(`no ${what} (${JSON.stringify(needle)})`);
  if (source.indexOf(needle, first + 1) >= 0) fail(`${what} found twice`);
  return first;
}

// The text encoder/decoder block, from its first line to the line after it.
const CODEC_START = "let cachedTextDecoder = new TextDecoder('utf-8', { ignoreBOM: true });";
const CODEC_END = 'let WASM_VECTOR_LEN = 0;';
const CODEC_INSIDE = ['function decodeText(bytes) {', 'const cachedTextEncoder = new TextEncoder();'];
const CODEC = `const utf8 = require('../lib/utf8.js');
function decodeText(bytes) {
    return utf8.decode(bytes);
}
const cachedTextEncoder = { encode: utf8.encode, encodeInto: utf8.encodeInto };

`;

// The loading tail: everything from __wbg_load on, which fetches, uses the
// WebAssembly global and import.meta.url.
const TAIL_START = 'async function __wbg_load(module, imports) {';
const TAIL_INSIDE = ['function initSync(module)', 'async function __wbg_init(', 'import.meta.url'];
const TAIL_END = 'export { initSync, __wbg_init as default };';
const FINALIZE = 'function __wbg_finalize_init(instance, module) {';

const LOADER = `
// Loads the module once from \`path\`, a file inside the package (.wasm or
// brotli .wasm.br), with engine.instantiate(path, imports), which resolves to
// {instance, module}, like the standard instantiate given bytes.
let instantiating;
function instantiate(path, engine) {
    if (wasm !== undefined) return Promise.resolve(wasm);
    if (instantiating === undefined) {
        instantiating = Promise.resolve()
            .then(() => engine.instantiate(path, __wbg_get_imports()))
            .then((result) => {
                if (!result || !result.instance || !result.instance.exports) {
                    throw new Error('the wasm engine resolved to no instance');
                }
                return __wbg_finalize_init(result.instance, result.module);
            });
        instantiating.catch(() => { instantiating = undefined; });
    }
    return instantiating;
}
`;

// Words that must not be left in the output: the runtime has none of them.
const FORBIDDEN = [/\bimport\.meta\b/, /\bWebAssembly\b/, /\bTextEncoder\b/, /\bTextDecoder\b/, /\bfetch\(/, /^(export|import)\b/m];

export function toCommonJs(source) {
  // The loading tail goes.
  const tail = once(source, TAIL_START, 'loader (__wbg_load)');
  const end = once(source, TAIL_END, 'export line');
  if (end < tail) fail('export line before the loader');
  const tailText = source.slice(tail, end + TAIL_END.length);
  for (const needle of TAIL_INSIDE) {
    if (!tailText.includes(needle)) fail(`no ${JSON.stringify(needle)} in the loader`);
  }
  if (source.slice(end + TAIL_END.length).trim() !== '') fail('code after the export line');
  let out = source.slice(0, tail);
  once(out, FINALIZE, '__wbg_finalize_init');
  once(out, 'function __wbg_get_imports() {', '__wbg_get_imports');
  once(out, 'let wasmModule, wasmInstance, wasm;', 'module state');

  // UTF-8 through our codec.
  const codec = once(out, CODEC_START, 'text decoder');
  const codecEnd = once(out, CODEC_END, 'WASM_VECTOR_LEN');
  if (codecEnd < codec) fail('text codec after WASM_VECTOR_LEN');
  const codecText = out.slice(codec, codecEnd);
  for (const needle of CODEC_INSIDE) {
    if (!codecText.includes(needle)) fail(`no ${JSON.stringify(needle)} in the text codec`);
  }
  out = out.slice(0, codec) + CODEC + out.slice(codecEnd);

  // Exports become plain declarations, listed in module.exports.
  const names = [];
  out = out.replace(/^export (class|function) ([A-Za-z_$][\w$]*)/gm, (_, kind, name) => {
    names.push(name);
    return `${kind} ${name}`;
  });
  if (!names.includes('qrMatrix') || !names.includes('TrustList')) fail('no qrMatrix or TrustList export');

  out += LOADER;
  out += `\nmodule.exports = { ${[...names, 'instantiate'].join(', ')} };\n`;

  for (const word of FORBIDDEN) {
    if (word.test(out)) fail(`${word} left after the transform`);
  }
  try {
    new vm.Script(`(function (module, exports, require) {${out}\n})`);
  } catch (e) {
    fail(`the result does not parse: ${e.message}`);
  }
  const header =
    '// Generated by scripts/miniprogram from www/pkg/core/codewallet.js (wasm-bindgen); do not edit.\n';
  return header + out;
}

runStep(import.meta.url, 'IN.js OUT.js', 2, (input, output) => {
  let source;
  try {
    source = readFileSync(input, 'utf8');
  } catch (e) {
    throw new Error(`${input}: ${e.message}`);
  }
  writeWhole(output, toCommonJs(source));
});

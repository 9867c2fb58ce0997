// The bridge that brings the pages' DOM-free modules into the package as
// CommonJS: the exports survive the transform, what it does not understand
// stops the build, and every bridged module loads in the platform's
// environment (no WebAssembly, TextEncoder, fetch or DOM).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { BridgeError, bridge, loadIsolated, mask, toCommonJs } from '../../scripts/miniprogram-bridge.mjs';
import { ROOT, buildPackage } from './util.mjs';

const require = createRequire(import.meta.url);

// Every form the transform knows, with strings, comments, templates and a
// regular expression that look like statements.
const SAMPLE = {
  'a.js': `// import { nothing } from './nowhere.js';
import { b, twice as double } from './lib/b.js';
import * as all from './lib/b.js';
/* export const hidden = 1; */
export const text = 'import(\\'x\\') and export default and import.meta';
export let count = double(2);
export function sum(x, y) { return x + y + b; }
export async function later() { return \`\${b} document \${\`nested \${count}\`}\`; }
export class Box { constructor(v) { this.v = v; } }
export const slashes = /export \\{ x \\};/.test('export { x };');
const kept = all.b;
function renamed() { return kept; }
export { renamed as alias, kept };
// A page global used inside a function only is not touched while loading.
export function title() { return document.title; }
`,
  'lib/b.js': `export const b = 40;
export function twice(x) { return 2 * x; }
`,
};

function tempTree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'cw-bridge-'));
  for (const [path, text] of Object.entries(files)) {
    const file = join(dir, path);
    statSync(dir);
    require('node:fs').mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, text);
  }
  return dir;
}

test('the masked source keeps positions and hides strings, comments, templates and regular expressions', () => {
  const source = SAMPLE['a.js'];
  const masked = mask(source);
  assert.equal(masked.length, source.length);
  assert.equal(masked.split('\n').length, source.split('\n').length);
  assert.ok(!masked.includes('nowhere') && !masked.includes('hidden') && !masked.includes('import.meta'));
  assert.ok(!masked.includes('nested'), 'a template inside a template');
  assert.ok(masked.includes('${count}'), 'the code inside a template is kept');
  assert.equal(masked.match(/^(import|export)\b/gm).length, 10);
});

test('round trip: the CommonJS module exports what the ES module exports, with the same values', async (t) => {
  const dir = tempTree(SAMPLE);
  const out = join(dir, 'out');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.deepEqual(bridge(dir, out, ['a.js']), ['a.js', 'lib/b.js']);
  const esm = await import(pathToFileURL(join(dir, 'a.js')).href);
  const cjs = require(join(out, 'a.js'));
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
  for (const name of ['text', 'count', 'slashes']) assert.deepEqual(cjs[name], esm[name], name);
  assert.equal(cjs.sum(1, 2), esm.sum(1, 2));
  assert.equal(await cjs.later(), await esm.later());
  assert.equal(new cjs.Box(3).v, 3);
  assert.equal(cjs.alias(), esm.alias());
  assert.equal(cjs.kept, 40);
  assert.equal(typeof cjs.title, 'function');
});

test('the pages\' modules bridged in the package export what they export in www/, and say the same', async () => {
  buildPackage();
  const web = join(ROOT, 'miniprogram/web');
  const files = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(relative(web, p));
    }
  };
  walk(web);
  for (const needed of ['verify/verdict.js', 'verify/i18n.js', 'wallet/i18n.js', 'shared/messages.js', 'shared/backoff.js', 'verify/log.js']) {
    assert.ok(files.includes(needed), needed);
  }
  for (const path of files) {
    const esm = await import(pathToFileURL(join(ROOT, 'www', path)).href);
    const cjs = require(join(web, path));
    assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort(), path);
  }
  const wallet = { esm: await import(`${ROOT}www/wallet/i18n.js`), cjs: require(`${web}/wallet/i18n.js`) };
  assert.deepEqual(wallet.cjs.MESSAGES, wallet.esm.MESSAGES);
  const verdict = { esm: await import(`${ROOT}www/verify/verdict.js`), cjs: require(`${web}/verify/verdict.js`) };
  const red = { valid: true, decision: 'refuse', warnings: [], credential: { status: 'red', displayName: '张*丰', expiresAt: 2e9 } };
  for (const lang of ['en', 'zh-CN']) {
    assert.deepEqual(verdict.cjs.present(lang, red), verdict.esm.present(lang, red));
  }
});

test('what the transform does not understand stops the build, naming the file', () => {
  const refused = [
    ['top-level await', 'export const x = await Promise.resolve(1);\n', /top-level await/],
    ['import.meta', 'export const here = import.meta.url;\n', /import\.meta/],
    ['dynamic import', 'export function load() { return import(\'./b.js\'); }\n', /dynamic import/],
    ['default export', 'export default function f() {}\n', /export not understood/],
    ['re-export', "export * from './b.js';\n", /export not understood/],
    ['export from', "export { b } from './b.js';\n", /export not understood/],
    ['default import', "import b from './b.js';\nexport const x = b;\n", /import not understood/],
    ['side-effect import', "import './b.js';\n", /import not understood/],
    ['package import', "import { b } from 'some-package';\n", /only relative \.js modules/],
    ['import not at a line start', "const x = 1; import { b } from './b.js';\n", /not at the start of a line/],
    ['two declarations under one export', 'export const { a, b } = {};\n', /export not understood/],
  ];
  for (const [what, source, message] of refused) {
    assert.throws(() => toCommonJs(source, 'x.js'), (e) => e instanceof BridgeError && e.file === 'x.js' && message.test(e.message), what);
  }
});

test('a module that touches the DOM while it loads is refused; one that only mentions it in a function is not', () => {
  const at = (code) => () => loadIsolated({ 'x.js': toCommonJs(code, 'x.js').code });
  for (const name of ['document', 'window', 'localStorage', 'navigator', 'indexedDB', 'TextEncoder', 'WebAssembly', 'fetch']) {
    assert.throws(at(`export const v = typeof ${name} === 'undefined' ? 0 : ${name};\n`), new RegExp(`x\\.js: touches ${name}`), name);
  }
  assert.throws(at("const lang = localStorage.getItem('lang');\nexport { lang };\n"), /touches localStorage/);
  assert.throws(at("export const el = (() => document.body)();\n"), /touches document/);
  assert.doesNotThrow(at('export function f() { return document.title + localStorage.length; }\n'));
  // And a dependency that is not bridged is named.
  assert.throws(() => loadIsolated({ 'x.js': toCommonJs("import { b } from './b.js';\nexport const c = b;\n", 'x.js').code }), /b\.js: imported but not bridged/);
});

test('the build refuses a module that is not there, and leaves the previous output whole', (t) => {
  const dir = tempTree(SAMPLE);
  const out = join(dir, 'out');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  bridge(dir, out, ['a.js']);
  writeFileSync(join(dir, 'bad.js'), 'export const x = document.title;\n');
  assert.throws(() => bridge(dir, out, ['a.js', 'bad.js']), /bad\.js: touches document/);
  assert.throws(() => bridge(dir, out, ['missing.js']), /missing\.js: cannot be read/);
  assert.deepEqual(readdirSync(out).sort(), ['a.js', 'lib']);
  // A module no longer bridged goes from the output.
  writeFileSync(join(dir, 'c.js'), 'export const c = 1;\n');
  bridge(dir, out, ['c.js']);
  assert.deepEqual(readdirSync(out).sort(), ['c.js', 'lib']);
  assert.deepEqual(readdirSync(join(out, 'lib')), []);
});

test('every bridged module loads in the platform\'s environment, with no WebAssembly, TextEncoder, TextDecoder or fetch', () => {
  buildPackage();
  require('./shims.cjs').install();
  for (const name of ['WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch']) assert.equal(globalThis[name], undefined, name);
  const messages = require('../../miniprogram/lib/messages.js');
  for (const path of ['verify/verdict.js', 'verify/i18n.js', 'verify/log.js', 'wallet/i18n.js', 'shared/messages.js', 'shared/backoff.js']) {
    const m = require(`../../miniprogram/web/${path}`);
    assert.ok(Object.keys(m).length > 0, path);
  }
  // The mini-program's status words are the wallet's.
  const walletI18n = require('../../miniprogram/web/wallet/i18n.js');
  for (const lang of ['en', 'zh-CN']) {
    assert.equal(messages.translator(lang)('status_expired'), walletI18n.MESSAGES[lang].status_expired);
  }
  assert.equal(messages.languageOf('zh_CN'), 'zh-CN');
  assert.equal(messages.languageOf('en_US'), 'en');
});

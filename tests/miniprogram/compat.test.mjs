// Phones whose runtime predates ES2022 lack some library functions the
// package's modules call; lib/compat.js provides them. Here: each works where
// it was missing, and the package calls no newer function compat does not
// provide.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import vm from 'node:vm';
import { ROOT, buildPackage } from './util.mjs';

const COMPAT = readFileSync(`${ROOT}miniprogram/lib/compat.js`, 'utf8');

test('compat defines what an older runtime lacks, and leaves a present one alone', () => {
  const context = vm.createContext({ module: { exports: {} } });
  vm.runInContext('delete Object.hasOwn; delete Array.prototype.findLast;', context);
  vm.runInContext(COMPAT, context);
  assert.equal(vm.runInContext('Object.hasOwn({ a: 1 }, "a") && !Object.hasOwn({ a: 1 }, "toString")', context), true);
  assert.equal(vm.runInContext('[1, 2, 3, 4].findLast((x) => x % 2 === 1)', context), 3);
  assert.equal(vm.runInContext('[1, 2].findLast((x) => x > 5)', context), undefined);
  assert.equal(vm.runInContext('Object.keys([]).length + Object.keys(Object).length', context), 0, 'not enumerable');
  // Where the runtime has them, they are not replaced.
  const modern = vm.createContext({ module: { exports: {} } });
  const before = vm.runInContext('Object.hasOwn', modern);
  vm.runInContext(COMPAT, modern);
  assert.equal(vm.runInContext('Object.hasOwn', modern), before);
});

// Library functions of ES2021 and later (and the browser's newer globals) that
// an older phone's runtime may lack.
const NEWER = [
  ['Object.hasOwn', /\bObject\.hasOwn\(/],
  ['Array.prototype.findLast', /\.findLast\(/],
  ['Array.prototype.findLastIndex', /\.findLastIndex\(/],
  ['Array.prototype.at', /\.at\(-?\d/],
  ['String.prototype.replaceAll', /\.replaceAll\(/],
  ['structuredClone', /\bstructuredClone\(/],
  ['Array.prototype.toSorted', /\.to(Sorted|Reversed|Spliced)\(/],
  ['Promise.any', /\bPromise\.any\(/],
  ['AggregateError', /\bAggregateError\b/],
  ['WeakRef', /\bWeakRef\b/],
];

// Calls the package carries but never makes: the log's in-memory backend
// (for tests and Node) clones with structuredClone; the package's log is on
// platform storage (lib/log-store.js).
const NEVER_CALLED = new Set(['miniprogram/web/verify/log.js: structuredClone']);

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : files(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

test('the package calls no newer library function that compat does not provide', () => {
  buildPackage();
  const provided = new Set(vm.runInNewContext(`${COMPAT}; module.exports.PROVIDED`, { module: { exports: {} } }));
  const missing = [];
  for (const file of files(`${ROOT}miniprogram`)) {
    if (file.endsWith('/lib/compat.js')) continue;
    const text = readFileSync(file, 'utf8');
    for (const [name, pattern] of NEWER) {
      const where = `${file.slice(ROOT.length)}: ${name}`;
      if (pattern.test(text) && !provided.has(name) && !NEVER_CALLED.has(where)) missing.push(where);
    }
  }
  assert.deepEqual(missing, []);
});

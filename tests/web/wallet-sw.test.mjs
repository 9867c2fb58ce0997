// The wallet's service worker, run in Node against recording stand-ins for
// the worker's globals: it installs every module the page imports, and
// fetches each one past the HTTP cache, so a new page never runs with a
// module an earlier visit left in that cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT } from './harness.mjs';

/** Runs the install step; returns the requests it cached. */
async function install() {
  const requests = [];
  const listeners = {};
  const cache = {
    addAll: async (list) => { requests.push(...list); },
    add: async (request) => { requests.push(request); },
  };
  class Request {
    constructor(url, init = {}) {
      this.url = url;
      this.cache = init.cache ?? 'default';
    }
  }
  const self = {
    location: new URL('http://127.0.0.1/wallet/sw.js'),
    addEventListener: (type, fn) => { listeners[type] = fn; },
    skipWaiting: async () => {},
  };
  const context = vm.createContext({
    self, Request, URL, Set, Promise,
    caches: { open: async () => cache },
    importScripts: () => { self.SHELL_VERSION = 'test'; },
  });
  vm.runInContext(readFileSync(join(ROOT, 'www/wallet/sw.js'), 'utf8'), context);
  let installed;
  listeners.install({ waitUntil: (p) => { installed = p; } });
  await installed;
  return requests;
}

test('install fetches every file past the HTTP cache', async () => {
  const requests = await install();
  assert.ok(requests.length >= 10);
  for (const r of requests) {
    assert.equal(typeof r, 'object', `${r} is fetched as a Request`);
    assert.equal(r.cache, 'reload', r.url);
  }
});

test('install caches every module the page imports', async () => {
  const cached = new Set((await install()).map((r) => r.url));
  const imports = (file) => [...readFileSync(join(ROOT, 'www/wallet', file), 'utf8')
    .matchAll(/^import\b[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]);
  const seen = new Set();
  const pending = ['wallet.js'];
  while (pending.length) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith('./')) pending.push(spec.slice(2));
      else assert.ok(cached.has(spec), spec);
    }
  }
  for (const file of seen) assert.ok(cached.has(file), `${file} is cached for offline use`);
});

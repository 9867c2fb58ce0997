// Both pages' service workers (each page's sw.js over www/shared/sw-core.js),
// run in Node against recording stand-ins for the worker's globals: each
// installs every module its page imports, and fetches each one past the HTTP
// cache, so a new page never runs with a module an earlier visit left in that
// cache.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { ROOT } from './harness.mjs';

/** Runs the install step of `page`'s worker; returns the requests it cached. */
async function install(page) {
  const requests = [];
  const listeners = {};
  const cache = {
    addAll: async (list) => { requests.push(...list); },
    put: async () => {},
  };
  class Request {
    constructor(url, init = {}) {
      this.url = url;
      this.cache = init.cache ?? 'default';
    }
  }
  const self = {
    location: new URL(`http://127.0.0.1/${page}/sw.js`),
    addEventListener: (type, fn) => { listeners[type] = fn; },
    skipWaiting: async () => {},
  };
  const context = vm.createContext({
    self, Request, URL, Set, Promise,
    caches: { open: async () => cache },
    fetch: async (request) => { requests.push(request); return { ok: true }; },
    // The build's digest is stubbed; the shared core runs as it is.
    importScripts: (...paths) => {
      for (const path of paths) {
        if (path.endsWith('shell-version.js')) self.SHELL_VERSION = 'test';
        else vm.runInContext(readFileSync(join(ROOT, 'www', page, path), 'utf8'), context);
      }
    },
  });
  vm.runInContext(readFileSync(join(ROOT, 'www', page, 'sw.js'), 'utf8'), context);
  let installed;
  listeners.install({ waitUntil: (p) => { installed = p; } });
  await installed;
  return requests;
}

// Each page's entry modules (loaded by its HTML or as a worker).
const ENTRIES = { wallet: ['main.js', 'wallet.js', 'decode-worker.js'], verify: ['verify.js', 'decode-worker.js'] };

for (const page of Object.keys(ENTRIES)) {
  test(`${page}: install fetches every file past the HTTP cache`, async () => {
    const requests = await install(page);
    assert.ok(requests.length >= 10);
    for (const r of requests) {
      assert.equal(typeof r, 'object', `${r} is fetched as a Request`);
      assert.equal(r.cache, 'reload', r.url);
    }
  });

  test(`${page}: install caches every module the page imports`, async () => {
    const cached = new Set((await install(page)).map((r) => r.url));
    const imports = (file) => [...readFileSync(join(ROOT, 'www', page, file), 'utf8')
      .matchAll(/^import\b[^'"]*['"](\.[^'"]+)['"]/gm)].map((m) => m[1]);
    const seen = new Set();
    const pending = [...ENTRIES[page]];
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
}

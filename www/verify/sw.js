// Offline service worker of the verifier (scope /verify/). The shell and the
// wasm reader are served from the cache; the deployment data (config, trust
// list) is tried on the network first, briefly, then taken from the cache.
// The cache is named after the build's digest of the pages and modules
// (../pkg/shell-version.js, which the browser checks for changes like this
// file): a new build installs as a new cache, whole, so a page never runs new
// script with an old wasm module or the other way round.

importScripts('../pkg/shell-version.js');
const VERSION = `cw-verify-${self.SHELL_VERSION}`;
const SHELL = [
  './', 'index.html', 'verify.js', 'i18n.js', 'log.js', 'trust.js', 'verdict.js', 'sync.js', 'worker.js',
  '../shared/backoff.js',
  '../shared/base64.js',
  '../shared/idb-value.js',
  '../shared/storage.js',
  'verify.css', 'manifest.webmanifest', 'icon.svg',
  '../pkg/reader/codewallet.js', '../pkg/reader/codewallet_bg.wasm',
];
const DATA = ['../demo-data/config.json', '../demo-data/trust-list.cwl', '../demo-data/trust-list.txt'];
const NETWORK_WAIT_MS = 3000;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    await cache.addAll(SHELL.map((p) => new Request(p, { cache: 'reload' })));
    // Deployment data may be missing on some hosts; cache what there is.
    await Promise.all(DATA.map(async (p) => {
      try {
        const r = await fetch(p, { cache: 'reload' });
        if (r.ok) await cache.put(p, r);
      } catch { /* offline at install */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('cw-verify-') && key !== VERSION) await caches.delete(key);
    await self.clients.claim();
  })());
});

// The page asks whether it can work offline: {kind: 'cache-status'} on a
// MessageChannel, answered with {version, total, missing: [path]} for this
// worker's own list. (Missing files are not fetched into this cache here: they
// could be of a newer build. A new build installs whole.)
self.addEventListener('message', (event) => {
  const port = event.ports && event.ports[0];
  if (!port || !event.data || event.data.kind !== 'cache-status') return;
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    const missing = [];
    for (const p of SHELL) if (!(await cache.match(p))) missing.push(p);
    port.postMessage({ version: VERSION, total: SHELL.length, missing });
  })());
});

const dataPath = new URL('../demo-data/', self.registration.scope).pathname;

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function networkFirst(request) {
  const cache = await caches.open(VERSION);
  try {
    const response = await withTimeout(fetch(request, { cache: 'no-cache' }), NETWORK_WAIT_MS);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true });
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  return (await cache.match(request, { ignoreSearch: true })) || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(dataPath)) event.respondWith(networkFirst(event.request));
  else event.respondWith(cacheFirst(event.request));
});

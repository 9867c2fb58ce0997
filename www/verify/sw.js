// Offline service worker of the verifier (scope /verify/). The shell and the
// wasm reader are served from the cache at once and refreshed in the
// background; the deployment data (config, trust list) is tried on the network
// first, briefly, then taken from the cache.

const VERSION = 'cw-verify-v1';
const SHELL = [
  './', 'index.html', 'verify.js', 'i18n.js', 'log.js', 'trust.js', 'verdict.js', 'worker.js',
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

async function cacheFirst(event) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(event.request, { ignoreSearch: true });
  const refresh = fetch(event.request, { cache: 'no-cache' }).then(async (response) => {
    if (response.ok) await cache.put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(refresh.catch(() => {}));
    return cached;
  }
  return refresh;
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(dataPath)) event.respondWith(networkFirst(event.request));
  else event.respondWith(cacheFirst(event));
});

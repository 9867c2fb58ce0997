// The wallet's service worker: keeps the whole app shell, so the page opens
// and shows the stored codes with no network at all.
//
// Cache-first for the shell; network-first for the deployment data (config
// and trust list), falling back to the copy cached here; the QR reader module
// is cached the first time it is used. The cache is named after the build's
// digest of the pages and modules (../pkg/shell-version.js, which the browser
// checks for changes like this file): a new build installs as a new cache,
// whole, and the old one is deleted once it is active.

importScripts('../pkg/shell-version.js');
const CACHE = `codewallet-wallet-${self.SHELL_VERSION}`;
const SHELL = [
  './',
  'index.html',
  'main.js',
  'wallet.js',
  'state.js',
  'i18n.js',
  'view.js',
  'card.js',
  'kept-card.js',
  'people.js',
  'store.js',
  'trust.js',
  'trust-store.js',
  'refresh.js',
  'import.js',
  'scan.js',
  '../shared/backoff.js',
  '../shared/base64.js',
  '../shared/idb-value.js',
  '../shared/storage.js',
  'wallet.css',
  'manifest.webmanifest',
  'icon.svg',
  '../pkg/core/codewallet.js',
  '../pkg/core/codewallet_bg.wasm',
];
const DATA = ['../demo-data/config.json', '../demo-data/trust-list.cwl'];

const url = (path) => new URL(path, self.location).href;
const DATA_URLS = new Set(DATA.map(url));
const READER = url('../pkg/reader/');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Past the HTTP cache: a new page must never be paired with an old module.
    const fresh = (path) => new Request(path, { cache: 'reload' });
    await cache.addAll(SHELL.map(fresh));
    // The data may be missing on a server that is not the demo: still install.
    await Promise.all(DATA.map((d) => cache.add(fresh(d)).catch(() => {})));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('codewallet-wallet-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && request.url.startsWith(READER)) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (e) {
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    throw e;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !request.url.startsWith(self.location.origin)) return;
  const bare = request.url.split(/[?#]/)[0];
  if (DATA_URLS.has(bare)) {
    event.respondWith(networkFirst(request));
  } else if (request.mode === 'navigate' && bare.startsWith(url('./'))) {
    event.respondWith(caches.open(CACHE).then((c) => c.match('./')).then((hit) => hit || fetch(request)));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

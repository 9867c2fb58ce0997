// The offline service worker both pages use (a classic script: each page's
// sw.js loads it with importScripts and names what it keeps).
//
// The shell is served from the cache; the deployment's data (config, trust
// list) is tried on the network first, for a few seconds, then taken from the
// cache. The cache is named after the build's digest (../pkg/shell-version.js,
// loaded first): a new build installs as a new cache, whole and past the HTTP
// cache, so a page never runs new script with an old module or the other way
// round, and the old cache is deleted once the new worker is active.

/** The modules of this folder, which every page uses: each page's worker keeps them all. */
const SHARED_MODULES = [
  'backoff.js', 'base64.js', 'decode-worker.js', 'idb-value.js', 'languages.js', 'links.js', 'messages.js',
  'offline-worker.js', 'reader.js', 'storage.js', 'sw-core.js',
];

/**
 * Serves a page offline. `prefix`: the cache names' start; `pageShell` and
 * `data`: the page's own files, as paths relative to the worker (one folder
 * below www/, like this folder); `cacheOnUse`: a path whose files are cached
 * the first time they are fetched (a module loaded only when needed).
 */
self.serveOffline = function serveOffline({ prefix, pageShell, data, cacheOnUse = null, networkWaitMs = 3000 }) {
  const shell = [...pageShell, ...SHARED_MODULES.map((file) => `../shared/${file}`)];
  const cacheName = `${prefix}${self.SHELL_VERSION}`;
  const url = (path) => new URL(path, self.location).href;
  const dataUrls = new Set(data.map(url));
  const scope = url('./');
  const onUse = cacheOnUse && url(cacheOnUse);
  const fresh = (path) => new Request(path, { cache: 'reload' });

  self.addEventListener('install', (event) => {
    event.waitUntil((async () => {
      const cache = await caches.open(cacheName);
      await cache.addAll(shell.map(fresh));
      // The data may be missing on a server that is not the demo: still install.
      await Promise.all(data.map(async (path) => {
        try {
          const response = await fetch(fresh(path));
          if (response.ok) await cache.put(path, response);
        } catch { /* offline at install */ }
      }));
      await self.skipWaiting();
    })());
  });

  self.addEventListener('activate', (event) => {
    event.waitUntil((async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(prefix) && name !== cacheName) await caches.delete(name);
      }
      await self.clients.claim();
    })());
  });

  // The page asks whether it can work offline: {kind: 'cache-status'} on a
  // MessageChannel, answered with {version, total, missing: [path]}. (Missing
  // files are not fetched here: they could be of a newer build.)
  self.addEventListener('message', (event) => {
    const port = event.ports && event.ports[0];
    if (!port || !event.data || event.data.kind !== 'cache-status') return;
    event.waitUntil((async () => {
      const cache = await caches.open(cacheName);
      const missing = [];
      for (const path of shell) if (!(await cache.match(path))) missing.push(path);
      port.postMessage({ version: cacheName, total: shell.length, missing });
    })());
  });

  const withTimeout = (promise, ms) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });

  async function networkFirst(request) {
    const cache = await caches.open(cacheName);
    try {
      const response = await withTimeout(fetch(request, { cache: 'no-cache' }), networkWaitMs);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    } catch (error) {
      const hit = await cache.match(request, { ignoreSearch: true });
      if (hit) return hit;
      throw error;
    }
  }

  async function cacheFirst(request) {
    const cache = await caches.open(cacheName);
    const hit = await cache.match(request, { ignoreSearch: true });
    if (hit) return hit;
    const response = await fetch(request);
    if (onUse && response.ok && request.url.startsWith(onUse)) await cache.put(request, response.clone());
    return response;
  }

  self.addEventListener('fetch', (event) => {
    const { request } = event;
    if (request.method !== 'GET' || !request.url.startsWith(self.location.origin)) return;
    const bare = request.url.split(/[?#]/)[0];
    if (dataUrls.has(bare)) {
      event.respondWith(networkFirst(request));
    } else if (request.mode === 'navigate' && bare.startsWith(scope)) {
      // Any address in the page's scope opens the page (a link's query or fragment included).
      event.respondWith(caches.open(cacheName).then((c) => c.match('./')).then((hit) => hit || fetch(request)));
    } else {
      event.respondWith(cacheFirst(request));
    }
  });
};

// Offline service worker of the verifier (scope /verify/). How it serves is
// ../shared/sw-core.js, the same for both pages; here is what it keeps.

importScripts('../pkg/shell-version.js', '../shared/sw-core.js');
const SHELL = [
  './', 'index.html', 'verify.js', 'i18n.js', 'log.js', 'trust.js', 'verdict.js', 'sync.js', 'worker.js',
  '../shared/backoff.js',
  '../shared/base64.js',
  '../shared/idb-value.js',
  '../shared/languages.js',
  '../shared/links.js',
  '../shared/offline-worker.js',
  '../shared/storage.js',
  '../shared/sw-core.js',
  'verify.css', 'manifest.webmanifest', 'icon.svg',
  '../pkg/reader/codewallet.js', '../pkg/reader/codewallet_bg.wasm',
];
const DATA = ['../demo-data/config.json', '../demo-data/trust-list.cwl', '../demo-data/trust-list.txt'];

self.serveOffline({ prefix: 'cw-verify-', shell: SHELL, data: DATA });

// Offline service worker of the verifier (scope /verify/). How it serves is
// ../shared/sw-core.js, the same for both pages; here is what it keeps.

importScripts('../pkg/shell-version.js', '../shared/sw-core.js');
// The page's own files; the core adds www/shared's modules.
const SHELL = [
  './', 'index.html', 'verify.js', 'i18n.js', 'log.js', 'trust.js', 'verdict.js', 'sync.js', 'decode-worker.js',
  'verify.css', 'manifest.webmanifest', 'icon.svg',
  '../pkg/reader/codewallet.js', '../pkg/reader/codewallet_bg.wasm',
];
const DATA = ['../demo-data/config.json', '../demo-data/trust-list.cwl', '../demo-data/trust-list.txt'];

self.serveOffline({ prefix: 'cw-verify-', pageShell: SHELL, data: DATA });

// The wallet's service worker: keeps the whole app shell, so the page opens
// and shows the stored codes with no network at all.
//
// How it serves is ../shared/sw-core.js, the same for both pages; here is
// what the wallet keeps. The QR reader module (photo import) is cached the
// first time it is used.

importScripts('../pkg/shell-version.js', '../shared/sw-core.js');
// The page's own files; the core adds www/shared's modules.
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
  'refresh-rules.js',
  'import.js',
  'import-rules.js',
  'code-status.js',
  'scan.js',
  'decode-worker.js',
  'wallet.css',
  'manifest.webmanifest',
  'icon.svg',
  '../pkg/core/codewallet.js',
  '../pkg/core/codewallet_bg.wasm',
];
const DATA = ['../demo-data/config.json', '../demo-data/trust-list.cwl'];

self.serveOffline({ prefix: 'codewallet-wallet-', pageShell: SHELL, data: DATA, cacheOnUse: '../pkg/reader/' });

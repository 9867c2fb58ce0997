// What the wallet costs to download on its first visit: the files the page
// and its service worker load at once, measured gzipped (-9) as a server
// would send them. The benchmark prints it; first-view.test.mjs holds it to
// the budget.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './harness.mjs';

/** Gzipped size of some bytes, at the level a static server would use. */
export const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

/** The first load's wasm and scripts, held to this many gzipped bytes. */
export const FIRST_VIEW_BUDGET = 100 * 1024;

/**
 * The modules `files` import statically, they included (paths from ROOT).
 * Modules loaded with import() when used (adding a person, the background
 * refresh, the reader module) are not part of the first view.
 */
function staticImports(files) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(join(ROOT, file), 'utf8');
    for (const m of src.matchAll(/^import\b[^'"]*['"](\.[^'"]+)['"]/gm)) visit(join(dirname(file), m[1]));
  };
  files.forEach(visit);
  return [...seen];
}

/** The scripts a service worker loads with importScripts() (paths from ROOT). */
function workerImports(file) {
  const src = readFileSync(join(ROOT, file), 'utf8');
  const call = src.match(/importScripts\(([^)]*)\)/);
  return call ? [...call[1].matchAll(/['"]([^'"]+)['"]/g)].map((m) => join(dirname(file), m[1])) : [];
}

/** What the wallet page loads on first view: the entry, wallet.js (loaded by it at once), their imports and the service worker. */
export function firstViewFiles() {
  return {
    wasm: ['www/pkg/core/codewallet_bg.wasm'],
    js: [...staticImports(['www/wallet/main.js', 'www/wallet/wallet.js']), 'www/wallet/sw.js', ...workerImports('www/wallet/sw.js')],
    other: ['www/wallet/index.html', 'www/wallet/wallet.css', 'www/wallet/manifest.webmanifest', 'www/wallet/icon.svg'],
  };
}

/** Raw and gzipped bytes of `files` (paths from ROOT), each sent on its own. */
export function sizeOf(files) {
  let raw = 0;
  let packed = 0;
  for (const f of files) {
    const b = readFileSync(join(ROOT, f));
    raw += b.length;
    packed += gz(b);
  }
  return { raw, gz: packed };
}

// The wallet page, wired: the wasm core checks, renders QR codes and keeps
// the store; the modules beside this one own the DOM, one concern each, over
// one state object (state.js). Importing them does nothing; main.js calls
// start(). scan.js and refresh.js load when needed, outside the first view.

import init from '../pkg/core/codewallet.js';
import { openStorage } from '../shared/storage.js';
import { registerWorker, watchTakeovers } from '../shared/offline-worker.js';
import { nextLanguage } from '../shared/languages.js';
import { $, KEY, createState, setLanguage } from './state.js';
import { render, renderStatic, renderOffline, sayError } from './view.js';
import { tick } from './card.js';
import { untilNextSecond } from './code-status.js';
import { dropKept } from './kept-card.js';
import { importText, importFromFragment } from './import.js';
import { openWallet, reloadWallet } from './store.js';
import { loadTrust } from './trust-store.js';
import { restoreTrust, useTrust } from './trust.js';
import { wirePeople } from './people.js';

/** Photo and camera reading, loaded when first used. */
const scan = (app, use) => import('./scan.js').then(use).catch((e) => sayError(app, e));

/** The background refresh, loaded once the codes are on screen, and only online. */
const refresh = (app) => {
  if (navigator.onLine) import('./refresh.js').then((m) => m.refreshInBackground(app)).catch(() => {});
};

/** Installs sw.js for offline use; a new build taking over is announced. */
async function setUpOffline(app) {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) {
    app.offlineState = 'none';
    renderOffline(app);
    return;
  }
  watchTakeovers(() => { $('update').hidden = false; });
  // Some web-views answer without registering anything (and would never be ready).
  const registration = await registerWorker();
  if (registration) await navigator.serviceWorker.ready;
  app.offlineState = registration ? 'ready' : 'none';
  renderOffline(app);
}

function wire(app) {
  $('update-btn').addEventListener('click', () => location.reload());
  $('lang').addEventListener('click', () => {
    setLanguage(app, nextLanguage(app.lang).code);
    app.storage.writeJson(KEY.lang, app.lang);
    render(app);
  });
  wirePeople(app);
  $('add-paste').addEventListener('click', async () => {
    if (await importText(app, $('add-text').value, $('add-label').value)) {
      $('add-text').value = '';
      $('add-label').value = '';
    }
  });
  $('add-photo').addEventListener('change', async (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) await scan(app, (m) => m.importPhoto(app, file));
    ev.target.value = '';
  });
  $('add-camera').addEventListener('click', () => scan(app, (m) => m.toggleCamera(app)));
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('hashchange', () => importFromFragment(app));
  // Another tab changed the store: show what it holds now.
  window.addEventListener('storage', (ev) => {
    if (app.wallet && (ev.key === KEY.wallet || ev.key === null)) {
      reloadWallet(app);
      render(app);
    }
  });
  window.addEventListener('online', () => refresh(app));
}

async function run(app) {
  renderStatic(app);
  wire(app);
  // The saved trust list is read while the module compiles.
  const savedTrust = loadTrust();
  await init();
  openWallet(app);
  useTrust(app, await restoreTrust(app, await savedTrust));
  render(app);
  if (location.hash.length > 1) await importFromFragment(app);
  document.documentElement.dataset.ready = 'true';
  setTimeout(() => tick(app), untilNextSecond(Date.now()));
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  setUpOffline(app);
  refresh(app);
}

/** Runs the page; resolves to its state once the stored codes are on screen. */
export async function start() {
  const app = createState(openStorage(KEY.wallet), navigator.languages || [navigator.language]);
  try {
    await run(app);
  } catch (e) {
    document.documentElement.dataset.ready = 'error';
    dropKept();
    sayError(app, e);
  }
  return app;
}

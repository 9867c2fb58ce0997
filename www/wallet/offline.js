// Installing the page for offline use: the service worker (sw.js) keeps the
// whole app shell; a new build that takes over is announced, to reload.

import { $ } from './state.js';
import { renderOffline } from './notices.js';

export async function registerWorker(app) {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) {
    app.offlineState = 'none';
    renderOffline(app);
    return;
  }
  // A worker taking over from another is a new build, installed whole; this
  // page still runs the old one until it is reloaded.
  // (The first worker of a page that had none is the first install: no notice.)
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) $('update').hidden = false;
    controlled = true;
  });
  try {
    const registration = await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
    // Some web-views answer without registering anything (and would never be ready).
    if (!registration) throw new Error('no registration');
    await navigator.serviceWorker.ready;
    app.offlineState = 'ready';
  } catch {
    app.offlineState = 'none';
  }
  renderOffline(app);
}

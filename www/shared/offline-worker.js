// The page's side of its offline service worker (../shared/sw-core.js):
// registering it, hearing when a new build takes over, and asking what it
// has cached.

/** Registers ./sw.js past the HTTP cache; resolves to the registration, or null where none is made. */
export async function registerWorker() {
  try {
    return (await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' })) || null;
  } catch {
    return null;
  }
}

/**
 * Calls `onNewBuild` when a worker takes over from another: a new build,
 * installed whole, while this page still runs the old one until it is
 * reloaded. (The first worker of a page that had none is the first install,
 * not an update.) `onTakeover` is called on every takeover.
 */
export function watchTakeovers(onNewBuild, onTakeover = () => {}) {
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) onNewBuild();
    controlled = true;
    onTakeover();
  });
}

/** What the active worker has cached: `{version, total, missing: [path]}`, or null without an answer (5 s). */
export async function cacheStatus() {
  let active = null;
  try {
    const registration = await navigator.serviceWorker.getRegistration();
    active = registration && registration.active;
  } catch { /* no registration */ }
  if (!active) return null;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), 5000);
    channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
    active.postMessage({ kind: 'cache-status' }, [channel.port2]);
  });
}

// The trust list this phone checks codes against: reopened from IndexedDB
// (trust-store.js) at start, fetched from the deployment's config.json, with
// the root key pinned on first provisioning and only a successor of the list
// in use accepted.

import { TrustList } from '../pkg/core/codewallet.js';
import { saveTrust, legacyTrust, LEGACY_KEY } from './trust-store.js';
import { KEY, CONFIG_URL } from './state.js';
import { renderProblem } from './view.js';

/** A root key as pinned: 64 lowercase hex digits, or null. */
export function validRoot(r) {
  return typeof r === 'string' && /^[0-9a-f]{64}$/.test(r) ? r : null;
}

/** The root key pinned on first provisioning, or null. */
function pinnedRoot(app) {
  return validRoot(app.storage.readJson(KEY.root));
}

function setTrustProblem(app, key, params = {}) {
  app.trustProblem = key ? { key, params } : null;
  renderProblem(app);
}

/** Starts using `list`, freeing the one it replaces. */
export function useTrust(app, list) {
  if (app.trust && app.trust !== list) app.trust.free();
  app.trust = list;
  app.trustSignedAt = list ? list.issuedAt : null;
}

/**
 * Opens the trust list kept on this phone, given the record read from
 * IndexedDB (a list kept in localStorage by an earlier version moves there).
 */
export async function restoreTrust(app, saved) {
  const { storage } = app;
  let record = saved;
  if (!record) {
    record = legacyTrust(storage.raw);
    if (record) {
      try {
        await saveTrust(record);
        storage.raw.removeItem(LEGACY_KEY);
      } catch {
        // Left where it is; it is read from there again next time.
      }
    }
  }
  if (!record) return null;
  const root = pinnedRoot(app) || record.root;
  if (record.root !== root) return null;
  try {
    const list = new TrustList(record.data, root);
    storage.writeJson(KEY.root, root);
    return list;
  } catch {
    return null;
  }
}

/**
 * Fetches config.json and the trust list it names. The root key is pinned on
 * first provisioning; a configuration naming another root is refused. The
 * list is kept if the core accepts it as a successor of ours. Throws on failure.
 */
export async function fetchTrust(app) {
  const { storage } = app;
  const offer = document.documentElement.dataset;
  const res = await fetch(CONFIG_URL, { cache: 'no-cache' });
  if (!res.ok) throw Object.assign(new Error(`config: HTTP ${res.status}`), { response: res });
  const cfg = await res.json();
  const root = typeof cfg.rootPublicKey === 'string' ? cfg.rootPublicKey.trim().toLowerCase() : '';
  const pinned = pinnedRoot(app);
  if (pinned && root !== pinned) {
    offer.trustOffer = 'root_changed';
    setTrustProblem(app, 'rootChanged');
    throw Object.assign(new Error('the configuration names another root key'), { code: 'root_changed' });
  }
  const listUrl = new URL(cfg.trustList, CONFIG_URL);
  const listRes = await fetch(listUrl, { cache: 'no-cache' });
  if (!listRes.ok) throw Object.assign(new Error(`trust list: HTTP ${listRes.status}`), { response: listRes });
  const bytes = new Uint8Array(await listRes.arrayBuffer());
  const offered = new TrustList(bytes, root);
  app.config = { rootPublicKey: root, refreshUrl: typeof cfg.refreshUrl === 'string' ? cfg.refreshUrl : null };
  storage.writeJson(KEY.config, app.config);
  if (app.trust) {
    let relation;
    try {
      relation = app.trust.checkSuccessor(offered);
    } catch (e) {
      offered.free();
      app.trustRefused = e.code || 'rollback';
      offer.trustOffer = app.trustRefused;
      return app.trust; // older, or a changed list under the same number: keep ours
    }
    if (relation === 'same') {
      offered.free();
      offer.trustOffer = 'same';
      return app.trust;
    }
  }
  storage.writeJson(KEY.root, root);
  try {
    await saveTrust({ root, data: bytes, at: Date.now() });
    if (app.trustProblem && app.trustProblem.key === 'trustNotSaved') setTrustProblem(app, null);
  } catch (e) {
    setTrustProblem(app, 'trustNotSaved', { why: (e && e.message) || String(e) });
  }
  app.trustRefused = null;
  useTrust(app, offered);
  offer.trustOffer = 'accepted';
  return app.trust;
}

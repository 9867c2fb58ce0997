// The trust list this phone checks codes against, reopened at start from
// IndexedDB (trust-store.js) under the pinned root key; newer lists come
// through refresh.js.

import { TrustList } from '../pkg/core/codewallet.js';
import { saveTrust, legacyTrust, LEGACY_KEY } from './trust-store.js';
import { KEY } from './state.js';

/** A root key as pinned: 64 lowercase hex digits, or null. */
export function validRoot(r) {
  return typeof r === 'string' && /^[0-9a-f]{64}$/.test(r) ? r : null;
}

/** The root key pinned on first provisioning, or null. */
export function pinnedRoot(app) {
  return validRoot(app.storage.readJson(KEY.root));
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
    record = await legacyTrust(storage.raw);
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

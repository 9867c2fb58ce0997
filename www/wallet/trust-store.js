// The trust list kept on this phone, in IndexedDB: with a city's revocations
// a list runs to megabytes, more than the origin's localStorage quota (shared
// with the wallet store and the checkpoint page) can be counted on to hold.
//
// One record: { root, data: Uint8Array, at } under the key 'current'.

import { idbValue } from '../shared/idb-value.js';

/** Where earlier versions kept the list, as JSON with base64 data. */
export const LEGACY_KEY = 'codewallet.trust';

const store = idbValue(globalThis.indexedDB, 'codewallet.wallet', 'trust');

function valid(record) {
  return record && typeof record.root === 'string' && record.data instanceof Uint8Array ? record : null;
}

/** The saved record, or null when there is none or it cannot be read. */
export async function loadTrust() {
  try {
    return valid(await store.get());
  } catch {
    return null;
  }
}

/** Saves the record; resolves once it is durable, rejects with the browser's error. */
export function saveTrust(record) {
  return store.put({ root: record.root, data: record.data, at: record.at });
}

/**
 * A list saved by an earlier version in localStorage: `{root, data, at}` or
 * null. Its decoder is loaded only when there is one.
 */
export async function legacyTrust(storage) {
  try {
    const c = JSON.parse(storage.getItem(LEGACY_KEY));
    if (!c || typeof c.data !== 'string' || typeof c.root !== 'string') return null;
    const { fromBase64 } = await import('../shared/base64.js');
    return { root: c.root, data: fromBase64(c.data), at: Number(c.at) || 0 };
  } catch {
    return null;
  }
}

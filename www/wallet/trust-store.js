// The trust list kept on this phone, in IndexedDB: with a city's revocations
// a list runs to megabytes, more than the origin's localStorage quota (shared
// with the wallet store and the checkpoint page) can be counted on to hold.
//
// One record: { root, data: Uint8Array, at } under the key 'current'.

const DB_NAME = 'codewallet.wallet';
const STORE = 'trust';
const RECORD = 'current';
/** Where earlier versions kept the list, as JSON with base64 data. */
export const LEGACY_KEY = 'codewallet.trust';

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') throw new Error('IndexedDB is not available');
      const open = indexedDB.open(DB_NAME, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(STORE);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
      open.onblocked = () => reject(new Error('IndexedDB is blocked by another window'));
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
}

function valid(record) {
  return record && typeof record.root === 'string' && record.data instanceof Uint8Array ? record : null;
}

/** The saved record, or null when there is none or it cannot be read. */
export async function loadTrust() {
  try {
    const d = await db();
    return valid(await request(d.transaction(STORE).objectStore(STORE).get(RECORD)));
  } catch {
    return null;
  }
}

/** Saves the record; resolves once it is durable, rejects with the browser's error. */
export async function saveTrust(record) {
  const d = await db();
  const tx = d.transaction(STORE, 'readwrite', { durability: 'strict' });
  tx.objectStore(STORE).put({ root: record.root, data: record.data, at: record.at }, RECORD);
  await new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('the save was aborted'));
  });
}

/** A list saved by an earlier version in localStorage: `{root, data, at}` or null. */
export function legacyTrust(storage, fromBase64) {
  try {
    const c = JSON.parse(storage.getItem(LEGACY_KEY));
    if (!c || typeof c.data !== 'string' || typeof c.root !== 'string') return null;
    return { root: c.root, data: fromBase64(c.data), at: Number(c.at) || 0 };
  } catch {
    return null;
  }
}

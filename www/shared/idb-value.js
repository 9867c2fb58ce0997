// One value kept in IndexedDB under the key 'current' of one object store:
// what both pages use for their trust list (a list with a city's revocations
// runs to megabytes, more than the origin's shared localStorage quota).
// `get()` resolves to the value or undefined; `put(value)` once the write is
// durable; both reject with the storage error, and opening is tried again
// after a failure.

export function idbValue(indexedDB, dbName, storeName) {
  let opened = null;
  const open = () => {
    opened ??= new Promise((ok, fail) => {
      if (!indexedDB) throw new Error('IndexedDB is not available');
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(storeName);
      req.onsuccess = () => ok(req.result);
      req.onerror = () => fail(req.error);
      req.onblocked = () => fail(new Error(`${dbName} is blocked by another tab`));
    });
    opened.catch(() => { opened = null; });
    return opened;
  };
  const run = async (mode, action) => {
    const db = await open();
    return new Promise((ok, fail) => {
      const tx = db.transaction(storeName, mode, { durability: 'strict' });
      let result;
      tx.oncomplete = () => ok(result);
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error || new Error(`${dbName}: the write was aborted`));
      try {
        const req = action(tx.objectStore(storeName));
        req.onsuccess = () => { result = req.result; };
      } catch (error) {
        fail(error);
        try { tx.abort(); } catch { /* already finished */ }
      }
    });
  };
  return {
    get: () => run('readonly', (s) => s.get('current')),
    put: (value) => run('readwrite', (s) => s.put(value, 'current')),
  };
}

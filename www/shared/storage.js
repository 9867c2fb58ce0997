// The page's small key-value store: localStorage, or, when the browser refuses
// it (private modes, blocked site data, a web-view without it), values kept in
// memory for this session, with the reason kept for the page to say so.

/** An in-memory stand-in with localStorage's getItem/setItem/removeItem. */
export function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => { m.set(k, String(v)); },
    removeItem: (k) => { m.delete(k); },
  };
}

const messageOf = (e) => (e && e.message ? e.message : String(e));

/**
 * Opens the page's storage, reading `probeKey` once to learn whether
 * localStorage works. `raw` is the store in use (the wasm wallet reads and
 * writes it directly, so quota errors reach it); `problem` is why values
 * live in memory, or null.
 */
export function openStorage(probeKey, scope = globalThis) {
  const store = {
    raw: null,
    problem: null,

    /** Moves to memory for the rest of the session, saying why. */
    fallBack(why) {
      store.raw = memoryStorage();
      store.problem = messageOf(why);
    },

    /** A small JSON value; null when absent, unreadable or the store refuses. */
    readJson(key) {
      try {
        const v = store.raw.getItem(key);
        return v == null ? null : JSON.parse(v);
      } catch {
        return null;
      }
    },

    /** Writes a small JSON value; a full or refusing store is not an error here. */
    writeJson(key, value) {
      try {
        store.raw.setItem(key, JSON.stringify(value));
        return true;
      } catch {
        return false;
      }
    },

    /** Removes a key; false if the store refused. */
    remove(key) {
      try {
        store.raw.removeItem(key);
        return true;
      } catch {
        return false;
      }
    },
  };
  try {
    store.raw = scope.localStorage;
    store.raw.getItem(probeKey);
  } catch (e) {
    store.fallBack(e);
  }
  return store;
}

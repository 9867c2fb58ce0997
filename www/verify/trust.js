// Provisioning without a network: the pinned root key (localStorage, 64
// characters) and the accepted trust list (IndexedDB: a list may be a few MB,
// and localStorage is the origin's small quota that the wallet needs). A list
// is accepted only if its root signature checks with the pinned key and the
// core says it may replace the one held (TrustList.checkSuccessor: a higher
// sequence; the identical list is a no-op).

import { fromBase64 } from '../shared/base64.js';
import { codeInFragment } from '../shared/links.js';
import { idbValue } from '../shared/idb-value.js';

export const KEYS = { root: 'cw.verify.rootKey', list: 'cw.verify.trustList' };

/** The `CWL1:` text inside a link fragment (`#CWL1:…`, percent-encoded or not), or null. */
export const trustListFromFragment = (hash) => codeInFragment(hash, 'trustList');

/**
 * The saved trust list in IndexedDB: `get()` resolves to its bytes or null,
 * `put(bytes)` once the write is durable; both reject with the storage error.
 */
export function idbListStore(indexedDB, name = 'cw-verify-trust') {
  const store = idbValue(indexedDB, name, 'lists');
  return {
    get: async () => {
      const value = await store.get();
      return value instanceof Uint8Array ? value : null;
    },
    put: (bytes) => store.put(new Uint8Array(bytes)),
  };
}

/**
 * The words for an answer of `Provisioning.offer`: `{key, params}` in the
 * verifier's message table.
 */
export function offerWords(r) {
  if (r.accepted) return { key: 'tlAccepted', params: { sequence: r.sequence } };
  if (r.code === 'same') return { key: 'tlSame', params: { sequence: r.sequence } };
  if (r.code === 'rollback') return { key: 'tlRollback', params: { sequence: r.sequence, current: r.current } };
  if (r.code === 'sequence_reused') return { key: 'tlReused', params: { sequence: r.sequence, current: r.current } };
  if (r.code === 'wrong_root') return { key: 'tlWrongRoot', params: {} };
  return { key: 'tlBad', params: { reason: r.message || r.code } };
}

const messageOf = (error) => String(error && error.message ? error.message : error);

export class Provisioning {
  /**
   * `cw`: the wasm module; `storage`: getItem/setItem/removeItem (the root
   * key, and where an older version kept the list); `lists`: the list store
   * (`idbListStore`).
   */
  constructor(cw, storage, lists) {
    this.cw = cw;
    this.storage = storage;
    this.lists = lists;
    this.root = null;
    try { this.root = storage.getItem(KEYS.root); } catch { /* storage blocked: nothing pinned */ }
    /** The accepted TrustList, or null. */
    this.trust = null;
    /**
     * Whether the list in use is saved on the device; `storeError`: why the
     * last read or write of the list failed, or null. `rootError`: why the
     * pinned key could not be saved, or null.
     */
    this.saved = true;
    this.storeError = null;
    this.rootError = null;
    // Offers and the restore run one at a time: each decides against the list
    // the previous one left.
    this.queue = Promise.resolve();
  }

  #serial(task) {
    const run = this.queue.then(task);
    this.queue = run.catch(() => {});
    return run;
  }

  /**
   * Pins the root key of a deployment configuration. The first key seen is
   * pinned; a later configuration with another key is refused.
   * Returns 'pinned' | 'same' | 'changed' | 'invalid'.
   */
  pin(rootHex) {
    const key = typeof rootHex === 'string' ? rootHex.trim().toLowerCase() : '';
    if (!/^[0-9a-f]{64}$/.test(key)) return 'invalid';
    if (this.root === key) return 'same';
    if (this.root) return 'changed';
    this.root = key;
    try {
      this.storage.setItem(KEYS.root, key);
    } catch (error) {
      // Pinned for this session; the screen says it is not saved.
      this.rootError = messageOf(error);
    }
    return 'pinned';
  }

  /**
   * Reopens the list accepted before, if any: from IndexedDB, or once from
   * localStorage where an older version kept it (moved to IndexedDB, then
   * removed there to give the room back). Resolves to true when one is loaded.
   */
  restore() {
    return this.#serial(async () => {
      if (!this.root || this.trust) return Boolean(this.trust);
      let bytes = null;
      try {
        bytes = await this.lists.get();
      } catch (error) {
        this.storeError = messageOf(error);
      }
      let legacy = null;
      try { legacy = this.storage.getItem(KEYS.list); } catch { /* storage blocked */ }
      const migrating = !bytes && Boolean(legacy);
      if (migrating) {
        try { bytes = fromBase64(legacy); } catch { bytes = null; }
      }
      if (!bytes) return false;
      try {
        this.trust = new this.cw.TrustList(bytes, this.root);
      } catch {
        return false;
      }
      if (migrating) {
        try {
          await this.lists.put(bytes);
        } catch (error) {
          // Still in localStorage: saved there, moved on a later start.
          this.storeError = messageOf(error);
          return true;
        }
      }
      if (legacy) {
        try { this.storage.removeItem(KEYS.list); } catch { /* left for the next start */ }
      }
      return true;
    });
  }

  /**
   * Offers a trust list (bytes, binary or `CWL1:` text). Resolves to
   * `{accepted, code, sequence, current, saved, message}`: code 'accepted' |
   * 'same' (nothing to do) | 'rollback' | 'sequence_reused' | 'wrong_root' |
   * 'no_root' | an open error code ('invalid_signature', …). An accepted list
   * whose save failed has `saved: false`: it is in use for this session only.
   */
  offer(bytes) {
    return this.#serial(() => this.#offer(bytes));
  }

  async #offer(bytes) {
    if (!this.root) return { accepted: false, code: 'no_root', message: 'no pinned root key' };
    let offered;
    try {
      offered = new this.cw.TrustList(bytes, this.root);
    } catch (error) {
      return { accepted: false, code: error.code || 'malformed', message: error.message };
    }
    const sequence = offered.sequence;
    if (this.trust) {
      const current = this.trust.sequence;
      let answer;
      try {
        answer = this.trust.checkSuccessor(offered);
      } catch (error) {
        offered.free();
        return { accepted: false, code: error.code || 'rollback', message: error.message, sequence, current };
      }
      if (answer !== 'newer') {
        offered.free();
        // The same list again: a chance to save it if that failed before.
        if (!this.saved) await this.#save(bytes);
        return { accepted: false, code: 'same', sequence, current, saved: this.saved };
      }
    }
    // Saved before it is used, so a reload finds the same list; a failed save
    // is reported and the list is used for this session only.
    await this.#save(bytes);
    if (this.trust) this.trust.free();
    this.trust = offered;
    return { accepted: true, code: 'accepted', sequence, saved: this.saved, message: this.saved ? null : this.storeError };
  }

  async #save(bytes) {
    try {
      await this.lists.put(bytes);
      this.saved = true;
      this.storeError = null;
      try { this.storage.removeItem(KEYS.list); } catch { /* nothing kept there */ }
    } catch (error) {
      this.saved = false;
      this.storeError = messageOf(error);
    }
  }

  /**
   * What the screen shows: `{sequence, issuers, revoked, issuedAt, expiresAt,
   * age, clockBefore, expired, expiredFor, stale, saved}`, with the state at
   * `nowSecs` under `policy` as the core rules it (TrustList.status).
   */
  describe(nowSecs, policy) {
    const t = this.trust;
    if (!t) return null;
    return {
      sequence: t.sequence,
      issuers: t.issuerNames,
      revoked: t.revokedCount,
      issuedAt: t.issuedAt,
      expiresAt: t.expiresAt,
      ...t.status(nowSecs, policy),
      saved: this.saved,
    };
  }
}

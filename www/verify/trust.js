// Provisioning without a network: the pinned root key and the accepted trust
// list, kept in localStorage-like storage so they survive reloads. A trust list
// is accepted only if its root signature checks with the pinned key and its
// sequence does not go back (TrustList.checkSuccessor).

export const KEYS = { root: 'cw.verify.rootKey', list: 'cw.verify.trustList' };

export function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text) {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** The `CWL1:` text inside a link fragment (`#CWL1:…`, percent-encoded or not), or null. */
export function trustListFromFragment(hash) {
  if (!hash) return null;
  let h = hash.startsWith('#') ? hash.slice(1) : hash;
  try { h = decodeURIComponent(h); } catch { /* a bare % of Base45: take it as it is */ }
  return h.startsWith('CWL1:') ? h : null;
}

export class Provisioning {
  /** `cw`: the wasm module; `storage`: getItem/setItem/removeItem. */
  constructor(cw, storage) {
    this.cw = cw;
    this.storage = storage;
    this.root = storage.getItem(KEYS.root);
    /** The accepted TrustList, or null. */
    this.trust = null;
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
    this.storage.setItem(KEYS.root, key);
    this.root = key;
    return 'pinned';
  }

  /** Reopens the list accepted before, if any. Returns true when one is loaded. */
  restore() {
    const saved = this.storage.getItem(KEYS.list);
    if (!saved || !this.root) return false;
    try {
      this.trust = new this.cw.TrustList(fromBase64(saved), this.root);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Offers a trust list (bytes, binary or `CWL1:` text). Returns
   * `{accepted, code, sequence, current}`: code 'accepted' | 'same' |
   * 'rollback' | 'no_root' | an open error code ('invalid_signature', …).
   */
  offer(bytes) {
    if (!this.root) return { accepted: false, code: 'no_root', message: 'no pinned root key' };
    let offered;
    try {
      offered = new this.cw.TrustList(bytes, this.root);
    } catch (error) {
      return { accepted: false, code: error.code || 'malformed', message: error.message };
    }
    if (this.trust) {
      try {
        this.trust.checkSuccessor(offered);
      } catch (error) {
        const result = { accepted: false, code: error.code || 'rollback', message: error.message, sequence: offered.sequence, current: this.trust.sequence };
        offered.free();
        return result;
      }
      if (offered.sequence === this.trust.sequence && offered.issuedAt === this.trust.issuedAt) {
        offered.free();
        return { accepted: false, code: 'same', sequence: this.trust.sequence, current: this.trust.sequence };
      }
    }
    // Stored before it is used: a reload finds the same list.
    this.storage.setItem(KEYS.list, toBase64(bytes));
    if (this.trust) this.trust.free();
    this.trust = offered;
    return { accepted: true, code: 'accepted', sequence: offered.sequence };
  }

  /** What the screen shows: `{sequence, issuers, revoked, age, stale, expired, expiredFor}`. */
  describe(nowSecs, staleAfterSecs) {
    const t = this.trust;
    if (!t) return null;
    const age = nowSecs - t.issuedAt;
    return {
      sequence: t.sequence,
      issuers: t.issuerNames,
      revoked: t.revokedCount,
      age,
      stale: age > staleAfterSecs,
      expired: nowSecs > t.expiresAt,
      expiredFor: nowSecs - t.expiresAt,
    };
  }
}

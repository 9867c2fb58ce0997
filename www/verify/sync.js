// Background upload of the checkpoint log to the deployment's object store,
// with the station's upload grant (a signed S3 POST policy: the phone holds
// form fields, never a secret).
//
// Every record no acknowledgement covers is uploaded, in `seq` order, in
// batches of at most 200 records and at most the grant's size, each as the
// object `${prefix}${device}-${firstSeq}-${lastSeq}.jsonl` (JSON Lines of the
// records). The batch is noted in the log's storage before it is sent, so a
// retry after a crash or a reload sends the same key again and overwrites
// the same object instead of adding a copy. Once the store answered 2xx, the
// log acknowledges every record up to `lastSeq` (`via: 'sync'`); the
// retention rule later deletes them. One upload at a time; failures wait
// with exponential backoff and full jitter (www/shared/backoff.js), or the
// store's Retry-After when longer. Nothing here is awaited on the scan path.

import { codeInFragment } from '../shared/links.js';
import { retryDelay, parseRetryAfter } from '../shared/backoff.js';

export const RULES = Object.freeze({
  /** Records in one object. */
  maxRecords: 200,
  /** After a new record, upload this much later (more records join the batch). */
  debounce: 3e3,
  /** The periodic check (expiry shown, retention, anything missed). */
  tick: 60e3,
  /** Backoff: the first retry within base, doubling up to cap; never sooner than minGap. */
  base: 5e3,
  cap: 15 * 60e3,
  minGap: 1e3,
  maxRetryAfter: 3600e3,
  /** Back online: the next try within this, so stations coming back together spread out. */
  onlineJitter: 5e3,
  /** An upload that has not answered by then failed. */
  timeout: 60e3,
});

const DAY_MS = 86_400_000;
const META = { device: 'syncDevice', pending: 'syncPending', last: 'syncLast' };

/** The `CWG1:` text inside a link fragment (`#CWG1:…`, percent-encoded or not), or null. */
export const grantFromFragment = (hash) => codeInFragment(hash, 'grant');

/** The object key of the batch of records `firstSeq`..`lastSeq` of `device`. */
export function batchKey(prefix, device, firstSeq, lastSeq) {
  return `${prefix}${device}-${firstSeq}-${lastSeq}.jsonl`;
}

const encoder = new TextEncoder();
const line = (record) => {
  const { seq, ...rest } = record;
  return `${JSON.stringify(rest)}\n`;
};

/**
 * The first batch of `records` (in `seq` order): `{records, firstSeq, lastSeq,
 * body}` with at most `maxRecords` records and `maxBytes` bytes; null when
 * there is nothing; `{tooLarge: true}` when the first record alone is larger.
 */
export function nextBatch(records, { maxRecords = RULES.maxRecords, maxBytes }) {
  const taken = [];
  let body = '';
  let bytes = 0;
  for (const r of records) {
    if (taken.length >= maxRecords) break;
    const l = line(r);
    const n = encoder.encode(l).length;
    if (bytes + n > maxBytes) break;
    taken.push(r);
    body += l;
    bytes += n;
  }
  if (!taken.length) return records.length ? { tooLarge: true } : null;
  return { records: taken, firstSeq: taken[0].seq, lastSeq: taken[taken.length - 1].seq, body };
}

function randomId() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The upload loop of one page. `log`: the CheckpointLog. Options (injected
 * for tests): `fetch`, `now()`, `random()`, `online()`, `rules`,
 * `setTimer`/`clearTimer`, `locks` (Web Locks: one upload across tabs),
 * `onChange()` (the state to show changed), `retentionDays`.
 */
export class Sync {
  constructor(log, options = {}) {
    this.log = log;
    this.fetch = options.fetch || ((...a) => globalThis.fetch(...a));
    this.now = options.now || (() => Date.now());
    this.random = options.random || Math.random;
    this.online = options.online || (() => true);
    this.rules = { ...RULES, ...options.rules };
    this.setTimer = options.setTimer || ((f, ms) => setTimeout(f, ms));
    this.clearTimer = options.clearTimer || ((h) => clearTimeout(h));
    this.locks = options.locks || null;
    this.onChange = options.onChange || (() => {});
    /** Days uploaded records stay; null: none are deleted (not known yet). */
    this.retentionDays = 'retentionDays' in options ? options.retentionDays : 7;
    this.grant = null;
    /**
     * What to show: `phase` none (no grant) | idle | uploading | expired |
     * offline | unreachable | refused (`httpStatus`) | too_large;
     * `retryAt`, `lastUpload` (ms or null), `lastKey`.
     */
    this.status = { phase: 'none', httpStatus: null, retryAt: null, lastUpload: null, lastKey: null };
    this.failures = 0;
    this.notBefore = 0;
    this.timer = null;
    this.timerAt = 0;
    this.ticker = null;
    this.running = null;
    this.again = false;
    this.device = null;
  }

  /** Reads what a previous run kept (last upload time), starts the periodic check. */
  async start() {
    const last = await this.log.readMeta(META.last);
    if (Number.isFinite(last)) this.status.lastUpload = last;
    this.ticker = setInterval(() => this.tick(), this.rules.tick);
    this.#set({});
    this.schedule(0);
  }

  stop() {
    if (this.ticker) clearInterval(this.ticker);
    if (this.timer) this.clearTimer(this.timer);
    this.ticker = this.timer = null;
  }

  /** A new or no grant: uploads start over (at once) or stop. */
  setGrant(grant) {
    this.grant = grant || null;
    this.failures = 0;
    this.notBefore = 0;
    this.#set({ phase: this.grant ? 'idle' : 'none', httpStatus: null, retryAt: null });
    if (this.grant) this.schedule(0);
  }

  /** A record was written: upload it soon, with whatever follows it shortly. */
  recorded() { this.schedule(this.rules.debounce); }

  /** The network is back: try within a short random time, whatever the backoff said. */
  wentOnline() {
    this.notBefore = Math.min(this.notBefore, this.now() + Math.floor(this.random() * this.rules.onlineJitter));
    if (this.timer) { this.clearTimer(this.timer); this.timer = null; }
    this.schedule(0);
  }

  /** The periodic check: the state shown (an expiry), retention, a due retry. */
  tick() {
    if (this.grant && this.now() >= this.grant.expiresAt * 1000 && this.status.phase !== 'expired') this.#set({ phase: 'expired' });
    this.schedule(0);
  }

  /** Runs the upload at `delay` ms from now, or when the backoff allows; an earlier one already set stays. */
  schedule(delay) {
    const now = this.now();
    const at = Math.max(now + delay, this.notBefore);
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) this.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.setTimer(() => { this.timer = null; this.run(); }, Math.max(0, at - now));
  }

  #set(change) {
    Object.assign(this.status, change);
    try { this.onChange(this.status); } catch { /* the screen is not the upload's business */ }
  }

  /**
   * Uploads until nothing is waiting or an attempt fails; never two at once
   * (a call while running makes the running one go on). Resolves when done.
   */
  run() {
    if (this.running) { this.again = true; return this.running; }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          if (this.locks) await this.locks.request('cw-verify-sync', { ifAvailable: true }, (lock) => (lock ? this.#drain() : null));
          else await this.#drain();
        } while (this.again && this.now() >= this.notBefore);
      } catch { /* a storage error: tried again on the next tick */ } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async #drain() {
    await this.#retain();
    for (;;) {
      const grant = this.grant;
      if (!grant) { this.#set({ phase: 'none' }); return; }
      if (this.now() >= grant.expiresAt * 1000) { this.#set({ phase: 'expired', retryAt: null }); return; }
      // Too early (a timer may fire a moment before the wall clock says): wait for the retry time, not for the next tick.
      if (this.now() < this.notBefore) { this.schedule(0); return; }
      const batch = await this.#batch(grant);
      if (!batch) { this.#set({ phase: 'idle', retryAt: null, httpStatus: null }); return; }
      if (batch.tooLarge) { this.#set({ phase: 'too_large', retryAt: null }); return; }
      if (!this.online()) { this.#set({ phase: 'offline', retryAt: null }); return; }
      this.#set({ phase: 'uploading' });
      const outcome = await this.#upload(grant, batch);
      if (grant !== this.grant) return; // replaced meanwhile: start over with the new one
      if (!outcome.ok) {
        this.failures += 1;
        let wait = retryDelay(this.failures, this.random, this.rules);
        if (outcome.retryAfter != null && outcome.retryAfter > wait) wait = outcome.retryAfter;
        this.notBefore = this.now() + wait;
        this.#set({ phase: outcome.status ? 'refused' : 'unreachable', httpStatus: outcome.status, retryAt: this.notBefore });
        this.schedule(0);
        return;
      }
      const at = this.now();
      await this.log.acknowledge({ batch: batch.key, via: 'sync', upTo: batch.lastSeq, at: new Date(at).toISOString() });
      await this.log.writeMeta(META.pending, null);
      await this.log.writeMeta(META.last, at);
      this.failures = 0;
      this.notBefore = 0;
      this.#set({ phase: 'idle', httpStatus: null, retryAt: null, lastUpload: at, lastKey: batch.key });
      await this.#retain();
    }
  }

  /**
   * The batch to send: the one noted before a crash or reload if its records
   * are still the first waiting (same key), else a new one, noted first.
   */
  async #batch(grant) {
    const waiting = await this.log.unacknowledged();
    if (!waiting.length) return null;
    const pending = await this.log.readMeta(META.pending);
    if (pending && typeof pending.key === 'string' && pending.key.startsWith(grant.prefix)) {
      const again = waiting.filter((r) => r.seq >= pending.firstSeq && r.seq <= pending.lastSeq);
      if (again.length && again[0] === waiting[0]) {
        const b = nextBatch(again, { maxRecords: Infinity, maxBytes: grant.maxBytes });
        if (b && !b.tooLarge && b.records.length === again.length) return { ...b, key: pending.key, lastSeq: pending.lastSeq };
      }
    }
    const b = nextBatch(waiting, { maxRecords: this.rules.maxRecords, maxBytes: grant.maxBytes });
    if (!b || b.tooLarge) return b;
    const key = batchKey(grant.prefix, await this.#device(), b.firstSeq, b.lastSeq);
    // When even this cannot be written (a full disk), the upload still goes:
    // a retry may then use another key, and collect keeps each record once.
    await this.log.writeMeta(META.pending, { key, firstSeq: b.firstSeq, lastSeq: b.lastSeq });
    return { ...b, key };
  }

  /** The device's id, kept with the log: a log started over (seq from 1) gets a new one, so keys never repeat. */
  async #device() {
    if (this.device) return this.device;
    const kept = await this.log.readMeta(META.device);
    if (typeof kept === 'string' && /^[0-9a-f]{16}$/.test(kept)) this.device = kept;
    else {
      this.device = randomId();
      await this.log.writeMeta(META.device, this.device);
    }
    return this.device;
  }

  /** One POST of the grant's form; `{ok}` or `{ok: false, status, retryAfter}`. */
  async #upload(grant, batch) {
    const form = new FormData();
    for (const [name, value] of grant.fields) form.append(name, value);
    form.append('key', batch.key);
    form.append('file', new Blob([batch.body], { type: 'application/x-ndjson' }), batch.key.slice(batch.key.lastIndexOf('/') + 1));
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.rules.timeout);
    try {
      const r = await this.fetch(grant.endpoint, {
        method: 'POST', body: form, signal: abort.signal, credentials: 'omit', cache: 'no-store', redirect: 'error',
      });
      if (r.ok) return { ok: true };
      const retryAfter = parseRetryAfter(r.headers.get('Retry-After'), this.now(), this.rules);
      return { ok: false, status: r.status, retryAfter };
    } catch {
      return { ok: false, status: null, retryAfter: null };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The retention rule: uploaded records older than `retentionDays` leave the device. */
  async #retain() {
    if (this.retentionDays === null || this.retentionDays === undefined) return;
    const days = Number(this.retentionDays);
    if (!Number.isFinite(days) || days < 0) return;
    const n = await this.log.deleteUploadedBefore(this.now() - days * DAY_MS);
    if (n) this.#set({});
  }
}

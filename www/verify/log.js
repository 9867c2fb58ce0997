// The checkpoint log: every verdict is committed to storage before it is shown,
// and nothing committed is lost. Two modes:
//   tally         per record only the hour and the verdict code (no identities);
//                 exported as counts per hour and verdict;
//   registration  per accepted person the masked name, credential id, station,
//                 exact time and the sample-tube barcode linked after the scan.
//   A tube can be re-linked later: a correction record is appended, the
//   registration stays as it was logged.
// Storage is injected (`backend`): `commit({put, del, delUpTo, meta})` resolves
// when the change is durable (IndexedDB: the transaction's complete event) and
// rejects with the storage error; `delUpTo` deletes every record with `seq` up
// to it; `all()` returns every record; `meta(key)` a value.
// `idbBackend(indexedDB)` is the browser's; tests use `memoryBackend()`.

/**
 * The log refuses: `log_full` or `log_unavailable` (storage is full or broken:
 * scanning must stop), or `unknown_batch` (no export waits for that answer).
 */
export class LogError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'LogError';
    this.code = code;
  }
}

/** A tube code that is refused; `code` says why (see `checkTube`). */
export class TubeError extends Error {
  constructor(code, message = code) {
    super(message);
    this.name = 'TubeError';
    this.code = code;
  }
}

function isQuota(error) {
  const name = error && error.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED'
    || (error && error.code === 22);
}

function hourOf(ms) {
  return new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString().slice(0, 13) + ':00Z';
}

function randomId() {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Sample-tube codes unless the deployment's config.json sets `tubePattern`. */
export const DEFAULT_TUBE_PATTERN = '[A-Z0-9-]{6,20}';
const MAX_TUBE = 200;

/**
 * The tube rule from a pattern (a regular expression source, matched against
 * the whole code). A missing or broken pattern gives the default, with
 * `valid: false` for a broken one so the page can say so.
 */
export function tubeRule(source) {
  if (typeof source === 'string' && source) {
    try {
      return { source, regex: new RegExp(`^(?:${source})$`, 'u'), valid: true };
    } catch { /* fall through to the default */ }
  }
  return { source: DEFAULT_TUBE_PATTERN, regex: new RegExp(`^(?:${DEFAULT_TUBE_PATTERN})$`, 'u'), valid: source === undefined || source === null };
}

/**
 * Whether scanned or typed text can be a tube code: `{ok: true, tube}`, or
 * `{ok: false, code}` with code `tube_empty`, `tube_credential` (a health code
 * or a wallet link: the person's or the next one's), `tube_trust_list`,
 * `tube_grant` (an upload grant), or
 * `tube_pattern` (a poster, a typo). A code is never taken as a tube whatever
 * the pattern allows.
 */
export function checkTube(raw, rule = tubeRule()) {
  const tube = String(raw ?? '').trim();
  if (!tube) return { ok: false, code: 'tube_empty' };
  let decoded = tube;
  try { decoded = decodeURIComponent(tube); } catch { /* keep it raw */ }
  const text = `${tube}\n${decoded}`;
  if (/CWL1:/i.test(text)) return { ok: false, code: 'tube_trust_list' };
  if (/CWG1:/i.test(text)) return { ok: false, code: 'tube_grant' };
  if (/CW1:/i.test(text)) return { ok: false, code: 'tube_credential' };
  if (tube.length > MAX_TUBE || !rule.regex.test(tube)) return { ok: false, code: 'tube_pattern' };
  return { ok: true, tube };
}

// Deletion is safe only for records an acknowledgement covers. An
// acknowledgement `{batch, via, upTo, at}` says that every record with
// `seq <= upTo` is kept elsewhere: `via: 'export'` when the user confirmed that
// the export file of `batch` saved. Records get increasing `seq` and a changed
// record is written again under a new `seq`, so a file holding every record
// up to `upTo` not covered before covers them all. The acknowledgements are
// one small meta value; when even that cannot be written (a full store) they
// are kept in memory until deleting the covered records has made room.

export class CheckpointLog {
  constructor(backend, { tubePattern } = {}) {
    this.backend = backend;
    /** `null`, or the LogError that stopped the log. */
    this.stopped = null;
    this.tube = tubeRule(tubePattern);
    /** Exports waiting for the user's "saved?" answer, by batch id. */
    this.batches = new Map();
    /** Acknowledgements not yet written to storage (it was full). */
    this.unsaved = [];
  }

  /** Sets the tube pattern; false when it is broken (the default is used). */
  setTubePattern(source) {
    this.tube = tubeRule(source);
    return this.tube.valid;
  }

  async #commit(change) {
    try {
      await this.backend.commit(change);
    } catch (error) {
      this.stopped = isQuota(error)
        ? new LogError('log_full', 'device storage is full')
        : new LogError('log_unavailable', (error && (error.message || error.name)) || 'storage error');
      throw this.stopped;
    }
  }

  /** Unix milliseconds of the last logged scan, or null. */
  async lastScanTime() {
    const v = await this.backend.meta('lastScan');
    return typeof v === 'number' ? v : null;
  }

  /**
   * Logs one verdict and resolves once it is stored. `verdict` is the core's
   * `{valid, code, credential}`. Throws LogError when storage refuses.
   */
  async record(verdict, { mode = 'tally', nowMs, station = '' }) {
    if (this.stopped) throw this.stopped;
    const code = verdict.valid ? 'valid' : verdict.code || 'malformed';
    // The admission decision shown (a valid red code is refused); a verdict without one refuses.
    const record = { id: randomId(), mode, hour: hourOf(nowMs), verdict: code, decision: verdict.decision || 'refuse' };
    if (verdict.valid && verdict.credential) record.status = verdict.credential.status;
    if (mode === 'registration') {
      record.time = new Date(nowMs).toISOString();
      record.station = station;
      if (verdict.credential) {
        record.credentialId = verdict.credential.id;
        record.name = verdict.credential.displayName;
      }
      record.tube = null;
    }
    await this.#commit({ put: [record], meta: { lastScan: nowMs } });
    return record;
  }

  /**
   * Links a sample-tube code to a registration record. The record is written
   * again under a new `seq`, so an export made before does not cover it.
   * Throws TubeError for a code that is not a tube, LogError when storage refuses.
   */
  async attachTube(record, raw) {
    const check = checkTube(raw, this.tube);
    if (!check.ok) throw new TubeError(check.code);
    if (this.stopped) throw this.stopped;
    const { seq, ...rest } = record;
    const updated = { ...rest, tube: check.tube };
    await this.#commit({ put: [updated], del: seq === undefined ? [] : [seq] });
    return updated;
  }

  /**
   * The last accepted registration and its tube as corrected so far:
   * `{record, tube}` or null.
   */
  async lastRegistration() {
    const all = await this.records();
    const last = all.findLast((r) => r.mode === 'registration' && r.kind !== 'correction' && r.verdict === 'valid');
    if (!last) return null;
    const correction = all.findLast((r) => r.kind === 'correction' && r.corrects === last.id);
    return { record: last, tube: correction ? correction.tube : last.tube ?? null };
  }

  /**
   * Re-links the tube of registration `id`: appends a correction record that
   * names the registration and the tube it replaces; the registration itself
   * stays as it was logged.
   */
  async correctTube(id, raw, { nowMs, station = '' }) {
    const check = checkTube(raw, this.tube);
    if (!check.ok) throw new TubeError(check.code);
    if (this.stopped) throw this.stopped;
    const all = await this.records();
    const original = all.find((r) => r.id === id && r.mode === 'registration' && r.kind !== 'correction');
    if (!original) throw new TubeError('tube_no_registration');
    const previous = all.findLast((r) => r.kind === 'correction' && r.corrects === id);
    const record = {
      id: randomId(), mode: 'registration', kind: 'correction', hour: hourOf(nowMs),
      time: new Date(nowMs).toISOString(), station, verdict: null, corrects: id,
      credentialId: original.credentialId ?? null, name: original.name ?? null,
      tube: check.tube, previousTube: previous ? previous.tube : original.tube ?? null,
    };
    await this.#commit({ put: [record] });
    return record;
  }

  async records() {
    const all = await this.backend.all();
    return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /** Stored and unsaved acknowledgements, by `upTo`. */
  async acknowledgements() {
    const stored = await this.backend.meta('acks');
    const acks = [...(Array.isArray(stored) ? stored : []), ...this.unsaved];
    return acks.sort((a, b) => a.upTo - b.upTo);
  }

  async #covered() {
    const acks = await this.acknowledgements();
    return acks.length ? acks[acks.length - 1].upTo : 0;
  }

  /**
   * `{total, unexported, acknowledged, hourPass, hourCheck, hourRefused}` for
   * the screen: this hour's scans by the admission decision shown.
   */
  async summary(nowMs) {
    const all = await this.backend.all();
    const covered = await this.#covered();
    const hour = hourOf(nowMs);
    let acknowledged = 0, hourPass = 0, hourCheck = 0, hourRefused = 0;
    for (const r of all) {
      if (r.seq <= covered) acknowledged += 1;
      if (r.hour === hour && r.kind !== 'correction') {
        const decision = decisionOf(r);
        if (decision === 'pass') hourPass += 1;
        else if (decision === 'check') hourCheck += 1;
        else hourRefused += 1;
      }
    }
    return { total: all.length, unexported: all.length - acknowledged, acknowledged, hourPass, hourCheck, hourRefused };
  }

  /**
   * Exports as `csv` or `jsonl` and marks nothing: the batch counts only once
   * `confirmSaved(batch)` is called. `onlyNew` leaves out records an
   * acknowledgement covers. Each row's `exported` names the confirmed batch
   * that covers it. Returns `{text, count, batch, mime, filename}`; `batch`
   * is null when there is nothing to export.
   */
  async export(format, { onlyNew = false, nowMs = Date.now() } = {}) {
    const all = await this.records();
    const acks = await this.acknowledgements();
    const covered = acks.length ? acks[acks.length - 1].upTo : 0;
    const batchOf = (seq) => (acks.find((a) => a.upTo >= seq) || {}).batch ?? null;
    const chosen = (onlyNew ? all.filter((r) => r.seq > covered) : all).map((r) => ({ ...r, exported: batchOf(r.seq) }));
    const rows = exportRows(chosen);
    const text = format === 'csv' ? toCsv(rows) : rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
    let batch = null;
    if (chosen.length) {
      batch = `${new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomId().slice(0, 6)}`;
      // Every record up to the last one is in this file or covered already.
      this.batches.set(batch, { upTo: all[all.length - 1].seq, count: chosen.length });
    }
    return {
      text, count: chosen.length, batch,
      mime: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      filename: `checkpoint-log-${batch || new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}.${format === 'csv' ? 'csv' : 'jsonl'}`,
    };
  }

  /**
   * The user confirmed that the file of `batch` saved. Returns
   * `{acknowledged, durable}`: how many records may now be deleted, and
   * whether the acknowledgement is in storage (false on a full store: it is
   * then kept in memory until `clearAcknowledged` has made room).
   */
  async confirmSaved(batch, { nowMs = Date.now() } = {}) {
    const pending = this.batches.get(batch);
    if (!pending) throw new LogError('unknown_batch', `no export ${batch} waits for an answer`);
    this.batches.delete(batch);
    const durable = await this.acknowledge({ batch, via: 'export', upTo: pending.upTo, at: new Date(nowMs).toISOString() });
    const { acknowledged } = await this.summary(nowMs);
    return { acknowledged, durable };
  }

  /** The user said the file of `batch` did not save: it covers nothing. */
  discardBatch(batch) { return this.batches.delete(batch); }

  /**
   * Records that every record with `seq <= ack.upTo` is kept elsewhere. Needs
   * no room in a full store: resolves false if the acknowledgement could only
   * be kept in memory.
   */
  async acknowledge(ack) {
    this.unsaved.push(ack);
    return this.#saveAcks();
  }

  async #saveAcks(keepOnly = 0) {
    if (!this.unsaved.length && !keepOnly) return true;
    let acks = await this.acknowledgements();
    if (keepOnly) acks = acks.slice(-keepOnly);
    try {
      await this.backend.commit({ meta: { acks } });
    } catch {
      return false;
    }
    this.unsaved = [];
    return true;
  }

  /**
   * Deletes the records an acknowledgement covers, with one range delete (no
   * room needed); returns how many. A stopped log may write again after.
   */
  async clearAcknowledged() {
    const covered = await this.#covered();
    const all = await this.backend.all();
    const n = all.filter((r) => r.seq <= covered).length;
    if (n) {
      try {
        await this.backend.commit({ delUpTo: covered });
      } catch (error) {
        throw new LogError('log_unavailable', (error && (error.message || error.name)) || 'storage error');
      }
      this.stopped = null;
    }
    // Room now: the acknowledgement in memory is written; only the last one
    // still matters once the records it covered are gone.
    await this.#saveAcks(n ? 1 : 0);
    return n;
  }

  /** After the user freed space elsewhere: try writing again. */
  resume() { this.stopped = null; }

  /** Records no acknowledgement covers, in `seq` order: what is still only here. */
  async unacknowledged() {
    const covered = await this.#covered();
    return (await this.records()).filter((r) => r.seq > covered);
  }

  /** A value kept beside the records (the upload's state), or undefined. */
  async readMeta(key) {
    try { return await this.backend.meta(key); } catch { return undefined; }
  }

  /** Keeps a value beside the records; false when storage refused (the log goes on). */
  async writeMeta(key, value) {
    try {
      await this.backend.commit({ meta: { [key]: value } });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The retention rule: deletes the records an upload to the store covers
   * (`via: 'sync'`) once older than `cutoffMs`; returns how many. An
   * acknowledgement covers the records above the one before it, so a record
   * only exported, or not acknowledged at all, is never deleted here.
   */
  async deleteUploadedBefore(cutoffMs) {
    const acks = await this.acknowledgements();
    const ranges = [];
    let below = 0;
    for (const a of acks) {
      if (a.via === 'sync' && a.upTo > below) ranges.push([below, a.upTo]);
      below = Math.max(below, a.upTo);
    }
    if (!ranges.length) return 0;
    const all = await this.records();
    const old = all.filter((r) => recordTime(r) < cutoffMs && ranges.some(([lo, hi]) => r.seq > lo && r.seq <= hi));
    if (!old.length) return 0;
    try {
      await this.backend.commit({ del: old.map((r) => r.seq) });
    } catch (error) {
      throw new LogError('log_unavailable', (error && (error.message || error.name)) || 'storage error');
    }
    this.stopped = null;
    // Acknowledgements below every record left say nothing any more; the last stays.
    const gone = new Set(old.map((r) => r.seq));
    const left = all.filter((r) => !gone.has(r.seq));
    const lowest = left.length ? left[0].seq : Infinity;
    const keep = acks.filter((a, i) => a.upTo >= lowest || i === acks.length - 1);
    if (keep.length < acks.length) {
      try {
        await this.backend.commit({ meta: { acks: keep } });
        this.unsaved = [];
      } catch { /* kept as they were: still correct, only longer */ }
    }
    return old.length;
  }
}

/** When a record was made, in Unix ms: its exact time, or the end of its hour (tally). */
function recordTime(r) {
  const exact = Date.parse(r.time);
  if (Number.isFinite(exact)) return exact;
  const hour = Date.parse(r.hour);
  return Number.isFinite(hour) ? hour + 3_600_000 : Infinity;
}

/** The decision a record was shown with (records written before it was kept: from the verdict). */
function decisionOf(r) {
  return r.decision || (r.verdict === 'valid' ? 'pass' : 'refuse');
}

/**
 * Registration records as they are; tally records as counts per hour and
 * verdict; tube corrections as rows of their own (`kind: 'correction'`,
 * `corrects` the id of the registration, `previousTube` the tube replaced).
 */
export function exportRows(records) {
  const rows = [];
  const tallies = new Map();
  for (const r of records) {
    if (r.kind === 'correction') {
      rows.push({
        mode: 'registration', kind: 'correction', id: r.id, time: r.time, station: r.station, verdict: null,
        decision: null, status: null, credentialId: r.credentialId ?? null, name: r.name ?? null, tube: r.tube ?? null,
        corrects: r.corrects, previousTube: r.previousTube ?? null, exported: r.exported ?? null,
      });
    } else if (r.mode === 'registration') {
      rows.push({
        mode: 'registration', kind: 'scan', id: r.id, time: r.time, station: r.station, verdict: r.verdict,
        decision: decisionOf(r), status: r.status ?? null, credentialId: r.credentialId ?? null, name: r.name ?? null,
        tube: r.tube ?? null, corrects: null, previousTube: null, exported: r.exported ?? null,
      });
    } else {
      const key = `${r.hour}|${r.verdict}|${decisionOf(r)}|${r.status ?? ''}|${r.exported ?? ''}`;
      const row = tallies.get(key) || {
        mode: 'tally', kind: 'scan', hour: r.hour, verdict: r.verdict, decision: decisionOf(r),
        status: r.status ?? null, count: 0, exported: r.exported ?? null,
      };
      row.count += 1;
      tallies.set(key, row);
    }
  }
  return [...rows, ...tallies.values()];
}

const CSV_COLUMNS = ['mode', 'kind', 'id', 'time', 'hour', 'station', 'verdict', 'decision', 'status', 'credentialId', 'name', 'tube', 'corrects', 'previousTube', 'count', 'exported'];

// A spreadsheet runs a cell starting with = + - @ (or a tab or CR before one)
// as a formula: such a cell gets a leading apostrophe, so the CSV shows
// `'=…` where the JSON Lines keep the exact text. A cell holding the field
// separator of either locale (`,` or `;`), a quote or a line break is quoted.
function csvCell(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/**
 * A backend in memory, same contract as IndexedDB's. `failWith` simulates
 * errors; `capacity` a full disk: a change that writes anything while leaving
 * more than `capacity` values (records and meta) stored fails with
 * QuotaExceededError, deletes alone always pass.
 */
export function memoryBackend({ capacity = Infinity } = {}) {
  const records = new Map();
  const meta = new Map();
  let next = 1;
  return {
    failWith: null,
    async commit({ put = [], del = [], delUpTo, meta: m = {} }) {
      if (this.failWith) throw this.failWith;
      if (put.length || Object.keys(m).length) {
        const keys = new Set(records.keys());
        for (const k of del) keys.delete(k);
        if (delUpTo !== undefined) for (const k of keys) if (k <= delUpTo) keys.delete(k);
        const added = put.filter((r) => r.seq === undefined || !keys.has(r.seq)).length;
        const metaKeys = new Set([...meta.keys(), ...Object.keys(m)]);
        if (keys.size + added + metaKeys.size > capacity) {
          throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
        }
      }
      for (const r of put) {
        if (r.seq === undefined) r.seq = next++;
        records.set(r.seq, structuredClone(r));
      }
      for (const k of del) records.delete(k);
      if (delUpTo !== undefined) for (const k of [...records.keys()]) if (k <= delUpTo) records.delete(k);
      for (const [k, v] of Object.entries(m)) meta.set(k, v);
    },
    async all() { return [...records.values()].map((r) => structuredClone(r)); },
    async meta(key) { return meta.get(key); },
  };
}

/** The IndexedDB backend: database `name`, stores `records` (auto key `seq`) and `meta`. */
export function idbBackend(indexedDB, name = 'cw-verify-log') {
  const opened = new Promise((ok, fail) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('records', { keyPath: 'seq', autoIncrement: true });
      db.createObjectStore('meta');
    };
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
    req.onblocked = () => fail(new Error('log database is blocked by another tab'));
  });
  const request = (req) => new Promise((ok, fail) => { req.onsuccess = () => ok(req.result); req.onerror = () => fail(req.error); });
  return {
    opened,
    async commit({ put = [], del = [], delUpTo, meta = {} }) {
      const db = await opened;
      const tx = db.transaction(['records', 'meta'], 'readwrite', { durability: 'strict' });
      const done = new Promise((ok, fail) => {
        tx.oncomplete = () => ok();
        // The error of the failed request, or of the transaction (quota shows up here).
        tx.onabort = () => fail(tx.error || new Error('transaction aborted'));
      });
      try {
        const records = tx.objectStore('records');
        for (const r of put) {
          const req = records.put(r);
          if (r.seq === undefined) req.onsuccess = () => { r.seq = req.result; };
        }
        for (const k of del) records.delete(k);
        if (delUpTo !== undefined) records.delete(IDBKeyRange.upperBound(delUpTo));
        for (const [k, v] of Object.entries(meta)) tx.objectStore('meta').put(v, k);
      } catch (error) {
        done.catch(() => {}); // the abort below rejects it; the caller gets `error`
        try { tx.abort(); } catch { /* already finished */ }
        throw error;
      }
      return done;
    },
    async all() {
      const db = await opened;
      return request(db.transaction('records').objectStore('records').getAll());
    },
    async meta(key) {
      const db = await opened;
      return request(db.transaction('meta').objectStore('meta').get(key));
    },
  };
}

// The checkpoint log: every verdict is committed to storage before it is shown,
// and nothing committed is lost. Two modes:
//   tally         per record only the hour and the verdict code (no identities);
//                 exported as counts per hour and verdict;
//   registration  per accepted person the masked name, credential id, station,
//                 exact time and the sample-tube barcode linked after the scan.
// Storage is injected (`backend`): `commit({put, del, meta})` resolves when the
// change is durable (IndexedDB: the transaction's complete event) and rejects
// with the storage error; `all()` returns every record; `meta(key)` a value.
// `idbBackend(indexedDB)` is the browser's; tests use `memoryBackend()`.

/** The log refuses to write: storage is full or broken. Scanning must stop. */
export class LogError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'LogError';
    this.code = code; // 'log_full' | 'log_unavailable'
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

export class CheckpointLog {
  constructor(backend) {
    this.backend = backend;
    /** `null`, or the LogError that stopped the log. */
    this.stopped = null;
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
    const record = { id: randomId(), mode, hour: hourOf(nowMs), verdict: code, exported: null };
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

  /** Links a sample-tube barcode to a registration record. */
  async attachTube(record, tube) {
    if (this.stopped) throw this.stopped;
    const updated = { ...record, tube: String(tube).trim(), exported: null };
    await this.#commit({ put: [updated] });
    return updated;
  }

  async records() {
    const all = await this.backend.all();
    return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  }

  /** `{total, unexported, hourValid, hourRefused}` for the screen. */
  async summary(nowMs) {
    const all = await this.backend.all();
    const hour = hourOf(nowMs);
    let unexported = 0, hourValid = 0, hourRefused = 0;
    for (const r of all) {
      if (!r.exported) unexported += 1;
      if (r.hour === hour) {
        if (r.verdict === 'valid') hourValid += 1; else hourRefused += 1;
      }
    }
    return { total: all.length, unexported, hourValid, hourRefused };
  }

  /**
   * Exports as `csv` or `jsonl`; marks each record exported with the new batch
   * id (records already exported keep their first batch). `onlyNew` leaves out
   * records exported before. Returns `{text, count, batch, mime, filename}`.
   */
  async export(format, { onlyNew = false, nowMs = Date.now() } = {}) {
    const all = await this.records();
    const chosen = onlyNew ? all.filter((r) => !r.exported) : all;
    const batch = `${new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomId().slice(0, 6)}`;
    const rows = exportRows(chosen);
    const text = format === 'csv' ? toCsv(rows) : rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
    const marked = chosen.filter((r) => !r.exported).map((r) => ({ ...r, exported: batch }));
    if (marked.length) await this.#commit({ put: marked });
    return {
      text, count: chosen.length, batch,
      mime: format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      filename: `checkpoint-log-${batch}.${format === 'csv' ? 'csv' : 'jsonl'}`,
    };
  }

  /** Deletes records that were exported; frees room after a full log. */
  async clearExported() {
    const all = await this.backend.all();
    const gone = all.filter((r) => r.exported).map((r) => r.seq);
    if (gone.length) {
      try {
        await this.backend.commit({ del: gone });
      } catch (error) {
        throw new LogError('log_unavailable', error.message || String(error));
      }
    }
    this.stopped = null;
    return gone.length;
  }

  /** After the user freed space elsewhere: try writing again. */
  resume() { this.stopped = null; }
}

/** Registration records as they are; tally records as counts per hour and verdict. */
export function exportRows(records) {
  const rows = [];
  const tallies = new Map();
  for (const r of records) {
    if (r.mode === 'registration') {
      rows.push({
        mode: 'registration', id: r.id, time: r.time, station: r.station, verdict: r.verdict,
        status: r.status ?? null, credentialId: r.credentialId ?? null, name: r.name ?? null,
        tube: r.tube ?? null, exported: r.exported ?? null,
      });
    } else {
      const key = `${r.hour}|${r.verdict}|${r.status ?? ''}|${r.exported ?? ''}`;
      const row = tallies.get(key) || { mode: 'tally', hour: r.hour, verdict: r.verdict, status: r.status ?? null, count: 0, exported: r.exported ?? null };
      row.count += 1;
      tallies.set(key, row);
    }
  }
  return [...rows, ...tallies.values()];
}

const CSV_COLUMNS = ['mode', 'id', 'time', 'hour', 'station', 'verdict', 'status', 'credentialId', 'name', 'tube', 'count', 'exported'];

function csvCell(v) {
  if (v === null || v === undefined) return '';
  let s = String(v);
  // A cell starting with = + - @ would be a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A backend in memory, same contract as IndexedDB's; `failWith` simulates errors. */
export function memoryBackend() {
  const records = new Map();
  const meta = new Map();
  let next = 1;
  return {
    failWith: null,
    async commit({ put = [], del = [], meta: m = {} }) {
      if (this.failWith) throw this.failWith;
      for (const r of put) {
        if (r.seq === undefined) r.seq = next++;
        records.set(r.seq, structuredClone(r));
      }
      for (const k of del) records.delete(k);
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
    async commit({ put = [], del = [], meta = {} }) {
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

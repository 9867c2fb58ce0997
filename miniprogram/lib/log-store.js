// The checkpoint log's storage on the platform, with the contract of the
// pages' log backends (www/verify/log.js): commit({put, del, delUpTo, meta})
// returns once the change is stored and throws the storage's error (a full
// store is `QuotaExceededError`, which the log turns into `log_full`); all();
// meta(key).
//
// Each record is under its own key (the platform allows 1 MB a key, 10 MB in
// all), the record counter and the log's meta values under one more. The
// platform's storage is synchronous and has no transactions, so a commit
// writes the counter first (a number is never given twice, even if the app is
// killed halfway), then the new records, then the deletions (a record is
// rewritten before its old copy goes); when a write is refused, the keys
// already written are put back, so a refused commit changes nothing.
const RECORD = 'cw.log.r.';
const META = 'cw.log.meta';

function storageBackend(storage) {
  const recordSeqs = () =>
    storage
      .keys()
      .filter((k) => k.startsWith(RECORD))
      .map((k) => Number(k.slice(RECORD.length)))
      .filter((n) => Number.isSafeInteger(n) && n > 0);

  // {next, values}. A meta value that cannot be read loses the log's notes
  // (acknowledgements: the records then count as not exported, never the
  // other way), not the records; the counter then starts after the highest.
  const readMeta = () => {
    const text = storage.getItem(META);
    let meta = null;
    try {
      meta = text === null ? null : JSON.parse(text);
    } catch (e) {
      meta = null;
    }
    const highest = Math.max(0, ...recordSeqs());
    if (!meta || typeof meta !== 'object' || !Number.isSafeInteger(meta.next) || !meta.values || typeof meta.values !== 'object') {
      return { next: highest + 1, values: {} };
    }
    return { next: Math.max(meta.next, highest + 1), values: meta.values };
  };

  // Writes [key, text | null] in order; on a refusal puts back what it wrote.
  const apply = (writes) => {
    const done = [];
    try {
      for (const [key, value] of writes) {
        const old = storage.getItem(key);
        if (value === null) storage.removeItem(key);
        else storage.setItem(key, value);
        done.push([key, old]);
      }
    } catch (error) {
      for (const [key, old] of done.reverse()) {
        try {
          if (old === null) storage.removeItem(key);
          else storage.setItem(key, old);
        } catch (e) {
          // Putting back a value that was there fits; a broken store is reported by the first error.
        }
      }
      throw error;
    }
  };

  return {
    async commit({ put = [], del = [], delUpTo, meta = {} }) {
      const state = readMeta();
      let next = state.next;
      const seqs = put.map((r) => (r.seq === undefined ? next++ : r.seq));
      const writes = [[META, JSON.stringify({ next, values: Object.assign({}, state.values, meta) })]];
      put.forEach((r, i) => writes.push([RECORD + seqs[i], JSON.stringify(Object.assign({}, r, { seq: seqs[i] }))]));
      const gone = new Set(del);
      if (delUpTo !== undefined) for (const seq of recordSeqs()) if (seq <= delUpTo) gone.add(seq);
      for (const seq of gone) if (!seqs.includes(seq)) writes.push([RECORD + seq, null]);
      apply(writes);
      put.forEach((r, i) => {
        r.seq = seqs[i];
      });
    },

    // Every record by sequence. One that cannot be read stays in storage and
    // is left out here rather than stopping the log.
    async all() {
      const records = [];
      for (const seq of recordSeqs().sort((a, b) => a - b)) {
        try {
          const r = JSON.parse(storage.getItem(RECORD + seq));
          if (r && typeof r === 'object') records.push(Object.assign(r, { seq }));
        } catch (e) {
          // kept aside, see above
        }
      }
      return records;
    },

    async meta(key) {
      return readMeta().values[key];
    },
  };
}

module.exports = { storageBackend, RECORD, META };

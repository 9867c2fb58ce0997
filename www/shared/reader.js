// The page side of the QR reader: one decode worker (decode-worker.js) per
// page, started when first needed, so nothing is decoded on the main thread.
// Every read resolves to {texts} or {error: {code, message, pixels?}}; it
// never throws. Importing this module does nothing by itself.
//
// A worker's script is served offline only by the service worker whose scope
// holds its address, so each page starts it from a one-line decode-worker.js
// of its own folder that imports this folder's.

const unavailable = () => ({ error: { code: 'reader_unavailable', message: 'the code reader did not load' } });

/** Camera frames are read at most this long on their longest side. */
export const FRAME_SIDE = 1280;

/**
 * A reader whose worker (`url`: the page's decode-worker.js) starts on the
 * first read or `start()`. `onState` hears its state: 'loading', 'ready' or
 * 'failed' (the worker's script or wasm module did not load). A failed reader
 * answers `reader_unavailable` at once, until `start()` tries again (when the
 * network is back, say).
 */
export function createReader({ url, onState = () => {} }) {
  let worker = null;
  let state = 'idle';
  let nextId = 1;
  const jobs = new Map();

  function setState(next) {
    state = next;
    if (next === 'failed') {
      for (const resolve of jobs.values()) resolve(unavailable());
      jobs.clear();
    }
    onState(next);
  }

  /** Starts the worker, or starts it again if it failed; a running one is kept. */
  function start() {
    if (worker && state !== 'failed') return;
    if (worker) worker.terminate();
    worker = null;
    setState('loading');
    let w;
    try {
      w = new Worker(url, { type: 'module' });
    } catch {
      setState('failed');
      return;
    }
    worker = w;
    w.onmessage = (event) => {
      if (w !== worker) return;
      const data = event.data;
      if (data.kind === 'ready' || data.kind === 'failed') {
        setState(data.kind);
        return;
      }
      const resolve = jobs.get(data.id);
      jobs.delete(data.id);
      if (resolve) resolve(data);
    };
    // A worker whose script did not load: nothing will answer.
    w.onerror = (event) => {
      event.preventDefault();
      if (w === worker) setState('failed');
    };
  }

  function call(message, transfer = []) {
    if (!worker) start();
    if (state === 'failed') return Promise.resolve(unavailable());
    const id = nextId++;
    return new Promise((resolve) => {
      jobs.set(id, resolve);
      try {
        worker.postMessage({ ...message, id }, transfer);
      } catch (error) {
        jobs.delete(id);
        resolve({ error: { code: 'internal', message: String((error && error.message) || error) } });
      }
    });
  }

  return {
    get state() { return state; },
    start,
    /** A chosen photo (File or Blob): tried at a reading size, then as large as the reader takes. */
    readFile: (blob) => call({ kind: 'file', blob }),
    /** The video's current frame, at most `maxSide` px long; `no_frame` when there is none yet. */
    async readFrame(video, maxSide = FRAME_SIDE) {
      if (state === 'failed') return unavailable();
      const { videoWidth: width, videoHeight: height } = video;
      const k = Math.min(1, maxSide / Math.max(width, height));
      let bitmap;
      try {
        bitmap = await createImageBitmap(video, k < 1 ? { resizeWidth: Math.round(width * k), resizeHeight: Math.round(height * k) } : {});
      } catch (error) {
        return { error: { code: 'no_frame', message: String((error && error.message) || error) } };
      }
      return call({ kind: 'frame', bitmap }, [bitmap]);
    },
    /** Raw RGBA pixels; the buffer is handed over to the worker. */
    readRgba: (width, height, buffer) => call({ kind: 'rgba', width, height, buffer }, [buffer]),
    /** Stops the worker; reads still waiting answer `reader_unavailable`. The next read starts a new one. */
    terminate() {
      if (worker) worker.terminate();
      worker = null;
      for (const resolve of jobs.values()) resolve(unavailable());
      jobs.clear();
      state = 'idle';
    },
  };
}

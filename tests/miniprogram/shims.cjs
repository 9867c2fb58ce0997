// What the mini-program platform provides and Node (or miniprogram-simulate)
// does not, as strict as the platform: WXWebAssembly takes only a path inside
// the package, storage has the platform's limits, the scanner reads from a
// queue, a canvas records its drawing, and every network call is counted.
//
// install() also removes WebAssembly, TextEncoder, TextDecoder and fetch from
// the global scope, as the runtime has none of them: code that reaches for them
// fails here as it would on a phone.
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const PACKAGE = path.resolve(__dirname, '../../miniprogram');
const TOTAL_BYTES = 10 * 1024 * 1024;
const KEY_BYTES = 1024 * 1024;

// Captured before install() hides them.
const RealWebAssembly = globalThis.WebAssembly;
const RealTextEncoder = globalThis.TextEncoder;

function byteLength(s) {
  return Buffer.byteLength(s, 'utf8');
}

// WXWebAssembly: instantiate(path, imports) with a string path inside the
// package (.wasm, or brotli .wasm.br); resolves to {instance, module}.
function makeWasmEngine(calls) {
  return {
    instantiate(file, imports) {
      calls.push(file);
      if (typeof file !== 'string') {
        throw new TypeError('WXWebAssembly.instantiate takes a path inside the package, not bytes');
      }
      if (!/\.wasm(\.br)?$/.test(file)) throw new TypeError(`not a .wasm or .wasm.br path: ${file}`);
      if (file.split('/').includes('..')) throw new TypeError(`outside the package: ${file}`);
      const full = path.join(PACKAGE, file);
      return new Promise((resolve, reject) => {
        fs.readFile(full, (err, data) => {
          if (err) {
            reject(new Error(`no file ${file} in the package`));
            return;
          }
          const bytes = file.endsWith('.br') ? zlib.brotliDecompressSync(data) : data;
          RealWebAssembly.instantiate(bytes, imports).then(resolve, reject);
        });
      });
    },
  };
}

// Storage with the platform's behaviour: '' for a missing key, sizes in KB
// in getStorageInfoSync, and the platform's errors past 1 MB a key or 10 MB.
function makeStorage() {
  const items = new Map();
  const used = () => {
    let n = 0;
    for (const [k, v] of items) n += byteLength(k) + byteLength(v);
    return n;
  };
  const storage = {
    items,
    broken: false, // every call fails, as a damaged storage would
    getStorageSync(key) {
      if (storage.broken) throw { errMsg: 'getStorageSync:fail internal error' };
      return items.has(key) ? items.get(key) : '';
    },
    setStorageSync(key, value) {
      if (storage.broken) throw { errMsg: 'setStorageSync:fail internal error' };
      const v = typeof value === 'string' ? value : JSON.stringify(value);
      const size = byteLength(key) + byteLength(v);
      if (size > KEY_BYTES) throw { errMsg: 'setStorageSync:fail exceed storage item max length' };
      const old = items.has(key) ? byteLength(key) + byteLength(items.get(key)) : 0;
      if (used() - old + size > TOTAL_BYTES) throw { errMsg: 'setStorageSync:fail exceed storage max size 10MB' };
      items.set(key, v);
    },
    removeStorageSync(key) {
      if (storage.broken) throw { errMsg: 'removeStorageSync:fail internal error' };
      items.delete(key);
    },
    getStorageInfoSync() {
      if (storage.broken) throw { errMsg: 'getStorageInfoSync:fail internal error' };
      return { keys: [...items.keys()], currentSize: Math.ceil(used() / 1024), limitSize: TOTAL_BYTES / 1024 };
    },
  };
  return storage;
}

// A 2D context that records what is drawn: [{op: 'set', name, value} |
// {op: 'call', name, args}].
function makeRecordingContext() {
  const ops = [];
  const state = {};
  const ctx = new Proxy(state, {
    get(target, name) {
      if (name === 'ops') return ops;
      if (name in target) return target[name];
      if (typeof name !== 'string') return undefined;
      return (...args) => {
        ops.push({ op: 'call', name, args });
      };
    },
    set(target, name, value) {
      target[name] = value;
      ops.push({ op: 'set', name, value });
      return true;
    },
  });
  return ctx;
}

function makeCanvas(cssWidth, cssHeight) {
  const ctx = makeRecordingContext();
  return {
    cssWidth,
    cssHeight,
    width: 300,
    height: 150,
    ctx,
    contexts: 0,
    getContext(kind) {
      if (kind !== '2d') throw new Error(`unsupported context ${kind}`);
      this.contexts++;
      return ctx;
    },
  };
}

function parseColour(value) {
  const named = { white: 255, black: 0, '#fff': 255, '#ffffff': 255, '#000': 0, '#000000': 0 };
  const v = String(value).trim().toLowerCase();
  if (v in named) return named[v];
  let m = /^#([0-9a-f]{6})$/.exec(v);
  let rgb;
  if (m) rgb = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(v);
  if (m) rgb = [m[1], m[2], m[3]].map(Number);
  if (!rgb) throw new Error(`colour the rasteriser does not know: ${value}`);
  return Math.round(0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]);
}

// Draws the recorded operations into a luma buffer the canvas's size. What
// was never painted is mid grey, so a missing white quiet zone shows.
// Operations it does not know fail the test rather than be ignored.
function rasterize(canvas) {
  const { width, height } = canvas;
  const luma = new Uint8Array(width * height).fill(128);
  let fill = 0;
  let t = [1, 0, 0, 1, 0, 0]; // a, b, c, d, e, f
  const ignored = new Set(['imageSmoothingEnabled', 'save', 'restore', 'beginPath']);
  const paint = (x, y, w, h, value) => {
    if (t[1] !== 0 || t[2] !== 0) throw new Error('rotation or skew is not rasterised');
    const x0 = t[0] * x + t[4];
    const y0 = t[3] * y + t[5];
    const x1 = x0 + t[0] * w;
    const y1 = y0 + t[3] * h;
    // Pixels whose centres lie inside the rectangle.
    const cx0 = Math.max(0, Math.ceil(Math.min(x0, x1) - 0.5));
    const cx1 = Math.min(width, Math.ceil(Math.max(x0, x1) - 0.5));
    const cy0 = Math.max(0, Math.ceil(Math.min(y0, y1) - 0.5));
    const cy1 = Math.min(height, Math.ceil(Math.max(y0, y1) - 0.5));
    for (let py = cy0; py < cy1; py++) luma.fill(value, py * width + cx0, py * width + cx1);
  };
  for (const o of canvas.ctx.ops) {
    if (o.op === 'set') {
      if (o.name === 'fillStyle') fill = parseColour(o.value);
      else if (!ignored.has(o.name)) throw new Error(`property the rasteriser does not know: ${o.name}`);
      continue;
    }
    const a = o.args;
    if (o.name === 'fillRect') paint(a[0], a[1], a[2], a[3], fill);
    else if (o.name === 'clearRect') paint(a[0], a[1], a[2], a[3], 128);
    else if (o.name === 'setTransform') t = a.slice(0, 6);
    else if (o.name === 'resetTransform') t = [1, 0, 0, 1, 0, 0];
    else if (o.name === 'scale') t = [t[0] * a[0], 0, 0, t[3] * a[1], t[4], t[5]];
    else if (!ignored.has(o.name)) throw new Error(`drawing call the rasteriser does not know: ${o.name}`);
  }
  return { width, height, luma };
}

function lumaToRgba({ width, height, luma }) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < luma.length; i++) {
    rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = luma[i];
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

// Installs the shims on `wx` (miniprogram-simulate's, when it is loaded, or a
// new one) and returns handles to drive and inspect them.
function install({ pixelRatio = 2 } = {}) {
  const wx = globalThis.wx || (globalThis.wx = {});
  const wasmCalls = [];
  globalThis.WXWebAssembly = makeWasmEngine(wasmCalls);
  for (const name of ['WebAssembly', 'TextEncoder', 'TextDecoder', 'fetch']) delete globalThis[name];

  const storage = makeStorage();
  Object.assign(wx, {
    getStorageSync: storage.getStorageSync,
    setStorageSync: storage.setStorageSync,
    removeStorageSync: storage.removeStorageSync,
    getStorageInfoSync: storage.getStorageInfoSync,
  });

  const scans = { queue: [], calls: [] };
  wx.scanCode = (options) => {
    scans.calls.push({ onlyFromCamera: options.onlyFromCamera, scanType: options.scanType });
    const next = scans.queue.shift();
    setTimeout(() => {
      if (next === undefined || next.fail) {
        options.fail?.({ errMsg: next ? next.fail : 'scanCode:fail cancel' });
      } else {
        options.success?.({ result: next.result, scanType: 'QR_CODE', charSet: 'utf-8' });
      }
      options.complete?.();
    }, 0);
  };

  // Every call is counted; the phone is offline unless a test gives
  // `network.respond(options)`, which answers wx.request with
  // {statusCode, data, header} (or null: the request fails).
  const network = { calls: [], respond: null };
  for (const name of ['request', 'downloadFile', 'uploadFile', 'connectSocket']) {
    wx[name] = (options) => {
      network.calls.push({ api: name, url: options && options.url });
      const answer = name === 'request' && network.respond ? network.respond(options) : null;
      setTimeout(() => (answer ? options?.success?.(answer) : options?.fail?.({ errMsg: `${name}:fail offline` })), 0);
    };
  }

  // Screen calls answer after a few turns of the event loop, as the
  // platform's asynchronous APIs do; settled() tells when none is pending.
  let pending = 0;
  const screen = { brightness: 0.3, keepScreenOn: false, vibrations: 0, buzzes: [], settled: () => pending === 0 };
  const ok = (options, res = {}) => {
    pending++;
    setTimeout(() => {
      pending--;
      options?.success?.(res);
    }, 1);
  };
  wx.getScreenBrightness = (o) => ok(o, { value: screen.brightness });
  wx.setScreenBrightness = (o) => {
    screen.brightness = o.value;
    ok(o);
  };
  wx.setKeepScreenOn = (o) => {
    screen.keepScreenOn = o.keepScreenOn;
    ok(o);
  };
  wx.vibrateShort = (o) => {
    screen.vibrations++;
    screen.buzzes.push('short');
    ok(o);
  };
  wx.vibrateLong = (o) => {
    screen.vibrations++;
    screen.buzzes.push('long');
    ok(o);
  };
  wx.getWindowInfo = () => ({ pixelRatio, windowWidth: 375, windowHeight: 667 });
  const app = { language: 'en' };
  wx.getAppBaseInfo = () => ({ language: app.language, SDKVersion: '3.0.0' });

  // Canvases by selector ('#qr' → 240 × 240 CSS pixels unless set otherwise).
  // `hold`: canvas queries wait in `held` until a test answers them (answerHeld()),
  // to act while a page waits for its canvas.
  const canvases = { sizes: { '#qr': [240, 240] }, made: [], hold: false, held: [] };
  canvases.answerHeld = () => canvases.held.splice(0).forEach((answer) => answer());
  wx.createSelectorQuery = () => {
    let selector = null;
    const query = {
      in: () => query,
      select: (s) => {
        selector = s;
        return query;
      },
      fields: () => query,
      exec: (cb) => {
        const size = canvases.sizes[selector];
        const node = size ? makeCanvas(size[0], size[1]) : null;
        if (node) canvases.made.push(node);
        const answer = () => cb([node ? { node, width: size[0], height: size[1] } : null]);
        if (canvases.hold) canvases.held.push(answer);
        else setTimeout(answer, 0);
      },
    };
    return query;
  };

  // Files: the picker (chooseMessageFile) hands out what is queued in
  // files.picks ({name, bytes} or {fail}; nothing queued: cancelled) under a
  // temporary path; the file system reads those and keeps what is written
  // under USER_DATA_PATH in files.written; shareFileMessage answers from
  // files.shareAnswers ({fail} or nothing: shared) and records each share in
  // files.shares.
  const files = { picks: [], temp: new Map(), written: new Map(), removed: [], shares: [], shareAnswers: [], broken: false };
  wx.env = Object.assign({}, wx.env, { USER_DATA_PATH: 'wxfile://usr' });
  const later = (fn) => setTimeout(fn, 0);
  wx.chooseMessageFile = (options) => {
    const next = files.picks.shift();
    later(() => {
      if (!next || next.fail) {
        options.fail?.({ errMsg: next ? next.fail : 'chooseMessageFile:fail cancel' });
        return;
      }
      const tempPath = `wxfile://tmp/${files.temp.size + 1}-${next.name}`;
      files.temp.set(tempPath, Buffer.from(next.bytes));
      options.success?.({ tempFiles: [{ path: tempPath, name: next.name, size: next.bytes.length, type: 'file' }] });
    });
  };
  wx.getFileSystemManager = () => ({
    readFile(options) {
      later(() => {
        const data = files.temp.get(options.filePath) || files.written.get(options.filePath);
        if (!data || files.broken) options.fail?.({ errMsg: `readFile:fail no such file ${options.filePath}` });
        else options.success?.({ data: data.buffer.slice(data.byteOffset, data.byteOffset + data.length) });
      });
    },
    writeFile(options) {
      later(() => {
        if (files.broken || !String(options.filePath).startsWith(`${wx.env.USER_DATA_PATH}/`)) {
          options.fail?.({ errMsg: `writeFile:fail permission denied ${options.filePath}` });
          return;
        }
        files.written.set(options.filePath, Buffer.from(options.data, options.encoding === 'utf8' ? 'utf8' : undefined));
        options.success?.({});
      });
    },
    unlink(options) {
      later(() => {
        if (!files.written.delete(options.filePath)) options.fail?.({ errMsg: `unlink:fail no such file ${options.filePath}` });
        else {
          files.removed.push(options.filePath);
          options.success?.({});
        }
      });
    },
  });
  // The platform shares a file only from a tap: called later (after an
  // await or a timer), it fails. Here a tap is a handler miniprogram-simulate's
  // event system (exparser) is running.
  const inTap = () => {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    const stack = new Error().stack;
    Error.stackTraceLimit = limit;
    return /exparser/.test(stack);
  };
  wx.shareFileMessage = (options) => {
    const answer = files.shareAnswers.shift();
    const tapped = inTap();
    later(() => {
      const data = files.written.get(options.filePath);
      files.shares.push({ filePath: options.filePath, fileName: options.fileName, text: data ? data.toString('utf8') : null, tapped });
      if (!tapped) options.fail?.({ errMsg: 'shareFileMessage:fail can only be invoked by user TAP gesture.' });
      else if (!data) options.fail?.({ errMsg: 'shareFileMessage:fail file not found' });
      else if (answer && answer.fail) options.fail?.({ errMsg: answer.fail });
      else options.success?.({});
    });
  };

  return { wx, wasmCalls, storage, scans, network, screen, canvases, app, files };
}

module.exports = { install, rasterize, lumaToRgba, makeStorage, RealTextEncoder, PACKAGE };

// The one file that calls the platform: WeChat's `wx` and `WXWebAssembly`
// today. Another platform (Alipay's `my`) gets its own version of these few
// functions; nothing else in the package names a platform API.
//
// Every function returns plain values or typed errors ({code, message}); none
// lets a platform failure escape as something else.

// The platform's storage limits: 10 MB per mini-program, 1 MB per key.
const STORAGE_TOTAL_BYTES = 10 * 1024 * 1024;
const STORAGE_KEY_BYTES = 1024 * 1024;
const CORE_PATH = '/core/codewallet_bg.wasm.br';

function typedError(code, message, name) {
  const error = new Error(message);
  error.code = code;
  if (name) error.name = name;
  return error;
}

// The wallet in the core tells a full store from a broken one by this name.
function quotaError(message) {
  return typedError('quota_exceeded', message, 'QuotaExceededError');
}

function errMsg(e) {
  return String((e && (e.errMsg || e.message)) || e);
}

// UTF-8 length without building the bytes.
function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

// Storage with localStorage's shape (getItem/setItem/removeItem on strings),
// which the core's Wallet takes. A write past a limit throws `quota_exceeded`
// and changes nothing; any other failure throws `storage_unavailable`.
const storage = {
  getItem(key) {
    let value;
    try {
      value = wx.getStorageSync(key);
      // The platform answers '' for a missing key.
      if (value === '' && !wx.getStorageInfoSync().keys.includes(key)) return null;
    } catch (e) {
      throw typedError('storage_unavailable', errMsg(e));
    }
    return typeof value === 'string' ? value : null;
  },

  setItem(key, value) {
    key = String(key);
    value = String(value);
    const size = utf8Length(key) + utf8Length(value);
    if (size > STORAGE_KEY_BYTES) {
      throw quotaError(`${size} bytes under one key: the platform allows ${STORAGE_KEY_BYTES}`);
    }
    try {
      const info = wx.getStorageInfoSync();
      const old = info.keys.includes(key) ? wx.getStorageSync(key) : null;
      const oldSize = typeof old === 'string' ? utf8Length(key) + utf8Length(old) : 0;
      const limit = Math.min(STORAGE_TOTAL_BYTES, (info.limitSize || Infinity) * 1024);
      if (info.currentSize * 1024 - oldSize + size > limit) {
        throw quotaError(`storage full: ${info.currentSize} KB of ${limit / 1024} KB used`);
      }
      wx.setStorageSync(key, value);
    } catch (e) {
      if (e && e.code) throw e;
      if (/exceed/i.test(errMsg(e))) throw quotaError(errMsg(e));
      throw typedError('storage_unavailable', errMsg(e));
    }
  },

  removeItem(key) {
    try {
      wx.removeStorageSync(key);
    } catch (e) {
      throw typedError('storage_unavailable', errMsg(e));
    }
  },

  // Every key stored.
  keys() {
    try {
      return wx.getStorageInfoSync().keys.slice();
    } catch (e) {
      throw typedError('storage_unavailable', errMsg(e));
    }
  },
};

// The platform's scanner, camera only: QR codes, and with `barcodes` also
// one-dimensional barcodes (a sample tube's). Resolves to {ok: true, text} or
// {ok: false, code: 'cancelled' | 'scan_failed', message}.
function scanCode({ barcodes = false } = {}) {
  return new Promise((resolve) => {
    try {
      wx.scanCode({
        onlyFromCamera: true,
        scanType: barcodes ? ['barCode', 'qrCode'] : ['qrCode'],
        success: (res) => {
          if (typeof res.result === 'string') resolve({ ok: true, text: res.result });
          else resolve({ ok: false, code: 'scan_failed', message: 'no text in the scan result' });
        },
        fail: (e) => {
          const message = errMsg(e);
          resolve({ ok: false, code: /cancel/i.test(message) ? 'cancelled' : 'scan_failed', message });
        },
      });
    } catch (e) {
      resolve({ ok: false, code: 'scan_failed', message: errMsg(e) });
    }
  });
}

// The largest file chooseFile reads: more than a trust list with a city's
// revocations, less than would stall the phone.
const FILE_MAX_BYTES = 16 * 1024 * 1024;

// A platform call with success/fail callbacks as a promise of {ok: true, res}
// or {ok: false, message}; never rejects.
function callback(fn, options) {
  return new Promise((resolve) => {
    try {
      fn(Object.assign({}, options, { success: (res) => resolve({ ok: true, res }), fail: (e) => resolve({ ok: false, message: errMsg(e) }) }));
    } catch (e) {
      resolve({ ok: false, message: errMsg(e) });
    }
  });
}

function fileSystem() {
  try {
    return wx.getFileSystemManager();
  } catch (e) {
    return null;
  }
}

// A file the user picks from a chat (the platform's only file picker):
// {ok: true, name, bytes} or {ok: false, code: 'cancelled' | 'too_large' |
// 'file_failed', message}.
async function chooseFile({ extensions } = {}) {
  const chosen = await callback((o) => wx.chooseMessageFile(o), { count: 1, type: 'file', extension: extensions });
  if (!chosen.ok) {
    return { ok: false, code: /cancel/i.test(chosen.message) ? 'cancelled' : 'file_failed', message: chosen.message };
  }
  const file = chosen.res && chosen.res.tempFiles && chosen.res.tempFiles[0];
  if (!file || typeof file.path !== 'string') return { ok: false, code: 'file_failed', message: 'no file chosen' };
  if (file.size > FILE_MAX_BYTES) {
    return { ok: false, code: 'too_large', message: `${file.size} bytes: at most ${FILE_MAX_BYTES} are read` };
  }
  const fs = fileSystem();
  if (!fs) return { ok: false, code: 'file_failed', message: 'no file system' };
  const read = await callback((o) => fs.readFile(o), { filePath: file.path });
  if (!read.ok) return { ok: false, code: 'file_failed', message: read.message };
  const data = read.res && read.res.data;
  if (!(data instanceof ArrayBuffer)) return { ok: false, code: 'file_failed', message: 'the file was not read as bytes' };
  if (data.byteLength > FILE_MAX_BYTES) {
    return { ok: false, code: 'too_large', message: `${data.byteLength} bytes: at most ${FILE_MAX_BYTES} are read` };
  }
  return { ok: true, name: String(file.name || ''), bytes: new Uint8Array(data) };
}

// Writes `text` (UTF-8) as `name` in the mini-program's own user folder:
// {ok: true, path} or {ok: false, code: 'write_failed', message}. A full
// folder is the platform's failure like any other.
async function writeFile(name, text) {
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) return { ok: false, code: 'write_failed', message: `not a plain file name: ${name}` };
  const fs = fileSystem();
  let folder;
  try {
    folder = wx.env.USER_DATA_PATH;
  } catch (e) {
    folder = null;
  }
  if (!fs || typeof folder !== 'string') return { ok: false, code: 'write_failed', message: 'no user folder' };
  const path = `${folder}/${name}`;
  const wrote = await callback((o) => fs.writeFile(o), { filePath: path, data: String(text), encoding: 'utf8' });
  return wrote.ok ? { ok: true, path } : { ok: false, code: 'write_failed', message: wrote.message };
}

// Removes a file writeFile wrote; resolves to whether it is gone.
async function removeFile(path) {
  const fs = fileSystem();
  if (!fs) return false;
  return (await callback((o) => fs.unlink(o), { filePath: path })).ok;
}

// Offers a file to a chat, where it can be saved or forwarded: {ok: true} or
// {ok: false, code: 'cancelled' | 'share_failed', message}. Success says the
// file left, not that it was kept: the user is asked that.
async function shareFile(path, name) {
  const shared = await callback((o) => wx.shareFileMessage(o), { filePath: path, fileName: name });
  if (shared.ok) return { ok: true };
  return { ok: false, code: /cancel/i.test(shared.message) ? 'cancelled' : 'share_failed', message: shared.message };
}

// Resolves to whether the platform call succeeded; never rejects.
function call(name, options = {}) {
  return new Promise((resolve) => {
    try {
      wx[name](
        Object.assign({}, options, { success: (res) => resolve({ ok: true, res }), fail: () => resolve({ ok: false }) }),
      );
    } catch (e) {
      resolve({ ok: false });
    }
  });
}

// A short buzz, or a long one (`long`: a refusal the staff must not miss).
function vibrate(long = false) {
  return (long ? call('vibrateLong') : call('vibrateShort', { type: 'heavy' })).then((r) => r.ok);
}

// While a code is shown: full brightness and the screen kept on; afterwards
// the brightness the holder had. The calls run one after another, so leaving
// a page while its raise is under way still ends restored.
let savedBrightness = null;
let screenQueue = Promise.resolve();
function queued(op) {
  const run = screenQueue.then(op);
  screenQueue = run.catch(() => false);
  return run;
}

function raiseScreen() {
  return queued(async () => {
    if (savedBrightness === null) {
      const got = await call('getScreenBrightness');
      savedBrightness = got.ok && typeof got.res.value === 'number' ? got.res.value : -1;
    }
    const set = await call('setScreenBrightness', { value: 1 });
    const kept = await call('setKeepScreenOn', { keepScreenOn: true });
    return set.ok && kept.ok;
  });
}

function restoreScreen() {
  return queued(async () => {
    const kept = await call('setKeepScreenOn', { keepScreenOn: false });
    let set = { ok: true };
    if (savedBrightness !== null && savedBrightness >= 0) {
      set = await call('setScreenBrightness', { value: savedBrightness });
    }
    savedBrightness = null;
    return set.ok && kept.ok;
  });
}

function pixelRatio() {
  try {
    const info = wx.getWindowInfo ? wx.getWindowInfo() : wx.getSystemInfoSync();
    return info.pixelRatio || 1;
  } catch (e) {
    return 1;
  }
}

// A 2D canvas of `component` (a `<canvas type="2d" id=…>`), sized for the
// screen's pixel ratio: {canvas, ctx, width, height} in device pixels.
function canvas(component, selector) {
  return new Promise((resolve, reject) => {
    try {
      wx.createSelectorQuery()
        .in(component)
        .select(selector)
        .fields({ node: true, size: true })
        .exec((res) => {
          const found = res && res[0];
          if (!found || !found.node) {
            reject(typedError('no_canvas', `no canvas ${selector}`));
            return;
          }
          const ratio = pixelRatio();
          const node = found.node;
          node.width = Math.round(found.width * ratio);
          node.height = Math.round(found.height * ratio);
          resolve({ canvas: node, ctx: node.getContext('2d'), width: node.width, height: node.height });
        });
    } catch (e) {
      reject(typedError('no_canvas', errMsg(e)));
    }
  });
}

// A network request: {ok, status, data} or {ok: false, code: 'network', message}.
function request({ url, method = 'GET', data, header, timeout = 15000 }) {
  return new Promise((resolve) => {
    try {
      wx.request({
        url,
        method,
        data,
        header,
        timeout,
        success: (res) => resolve({ ok: true, status: res.statusCode, data: res.data, header: res.header }),
        fail: (e) => resolve({ ok: false, code: 'network', message: errMsg(e) }),
      });
    } catch (e) {
      resolve({ ok: false, code: 'network', message: errMsg(e) });
    }
  });
}

// The phone's language as the platform reports it ('zh_CN', 'en', …).
function language() {
  try {
    const info = wx.getAppBaseInfo ? wx.getAppBaseInfo() : wx.getSystemInfoSync();
    return String(info.language || 'en');
  } catch (e) {
    return 'en';
  }
}

// The runtime has no Web Crypto; the checkpoint log's module names records
// with globalThis.crypto.getRandomValues. Record ids must be unique, not
// secret (they link a correction to its record), so where the runtime has none
// a Math.random stand-in is put in its place.
function ensureRandomValues() {
  const existing = globalThis.crypto;
  if (existing && typeof existing.getRandomValues === 'function') return false;
  const getRandomValues = (array) => {
    for (let i = 0; i < array.length; i++) array[i] = Math.floor(Math.random() * 256);
    return array;
  };
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues }, configurable: true, writable: true });
  return true;
}

// The core wasm module, from its brotli file inside the package.
// A missing glue or engine rejects like any other failed load.
function loadCore() {
  return Promise.resolve().then(() => {
    // eslint-disable-next-line global-require
    const glue = require('../core/codewallet.js');
    return glue.instantiate(CORE_PATH, WXWebAssembly).then(() => glue);
  });
}

module.exports = {
  STORAGE_TOTAL_BYTES,
  STORAGE_KEY_BYTES,
  CORE_PATH,
  storage,
  FILE_MAX_BYTES,
  scanCode,
  chooseFile,
  writeFile,
  removeFile,
  shareFile,
  vibrate,
  raiseScreen,
  restoreScreen,
  canvas,
  request,
  language,
  ensureRandomValues,
  loadCore,
};

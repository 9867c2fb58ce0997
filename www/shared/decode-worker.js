// Decodes QR codes off the main thread, for every page (its page side is
// reader.js). Messages in:
//   {id, kind: 'frame', bitmap}   an ImageBitmap of a camera frame (transferred)
//   {id, kind: 'rgba', width, height, buffer}   raw pixels (transferred)
//   {id, kind: 'file', blob}      a chosen photo
// Messages out: {id, texts} or {id, error: {code, message, pixels?}}; once at
// start {kind: 'ready'}, or {kind: 'failed', error} when the wasm module did
// not load (then every message is answered with code `reader_unavailable`).
// Only the reader module is loaded here; it makes no network request after load.

import init, { scanRgba } from '../pkg/reader/codewallet.js';

/** Largest image read (the reader's own limit is 4096 × 4096): a larger photo is scaled down to it. */
const MAX_PIXELS = 4096 * 4096;
/**
 * Larger photos are refused before decoding: a phone's 48-MP photo decodes
 * to about 190 MB, and a file claiming more is more likely a mistake or a
 * decompression bomb than a photo of a code.
 */
const MAX_PHOTO_PIXELS = 50 * 1000 * 1000;
/** Larger files are not read at all. */
const MAX_FILE_BYTES = 40 * 1024 * 1024;
/** Photos are first tried at this longest side, then as large as the reader takes (MAX_PIXELS). */
const FIRST_TRY_SIDE = 1600;

const ready = init();
ready.then(
  () => self.postMessage({ kind: 'ready' }),
  (error) => self.postMessage({ kind: 'failed', error: { code: 'reader_unavailable', message: String(error && error.message ? error.message : error) } }),
);
let canvas = null;

function pixelsOf(source, width, height) {
  if (!canvas) canvas = new OffscreenCanvas(width, height);
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

function scan(width, height, rgba) {
  return scanRgba(width, height, rgba instanceof Uint8Array ? rgba : new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength));
}

/** Width and height from a PNG, JPEG, GIF or WebP header, without decoding; null if unknown. */
export function imageSize(b) {
  const u32 = (i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { width: u32(16), height: u32(20) };
  if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  if (b.length >= 30 && b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57 && b[9] === 0x45) {
    const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
    if (chunk === 'VP8X') return { width: 1 + (b[24] | (b[25] << 8) | (b[26] << 16)), height: 1 + (b[27] | (b[28] << 8) | (b[29] << 16)) };
    if (chunk === 'VP8 ') return { width: (b[26] | (b[27] << 8)) & 0x3fff, height: (b[28] | (b[29] << 8)) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
      return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) { i += 1; continue; }
      const marker = b[i + 1];
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) { i += marker === 0xff ? 1 : 2; continue; }
      const len = (b[i + 2] << 8) | b[i + 3];
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
      }
      i += 2 + len;
    }
  }
  return null;
}

function tooLarge(pixels) {
  const e = new Error(`image has ${pixels} pixels`);
  e.code = 'too_large';
  e.pixels = pixels;
  return e;
}

async function scanFile(blob) {
  if (blob.size > MAX_FILE_BYTES) throw tooLarge(NaN);
  // The header says how big the decoded image would be: refuse before decoding.
  const head = new Uint8Array(await blob.slice(0, 256 * 1024).arrayBuffer());
  const size = imageSize(head);
  if (size && size.width * size.height > MAX_PHOTO_PIXELS) throw tooLarge(size.width * size.height);
  let bitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    const e = new Error('not an image');
    e.code = 'not_image';
    throw e;
  }
  try {
    if (bitmap.width * bitmap.height > MAX_PHOTO_PIXELS) throw tooLarge(bitmap.width * bitmap.height);
    // The largest the reader takes: the photo itself, or scaled down to fit.
    const fit = Math.min(1, Math.sqrt(MAX_PIXELS / (bitmap.width * bitmap.height)));
    const width = Math.max(1, Math.floor(bitmap.width * fit));
    const height = Math.max(1, Math.floor(bitmap.height * fit));
    const longest = Math.max(width, height);
    let firstError = null;
    if (longest > FIRST_TRY_SIDE) {
      const k = FIRST_TRY_SIDE / longest;
      const w = Math.max(1, Math.round(width * k)), h = Math.max(1, Math.round(height * k));
      try {
        return scan(w, h, pixelsOf(bitmap, w, h));
      } catch (error) {
        firstError = error;
      }
    }
    try {
      return scan(width, height, pixelsOf(bitmap, width, height));
    } catch (error) {
      // "unreadable" (a code seen) says more than "not found".
      if (firstError && firstError.code === 'unreadable') throw firstError;
      throw error;
    }
  } finally {
    bitmap.close();
  }
}

self.onmessage = async (event) => {
  const msg = event.data;
  try {
    try {
      await ready;
    } catch (error) {
      throw Object.assign(new Error(`the code reader did not load: ${error && error.message ? error.message : error}`), { code: 'reader_unavailable' });
    }
    let texts;
    if (msg.kind === 'frame') {
      const { bitmap } = msg;
      try {
        texts = scan(bitmap.width, bitmap.height, pixelsOf(bitmap, bitmap.width, bitmap.height));
      } finally {
        bitmap.close();
      }
    } else if (msg.kind === 'rgba') {
      texts = scan(msg.width, msg.height, new Uint8Array(msg.buffer));
    } else if (msg.kind === 'file') {
      texts = await scanFile(msg.blob);
    } else {
      throw Object.assign(new Error(`unknown message ${msg.kind}`), { code: 'internal' });
    }
    self.postMessage({ id: msg.id, texts });
  } catch (error) {
    self.postMessage({ id: msg.id, error: { code: error.code || 'internal', message: String(error.message || error), pixels: error.pixels } });
  }
};

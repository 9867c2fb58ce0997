// Reading a code from a photo or the camera, with the QR reader module
// (core + reader, loaded on first use); what is found is imported like
// pasted text. The page loads this module only when a person picks a photo
// or turns the camera on.

import { $ } from './state.js';
import { renderStatic, say, sayError } from './view.js';
import { importText } from './import.js';

const MAX_IMAGE_SIDE = 2048;

/** The QR reader module (core + reader), loaded once. */
async function reader(app) {
  if (!app.reader) {
    const m = await import('../pkg/reader/codewallet.js');
    await m.default();
    app.reader = m;
  }
  return app.reader;
}

/** The first credential among the texts a picture held, or undefined. */
export const firstCredential = (texts) => texts.find((x) => x.startsWith('CW1:'));

/** Pixels of an image or video frame, scaled down to at most `max` px on the long side. */
function pixels(source, width, height, max) {
  const scale = Math.min(1, max / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

async function decodeImageFile(app, file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw Object.assign(new Error('not an image'), { code: 'not_image' });
  }
  const img = pixels(bitmap, bitmap.width, bitmap.height, MAX_IMAGE_SIDE);
  bitmap.close();
  const m = await reader(app);
  return m.scanRgba(img.width, img.height, img.data);
}

export async function importPhoto(app, file) {
  say(app, 'reading');
  try {
    const text = firstCredential(await decodeImageFile(app, file));
    if (!text) {
      say(app, 'err_not_credential', {}, 'error');
      return;
    }
    await importText(app, text, $('add-label').value);
  } catch (e) {
    sayError(app, e);
  }
}

const FRAME_SIDE = 1024;
const FRAME_GAP_MS = 150;

export function stopCamera(app) {
  const { camera } = app;
  clearTimeout(camera.timer);
  if (camera.stream) for (const track of camera.stream.getTracks()) track.stop();
  camera.stream = null;
  const video = $('video');
  video.srcObject = null;
  video.hidden = true;
  renderStatic(app);
}

export async function startCamera(app) {
  const { camera } = app;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say(app, 'noCamera', { why: 'getUserMedia' }, 'error');
    return;
  }
  try {
    const m = await reader(app);
    camera.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
    const video = $('video');
    video.srcObject = camera.stream;
    video.hidden = false;
    await video.play();
    renderStatic(app);
    say(app, 'scanning');
    const frame = async () => {
      if (!camera.stream) return;
      if (video.videoWidth) {
        const img = pixels(video, video.videoWidth, video.videoHeight, FRAME_SIDE);
        let texts = [];
        try {
          texts = m.scanRgba(img.width, img.height, img.data);
        } catch {
          texts = [];
        }
        const text = firstCredential(texts);
        if (text) {
          stopCamera(app);
          await importText(app, text, $('add-label').value);
          return;
        }
      }
      camera.timer = setTimeout(frame, FRAME_GAP_MS);
    };
    frame();
  } catch (e) {
    stopCamera(app);
    say(app, 'noCamera', { why: (e && e.name) || String(e) }, 'error');
  }
}

export const toggleCamera = (app) => (app.camera.stream ? stopCamera(app) : startCamera(app));

// Reading a code from a photo or the camera. The shared decode worker reads
// (../shared/reader.js, started on first use), so nothing is decoded on the
// main thread; what is found is imported like pasted text. The page loads
// this module only when a person picks a photo or turns the camera on.

import { $ } from './state.js';
import { renderStatic, say, sayError } from './view.js';
import { importText } from './import.js';
import { createReader } from '../shared/reader.js';

/** The page's reader, made on first use; one that could not load is tried again. */
function reader(app) {
  if (!app.reader) app.reader = createReader({ url: new URL('./decode-worker.js', import.meta.url) });
  app.reader.start();
  return app.reader;
}

/** The first credential among the texts a picture held, or undefined. */
export const firstCredential = (texts) => texts.find((x) => x.startsWith('CW1:'));

/** The reader's error as one the page words by its code (err_not_image …). */
const readError = ({ code, message }) => Object.assign(new Error(message), { code });

export async function importPhoto(app, file) {
  say(app, 'reading');
  try {
    const result = await reader(app).readFile(file);
    if (result.error) throw readError(result.error);
    const text = firstCredential(result.texts);
    if (!text) {
      say(app, 'err_not_credential', {}, 'error');
      return;
    }
    await importText(app, text, $('add-label').value);
  } catch (e) {
    sayError(app, e);
  }
}

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
    const frames = reader(app);
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
    camera.stream = stream;
    const video = $('video');
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    renderStatic(app);
    say(app, 'scanning');
    // One frame at a time; a loop whose stream was stopped (or replaced) ends.
    const frame = async () => {
      if (camera.stream !== stream) return;
      if (video.videoWidth) {
        const result = await frames.readFrame(video);
        if (camera.stream !== stream) return;
        if (result.error && result.error.code === 'reader_unavailable') {
          stopCamera(app);
          sayError(app, readError(result.error));
          return;
        }
        const text = firstCredential(result.texts || []);
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

// Adding a person with the camera: frames are read until one holds a
// credential, which is then imported like pasted text.

import { $ } from './state.js';
import { say } from './notices.js';
import { renderStatic } from './view.js';
import { importText, reader, pixels, firstCredential } from './import.js';

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

// Adding a person: from pasted text, a link opened on this page (its
// fragment) or a photo. The QR reader module is loaded only when a picture
// is read.

import { decodeCredential } from '../pkg/core/codewallet.js';
import { $, KEY, nowSecs } from './state.js';
import { extractCredential } from './link.js';
import { say, sayError } from './notices.js';
import { render } from './view.js';
import { reload } from './store.js';
import { fetchTrustNow } from './refresh.js';

const MAX_IMAGE_SIDE = 2048;

/**
 * The label a new entry gets when none is typed: "Me" for the first, else the
 * credential's own (masked) name unless someone has it already, else "Person n".
 * `decode` reads a credential's fields (the core's decodeCredential).
 */
export function defaultLabel(t, entries, text, decode = decodeCredential) {
  if (entries.length === 0) return t('me');
  try {
    const name = decode(text).displayName;
    if (name && !entries.some((e) => e.label === name)) return name;
  } catch {
    // fall through
  }
  return t('person', { n: entries.length + 1 });
}

/** The message key for input in which no credential was found. */
export const noCredentialKey = (input) => (String(input || '').trim() ? 'err_not_credential' : 'err_empty');

export async function importText(app, input, label) {
  const text = extractCredential(input);
  if (!text) {
    say(app, noCredentialKey(input), {}, 'error');
    return false;
  }
  let list = app.trust;
  if (!list) {
    try {
      list = await fetchTrustNow(app);
    } catch {
      list = null;
    }
  }
  if (!list) {
    say(app, 'err_trust', {}, 'error');
    return false;
  }
  const name = (label || '').trim() || defaultLabel(app.t, app.entries, text);
  try {
    app.wallet.import(name, text, list, nowSecs());
  } catch (e) {
    if (e.code === 'duplicate') {
      const i = app.entries.findIndex((x) => x.text === text);
      if (i >= 0) app.selected = i;
    }
    sayError(app, e);
    render(app);
    return false;
  }
  reload(app);
  app.selected = app.entries.length - 1;
  app.storage.writeJson(KEY.selected, app.selected);
  say(app, 'imported', { label: name });
  render(app);
  return true;
}

/** The link this page was opened with (or its fragment changed to): imported, then taken out of the address. */
export async function importFromFragment(app) {
  const text = extractCredential(location.hash.slice(1), true);
  if (!location.hash || location.hash === '#') return;
  history.replaceState(null, '', location.pathname + location.search);
  if (text) await importText(app, text, '');
  else say(app, 'err_not_credential', {}, 'error');
}

/** The QR reader module (core + reader), loaded once. */
export async function reader(app) {
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
export function pixels(source, width, height, max) {
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
    throw Object.assign(new Error('not an image'), { code: 'image' });
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

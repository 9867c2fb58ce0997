// The card last shown, if checked and valid, drawn at the next start before
// the core loads: provisional (card[data-provisional], QR in #qr-saved) until
// the core's first render replaces it with what it decides now.

import { openStorage } from '../shared/storage.js';

const KEY = 'codewallet.shown';

/** Keeps `shown` (or forgets the kept card for null); writes only on change. */
export function keepShown(app, shown) {
  const value = shown ? JSON.stringify(shown) : null;
  if (value === app.keptShown) return;
  app.keptShown = value;
  if (value) app.storage.writeJson(KEY, shown);
  else app.storage.remove(KEY);
}

/** Whether a kept card may be drawn at `now` (seconds): well formed, valid now, not about to run out. */
export function drawable(shown, now) {
  return !!shown && typeof shown.svg === 'string' && shown.svg.startsWith('<svg')
    && now >= shown.notBefore && now < shown.expiresAt - 60;
}

const $ = (id) => document.getElementById(id);

/** Draws the kept card as provisional, unless a link is being opened; returns whether it did. */
export function showKept() {
  const shown = openStorage(KEY).readJson(KEY);
  if (location.hash.length > 1 || !drawable(shown, Date.now() / 1000)) return false;
  const card = $('card');
  card.className = `card kind-${shown.kind}`;
  card.dataset.kind = shown.kind;
  card.dataset.provisional = 'true';
  $('empty').hidden = true;
  $('who').textContent = shown.label;
  const saved = $('qr-saved');
  saved.innerHTML = shown.svg;
  saved.setAttribute('aria-label', shown.aria);
  saved.hidden = false;
  $('qr').hidden = true;
  $('status-icon').innerHTML = shown.icon;
  $('status-text').textContent = shown.statusText;
  $('status').dataset.status = shown.kind;
  $('name').textContent = shown.name;
  $('until').textContent = shown.until;
  $('check').textContent = shown.check;
  card.hidden = false;
  performance.mark('qr-shown');
  return true;
}

/** Ends the provisional card: the core's render draws the card from now on. */
export function endKept() {
  const card = $('card');
  if (!card.dataset.provisional) return;
  delete card.dataset.provisional;
  const saved = $('qr-saved');
  saved.hidden = true;
  saved.replaceChildren();
  $('qr').hidden = false;
}

/** The page could not start: a provisional card is taken down, never left as if checked. */
export function dropKept() {
  if (!$('card').dataset.provisional) return;
  endKept();
  $('card').hidden = true;
}

// The wallet page: shows the stored codes at once, offline, and imports new
// ones from a link, pasted text, a photo or the camera. The wasm core does the
// checking, the QR rendering and the storage format; this module owns the DOM.

import init, { TrustList, Wallet, qrSvg, decodeCredential, checkTime } from '../pkg/core/codewallet.js';
import { translator, pickLanguage, errorKey, LANGS } from './i18n.js';
import * as backoff from '../shared/backoff.js';
import { loadTrust, saveTrust, legacyTrust, LEGACY_KEY } from './trust-store.js';

const MAX_ENTRIES = 12;
const KEY = {
  wallet: 'codewallet.wallet',
  lang: 'codewallet.lang',
  selected: 'codewallet.selected',
  root: 'codewallet.root',
  config: 'codewallet.config',
  refresh: 'codewallet.refresh',
};
const CONFIG_URL = new URL('../demo-data/config.json', import.meta.url);
const MAX_IMAGE_SIDE = 2048;

const $ = (id) => document.getElementById(id);

// ---- storage -------------------------------------------------------------

/** In-memory stand-in when the browser gives no localStorage at all. */
function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => { m.set(k, String(v)); },
    removeItem: (k) => { m.delete(k); },
  };
}

let storage;
let storageProblem = null;
try {
  storage = window.localStorage;
  storage.getItem(KEY.wallet);
} catch (e) {
  storage = memoryStorage();
  storageProblem = e && e.message ? e.message : String(e);
}

/** Reads a small JSON value of the page's own (not the wallet store). */
function readJson(key) {
  try {
    const v = storage.getItem(key);
    return v == null ? null : JSON.parse(v);
  } catch {
    return null;
  }
}

/** Writes a small value of the page's own; a full or refusing store is not an error here. */
function writeJson(key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch {
    return false;
  }
}

// ---- state ---------------------------------------------------------------

let lang = pickLanguage(readJson(KEY.lang), navigator.languages || [navigator.language]);
let t = translator(lang);
let wallet = null;
let entries = [];
let selected = 0;
let trust = null;
/** When the list in use was signed, for the screen (seconds). */
let trustSignedAt = null;
/** A problem with the trust list to show: {key, params} or null. */
let trustProblem = null;
/** The code of the last list the network offered and the phone refused (older, reused number). */
let trustRefused = null;
let config = readJson(KEY.config);
/** The last import/edit result, re-rendered when the language changes: {key, params, kind}. */
let message = null;
let loadProblem = null;
let offlineState = 'installing';
let pendingRemove = null;
let renaming = null;
let shownText = null;
let shownKind = null;

const nowSecs = () => Date.now() / 1000;

// ---- trust list ----------------------------------------------------------

/** The root key pinned on first provisioning (64 hex digits), or null. */
function pinnedRoot() {
  const r = readJson(KEY.root);
  return typeof r === 'string' && /^[0-9a-f]{64}$/.test(r) ? r : null;
}

function setTrustProblem(key, params = {}) {
  trustProblem = key ? { key, params } : null;
  renderProblem();
}

/** Starts using `list`, freeing the one it replaces. */
function useTrust(list) {
  if (trust && trust !== list) trust.free();
  trust = list;
  trustSignedAt = list ? list.issuedAt : null;
}

/**
 * Opens the trust list kept on this phone, given the record read from
 * IndexedDB (a list kept in localStorage by an earlier version moves there).
 */
async function restoreTrust(saved) {
  let record = saved;
  if (!record) {
    record = legacyTrust(storage);
    if (record) {
      try {
        await saveTrust(record);
        storage.removeItem(LEGACY_KEY);
      } catch {
        // Left where it is; it is read from there again next time.
      }
    }
  }
  if (!record) return null;
  const root = pinnedRoot() || record.root;
  if (record.root !== root) return null;
  try {
    const list = new TrustList(record.data, root);
    writeJson(KEY.root, root);
    return list;
  } catch {
    return null;
  }
}

/**
 * Fetches config.json and the trust list it names. The root key is pinned on
 * first provisioning; a configuration naming another root is refused. The
 * list is kept if the core accepts it as a successor of ours. Throws on failure.
 */
async function fetchTrust() {
  const res = await fetch(CONFIG_URL, { cache: 'no-cache' });
  if (!res.ok) throw Object.assign(new Error(`config: HTTP ${res.status}`), { response: res });
  const cfg = await res.json();
  const root = typeof cfg.rootPublicKey === 'string' ? cfg.rootPublicKey.trim().toLowerCase() : '';
  const pinned = pinnedRoot();
  if (pinned && root !== pinned) {
    document.documentElement.dataset.trustOffer = 'root_changed';
    setTrustProblem('rootChanged');
    throw Object.assign(new Error('the configuration names another root key'), { code: 'root_changed' });
  }
  const listUrl = new URL(cfg.trustList, CONFIG_URL);
  const listRes = await fetch(listUrl, { cache: 'no-cache' });
  if (!listRes.ok) throw Object.assign(new Error(`trust list: HTTP ${listRes.status}`), { response: listRes });
  const bytes = new Uint8Array(await listRes.arrayBuffer());
  const offered = new TrustList(bytes, root);
  config = { rootPublicKey: root, refreshUrl: typeof cfg.refreshUrl === 'string' ? cfg.refreshUrl : null };
  writeJson(KEY.config, config);
  if (trust) {
    let relation;
    try {
      relation = trust.checkSuccessor(offered);
    } catch (e) {
      offered.free();
      trustRefused = e.code || 'rollback';
      document.documentElement.dataset.trustOffer = trustRefused;
      return trust; // older, or a changed list under the same number: keep ours
    }
    if (relation === 'same') {
      offered.free();
      document.documentElement.dataset.trustOffer = 'same';
      return trust;
    }
  }
  writeJson(KEY.root, root);
  try {
    await saveTrust({ root, data: bytes, at: Date.now() });
    if (trustProblem && trustProblem.key === 'trustNotSaved') setTrustProblem(null);
  } catch (e) {
    setTrustProblem('trustNotSaved', { why: (e && e.message) || String(e) });
  }
  trustRefused = null;
  useTrust(offered);
  document.documentElement.dataset.trustOffer = 'accepted';
  return trust;
}

/** Runs `attempt` if the backoff state under `name` allows it now; records the outcome. */
async function gated(name, attempt) {
  const all = readJson(KEY.refresh) || {};
  const state = backoff.parseState(all[name]);
  const now = Date.now();
  if (!backoff.isDue(state, now)) return undefined;
  // Remember the attempt before starting it, so a crash or reload cannot retry at once.
  all[name] = { ...state, lastAttempt: now };
  writeJson(KEY.refresh, all);
  let outcome;
  let result;
  try {
    result = await attempt();
    outcome = { ok: true };
  } catch (e) {
    const header = e && e.response ? e.response.headers.get('Retry-After') : null;
    outcome = { ok: false, retryAfter: backoff.parseRetryAfter(header, Date.now()) };
  }
  const after = readJson(KEY.refresh) || {};
  after[name] = backoff.afterAttempt(state, outcome, now, Math.random);
  writeJson(KEY.refresh, after);
  return result;
}

// ---- messages ------------------------------------------------------------

function say(key, params = {}, kind = 'ok') {
  message = { key, params, kind };
  renderMessage();
}

function sayError(e) {
  const code = e && e.code;
  const key = code && errorKey(code);
  if (key) say(key, { max: MAX_ENTRIES }, 'error');
  else say('err_unknown', { message: (e && e.message) || String(e) }, 'error');
}

function renderMessage() {
  const el = $('message');
  el.textContent = message ? t(message.key, message.params) : '';
  el.className = `notice no-print${message ? ` ${message.kind}` : ''}`;
  el.dataset.code = message ? message.key : '';
}

function renderProblem() {
  const el = $('problem');
  const parts = [];
  if (storageProblem) parts.push(t('storageUnavailable', { why: storageProblem }));
  if (loadProblem) {
    parts.push(t(loadProblem.backedUp ? 'loadProblem' : 'loadProblemNoBackup', {
      reason: loadProblem.reason, skipped: loadProblem.skipped, key: loadProblem.backupKey,
    }));
  }
  if (trustProblem) parts.push(t(trustProblem.key, trustProblem.params));
  el.dataset.trust = trustProblem ? trustProblem.key : '';
  el.textContent = parts.join(' ');
  el.hidden = parts.length === 0;
}

function renderOffline() {
  const key = { ready: 'offlineReady', installing: 'offlineInstalling', none: 'offlineNo' }[offlineState];
  const el = $('offline');
  el.textContent = t(key);
  el.dataset.state = offlineState;
}

// ---- the code screen -----------------------------------------------------

const ICONS = {
  green: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M6 12.5l4 4 8-9" fill="none" stroke="#fff" stroke-width="2.6"/></svg>',
  yellow: '<svg viewBox="0 0 24 24"><path d="M12 1L23 22H1z" fill="currentColor"/><path d="M12 8v7M12 17.5v2" stroke="#000" stroke-width="2.4"/></svg>',
  red: '<svg viewBox="0 0 24 24"><rect x="1" y="1" width="22" height="22" rx="3" fill="currentColor"/><path d="M7 7l10 10M17 7L7 17" stroke="#fff" stroke-width="2.6"/></svg>',
  expired: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2.4"/><path d="M12 6v6l4 3" fill="none" stroke="currentColor" stroke-width="2.4"/></svg>',
  invalid: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2.6"/><path d="M5 19L19 5" stroke="currentColor" stroke-width="2.6"/></svg>',
};

/** What to show for an entry now: {kind, statusKey, checked, verdict, credential}. */
function judge(entry) {
  const now = nowSecs();
  let v = null;
  if (trust) {
    try {
      v = trust.verify(entry.text, now);
    } catch {
      v = null;
    }
  }
  const c = (v && v.credential) || entry.credential;
  let code;
  if (v) {
    code = v.valid ? null : v.code;
  } else {
    // No trust list yet: the core's time rule alone, clock tolerance included.
    try {
      const time = checkTime(entry.text, now);
      code = time ? time.code : null;
    } catch (e) {
      code = e.code || 'malformed';
    }
  }
  let kind;
  let statusKey;
  if (!code) {
    kind = c.status;
    statusKey = `status_${c.status}`;
  } else if (code === 'expired') {
    kind = 'expired';
    statusKey = 'status_expired';
  } else if (code === 'not_yet_valid') {
    kind = 'expired';
    statusKey = 'status_not_yet_valid';
  } else {
    kind = 'invalid';
    statusKey = code === 'revoked' ? 'status_revoked' : 'status_invalid';
  }
  return { kind, statusKey, code, checked: !!v, verdict: v, credential: c };
}

const pad = (n) => String(n).padStart(2, '0');

function duration(secs) {
  const s = Math.max(0, Math.floor(secs));
  const d = Math.floor(s / 86400);
  const parts = { d, h: pad(Math.floor((s % 86400) / 3600)), m: pad(Math.floor((s % 3600) / 60)), s: pad(s % 60) };
  return d > 0 ? t('days', parts) : t('hms', parts);
}

function dateTime(secs) {
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(secs * 1000));
  } catch {
    return String(secs); // out of the formatter's range: never stop the screen over it
  }
}

function renderCard() {
  const card = $('card');
  const entry = entries[selected];
  $('empty').hidden = entries.length > 0;
  if (!entry) {
    card.hidden = true;
    shownText = null;
    return;
  }
  card.hidden = false;
  const j = judge(entry);
  const c = j.credential;
  const qr = $('qr');
  if (shownText !== entry.text) {
    qr.innerHTML = qrSvg(entry.text);
    shownText = entry.text;
    qr.dataset.text = entry.text;
    if (!performance.getEntriesByName('qr-shown').length) performance.mark('qr-shown');
  }
  shownKind = j.kind;
  card.dataset.kind = j.kind;
  card.className = `card kind-${j.kind}`;
  const statusText = t(j.statusKey);
  $('who').textContent = entry.label;
  qr.setAttribute('aria-label', t('codeOf', { label: entry.label, status: statusText }));
  const stamp = $('stamp');
  const crossed = j.kind === 'expired' || j.kind === 'invalid';
  stamp.hidden = !crossed;
  stamp.textContent = crossed ? t(j.kind === 'expired' && j.code === 'expired' ? 'expiredStamp' : 'invalidStamp') : '';
  $('status-icon').innerHTML = ICONS[j.kind] || ICONS.invalid;
  $('status-text').textContent = statusText;
  $('status').dataset.status = j.statusKey.slice(7);
  $('name').textContent = c.displayName;
  $('until').textContent = t('validUntil', { time: dateTime(c.expiresAt) });
  const notes = [];
  if (j.checked) {
    notes.push(t('checkedAgainst', { seq: trust.sequence, date: dateTime(trustSignedAt) }));
    for (const w of j.verdict.warnings || []) notes.push(t(`warn_${w.code}`));
  } else {
    notes.push(t('unverified'));
  }
  if (trustRefused) notes.push(t('trustRefused'));
  $('check').textContent = notes.join(' ');
  $('check').dataset.checked = String(j.checked);
  renderCountdown(c);
}

function renderCountdown(c) {
  const now = nowSecs();
  let text;
  if (now < c.notBefore) text = t('startsIn', { time: duration(c.notBefore - now) });
  else if (now < c.expiresAt) text = t('left', { time: duration(c.expiresAt - now) });
  else text = t('expiredAgo', { time: duration(now - c.expiresAt) });
  $('countdown').textContent = text;
}

function tick() {
  try {
    const entry = entries[selected];
    if (entry) {
      const j = judge(entry);
      if (j.kind !== shownKind) renderCard();
      else renderCountdown(j.credential);
    }
  } finally {
    // Whatever one second's render met, the next second comes.
    setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  }
}

// ---- people --------------------------------------------------------------

function renderTabs() {
  const nav = $('tabs');
  nav.setAttribute('aria-label', t('people'));
  nav.replaceChildren(...entries.map((e, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tab';
    b.textContent = e.label;
    b.dataset.index = String(i);
    b.setAttribute('aria-pressed', String(i === selected));
    return b;
  }));
  nav.hidden = entries.length < 2;
}

function button(text, action, index, extra = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.dataset.action = action;
  b.dataset.index = String(index);
  for (const [k, v] of Object.entries(extra)) b.setAttribute(k, v);
  return b;
}

function renderPeople() {
  $('manage').hidden = entries.length === 0;
  const list = $('people');
  list.replaceChildren(...entries.map((e, i) => {
    const li = document.createElement('li');
    li.className = 'person';
    if (renaming === i) {
      const input = document.createElement('input');
      input.value = e.label;
      input.maxLength = 64;
      input.className = 'rename-input';
      input.setAttribute('aria-label', t('labelFor', { label: e.label }));
      li.append(input, button(t('save'), 'save', i), button(t('cancel'), 'cancel-rename', i));
    } else {
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = e.label;
      li.append(name,
        button(t('rename'), 'rename', i),
        button('↑', 'up', i, { 'aria-label': `${t('moveUp')}: ${e.label}`, title: t('moveUp') }),
        button('↓', 'down', i, { 'aria-label': `${t('moveDown')}: ${e.label}`, title: t('moveDown') }),
        button(t('remove'), 'remove', i, { class: 'danger' }));
    }
    return li;
  }));
  const confirm = $('confirm');
  confirm.hidden = pendingRemove == null;
  if (pendingRemove != null && entries[pendingRemove]) {
    $('confirm-text').textContent = t('confirmRemove', { label: entries[pendingRemove].label });
  }
}

function renderStatic() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  const l = $('lang');
  l.textContent = t('langSwitch');
  l.setAttribute('aria-label', t('langSwitchLabel'));
  l.lang = lang === 'en' ? 'zh-CN' : 'en';
  $('add-camera').textContent = t(cameraStream ? 'stopCamera' : 'camera');
}

function render() {
  renderStatic();
  renderProblem();
  renderMessage();
  renderTabs();
  renderCard();
  renderPeople();
  renderOffline();
}

function reload() {
  entries = wallet.entries();
  if (selected >= entries.length) selected = Math.max(0, entries.length - 1);
}

/** Reads the store again (another window changed it), keeping the person on screen. */
function reloadWallet() {
  const shownId = entries[selected] ? entries[selected].credential.id : null;
  const next = new Wallet(storage);
  wallet.free();
  wallet = next;
  loadProblem = wallet.loadProblem;
  reload();
  const i = entries.findIndex((e) => e.credential.id === shownId);
  if (i >= 0) selected = i;
  pendingRemove = null;
  renaming = null;
}

function select(i) {
  selected = i;
  writeJson(KEY.selected, i);
  render();
}

/** Runs a wallet change; shows its error. Returns whether it worked. */
function change(fn) {
  try {
    fn();
    reload();
    return true;
  } catch (e) {
    if (e && e.code === 'changed_elsewhere') reloadWallet();
    else reload();
    sayError(e);
    return false;
  } finally {
    render();
  }
}

// ---- import --------------------------------------------------------------

/**
 * The credential text inside pasted text, a link or a fragment; null if none.
 * Links and fragments are percent-decoded; raw text is not, since Base45 has
 * '%' and ' ' of its own.
 */
export function extractCredential(input, isFragment = false) {
  let s = String(input || '').trim();
  const hash = s.indexOf('#');
  let encoded = isFragment;
  if (hash >= 0) {
    s = s.slice(hash + 1);
    encoded = true;
  }
  if (/^CW1%3A/i.test(s)) encoded = true;
  if (encoded) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // not percent-encoded after all: keep as written
    }
  }
  s = s.trim();
  return /^CW1:/.test(s) ? s : null;
}

function defaultLabel(text) {
  if (entries.length === 0) return t('me');
  try {
    const name = decodeCredential(text).displayName;
    if (name && !entries.some((e) => e.label === name)) return name;
  } catch {
    // fall through
  }
  return t('person', { n: entries.length + 1 });
}

async function importText(input, label) {
  const text = extractCredential(input);
  if (!text) {
    say(String(input || '').trim() ? 'err_not_credential' : 'err_empty', {}, 'error');
    return false;
  }
  let list = trust;
  if (!list) {
    try {
      list = await gatedOrNow();
    } catch {
      list = null;
    }
  }
  if (!list) {
    say('err_trust', {}, 'error');
    return false;
  }
  const name = (label || '').trim() || defaultLabel(text);
  try {
    wallet.import(name, text, list, nowSecs());
  } catch (e) {
    if (e.code === 'duplicate') {
      const i = entries.findIndex((x) => x.text === text);
      if (i >= 0) selected = i;
    }
    sayError(e);
    render();
    return false;
  }
  reload();
  selected = entries.length - 1;
  writeJson(KEY.selected, selected);
  say('imported', { label: name });
  render();
  return true;
}

/** The trust list now, fetched if not on the phone (an import needs it). */
async function gatedOrNow() {
  const list = await fetchTrust();
  const all = readJson(KEY.refresh) || {};
  all.trust = backoff.afterAttempt(backoff.parseState(all.trust), { ok: true }, Date.now(), Math.random);
  writeJson(KEY.refresh, all);
  return list;
}

let readerModule = null;
async function reader() {
  if (!readerModule) {
    const m = await import('../pkg/reader/codewallet.js');
    await m.default();
    readerModule = m;
  }
  return readerModule;
}

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

async function decodeImageFile(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw Object.assign(new Error('not an image'), { code: 'image' });
  }
  const img = pixels(bitmap, bitmap.width, bitmap.height, MAX_IMAGE_SIDE);
  bitmap.close();
  const m = await reader();
  return m.scanRgba(img.width, img.height, img.data);
}

async function importPhoto(file) {
  say('reading');
  try {
    const texts = await decodeImageFile(file);
    const text = texts.find((x) => x.startsWith('CW1:'));
    if (!text) {
      say('err_not_credential', {}, 'error');
      return;
    }
    await importText(text, $('add-label').value);
  } catch (e) {
    sayError(e);
  }
}

let cameraStream = null;
let cameraTimer = 0;

function stopCamera() {
  clearTimeout(cameraTimer);
  if (cameraStream) for (const track of cameraStream.getTracks()) track.stop();
  cameraStream = null;
  const video = $('video');
  video.srcObject = null;
  video.hidden = true;
  renderStatic();
}

async function startCamera() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say('noCamera', { why: 'getUserMedia' }, 'error');
    return;
  }
  try {
    const m = await reader();
    cameraStream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
    const video = $('video');
    video.srcObject = cameraStream;
    video.hidden = false;
    await video.play();
    renderStatic();
    say('scanning');
    const frame = async () => {
      if (!cameraStream) return;
      if (video.videoWidth) {
        const img = pixels(video, video.videoWidth, video.videoHeight, 1024);
        let texts = [];
        try {
          texts = m.scanRgba(img.width, img.height, img.data);
        } catch {
          texts = [];
        }
        const text = texts.find((x) => x.startsWith('CW1:'));
        if (text) {
          stopCamera();
          await importText(text, $('add-label').value);
          return;
        }
      }
      cameraTimer = setTimeout(frame, 150);
    };
    frame();
  } catch (e) {
    stopCamera();
    say('noCamera', { why: (e && e.name) || String(e) }, 'error');
  }
}

// ---- refresh ---------------------------------------------------------------

/** Fetches a newer credential for each entry when the deployment offers one (config.refreshUrl). */
async function refreshCredentials() {
  if (!config || !config.refreshUrl || !trust) return;
  // Forget the timing of credentials no longer in the wallet.
  const all = readJson(KEY.refresh) || {};
  const live = new Set(wallet.entries().map((e) => `credential:${e.credential.id}`));
  const stale = Object.keys(all).filter((k) => k.startsWith('credential:') && !live.has(k));
  if (stale.length) {
    for (const k of stale) delete all[k];
    writeJson(KEY.refresh, all);
  }
  for (const entry of wallet.entries()) {
    const c = entry.credential;
    const url = new URL(config.refreshUrl.replace('{id}', encodeURIComponent(c.id)), CONFIG_URL);
    // Same origin, or the public bucket the deployment names (its CSP must list it too).
    if (!/^https?:$/.test(url.protocol)) continue;
    const fresh = await gated(`credential:${c.id}`, async () => {
      const res = await fetch(url, { cache: 'no-cache' });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
      return extractCredential(await res.text());
    });
    if (!fresh || fresh === entry.text) continue;
    const index = wallet.entries().findIndex((e) => e.text === entry.text);
    if (index < 0) continue;
    try {
      // The core takes it only if it verifies and is newer for the same person and issuer.
      wallet.replace(index, fresh, trust, nowSecs());
    } catch (e) {
      if (e && e.code === 'changed_elsewhere') {
        reloadWallet();
        render();
      }
      continue; // a refresh that is not taken leaves the code on screen as it was
    }
    reload();
    render();
    // The new credential was just fetched: its own refresh waits a full interval.
    const all = readJson(KEY.refresh) || {};
    delete all[`credential:${c.id}`];
    all[`credential:${wallet.entries()[index].credential.id}`] = backoff.afterAttempt(backoff.initialState(), { ok: true }, Date.now(), Math.random);
    writeJson(KEY.refresh, all);
    say('refreshed', { label: entry.label });
  }
}

async function refreshInBackground() {
  if (!navigator.onLine) return;
  try {
    const list = await gated('trust', fetchTrust);
    if (list) render();
    await refreshCredentials();
  } catch {
    // A refresh never disturbs the code on screen.
  } finally {
    document.documentElement.dataset.refreshed = String(Date.now());
  }
}

// ---- offline ---------------------------------------------------------------

async function registerWorker() {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) {
    offlineState = 'none';
    renderOffline();
    return;
  }
  // A worker taking over from another is a new build, installed whole; this
  // page still runs the old one until it is reloaded.
  // (The first worker of a page that had none is the first install: no notice.)
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (controlled) $('update').hidden = false;
    controlled = true;
  });
  try {
    const registration = await navigator.serviceWorker.register('sw.js', { scope: './', updateViaCache: 'none' });
    // Some web-views answer without registering anything (and would never be ready).
    if (!registration) throw new Error('no registration');
    await navigator.serviceWorker.ready;
    offlineState = 'ready';
  } catch {
    offlineState = 'none';
  }
  renderOffline();
}

// ---- events ----------------------------------------------------------------

function wire() {
  $('update-btn').addEventListener('click', () => location.reload());
  $('lang').addEventListener('click', () => {
    lang = LANGS[(LANGS.indexOf(lang) + 1) % LANGS.length];
    t = translator(lang);
    writeJson(KEY.lang, lang);
    render();
  });
  $('tabs').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-index]');
    if (b) select(Number(b.dataset.index));
  });
  $('people').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (!b) return;
    const i = Number(b.dataset.index);
    const action = b.dataset.action;
    if (action === 'rename') {
      renaming = i;
      renderPeople();
      $('people').querySelector('.rename-input').focus();
    } else if (action === 'cancel-rename') {
      renaming = null;
      renderPeople();
    } else if (action === 'save') {
      const label = b.parentElement.querySelector('.rename-input').value;
      if (change(() => wallet.rename(i, label))) {
        renaming = null;
        say('renamed', { label: label.trim() });
        renderPeople();
      }
    } else if (action === 'up' || action === 'down') {
      const to = action === 'up' ? i - 1 : i + 1;
      if (to < 0 || to >= entries.length) return;
      const wasSelected = selected === i;
      if (change(() => wallet.moveEntry(i, to)) && wasSelected) select(to);
    } else if (action === 'remove') {
      pendingRemove = i;
      renderPeople();
      $('confirm-no').focus();
    }
  });
  $('people').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target.classList.contains('rename-input')) {
      ev.target.parentElement.querySelector('[data-action="save"]').click();
    }
  });
  $('confirm-yes').addEventListener('click', () => {
    const i = pendingRemove;
    pendingRemove = null;
    if (i == null || !entries[i]) return render();
    const label = entries[i].label;
    if (change(() => wallet.remove(i))) {
      if (selected > i) selected -= 1;
      writeJson(KEY.selected, selected);
      say('removed', { label });
    }
  });
  $('confirm-no').addEventListener('click', () => {
    pendingRemove = null;
    renderPeople();
  });
  $('add-paste').addEventListener('click', async () => {
    if (await importText($('add-text').value, $('add-label').value)) {
      $('add-text').value = '';
      $('add-label').value = '';
    }
  });
  $('add-photo').addEventListener('change', async (ev) => {
    const file = ev.target.files && ev.target.files[0];
    if (file) await importPhoto(file);
    ev.target.value = '';
  });
  $('add-camera').addEventListener('click', () => (cameraStream ? stopCamera() : startCamera()));
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('hashchange', importFromFragment);
  // Another tab changed the store: show what it holds now.
  window.addEventListener('storage', (ev) => {
    if (wallet && (ev.key === KEY.wallet || ev.key === null)) {
      reloadWallet();
      render();
    }
  });
  window.addEventListener('online', refreshInBackground);
}

async function importFromFragment() {
  const text = extractCredential(location.hash.slice(1), true);
  if (!location.hash || location.hash === '#') return;
  history.replaceState(null, '', location.pathname + location.search);
  if (text) await importText(text, '');
  else say('err_not_credential', {}, 'error');
}

// ---- start -----------------------------------------------------------------

async function start() {
  renderStatic();
  wire();
  // The saved trust list is read while the module compiles.
  const savedTrust = loadTrust();
  await init();
  try {
    wallet = new Wallet(storage);
  } catch (e) {
    storageProblem = (e && e.message) || String(e);
    storage = memoryStorage();
    wallet = new Wallet(storage);
  }
  loadProblem = wallet.loadProblem;
  entries = wallet.entries();
  const stored = readJson(KEY.selected);
  selected = Number.isInteger(stored) && stored >= 0 && stored < entries.length ? stored : 0;
  useTrust(await restoreTrust(await savedTrust));
  render();
  if (location.hash.length > 1) await importFromFragment();
  document.documentElement.dataset.ready = 'true';
  setTimeout(tick, 1000 - (Date.now() % 1000) + 5);
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  registerWorker();
  refreshInBackground();
}

start().catch((e) => {
  document.documentElement.dataset.ready = 'error';
  sayError(e);
});

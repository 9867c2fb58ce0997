// The checkpoint verifier page: provisioning, camera, photo and paste input,
// verdict screen, checkpoint log. The wasm module decides; this file owns the DOM.

import init, * as cw from '../pkg/reader/codewallet.js';
import { translator } from './i18n.js';
import { errorKey } from '../shared/messages.js';
import { LANGUAGES, pickLanguage, duration, dateTime } from '../shared/languages.js';
import { CheckpointLog, TubeError, checkTube, idbBackend } from './log.js';
import { Provisioning, idbListStore, offerWords, trustListFromFragment } from './trust.js';
import { toBase64, fromBase64 } from '../shared/base64.js';
import { classify, present, clockJump } from './verdict.js';
import { Sync, grantFromFragment } from './sync.js';
import { openStorage } from '../shared/storage.js';
import { registerWorker, watchTakeovers, cacheStatus } from '../shared/offline-worker.js';
import { createReader } from '../shared/reader.js';

const $ = (id) => document.getElementById(id);
const SETTINGS_KEY = 'cw.verify.settings';
const HINT_AFTER_MS = 5000;
/** A code still in front of the camera after "next" is not scanned again for this long. */
const SAME_CODE_PAUSE_MS = 4000;

const defaults = { lang: null, mode: 'tally', station: '', autoNext: 5, staleHours: 24, sound: true };
// The page's localStorage (or memory, when the browser refuses it): settings,
// the pinned root and the upload grant.
const pageStore = openStorage(SETTINGS_KEY);
const settings = { ...defaults, ...pageStore.readJson(SETTINGS_KEY) };
let lang = pickLanguage(settings.lang, navigator.languages || [navigator.language]);
/** Message `key` in `language`, its `{name}`s filled from `params`. */
const t = (language, key, params) => translator(language)(key, params);

let provisioning = null;
let log = null;
let sync = null;
const GRANT_KEY = 'cw.verify.grant';
/** From config.json: the one store origin grants may write to, and how long uploaded records stay. */
const deployment = { storeOrigin: null, retentionDays: null };
/** The upload grant in use: the opened grant, and why it could not be saved (if so). */
const upload = { grant: null, saveError: null };
/** Resolves once config.json was read or found unavailable (`refreshTrust`). */
let configRead = Promise.resolve();

const view = {
  shown: null, // {text, record, verdict, accepted, awaitingTube, tubeText}
  autoTimer: null,
  // What the camera just handled (a person's code and their tube): still in
  // view after the screen is dismissed, it is passed over for a moment.
  paused: [],
  pausedAt: 0,
};
const camera = { stream: null, track: null, running: false, lastFound: 0, started: 0, torch: false };

function saveSettings() { pageStore.writeJson(SETTINGS_KEY, settings); }
const nowMs = () => Date.now();
/** The staleness limit in hours; a saved value that is not a number counts as the default. */
function staleHours() {
  const h = Number(settings.staleHours);
  return Number.isFinite(h) ? Math.max(1, Math.min(720, h)) : defaults.staleHours;
}
const policy = () => ({ staleAfter: Math.round(staleHours() * 3600) });

// ---------- text and language ----------

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(lang, el.dataset.t);
  document.title = t(lang, 'title');
  $('lang').value = lang;
  renderTrust();
  renderGrant();
  refreshLog();
  if (!camera.running) setScanState(t(lang, reader.state === 'failed' ? 'readerFailed' : 'cameraOff'));
  renderOffline();
}

function setScanState(text) { $('scan-state').textContent = text; }
function say(id, text) { $(id).textContent = text; }

// ---------- provisioning ----------

const configUrl = () => new URL('../demo-data/config.json', location.href);

async function fetchBytes(url) {
  const r = await fetch(url, { cache: 'no-cache' });
  if (!r.ok) throw new Error(`${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

function showConfigMessage(key) {
  const el = $('config-msg');
  el.dataset.t = key; // translated again on a language switch
  el.textContent = t(lang, key);
  el.hidden = false;
}

/**
 * Starts from what the device holds, the pinned key and the saved list, shown
 * at once; the configuration and the bundled list are fetched in the
 * background, so a slow or absent network never holds up the checkpoint.
 * Only a device with no pinned key yet waits for the configuration.
 */
async function provision() {
  provisioning = new Provisioning(cw, pageStore.raw, idbListStore(indexedDB));
  await provisioning.restore();
  renderTrust();
  const network = refreshTrust();
  configRead = network;
  if (!provisioning.root) await network;
  const fragment = trustListFromFragment(location.hash);
  if (fragment) {
    history.replaceState(null, '', location.pathname + location.search);
    await offerTrustList(new TextEncoder().encode(fragment));
  }
  restoreGrant();
  const grantText = grantFromFragment(location.hash);
  if (grantText) {
    history.replaceState(null, '', location.pathname + location.search);
    offerGrant(new TextEncoder().encode(grantText));
  }
}

/** The deployment's configuration and bundled list; `body[data-config]` says when done. */
async function refreshTrust() {
  let config = null;
  try {
    config = JSON.parse(new TextDecoder().decode(await fetchBytes(configUrl())));
  } catch { /* offline without a cached copy: the pinned key still works */ }
  if (config) {
    readDeployment(config);
    const pinned = provisioning.pin(config.rootPublicKey);
    if (pinned === 'changed' || pinned === 'invalid') {
      showConfigMessage('configChanged');
      config = null;
    } else if (pinned === 'pinned') {
      await provisioning.restore();
    }
  } else if (!provisioning.root) {
    showConfigMessage('configMissing');
  }
  if (config && config.trustList) {
    try {
      // The bundled list: taken if newer than the one kept; anything else is ignored quietly.
      await provisioning.offer(await fetchBytes(new URL(config.trustList, configUrl())));
    } catch { /* offline: keep what we have */ }
  }
  renderTrust();
  if (config) recheckGrant();
  document.body.dataset.config = config ? 'loaded' : 'unavailable';
}

// ---------- upload grant ----------

/** The store origin and retention of config.json; an unreadable origin names no store. */
function readDeployment(config) {
  let origin = null;
  try { origin = config.storeOrigin ? new URL(config.storeOrigin).origin : null; } catch { origin = null; }
  deployment.storeOrigin = origin && origin !== 'null' ? origin : null;
  const days = Number(config.retentionDays);
  deployment.retentionDays = config.retentionDays !== undefined && Number.isFinite(days) && days >= 0 ? days : 7;
  if (sync) sync.retentionDays = deployment.retentionDays;
  document.body.dataset.storeOrigin = deployment.storeOrigin ?? '';
}

const stationId = () => (upload.grant ? upload.grant.station : settings.station);

/** A grant file's bytes as the core reads them: the text form without the line end a file may add. */
function grantBytes(bytes) {
  const head = new TextDecoder().decode(bytes.subarray(0, 5));
  return head === 'CWG1:' ? new TextEncoder().encode(new TextDecoder().decode(bytes).trim()) : bytes;
}

/** Opens a grant with the pinned root and checks its store: `{grant}` or `{code, origin?, message?}`. */
function openGrant(bytes, { needStore = true } = {}) {
  if (!provisioning || !provisioning.root) return { code: 'no_root' };
  let grant;
  try {
    grant = cw.openGrant(bytes, provisioning.root);
  } catch (error) {
    return { code: (error && error.code) || 'malformed', message: String(error && error.message ? error.message : error) };
  }
  if (!deployment.storeOrigin && !needStore) return { grant };
  return storeCheck(grant) || { grant };
}

function grantRefusal(r) {
  if (r.code === 'no_root') return t(lang, 'grantNoRoot');
  if (r.code === 'no_store') return t(lang, 'grantNoStore');
  if (r.code === 'other_store') return t(lang, 'grantOtherStore', { origin: r.origin, store: deployment.storeOrigin });
  if (r.code === 'wrong_root') return t(lang, 'grantWrongRoot');
  return t(lang, 'grantBad', { reason: r.message || r.code });
}

function useGrant(grant) {
  upload.grant = grant;
  if (sync) sync.setGrant(grant);
  renderGrant();
  refreshLog();
}

/** A grant from a file, a link or a QR code: used and kept if it opens for this store. */
async function offerGrant(raw) {
  const bytes = grantBytes(raw);
  // The store it must name is in config.json, which may still be on its way.
  if (!deployment.storeOrigin) await configRead;
  const r = openGrant(bytes);
  const msg = $('grant-msg');
  msg.dataset.code = r.grant ? 'accepted' : r.code;
  if (!r.grant) {
    msg.textContent = grantRefusal(r);
    return r;
  }
  try {
    pageStore.raw.setItem(GRANT_KEY, toBase64(bytes));
    upload.saveError = null;
  } catch (error) {
    upload.saveError = String(error && error.message ? error.message : error);
  }
  msg.textContent = t(lang, 'grantAccepted', { station: r.grant.station });
  useGrant(r.grant);
  return r;
}

/** The kept grant; checked against the store again once config.json is read. */
function restoreGrant() {
  let saved = null;
  try { saved = pageStore.raw.getItem(GRANT_KEY); } catch { /* storage blocked: none kept */ }
  if (!saved) return;
  let bytes;
  try { bytes = fromBase64(saved); } catch { return; }
  // Before the configuration is read (offline, nothing cached) the grant
  // checked when it was taken is used; the CSP still allows one store only.
  const r = openGrant(bytes, { needStore: false });
  if (r.grant) useGrant(r.grant);
  else {
    $('grant-msg').dataset.code = r.code;
    $('grant-msg').textContent = grantRefusal(r);
  }
}

/** The configuration was read: a held grant for another store (or none named) stops. */
function recheckGrant() {
  if (!upload.grant) return;
  const refusal = storeCheck(upload.grant);
  if (!refusal) return;
  $('grant-msg').dataset.code = refusal.code;
  $('grant-msg').textContent = grantRefusal(refusal);
  useGrant(null);
}

/** Null when the grant writes to the deployment's store, else why not. */
function storeCheck(grant) {
  if (!deployment.storeOrigin) return { code: 'no_store' };
  let origin = null;
  try { origin = new URL(grant.endpoint).origin; } catch { /* refused below */ }
  return origin === deployment.storeOrigin ? null : { code: 'other_store', origin: origin ?? grant.endpoint };
}

const grantExpired = () => Boolean(upload.grant) && nowMs() >= upload.grant.expiresAt * 1000;

function renderGrant() {
  const info = $('grant-info');
  const station = $('set-station');
  const g = upload.grant;
  if (!g) {
    info.textContent = t(lang, 'grantNone');
    info.dataset.state = 'none';
    delete info.dataset.station;
    station.disabled = false;
    station.value = settings.station;
    return;
  }
  const until = new Date(g.expiresAt * 1000).toLocaleString(lang);
  const expired = grantExpired();
  let text = expired ? t(lang, 'grantExpired', { station: g.station, date: until }) : t(lang, 'grantInfo', { station: g.station, bucket: g.endpoint, until });
  if (upload.saveError) text += ` ${t(lang, 'grantNotSaved', { why: upload.saveError })}`;
  info.textContent = text;
  info.dataset.state = expired ? 'expired' : 'valid';
  info.dataset.station = g.station;
  info.dataset.expiresAt = String(g.expiresAt * 1000);
  // Registrations name the grant's station.
  station.disabled = true;
  station.value = g.station;
}

/** The upload state for the staff; `waiting`: records no acknowledgement covers. */
function renderSync(waiting) {
  const el = $('sync-state');
  const s = sync ? sync.status : { phase: 'none' };
  let phase = s.phase;
  if (!upload.grant) phase = 'none';
  else if (grantExpired()) phase = 'expired';
  const time = (ms) => new Date(ms).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  let text;
  if (phase === 'none') text = t(lang, 'syncNoGrant', { waiting });
  else if (phase === 'expired') text = t(lang, 'syncExpired', { waiting });
  else if (phase === 'offline') text = t(lang, 'syncOffline', { waiting });
  else if (phase === 'unreachable') text = t(lang, 'syncUnreachable', { waiting, retry: time(s.retryAt) });
  else if (phase === 'refused') text = t(lang, 'syncRefused', { status: s.httpStatus, waiting, retry: time(s.retryAt) });
  else if (phase === 'too_large') text = t(lang, 'syncTooLarge', { waiting });
  else if (phase === 'uploading') text = t(lang, 'syncUploading', { waiting });
  else if (waiting) text = s.lastUpload ? t(lang, 'syncWaiting', { waiting, last: time(s.lastUpload) }) : t(lang, 'syncWaitingNever', { waiting });
  else text = s.lastUpload ? t(lang, 'syncDone', { last: time(s.lastUpload) }) : t(lang, 'syncNothing');
  el.textContent = text;
  el.dataset.state = phase;
  el.dataset.waiting = String(waiting);
  el.dataset.retryAt = s.retryAt ? String(s.retryAt) : '';
  el.dataset.lastUpload = s.lastUpload ? String(s.lastUpload) : '';
  el.dataset.lastKey = s.lastKey ?? '';
}

async function offerTrustList(bytes) {
  const r = await provisioning.offer(bytes);
  const words = offerWords(r);
  const message = t(lang, words.key, words.params);
  const msg = $('trust-msg');
  msg.textContent = message;
  msg.dataset.code = r.code;
  renderTrust();
  return r;
}

function renderTrust() {
  if (!provisioning) return;
  const d = provisioning.describe(nowMs() / 1000, policy());
  // Whether the list and the key are kept on the device, whatever list is in use.
  const problems = [];
  if (provisioning.rootError) problems.push(t(lang, 'tlRootNotSaved', { why: provisioning.rootError }));
  if (d && !d.saved) problems.push(t(lang, 'tlNotSaved', { sequence: d.sequence, why: provisioning.storeError }));
  else if (!d && provisioning.storeError) problems.push(t(lang, 'tlReadFailed', { why: provisioning.storeError }));
  const store = $('trust-store');
  store.textContent = problems.join(' ');
  store.hidden = !problems.length;
  store.dataset.state = d && !d.saved ? 'unsaved' : problems.length ? 'error' : 'saved';
  const info = $('trust-info');
  const warn = $('trust-warn');
  if (!d) {
    info.textContent = t(lang, 'tlNone');
    delete info.dataset.sequence;
    warn.hidden = true;
    return;
  }
  const signed = new Date(d.issuedAt * 1000).toLocaleString(lang);
  info.textContent = `${t(lang, 'tlInfo', { sequence: d.sequence, issuers: d.issuers.join(', '), signed, age: duration(lang, d.age) })} · ${t(lang, 'tlRevoked', { count: d.revoked })}`;
  info.dataset.sequence = d.sequence;
  if (d.clockBefore) {
    warn.textContent = t(lang, 'tlClockBefore');
    warn.dataset.state = 'clock';
  } else if (d.expired) {
    warn.textContent = t(lang, 'tlExpired', { duration: duration(lang, d.expiredFor) });
    warn.dataset.state = 'expired';
  } else if (d.stale) {
    warn.textContent = t(lang, 'tlStale', { limit: duration(lang, staleHours() * 3600) });
    warn.dataset.state = 'stale';
  } else {
    warn.dataset.state = 'fresh';
  }
  warn.hidden = warn.dataset.state === 'fresh';
}

// ---------- the decoding worker ----------

// The reader runs in a worker that loads its own copy of the wasm module
// (decode-worker.js, through ../shared/reader.js). On a first visit the
// network can drop before that copy is saved: the reader is then reported as
// not loaded (`body[data-reader]`), and started again when the page is back
// online.
const reader = createReader({ url: new URL('./decode-worker.js', import.meta.url), onState: readerChanged });

function readerChanged(state) {
  document.body.dataset.reader = state;
  if (state === 'ready') setScanState(t(lang, camera.running ? 'scanning' : 'cameraOff'));
  if (state !== 'failed') return;
  if (camera.running) stopCamera();
  setScanState(t(lang, 'readerFailed'));
}

function scanErrorText(error) {
  if (error.code === 'reader_unavailable') return t(lang, 'readerFailed');
  const key = errorKey(error.code);
  const s = t(lang, key, { pixels: Number.isFinite(error.pixels) ? error.pixels.toLocaleString() : '?' });
  return s === key ? error.message : s;
}

// ---------- offline readiness ----------

// "Ready for offline use" only once the service worker's cache holds every
// file it installs (it checks its own list); retried when back online.
let offlineState = null;

function renderOffline() {
  const el = $('offline-state');
  if (!offlineState) { el.hidden = true; return; }
  el.hidden = false;
  el.dataset.state = offlineState.state;
  el.textContent = t(lang, offlineState.key, offlineState.params);
}

async function checkOffline() {
  if (!('serviceWorker' in navigator)) {
    offlineState = { state: 'unsupported', key: 'offlineUnsupported', params: {} };
  } else {
    const answer = await cacheStatus();
    if (!answer) offlineState = { state: 'saving', key: 'offlineSaving', params: {} };
    else if (answer.missing.length) offlineState = { state: 'missing', key: 'offlineMissing', params: { missing: answer.missing.length, total: answer.total } };
    else offlineState = { state: 'ready', key: 'offlineReady', params: {} };
  }
  renderOffline();
}

// ---------- camera ----------

async function startCamera() {
  unlockAudio();
  if (camera.running) { stopCamera(); return; }
  if (reader.state === 'failed') {
    // Nothing could read the frames: say so instead of scanning for ever.
    setScanState(t(lang, 'readerFailed'));
    if (navigator.onLine) reader.start();
    return;
  }
  setScanState(t(lang, 'cameraStarting'));
  try {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error('getUserMedia unsupported');
    camera.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    setScanState(t(lang, 'cameraDenied', { why: error.name || error.message }));
    return;
  }
  camera.track = camera.stream.getVideoTracks()[0];
  const video = $('video');
  video.srcObject = camera.stream;
  try { await video.play(); } catch { /* autoplay of a muted stream is allowed */ }
  const caps = camera.track.getCapabilities ? camera.track.getCapabilities() : {};
  $('torch-btn').hidden = !caps.torch;
  camera.running = true;
  camera.started = camera.lastFound = nowMs();
  $('scan-btn').textContent = t(lang, 'stop');
  $('scan-btn').dataset.t = 'stop';
  setScanState(t(lang, reader.state === 'ready' ? 'scanning' : 'readerLoading'));
  scanLoop();
}

function stopCamera() {
  camera.running = false;
  if (camera.stream) for (const track of camera.stream.getTracks()) track.stop();
  camera.stream = camera.track = null;
  $('video').srcObject = null;
  $('torch-btn').hidden = true;
  $('scan-hint').hidden = true;
  $('scan-btn').dataset.t = 'scan';
  $('scan-btn').textContent = t(lang, 'scan');
  setScanState(t(lang, 'cameraOff'));
}

async function toggleTorch() {
  if (!camera.track) return;
  camera.torch = !camera.torch;
  try {
    await camera.track.applyConstraints({ advanced: [{ torch: camera.torch }] });
  } catch {
    camera.torch = false;
  }
  $('torch-btn').setAttribute('aria-pressed', String(camera.torch));
}

const nextFrame = (video) => new Promise((resolve) => {
  if (video.requestVideoFrameCallback) {
    const timer = setTimeout(resolve, 200);
    video.requestVideoFrameCallback(() => { clearTimeout(timer); resolve(); });
  } else setTimeout(resolve, 40);
});

async function scanLoop() {
  const video = $('video');
  while (camera.running) {
    await nextFrame(video);
    if (!camera.running) break;
    const waitingForTube = view.shown && view.shown.awaitingTube;
    if ((view.shown && !waitingForTube) || handling || video.readyState < 2 || !video.videoWidth) continue;
    const result = await reader.readFrame(video);
    if (!camera.running) break;
    if (result.error && result.error.code === 'no_frame') continue;
    if (result.texts && result.texts.length) {
      camera.lastFound = nowMs();
      $('scan-hint').hidden = true;
      await handleText(result.texts[0], 'camera');
    } else if (nowMs() - camera.lastFound > HINT_AFTER_MS && !view.shown) {
      $('scan-hint').textContent = t(lang, 'hint');
      $('scan-hint').hidden = false;
    }
  }
}

// ---------- photo and paste ----------

async function scanPhoto(file) {
  unlockAudio();
  say('scan-msg', '');
  if (!file) return;
  if (reader.state === 'failed' && navigator.onLine) reader.start();
  const result = await reader.readFile(file);
  if (result.error) {
    $('scan-msg').dataset.code = result.error.code;
    say('scan-msg', scanErrorText(result.error));
    return;
  }
  $('scan-msg').dataset.code = 'found';
  await handleText(result.texts[0], 'photo');
}

async function checkPasted() {
  unlockAudio();
  say('scan-msg', '');
  const text = $('paste').value;
  const kind = classify(text);
  if (kind.kind === 'refused' && kind.code === 'empty') {
    say('scan-msg', t(lang, 'r_empty'));
    return;
  }
  await handleText(text, 'paste');
  $('paste').value = '';
}

// ---------- one text, from any source ----------

let handling = false;

async function handleText(raw, source) {
  if (handling) return;
  handling = true;
  try {
    const input = classify(raw);
    if (view.shown) {
      // Registration: the text scanned after an accepted person is their tube
      // (their own code, still in view, is passed over in silence).
      if (view.shown.awaitingTube && !(source === 'camera' && input.text === view.shown.text)) await linkTube(raw);
      return;
    }
    if (source === 'camera' && (view.paused.includes(raw) || view.paused.includes(input.text)) && nowMs() - view.pausedAt < SAME_CODE_PAUSE_MS) return;
    if (input.kind === 'trustList' || input.kind === 'grant') {
      const bytes = new TextEncoder().encode(input.text);
      await (input.kind === 'grant' ? offerGrant(bytes) : offerTrustList(bytes));
      view.paused = [raw];
      view.pausedAt = nowMs();
      return;
    }
    await decide(input, raw);
  } finally {
    handling = false;
  }
}

async function decide(input, raw) {
  if (log.stopped) { showStopped(log.stopped); return; }
  const now = nowMs();
  let verdict;
  if (input.kind === 'refused') verdict = { valid: false, decision: 'refuse', code: input.code, reason: null, warnings: [], credential: null };
  else if (!provisioning.trust) verdict = { valid: false, decision: 'refuse', code: 'no_trust', reason: null, warnings: [], credential: null };
  else verdict = provisioning.trust.verify(input.text, now / 1000, policy());
  const extra = [];
  const jump = clockJump(now, await log.lastScanTime());
  if (jump) extra.push(jump);
  let record;
  try {
    // Committed before anything is shown: a crash after this loses nothing.
    record = await log.record(verdict, { mode: settings.mode, nowMs: now, station: stationId() });
  } catch (error) {
    showStopped(error);
    return;
  }
  if (sync) sync.recorded(); // sets a timer: nothing on the scan path waits for the upload
  showVerdict(input.text || raw, verdict, present(lang, verdict, extra), record);
  refreshLog();
}

// ---------- verdict screen ----------

function showVerdict(text, verdict, p, record) {
  const el = $('verdict');
  el.dataset.tone = p.tone;
  el.dataset.decision = p.decision;
  el.dataset.code = verdict.valid ? 'valid' : verdict.code;
  $('v-icon').textContent = p.icon;
  $('v-headline').textContent = p.headline;
  $('v-reason').textContent = p.reason;
  $('v-detail').textContent = !verdict.valid && verdict.reason && verdict.code === 'malformed' ? verdict.reason : '';
  $('v-name').textContent = p.name ?? '—';
  $('v-issuer').textContent = p.issuer ?? '—';
  $('v-until').textContent = p.until ? dateTime(lang, p.until.getTime() / 1000) : '—';
  const list = $('v-warnings');
  list.replaceChildren(...p.warnings.map((w) => Object.assign(document.createElement('li'), { textContent: w })));
  $('v-id').value = '';
  $('v-id-result').textContent = '';
  $('v-id-wrap').hidden = !verdict.credential;
  const awaitingTube = settings.mode === 'registration' && p.accepted;
  $('v-tube-wrap').hidden = !awaitingTube;
  $('v-tube').value = '';
  $('v-tube-msg').textContent = awaitingTube ? t(lang, 'tubeNeeded') : '';
  view.shown = { text, verdict, record, accepted: p.accepted, awaitingTube };
  el.hidden = false;
  feedback(p);
  if (awaitingTube) $('v-tube').focus(); else $('v-next').focus();
  clearTimeout(view.autoTimer);
  if (!awaitingTube && settings.autoNext > 0) view.autoTimer = setTimeout(dismiss, settings.autoNext * 1000);
}

function dismiss() {
  clearTimeout(view.autoTimer);
  if (!view.shown) return;
  view.paused = [view.shown.text, view.shown.tubeText].filter(Boolean);
  view.pausedAt = nowMs();
  view.shown = null;
  $('verdict').hidden = true;
  camera.lastFound = nowMs();
  (camera.running ? $('scan-btn') : $('paste')).focus();
}

async function linkTube(raw) {
  if (!view.shown || !view.shown.awaitingTube) return;
  const msg = $('v-tube-msg');
  const check = checkTube(raw, log.tube);
  if (!check.ok) {
    msg.textContent = t(lang, check.code);
    msg.dataset.code = check.code;
    return;
  }
  const tube = check.tube;
  try {
    view.shown.record = await log.attachTube(view.shown.record, tube);
  } catch (error) {
    if (error instanceof TubeError) { msg.textContent = t(lang, error.code); msg.dataset.code = error.code; return; }
    showStopped(error);
    return;
  }
  view.shown.awaitingTube = false;
  view.shown.tubeText = raw;
  if (sync) sync.recorded();
  msg.textContent = t(lang, 'tubeSaved', { tube });
  msg.dataset.code = 'linked';
  msg.dataset.tube = tube;
  refreshLog();
  if (settings.autoNext > 0) view.autoTimer = setTimeout(dismiss, settings.autoNext * 1000);
}

function checkIdNumber() {
  const number = $('v-id').value.trim();
  const out = $('v-id-result');
  if (!number || !view.shown) { out.textContent = ''; delete out.dataset.match; return; }
  let match = false;
  try { match = cw.idNumberMatches(view.shown.text, number); } catch { match = false; }
  out.dataset.match = String(match);
  out.textContent = t(lang, match ? 'idMatch' : 'idNoMatch');
}

// ---------- sound and vibration ----------

let audio = null;
function unlockAudio() {
  if (audio || !settings.sound) return;
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (Ctx) { try { audio = new Ctx(); } catch { audio = null; } }
}

function beep(freq, ms, at = 0) {
  if (!audio) return;
  const start = audio.currentTime + at;
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.3, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + ms / 1000);
  osc.connect(gain).connect(audio.destination);
  osc.start(start);
  osc.stop(start + ms / 1000 + 0.02);
}

function feedback(p) {
  if (!settings.sound) return;
  if (p.tone === 'ok') { beep(1760, 120); navigator.vibrate?.(60); }
  else if (p.tone === 'warn') { beep(880, 120); beep(880, 120, 0.18); navigator.vibrate?.([60, 80, 60]); }
  else { beep(220, 450); navigator.vibrate?.([250, 100, 250]); }
}

// ---------- log ----------

function showStopped(error) {
  const el = $('stopped');
  el.textContent = error.code === 'log_full' ? t(lang, 'logFull') : t(lang, 'logBroken', error.message);
  el.dataset.code = error.code || 'log_unavailable';
  el.hidden = false;
  $('check-btn').disabled = true;
  $('photo-input').disabled = true;
  $('log-panel').open = true;
}

function clearStopped() {
  $('stopped').hidden = true;
  $('check-btn').disabled = false;
  $('photo-input').disabled = false;
}

async function refreshLog() {
  if (!log) return;
  try {
    const s = await log.summary(nowMs());
    $('log-summary').textContent = t(lang, 'logSummary', { total: s.total, unexported: s.unexported, pass: s.hourPass, check: s.hourCheck, refuse: s.hourRefused });
    $('log-summary').dataset.total = s.total;
    $('log-summary').dataset.acknowledged = s.acknowledged;
    renderGrant();
    renderSync(s.unexported);
    renderLogQuestions();
    await renderTubeFix();
  } catch { /* shown again on the next change */ }
}

// Records leave the device only through an export the user says saved, and
// only after a second question that names how many go.
const logUi = { ask: null, clearCount: 0 };

function renderLogQuestions() {
  const ask = logUi.ask;
  $('export-confirm').hidden = !ask;
  if (ask) {
    $('export-question').textContent = t(lang, 'exportQuestion', { file: ask.filename, count: ask.count });
    $('export-confirm').dataset.batch = ask.batch;
  }
  const n = logUi.clearCount;
  $('clear-confirm').hidden = !n;
  if (n) {
    $('clear-question').textContent = t(lang, 'clearQuestion', { count: n });
    $('clear-yes').textContent = t(lang, 'clearYes', { count: n });
    $('clear-confirm').dataset.count = n;
  }
}

function logMessage(text, state) {
  say('log-msg', text);
  $('log-msg').dataset.state = state;
}

function logFailed(error) {
  if (error && (error.code === 'log_full' || error.code === 'log_unavailable')) showStopped(error);
  else logMessage(String(error && error.message ? error.message : error), 'error');
}

async function exportLog(format) {
  try {
    const out = await log.export(format, { onlyNew: $('export-new').checked, nowMs: nowMs() });
    if (!out.count) {
      logMessage(t(lang, 'exportNothing'), 'nothing');
    } else {
      const url = URL.createObjectURL(new Blob([out.text], { type: out.mime }));
      const a = Object.assign(document.createElement('a'), { href: url, download: out.filename });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      // The page cannot see whether the file saved: the user says so.
      if (logUi.ask) log.discardBatch(logUi.ask.batch);
      logUi.ask = { batch: out.batch, filename: out.filename, count: out.count };
      logUi.clearCount = 0;
      logMessage('', 'asking');
    }
  } catch (error) {
    logFailed(error);
  }
  await refreshLog();
  if (logUi.ask) $('export-yes').focus();
}

async function answerSaved(saved) {
  const ask = logUi.ask;
  if (!ask) return;
  logUi.ask = null;
  if (!saved) {
    log.discardBatch(ask.batch);
    logMessage(t(lang, 'exportDiscarded', { batch: ask.batch }), 'discarded');
  } else {
    try {
      const r = await log.confirmSaved(ask.batch, { nowMs: nowMs() });
      logMessage(t(lang, r.durable ? 'exportConfirmed' : 'exportConfirmedFull', { batch: ask.batch, count: r.acknowledged }), 'confirmed');
    } catch (error) {
      logFailed(error);
    }
  }
  await refreshLog();
}

async function askClear() {
  try {
    const s = await log.summary(nowMs());
    logUi.clearCount = s.acknowledged;
    if (!s.acknowledged) logMessage(t(lang, 'clearNone'), 'nothing');
    else logMessage('', 'asking');
  } catch (error) {
    logFailed(error);
  }
  await refreshLog();
  if (logUi.clearCount) $('clear-no').focus();
}

async function answerClear(confirmed) {
  if (!logUi.clearCount) return;
  logUi.clearCount = 0;
  if (!confirmed) {
    logMessage(t(lang, 'clearCancelled'), 'cancelled');
  } else {
    try {
      const n = await log.clearAcknowledged();
      let text = t(lang, 'clearedN', { count: n });
      if (n && !$('stopped').hidden) { clearStopped(); text += ` · ${t(lang, 'logResume')}`; }
      logMessage(text, 'cleared');
    } catch (error) {
      logMessage(String(error.message || error), 'error');
    }
  }
  await refreshLog();
}

// ---------- tubes ----------

/** The deployment's tube pattern (config.json `tubePattern`), read without holding up the page. */
async function loadTubePattern() {
  let pattern;
  try {
    const r = await fetch(new URL('../demo-data/config.json', location.href), { cache: 'no-cache' });
    if (r.ok) pattern = (await r.json() || {}).tubePattern;
  } catch { /* offline without a cached copy: the default */ }
  if (!log.setTubePattern(pattern)) logMessage(t(lang, 'tubePatternBad', { pattern: log.tube.source }), 'error');
  document.body.dataset.tubePattern = log.tube.source;
}

async function renderTubeFix() {
  const last = await log.lastRegistration();
  const box = $('tube-fix');
  box.hidden = !last;
  if (!last) return;
  box.dataset.id = last.record.id;
  box.dataset.tube = last.tube ?? '';
  const when = last.record.time ? new Date(last.record.time).toLocaleTimeString(lang) : '—';
  $('tube-fix-last').textContent = t(lang, 'tubeFixLast', { name: last.record.name ?? '—', time: when, tube: last.tube ?? t(lang, 'tubeFixNone') });
}

async function correctTube() {
  const id = $('tube-fix').dataset.id;
  const msg = $('tube-fix-msg');
  if (!id) return;
  try {
    const r = await log.correctTube(id, $('tube-fix-input').value, { nowMs: nowMs(), station: stationId() });
    if (sync) sync.recorded();
    msg.textContent = t(lang, 'tubeFixed', { tube: r.tube, previous: r.previousTube ?? t(lang, 'tubeFixNone') });
    msg.dataset.code = 'corrected';
    msg.dataset.tube = r.tube;
    $('tube-fix-input').value = '';
  } catch (error) {
    if (error instanceof TubeError) {
      msg.textContent = t(lang, error.code);
      msg.dataset.code = error.code;
    } else {
      showStopped(error);
    }
  }
  await refreshLog();
}

// ---------- settings ----------

function bindSettings() {
  $('set-mode').value = settings.mode;
  $('set-station').value = settings.station;
  $('set-auto').value = settings.autoNext;
  $('set-stale').value = staleHours();
  $('set-sound').checked = settings.sound;
  $('set-mode').addEventListener('change', (e) => { settings.mode = e.target.value === 'registration' ? 'registration' : 'tally'; saveSettings(); });
  $('set-station').addEventListener('change', (e) => { settings.station = e.target.value.trim(); saveSettings(); });
  $('set-auto').addEventListener('change', (e) => { settings.autoNext = Math.max(0, Math.min(60, Number(e.target.value) || 0)); saveSettings(); });
  $('set-stale').addEventListener('change', (e) => { settings.staleHours = Math.max(1, Math.min(720, Number(e.target.value) || 24)); saveSettings(); renderTrust(); });
  $('set-sound').addEventListener('change', (e) => { settings.sound = e.target.checked; saveSettings(); });
  $('lang').replaceChildren(...LANGUAGES.map((l) => new Option(l.name, l.code)));
  $('lang').addEventListener('change', (e) => { lang = e.target.value; settings.lang = lang; saveSettings(); applyLanguage(); });
}

// ---------- start ----------

async function main() {
  bindSettings();
  applyLanguage();
  $('scan-btn').addEventListener('click', startCamera);
  $('torch-btn').addEventListener('click', toggleTorch);
  $('update-btn').addEventListener('click', () => location.reload());
  $('photo-input').addEventListener('change', (e) => { const f = e.target.files[0]; e.target.value = ''; scanPhoto(f); });
  $('check-btn').addEventListener('click', checkPasted);
  $('paste').addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); checkPasted(); } });
  $('v-next').addEventListener('click', dismiss);
  $('v-id').addEventListener('input', checkIdNumber);
  $('v-tube-save').addEventListener('click', () => linkTube($('v-tube').value));
  $('v-tube').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); linkTube($('v-tube').value); } });
  $('export-csv').addEventListener('click', () => exportLog('csv'));
  $('export-jsonl').addEventListener('click', () => exportLog('jsonl'));
  $('clear-exported').addEventListener('click', askClear);
  $('export-yes').addEventListener('click', () => answerSaved(true));
  $('export-no').addEventListener('click', () => answerSaved(false));
  $('clear-yes').addEventListener('click', () => answerClear(true));
  $('clear-no').addEventListener('click', () => answerClear(false));
  $('tube-fix-save').addEventListener('click', correctTube);
  $('tube-fix-input').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); correctTube(); } });
  $('trust-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (f) offerTrustList(new Uint8Array(await f.arrayBuffer()));
  });
  $('grant-file').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    e.target.value = '';
    if (f) offerGrant(new Uint8Array(await f.arrayBuffer()));
  });
  window.addEventListener('hashchange', () => {
    const fragment = trustListFromFragment(location.hash);
    if (fragment) { history.replaceState(null, '', location.pathname); offerTrustList(new TextEncoder().encode(fragment)); }
    const grantText = grantFromFragment(location.hash);
    if (grantText) { history.replaceState(null, '', location.pathname); offerGrant(new TextEncoder().encode(grantText)); }
  });
  window.addEventListener('online', () => {
    if (sync) sync.wentOnline();
    if (reader.state === 'failed') reader.start();
    if ('serviceWorker' in navigator) registerWorker().then(checkOffline);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && view.shown) dismiss(); });

  if ('serviceWorker' in navigator) {
    // Reloading for a new build is left to the staff, so a verdict on screen is not lost.
    watchTakeovers(() => { $('update').hidden = false; }, checkOffline);
    registerWorker().then(checkOffline);
    navigator.serviceWorker.ready.then(checkOffline);
  } else {
    checkOffline();
  }
  await init();
  reader.start();
  log = new CheckpointLog(idbBackend(indexedDB));
  sync = new Sync(log, {
    online: () => navigator.onLine,
    locks: navigator.locks || null,
    retentionDays: null, // none deleted before config.json says how long
    onChange: () => refreshLog(),
  });
  loadTubePattern();
  await provision();
  sync.start();
  await refreshLog();
  setInterval(() => { renderTrust(); renderGrant(); }, 60_000);
  document.body.dataset.ready = 'true';
}

main().catch((error) => {
  document.body.dataset.ready = 'error';
  const el = $('config-msg');
  // Most often the wasm module of a first visit, cut off before it was saved.
  el.textContent = t(lang, 'startFailed', { why: String(error && error.message ? error.message : error) });
  el.hidden = false;
  window.addEventListener('online', () => location.reload(), { once: true });
});

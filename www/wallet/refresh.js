// Fetching from the network, in the background or for a first import: the
// deployment's config.json and trust list (the root key pinned on first
// provisioning, only a successor of the list in use accepted), and a newer
// credential for each person when the deployment offers one
// (config.refreshUrl). Background attempts are gated by backoff with full
// jitter (www/shared/backoff.js), their timing kept in storage so a reload or
// a crash never retries at once.

import { TrustList } from '../pkg/core/codewallet.js';
import * as backoff from '../shared/backoff.js';
import { extractCredential } from '../shared/links.js';
import { KEY, CONFIG_URL, nowSecs } from './state.js';
import { saveTrust } from './trust-store.js';
import { render, renderProblem, say } from './view.js';
import { reload, reloadWallet } from './store.js';
import { pinnedRoot, useTrust } from './trust.js';

function setTrustProblem(app, key, params = {}) {
  app.trustProblem = key ? { key, params } : null;
  renderProblem(app);
}

/**
 * Fetches config.json and the trust list it names. The root key is pinned on
 * first provisioning; a configuration naming another root is refused. The
 * list is kept if the core accepts it as a successor of ours. Throws on failure.
 */
export async function fetchTrust(app) {
  const { storage } = app;
  const offer = document.documentElement.dataset;
  const res = await fetch(CONFIG_URL, { cache: 'no-cache' });
  if (!res.ok) throw Object.assign(new Error(`config: HTTP ${res.status}`), { response: res });
  const cfg = await res.json();
  const root = typeof cfg.rootPublicKey === 'string' ? cfg.rootPublicKey.trim().toLowerCase() : '';
  const pinned = pinnedRoot(app);
  if (pinned && root !== pinned) {
    offer.trustOffer = 'root_changed';
    setTrustProblem(app, 'rootChanged');
    throw Object.assign(new Error('the configuration names another root key'), { code: 'root_changed' });
  }
  const listUrl = new URL(cfg.trustList, CONFIG_URL);
  const listRes = await fetch(listUrl, { cache: 'no-cache' });
  if (!listRes.ok) throw Object.assign(new Error(`trust list: HTTP ${listRes.status}`), { response: listRes });
  const bytes = new Uint8Array(await listRes.arrayBuffer());
  const offered = new TrustList(bytes, root);
  app.config = { rootPublicKey: root, refreshUrl: typeof cfg.refreshUrl === 'string' ? cfg.refreshUrl : null };
  storage.writeJson(KEY.config, app.config);
  if (app.trust) {
    let relation;
    try {
      relation = app.trust.checkSuccessor(offered);
    } catch (e) {
      offered.free();
      app.trustRefused = e.code || 'rollback';
      offer.trustOffer = app.trustRefused;
      return app.trust; // older, or a changed list under the same number: keep ours
    }
    if (relation === 'same') {
      offered.free();
      offer.trustOffer = 'same';
      return app.trust;
    }
  }
  storage.writeJson(KEY.root, root);
  try {
    await saveTrust({ root, data: bytes, at: Date.now() });
    if (app.trustProblem && app.trustProblem.key === 'trustNotSaved') setTrustProblem(app, null);
  } catch (e) {
    setTrustProblem(app, 'trustNotSaved', { why: (e && e.message) || String(e) });
  }
  app.trustRefused = null;
  useTrust(app, offered);
  offer.trustOffer = 'accepted';
  return app.trust;
}

/** Runs `attempt` if the backoff state under `name` allows it now; records the outcome. */
export async function gated(app, name, attempt) {
  const { storage } = app;
  const all = storage.readJson(KEY.refresh) || {};
  const state = backoff.parseState(all[name]);
  const now = Date.now();
  if (!backoff.isDue(state, now)) return undefined;
  // Remember the attempt before starting it, so a crash or reload cannot retry at once.
  all[name] = { ...state, lastAttempt: now };
  storage.writeJson(KEY.refresh, all);
  let outcome;
  let result;
  try {
    result = await attempt();
    outcome = { ok: true };
  } catch (e) {
    const header = e && e.response ? e.response.headers.get('Retry-After') : null;
    outcome = { ok: false, retryAfter: backoff.parseRetryAfter(header, Date.now()) };
  }
  const after = storage.readJson(KEY.refresh) || {};
  after[name] = backoff.afterAttempt(state, outcome, now, Math.random);
  storage.writeJson(KEY.refresh, after);
  return result;
}

/** The trust list now, fetched whatever the backoff says (an import needs it); counts as a success. */
export async function fetchTrustNow(app) {
  const list = await fetchTrust(app);
  const all = app.storage.readJson(KEY.refresh) || {};
  all.trust = backoff.afterAttempt(backoff.parseState(all.trust), { ok: true }, Date.now(), Math.random);
  app.storage.writeJson(KEY.refresh, all);
  return list;
}

/** The backoff keys of credentials no longer in the wallet (`ids`: those that are). */
export function staleRefreshKeys(all, ids) {
  const live = new Set(ids.map((id) => `credential:${id}`));
  return Object.keys(all).filter((k) => k.startsWith('credential:') && !live.has(k));
}

/** Where to fetch a newer credential `id` from, or null if the template names no http(s) URL. */
export function refreshUrl(template, id, base = CONFIG_URL) {
  let url;
  try {
    url = new URL(template.replace('{id}', encodeURIComponent(id)), base);
  } catch {
    return null;
  }
  return /^https?:$/.test(url.protocol) ? url : null;
}

/** Fetches a newer credential for each entry when the deployment offers one (config.refreshUrl). */
async function refreshCredentials(app) {
  const { config, storage } = app;
  if (!config || !config.refreshUrl || !app.trust) return;
  // Forget the timing of credentials no longer in the wallet.
  const all = storage.readJson(KEY.refresh) || {};
  const stale = staleRefreshKeys(all, app.wallet.entries().map((e) => e.credential.id));
  if (stale.length) {
    for (const k of stale) delete all[k];
    storage.writeJson(KEY.refresh, all);
  }
  for (const entry of app.wallet.entries()) {
    const c = entry.credential;
    // Same origin, or the public bucket the deployment names (its CSP must list it too).
    const url = refreshUrl(config.refreshUrl, c.id);
    if (!url) continue;
    const fresh = await gated(app, `credential:${c.id}`, async () => {
      const res = await fetch(url, { cache: 'no-cache' });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
      return extractCredential(await res.text());
    });
    if (!fresh || fresh === entry.text) continue;
    const index = app.wallet.entries().findIndex((e) => e.text === entry.text);
    if (index < 0) continue;
    try {
      // The core takes it only if it verifies and is newer for the same person and issuer.
      app.wallet.replace(index, fresh, app.trust, nowSecs());
    } catch (e) {
      if (e && e.code === 'changed_elsewhere') {
        reloadWallet(app);
        render(app);
      }
      continue; // a refresh that is not taken leaves the code on screen as it was
    }
    reload(app);
    render(app);
    // The new credential was just fetched: its own refresh waits a full interval.
    const timing = storage.readJson(KEY.refresh) || {};
    delete timing[`credential:${c.id}`];
    timing[`credential:${app.wallet.entries()[index].credential.id}`] = backoff.afterAttempt(backoff.initialState(), { ok: true }, Date.now(), Math.random);
    storage.writeJson(KEY.refresh, timing);
    say(app, 'refreshed', { label: entry.label });
  }
}

export async function refreshInBackground(app) {
  if (!navigator.onLine) return;
  try {
    const list = await gated(app, 'trust', () => fetchTrust(app));
    if (list) render(app);
    await refreshCredentials(app);
  } catch {
    // A refresh never disturbs the code on screen.
  } finally {
    document.documentElement.dataset.refreshed = String(Date.now());
  }
}

// Fetching from the network, in the background or for a first import: the
// deployment's config.json and trust list (the root key pinned on first
// provisioning, only a successor of the list in use accepted), and a newer
// credential for each person when the deployment offers one
// (config.refreshUrl). Background attempts are gated by backoff with full
// jitter (www/shared/backoff.js), their timing kept in storage so a reload or
// a crash never retries at once.

import { TrustList } from '../pkg/core/codewallet.js';
import * as backoff from '../shared/backoff.js';
import { refreshEntries } from './refresh-rules.js';
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

/** The page's timing book: the backoff state of each thing it refreshes, in storage. */
const timingBook = (app) => ({
  read: () => app.storage.readJson(KEY.refresh) || {},
  write: (all) => app.storage.writeJson(KEY.refresh, all),
});

const retryAfterOf = (e) => (e && e.response ? e.response.headers.get('Retry-After') : null);

/** Runs `attempt` if the backoff state under `name` allows it now; records the outcome. */
export const gated = (app, name, attempt) => backoff.gated(timingBook(app), name, attempt, { retryAfterOf });

/** The trust list now, fetched whatever the backoff says (an import needs it); counts as a success. */
export async function fetchTrustNow(app) {
  const list = await fetchTrust(app);
  const book = timingBook(app);
  const all = book.read();
  all.trust = backoff.afterAttempt(backoff.parseState(all.trust), { ok: true }, Date.now(), Math.random);
  book.write(all);
  return list;
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
function refreshCredentials(app) {
  const { config } = app;
  if (!config || !config.refreshUrl || !app.trust) return undefined;
  return refreshEntries({
    wallet: app.wallet,
    trust: app.trust,
    book: timingBook(app),
    // Same origin, or the public bucket the deployment names (its CSP must list it too).
    urlFor: (id) => refreshUrl(config.refreshUrl, id),
    fetchText: async (url) => {
      const res = await fetch(url, { cache: 'no-cache' });
      if (!res.ok) throw Object.assign(new Error(`HTTP ${res.status}`), { response: res });
      return res.text();
    },
    retryAfterOf,
    nowSecs,
    onReplaced: (label) => {
      reload(app);
      render(app);
      say(app, 'refreshed', { label });
    },
    onChangedElsewhere: () => {
      reloadWallet(app);
      render(app);
    },
  });
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

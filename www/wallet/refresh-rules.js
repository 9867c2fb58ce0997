// The background refresh of the wallet's codes, without a page: for each
// person, a newer credential fetched when the deployment offers one and the
// backoff rules allow (../shared/backoff.js), taken only if the core accepts
// it as newer for the same person and issuer. Pure over what it is handed
// (the core's wallet and trust list, a fetch, a timing book), so the web page
// and the mini-program run the same rules.

import { afterAttempt, gated, initialState } from '../shared/backoff.js';
import { extractCredential } from '../shared/links.js';

/** The timing book's key for credential `id`. */
export const refreshKey = (id) => `credential:${id}`;

/** The timing keys of credentials no longer in the wallet (`ids`: those that are). */
export function staleRefreshKeys(all, ids) {
  const live = new Set(ids.map(refreshKey));
  return Object.keys(all).filter((k) => k.startsWith('credential:') && !live.has(k));
}

/**
 * Fetches a newer credential for each entry of `wallet` that is due.
 * `urlFor(id)`: where credential `id`'s successor is offered, or null;
 * `fetchText(url)`: the body, or a throw (with what `retryAfterOf` reads);
 * `onReplaced(label)` after each code taken, `onChangedElsewhere()` when
 * another window changed the store first. Never throws for one person's
 * failure: a refresh that is not taken leaves the code as it was.
 */
export async function refreshEntries({ wallet, trust, book, urlFor, fetchText, retryAfterOf, nowSecs, onReplaced = () => {}, onChangedElsewhere = () => {} }) {
  // Forget the timing of credentials no longer in the wallet.
  const all = book.read() || {};
  const stale = staleRefreshKeys(all, wallet.entries().map((e) => e.credential.id));
  if (stale.length) {
    for (const k of stale) delete all[k];
    book.write(all);
  }
  for (const entry of wallet.entries()) {
    const { id } = entry.credential;
    const url = urlFor(id);
    if (!url) continue;
    const fresh = await gated(book, refreshKey(id), async () => extractCredential(await fetchText(url)), { retryAfterOf });
    if (!fresh || fresh === entry.text) continue;
    const index = wallet.entries().findIndex((e) => e.text === entry.text);
    if (index < 0) continue;
    try {
      // The core takes it only if it verifies and is newer for the same person and issuer.
      wallet.replace(index, fresh, trust, nowSecs());
    } catch (e) {
      if (e && e.code === 'changed_elsewhere') onChangedElsewhere();
      continue;
    }
    // The new credential was just fetched: its own refresh waits a full interval.
    const timing = book.read() || {};
    delete timing[refreshKey(id)];
    timing[refreshKey(wallet.entries()[index].credential.id)] = afterAttempt(initialState(), { ok: true }, Date.now(), Math.random);
    book.write(timing);
    onReplaced(entry.label);
  }
}

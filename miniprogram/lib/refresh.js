// The wallet's background refresh in the package: a newer credential for
// each person when the deployment offers one (config.refreshUrl, an https URL
// with {id}), by the web wallet's own rules (web/wallet/refresh-rules.js) and
// backoff, the timing kept in platform storage so that reopening the page
// never retries at once. The page starts it only after the code is drawn.
const platform = require('./platform.js');
const { refreshEntries } = require('../web/wallet/refresh-rules.js');
const { loadConfig } = require('./trust.js');

const TIMING_KEY = 'codewallet.refresh';

// The timing book over platform storage; unreadable timing counts as none.
const book = {
  read() {
    try {
      const all = JSON.parse(platform.storage.getItem(TIMING_KEY));
      return all && typeof all === 'object' ? all : {};
    } catch {
      return {};
    }
  },
  write(all) {
    try {
      platform.storage.setItem(TIMING_KEY, JSON.stringify(all));
    } catch {
      // Timing not kept: the next opening may try once more, nothing else is lost.
    }
  },
};

// Where credential `id`'s successor is offered: the platform requests only
// full https URLs (from the domains the mini-program declares).
function refreshUrl(template, id) {
  if (typeof template !== 'string') return null;
  const url = template.replace('{id}', encodeURIComponent(id));
  return /^https:\/\/[^/\s]+\/\S*$/.test(url) ? url : null;
}

async function fetchText(url) {
  const res = await platform.request({ url });
  if (res.ok && res.status === 200 && typeof res.data === 'string') return res.data;
  const header = res.header || {};
  const error = new Error(res.ok ? `HTTP ${res.status}` : res.message);
  error.retryAfter = header['Retry-After'] ?? header['retry-after'] ?? null;
  throw error;
}

// Refreshes every person's code that is due; resolves when done, never rejects.
async function refreshInBackground({ wallet, trust, nowSecs, onReplaced, onChangedElsewhere, config = loadConfig() }) {
  if (!config || !config.refreshUrl || !trust) return;
  try {
    await refreshEntries({
      wallet,
      trust,
      book,
      urlFor: (id) => refreshUrl(config.refreshUrl, id),
      fetchText,
      retryAfterOf: (e) => e && e.retryAfter,
      nowSecs,
      onReplaced,
      onChangedElsewhere,
    });
  } catch {
    // A refresh never disturbs the code on screen.
  }
}

module.exports = { refreshInBackground, refreshUrl, TIMING_KEY };

// When to try again (a refresh, an upload): exponential backoff with full jitter, a
// minimum gap between attempts, and the server's Retry-After honoured.
// Pure functions over a small state object; the clock and the random source
// are passed in, so the rules are tested in Node without a browser.
//
// State: { lastAttempt, failures, notBefore } (milliseconds since the epoch).

/** Default rules, in milliseconds. */
export const DEFAULTS = Object.freeze({
  /** After a success, wait this long before the next refresh. */
  interval: 6 * 3600e3,
  /** Never two attempts closer than this, whatever happened. */
  minGap: 60e3,
  /** The first retry after a failure waits up to base; each failure doubles it. */
  base: 60e3,
  /** Retries wait at most this long (before jitter). */
  cap: 6 * 3600e3,
  /** A server's Retry-After is honoured up to this long: one header never stops refresh for good. */
  maxRetryAfter: 24 * 3600e3,
});

/** A state that has never tried: due at once. */
export function initialState() {
  return { lastAttempt: 0, failures: 0, notBefore: 0 };
}

/** Reads a stored state, forgiving anything malformed (it then counts as never tried). */
export function parseState(value) {
  const s = initialState();
  if (value && typeof value === 'object') {
    for (const k of Object.keys(s)) {
      const v = value[k];
      if (Number.isFinite(v) && v >= 0) s[k] = v;
    }
  }
  return s;
}

/** Whether an attempt may start at `now`. */
export function isDue(state, now, rules = DEFAULTS) {
  if (now < state.lastAttempt) return true; // the clock went back: do not wait for ever
  return now >= state.notBefore && now - state.lastAttempt >= rules.minGap;
}

/**
 * The wait after `failures` consecutive failures (≥ 1): full jitter, a
 * uniformly random time in [0, min(cap, base · 2^(failures−1))), with a floor of
 * minGap. `random()` returns a number in [0, 1).
 */
export function retryDelay(failures, random, rules = DEFAULTS) {
  const exp = Math.min(rules.cap, rules.base * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.max(rules.minGap, Math.floor(random() * exp));
}

/**
 * A Retry-After header value as milliseconds from `now`: delta-seconds or an
 * HTTP date, at most `rules.maxRetryAfter`. `null` when absent or unreadable.
 */
export function parseRetryAfter(header, now, rules = DEFAULTS) {
  if (header == null) return null;
  const text = String(header).trim();
  let wait;
  if (/^\d+$/.test(text)) {
    wait = Number(text) * 1000;
  } else {
    if (!/^[A-Za-z]{3}, /.test(text)) return null; // an HTTP date starts with the day's name
    const when = Date.parse(text);
    if (Number.isNaN(when)) return null;
    wait = Math.max(0, when - now);
  }
  return Math.min(wait, rules.maxRetryAfter);
}

/**
 * The state after an attempt that started at `now`.
 * `outcome`: `{ ok: true }` or `{ ok: false, retryAfter?: ms }`.
 */
export function afterAttempt(state, outcome, now, random, rules = DEFAULTS) {
  if (outcome.ok) {
    return { lastAttempt: now, failures: 0, notBefore: now + rules.interval };
  }
  const failures = state.failures + 1;
  let wait = retryDelay(failures, random, rules);
  if (outcome.retryAfter != null && outcome.retryAfter > wait) wait = outcome.retryAfter;
  return { lastAttempt: now, failures, notBefore: now + wait };
}

/**
 * Runs `attempt()` if the state kept under `name` in `book` allows it now,
 * and records the outcome; returns the attempt's result, or undefined when it
 * was not due or failed. The attempt is written down before it starts, so a
 * crash or a reload cannot retry at once. `book`: `{ read() → {name: state},
 * write(all) }`, over whatever storage the front end has; `retryAfterOf(error)`:
 * the failed attempt's Retry-After header, if it had one.
 */
export async function gated(book, name, attempt, { now = Date.now, random = Math.random, retryAfterOf = () => null } = {}) {
  const all = book.read() || {};
  const state = parseState(all[name]);
  const started = now();
  if (!isDue(state, started)) return undefined;
  book.write({ ...all, [name]: { ...state, lastAttempt: started } });
  let outcome;
  let result;
  try {
    result = await attempt();
    outcome = { ok: true };
  } catch (e) {
    outcome = { ok: false, retryAfter: parseRetryAfter(retryAfterOf(e), now()) };
  }
  // Read again: other entries may have been written while this one ran.
  book.write({ ...(book.read() || {}), [name]: afterAttempt(state, outcome, started, random) });
  return result;
}

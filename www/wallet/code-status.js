// What the code screen says about a stored code, without a page: how it looks
// for the core's answer (colour and icon kind, status words, stamp), the time
// left. Pure, shared by the wallet page and the mini-program.

/**
 * How a code looks given the core's refusal `code` (null when it holds) and
 * the credential's own status: {kind, statusKey, stampKey}. `kind` names the
 * colour and icon; a crossed-out code has a stamp.
 */
export function appearance(code, status) {
  if (!code) return { kind: status, statusKey: `status_${status}`, stampKey: null };
  if (code === 'expired') return { kind: 'expired', statusKey: 'status_expired', stampKey: 'expiredStamp' };
  if (code === 'not_yet_valid') return { kind: 'expired', statusKey: 'status_not_yet_valid', stampKey: 'invalidStamp' };
  return { kind: 'invalid', statusKey: code === 'revoked' ? 'status_revoked' : 'status_invalid', stampKey: 'invalidStamp' };
}

/**
 * What to show for an entry at `now` (seconds): {kind, statusKey, stampKey,
 * code, checked, verdict, credential}. Verified against `trust` when there is
 * one; otherwise the core's time rule alone (`checkTime`, the core's).
 */
export function judge(trust, entry, now, checkTime) {
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
  return { ...appearance(code, c.status), code, checked: !!v, verdict: v, credential: c };
}

const pad = (n) => String(n).padStart(2, '0');

/** A span of seconds as the code screen writes it: days, or h:mm:ss. */
export function duration(t, secs) {
  const s = Math.max(0, Math.floor(secs));
  const d = Math.floor(s / 86400);
  const parts = { d, h: pad(Math.floor((s % 86400) / 3600)), m: pad(Math.floor((s % 3600) / 60)), s: pad(s % 60) };
  return d > 0 ? t('days', parts) : t('hms', parts);
}

/** The countdown line for a credential at `now` (seconds). */
export function countdown(t, c, now) {
  if (now < c.notBefore) return t('startsIn', { time: duration(t, c.notBefore - now) });
  if (now < c.expiresAt) return t('left', { time: duration(t, c.expiresAt - now) });
  return t('expiredAgo', { time: duration(t, now - c.expiresAt) });
}

/** Milliseconds to just past the next whole second. */
export const untilNextSecond = (nowMs) => 1000 - (nowMs % 1000) + 5;

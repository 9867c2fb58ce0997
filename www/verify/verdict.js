// From text to what the screen says: pure functions, no DOM.

import { t, duration } from './i18n.js';

/** Longest text treated as a code; a credential is a few hundred characters. */
export const MAX_TEXT = 4096;

/**
 * What a scanned or pasted text is:
 * `{kind: 'credential', text}` | `{kind: 'trustList', text}` |
 * `{kind: 'refused', code: 'url' | 'too_long' | 'empty'}` | `{kind: 'other', text}`.
 * A wallet link (`…/wallet/#CW1:…`) counts as its credential.
 */
export function classify(raw) {
  const text = String(raw ?? '').trim();
  if (!text) return { kind: 'refused', code: 'empty' };
  if (text.length > MAX_TEXT) return { kind: 'refused', code: 'too_long' };
  if (text.startsWith('CWL1:')) return { kind: 'trustList', text };
  if (text.startsWith('CW1:')) return { kind: 'credential', text };
  const hash = text.indexOf('#');
  if (/^https?:\/\//i.test(text)) {
    if (hash >= 0) {
      let fragment = text.slice(hash + 1);
      try { fragment = decodeURIComponent(fragment); } catch { /* keep it raw */ }
      if (fragment.startsWith('CW1:')) return { kind: 'credential', text: fragment };
      if (fragment.startsWith('CWL1:')) return { kind: 'trustList', text: fragment };
    }
    return { kind: 'refused', code: 'url' };
  }
  return { kind: 'other', text };
}

/**
 * The verdict screen's content from the core's verdict (or a refusal code),
 * plus warnings found by the page (clock jump). Returns
 * `{tone: 'ok'|'warn'|'bad', icon, headline, reason, status, name, issuer, until, warnings: [text], accepted}`.
 */
export function present(lang, verdict, extraWarnings = []) {
  const warnings = [];
  for (const w of verdict.warnings || []) warnings.push(warningText(lang, w));
  for (const w of extraWarnings) warnings.push(warningText(lang, w));
  const c = verdict.credential;
  const base = {
    name: c ? c.displayName : null,
    issuer: c ? c.issuer : null,
    until: c ? new Date(c.expiresAt * 1000) : null,
    warnings,
  };
  if (verdict.valid) {
    const status = c.status;
    const statusText = t(lang, status === 'green' ? 'statusGreen' : status === 'yellow' ? 'statusYellow' : 'statusRed');
    const tone = status === 'green' ? 'ok' : status === 'yellow' ? 'warn' : 'bad';
    return { ...base, tone, icon: status === 'green' ? (warnings.length ? '!' : '✓') : status === 'yellow' ? '!' : '✗', headline: t(lang, 'valid'), reason: statusText, status, accepted: true };
  }
  return { ...base, tone: 'bad', icon: '✗', headline: t(lang, 'refused'), reason: reasonText(lang, verdict), status: null, accepted: false };
}

export function reasonText(lang, verdict) {
  const code = verdict.code || 'malformed';
  if (code === 'expired' || code === 'not_yet_valid') return t(lang, `r_${code}`, duration(lang, verdict.seconds ?? 0));
  const key = `r_${code}`;
  const s = t(lang, key);
  return s === key ? (verdict.reason || code) : s;
}

function warningText(lang, w) {
  switch (w.code) {
    case 'trust_list_stale': {
      const age = /(\d+\s*\S+) old/.exec(w.message || '');
      return t(lang, 'w_trust_list_stale', w.age !== undefined ? duration(lang, w.age) : age ? age[1] : '');
    }
    case 'clock_behind': {
      const by = /seems (.+) behind/.exec(w.message || '');
      return t(lang, 'w_clock_behind', w.by !== undefined ? duration(lang, w.by) : by ? by[1] : '');
    }
    case 'clock_jump':
      return t(lang, 'w_clock_jump', duration(lang, w.by));
    default: {
      const key = `w_${w.code}`;
      const s = t(lang, key);
      return s === key ? w.message : s;
    }
  }
}

/** Allowed backwards step of the clock between scans before a warning, ms. */
export const CLOCK_JUMP_MS = 60_000;

/** A `clock_jump` warning when now is well before the last scan. */
export function clockJump(nowMs, lastScanMs) {
  if (typeof lastScanMs !== 'number' || nowMs >= lastScanMs - CLOCK_JUMP_MS) return null;
  return { code: 'clock_jump', by: (lastScanMs - nowMs) / 1000, message: 'device clock jumped back' };
}

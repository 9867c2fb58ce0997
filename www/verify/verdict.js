// From text to what the screen says: pure functions, no DOM.

import { translator } from './i18n.js';
import { warningKey } from '../shared/messages.js';
import { duration } from '../shared/languages.js';
import { codeKind, fragmentText } from '../shared/links.js';

/** Longest text treated as a code; a credential is a few hundred characters. */
export const MAX_TEXT = 4096;

/**
 * What a scanned or pasted text is:
 * `{kind: 'credential', text}` | `{kind: 'trustList', text}` | `{kind: 'grant', text}` |
 * `{kind: 'refused', code: 'url' | 'too_long' | 'empty'}` | `{kind: 'other', text}`.
 * A wallet link (`…/wallet/#CW1:…`) counts as its credential, a verifier
 * link to a trust list or upload grant (`…/verify/#CWG1:…`) as that.
 */
export function classify(raw) {
  const text = String(raw ?? '').trim();
  if (!text) return { kind: 'refused', code: 'empty' };
  if (text.length > MAX_TEXT) return { kind: 'refused', code: 'too_long' };
  const kind = codeKind(text);
  if (kind) return { kind, text };
  if (/^https?:\/\//i.test(text)) {
    const hash = text.indexOf('#');
    const fragment = hash >= 0 ? fragmentText(text.slice(hash + 1)) : '';
    const inLink = codeKind(fragment);
    return inLink ? { kind: inLink, text: fragment } : { kind: 'refused', code: 'url' };
  }
  return { kind: 'other', text };
}

/** How each admission decision of the core looks and sounds. */
const DECISIONS = {
  pass: { tone: 'ok', icon: '✓', headline: 'd_pass' },
  check: { tone: 'warn', icon: '!', headline: 'd_check' },
  refuse: { tone: 'bad', icon: '✗', headline: 'd_refuse' },
};

/**
 * The verdict screen's content from the core's verdict (or a refusal made by
 * the page), plus warnings found by the page (clock jump). The headline,
 * colour (`tone`), icon and so the sound follow the core's `decision`; a
 * verdict without a known one is refused. Returns `{decision, tone: 'ok' |
 * 'warn' | 'bad', icon, headline, reason, status, name, issuer, until,
 * warnings: [text], accepted}`; `issuer` is the trust list's name of the key
 * that signed, never the credential's own claim.
 */
export function present(lang, verdict, extraWarnings = []) {
  const warnings = [];
  for (const w of verdict.warnings || []) warnings.push(warningText(lang, w));
  for (const w of extraWarnings) warnings.push(warningText(lang, w));
  const decision = Object.hasOwn(DECISIONS, verdict.decision) ? verdict.decision : 'refuse';
  const look = DECISIONS[decision];
  const c = verdict.credential;
  const status = verdict.valid && c ? c.status : null;
  const statusKey = { green: 'statusGreen', yellow: 'statusYellow', red: 'statusRed' }[status];
  const t = translator(lang);
  return {
    decision,
    tone: look.tone,
    // A green code with a warning passes, marked so staff read the warning.
    icon: decision === 'pass' && warnings.length ? '!' : look.icon,
    headline: t(look.headline),
    reason: statusKey ? t(statusKey) : reasonText(lang, verdict),
    status,
    name: c ? c.displayName : null,
    issuer: verdict.issuer ?? null,
    until: c ? new Date(c.expiresAt * 1000) : null,
    warnings,
    accepted: Boolean(verdict.valid),
  };
}

export function reasonText(lang, verdict) {
  const code = verdict.code || 'malformed';
  const t = translator(lang);
  if (code === 'expired' || code === 'not_yet_valid') return t(`r_${code}`, { duration: duration(lang, verdict.seconds ?? 0) });
  const key = `r_${code}`;
  const s = t(key);
  return s === key ? (verdict.reason || code) : s;
}

/** Warnings with a duration carry it as `seconds` (the core's and the page's alike). */
const TIMED = new Set(['trust_list_stale', 'clock_behind', 'clock_jump']);

function warningText(lang, w) {
  const key = warningKey(w.code);
  const s = translator(lang)(key, TIMED.has(w.code) ? { duration: duration(lang, w.seconds ?? 0) } : {});
  return s === key ? w.message : s;
}

/** Allowed backwards step of the clock between scans before a warning, ms. */
export const CLOCK_JUMP_MS = 60_000;

/** A `clock_jump` warning when now is well before the last scan. */
export function clockJump(nowMs, lastScanMs) {
  if (typeof lastScanMs !== 'number' || nowMs >= lastScanMs - CLOCK_JUMP_MS) return null;
  return { code: 'clock_jump', seconds: (lastScanMs - nowMs) / 1000, message: 'device clock jumped back' };
}

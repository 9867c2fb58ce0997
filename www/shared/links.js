// Our codes inside links: a wallet link (…/wallet/#CW1:…), a verifier link
// to a trust list or an upload grant (…/verify/#CWL1:…, #CWG1:…), or such a
// fragment alone. Pure: no DOM, also run by the mini-program.

/** The text prefix of each kind of code. */
export const PREFIXES = Object.freeze({ credential: 'CW1:', trustList: 'CWL1:', grant: 'CWG1:' });

/** Which kind of code `text` is by its prefix: 'credential', 'trustList', 'grant', or null. */
export function codeKind(text) {
  for (const [kind, prefix] of Object.entries(PREFIXES)) if (text.startsWith(prefix)) return kind;
  return null;
}

/**
 * A fragment's text (with or without its '#'), percent-decoded; a fragment
 * that is not valid percent-encoding (a bare '%' of Base45) is taken as written.
 */
export function fragmentText(hash) {
  const h = String(hash ?? '');
  const raw = h.startsWith('#') ? h.slice(1) : h;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The code of `kind` a fragment holds, or null. */
export function codeInFragment(hash, kind) {
  if (!hash) return null;
  const text = fragmentText(hash);
  return codeKind(text) === kind ? text : null;
}

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
  if (encoded) s = fragmentText(s);
  s = s.trim();
  return codeKind(s) === 'credential' ? s : null;
}

// Credential text out of what a person gives the page: a link, its fragment,
// or pasted text. Pure, so it is tested in Node.

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
  if (encoded) {
    try {
      s = decodeURIComponent(s);
    } catch {
      // not percent-encoded after all: keep as written
    }
  }
  s = s.trim();
  return /^CW1:/.test(s) ? s : null;
}

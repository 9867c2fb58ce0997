// Base64 of bytes, for the small binary values the pages keep as text (a
// grant, a trust list an earlier version kept in localStorage, the trust list
// in the mini-program's config). Plain JavaScript: the mini-program's runtime
// has no atob or btoa.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63]
      + (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=')
      + (i + 2 < bytes.length ? ALPHABET[n & 63] : '=');
  }
  return out;
}

/** The bytes of base64 text (padding optional); throws a TypeError on anything else. */
export function fromBase64(text) {
  const clean = String(text).replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) throw new TypeError('not base64');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let value = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < clean.length; i++) {
    value = ((value << 6) | ALPHABET.indexOf(clean[i])) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

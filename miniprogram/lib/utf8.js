// UTF-8 for the wasm glue: the mini-program runtime has no TextEncoder or
// TextDecoder. Behaves as they do: lone surrogates are encoded as U+FFFD, and
// invalid bytes decode to U+FFFD per maximal subpart (the WHATWG decoder).

// The UTF-8 bytes of `str` written into `view`; `{read, written}` in UTF-16
// units and bytes. Stops before a character that does not fit whole.
function encodeInto(str, view) {
  let read = 0;
  let written = 0;
  const n = str.length;
  while (read < n) {
    let c = str.charCodeAt(read);
    let units = 1;
    if (c >= 0xd800 && c <= 0xdbff && read + 1 < n) {
      const d = str.charCodeAt(read + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        units = 2;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // a lone surrogate
    const size = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (written + size > view.length) break;
    if (size === 1) {
      view[written] = c;
    } else if (size === 2) {
      view[written] = 0xc0 | (c >> 6);
      view[written + 1] = 0x80 | (c & 0x3f);
    } else if (size === 3) {
      view[written] = 0xe0 | (c >> 12);
      view[written + 1] = 0x80 | ((c >> 6) & 0x3f);
      view[written + 2] = 0x80 | (c & 0x3f);
    } else {
      view[written] = 0xf0 | (c >> 18);
      view[written + 1] = 0x80 | ((c >> 12) & 0x3f);
      view[written + 2] = 0x80 | ((c >> 6) & 0x3f);
      view[written + 3] = 0x80 | (c & 0x3f);
    }
    written += size;
    read += units;
  }
  return { read, written };
}

function encode(str) {
  const s = String(str);
  const buf = new Uint8Array(s.length * 3);
  const { written } = encodeInto(s, buf);
  return buf.slice(0, written);
}

// Decodes UTF-8 bytes (a BOM is kept, as with `ignoreBOM: true`).
function decode(bytes) {
  const out = [];
  let chunk = [];
  const flush = () => {
    out.push(String.fromCharCode.apply(null, chunk));
    chunk = [];
  };
  const push = (cp) => {
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else {
      chunk.push(cp);
    }
    if (chunk.length >= 8192) flush();
  };
  let cp = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (needed === 0) {
      if (b <= 0x7f) {
        push(b);
      } else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x7;
      } else {
        push(0xfffd);
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence so far is one error; this byte starts afresh.
      cp = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      push(0xfffd);
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      push(cp);
      cp = needed = seen = 0;
    }
  }
  if (needed !== 0) push(0xfffd); // truncated at the end
  flush();
  return out.join('');
}

module.exports = { encode, encodeInto, decode };

// The pages' base64 (www/shared/base64.js), plain JavaScript for runtimes
// without atob/btoa: the same text as Node's for random bytes of every length,
// padding optional on the way back, and anything else refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { toBase64, fromBase64 } from '../../www/shared/base64.js';

test('base64: random bytes round-trip and match Node\'s encoding', () => {
  for (let n = 0; n < 3000; n++) {
    const bytes = randomBytes(n % 97);
    const text = toBase64(bytes);
    assert.equal(text, bytes.toString('base64'));
    assert.deepEqual(Buffer.from(fromBase64(text)), bytes);
    assert.deepEqual(Buffer.from(fromBase64(text.replace(/=+$/, ''))), bytes);
  }
});

test('base64: text that is not base64 is refused with a TypeError', () => {
  for (const bad of ['a', 'ab!c', '====', 'abc=d', 'ab c', 'abcde', 'YQ===', '\u00e9']) {
    assert.throws(() => fromBase64(bad), TypeError, bad);
  }
});

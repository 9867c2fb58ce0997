// The wallet's first load stays within its download budget, and what the
// page loads only when used (photo and camera reading, the background
// refresh, the reader module) stays out of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIRST_VIEW_BUDGET, firstViewFiles, sizeOf } from './first-view.mjs';

test('the wallet first load, wasm and scripts, is within its gzipped budget', () => {
  const files = firstViewFiles();
  const bytes = sizeOf(files.wasm).gz + sizeOf(files.js).gz;
  assert.ok(bytes <= FIRST_VIEW_BUDGET, `first view ${bytes} B gzipped, budget ${FIRST_VIEW_BUDGET} B`);
});

test('the first load counts the service worker and leaves out what loads on use', () => {
  const { js } = firstViewFiles();
  for (const file of ['www/wallet/main.js', 'www/wallet/wallet.js', 'www/wallet/sw.js', 'www/shared/sw-core.js', 'www/pkg/core/codewallet.js']) {
    assert.ok(js.includes(file), `${file} is loaded at once`);
  }
  for (const file of ['www/wallet/scan.js', 'www/wallet/refresh.js']) {
    assert.ok(!js.includes(file), `${file} loads only when used`);
  }
  assert.ok(!js.some((f) => f.startsWith('www/pkg/reader/')), 'the reader module loads only when used');
});

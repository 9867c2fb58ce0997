// The wallet's code view rendered by miniprogram-simulate: the QR drawn on the
// (recording) canvas is rasterised and read back by our reader and by jsQR to
// the stored credential's text; status, masked name and valid-until in both
// languages; no network call on the way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, beforeEach, test } from 'node:test';
import jsQR from 'jsqr';
import * as reader from '../../www/pkg/reader/codewallet.js';
import { translator as walletTranslator } from '../../www/wallet/i18n.js';
import { messagePattern } from '../web/text.mjs';
import { ROOT, buildPackage, makeIssuer } from './util.mjs';

const require = createRequire(import.meta.url);
const DAY = 86400;
let issuer;
let env;
let shims;
let simulate;
let renderPage;
let waitFor;
let cw;
let trust;
let codeView;
// The words expected, from the message tables: the web wallet's and the
// mini-program's own.
const tr = (language) => walletTranslator(language);
let own;

before(async () => {
  buildPackage();
  issuer = makeIssuer();
  // The reader runs in Node's own way, before the runtime's globals go.
  reader.initSync({ module: readFileSync(`${ROOT}www/pkg/reader/codewallet_bg.wasm`) });
  const pageEnv = require('./page-env.cjs');
  ({ simulate, env, shims } = pageEnv.setUp());
  ({ renderPage, waitFor } = pageEnv);
  cw = await require('../../miniprogram/lib/core.js').core();
  codeView = require('../../miniprogram/lib/code-view.js');
  own = require('../../miniprogram/lib/messages.js').translator;
  trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
});

after(() => issuer && issuer.cleanup());

beforeEach(() => {
  env.storage.items.clear();
  env.network.calls.length = 0;
  env.canvases.made.length = 0;
  env.app.language = 'en';
});

// Stores `texts` as the wallet does, each imported at a time it was valid.
function store(...entries) {
  const wallet = new cw.Wallet(require('../../miniprogram/lib/platform.js').storage);
  for (const [label, text, at = issuer.now] of entries) wallet.import(label, text, trust, at);
}

async function shown(properties) {
  const comp = renderPage(simulate, 'pages/wallet/index', properties);
  await waitFor(() => comp.data.drawn || comp.data.state === 'failed' || comp.data.state === 'empty', 'the code view settles');
  return comp;
}

function readBack() {
  assert.equal(env.canvases.made.length, 1);
  const canvas = env.canvases.made[0];
  const image = shims.rasterize(canvas);
  const rgba = shims.lumaToRgba(image);
  const ours = reader.scanRgba(image.width, image.height, new Uint8Array(rgba.buffer));
  const peer = jsQR(rgba, image.width, image.height, { inversionAttempts: 'dontInvert' });
  return { image, ours, peer: peer && peer.data };
}

test('a stored code is drawn with its quiet zone and read back by our reader and by jsQR', async (t) => {
  const text = issuer.credentials.valid;
  store(['me', text]);
  // A canvas just big enough for the code and its quiet zone at 6 pixels a
  // module: none of it may be cut off.
  const size = cw.qrMatrix(text).size * 6;
  env.canvases.sizes['#qr'] = [size / 2, size / 2];
  t.after(() => {
    env.canvases.sizes['#qr'] = [240, 240];
  });
  const comp = await shown();
  assert.equal(comp.data.state, 'shown');
  const { image, ours, peer } = readBack();
  assert.deepEqual(ours, [text]);
  assert.equal(peer, text);

  // Four white modules around the code, at whole device pixels a module.
  const matrix = cw.qrMatrix(text);
  const box = darkBox(image);
  const symbol = matrix.size - 8; // the core's matrix holds the quiet zone
  const moduleSize = (box.right - box.left) / symbol;
  assert.equal(moduleSize, Math.floor(moduleSize));
  assert.equal((box.bottom - box.top) / symbol, moduleSize);
  const quiet = 4 * moduleSize;
  assert.ok(box.left >= quiet && box.top >= quiet, 'room for the quiet zone left and above');
  assert.ok(box.right + quiet <= image.width && box.bottom + quiet <= image.height, 'and right and below');
  for (let y = box.top - quiet; y < box.bottom + quiet; y++) {
    for (let x = box.left - quiet; x < box.right + quiet; x++) {
      const inCode = x >= box.left && x < box.right && y >= box.top && y < box.bottom;
      if (!inCode) assert.equal(image.luma[y * image.width + x], 255, `quiet zone at ${x},${y}`);
    }
  }

  // Status in words, colour and icon; the masked name; valid until.
  const credential = cw.decodeCredential(text);
  const html = comp.dom.innerHTML;
  assert.equal(comp.data.status.colour, 'green');
  assert.match(html, /class="[^"]*green[^"]*"/);
  assert.ok(comp.dom.textContent.includes(tr('en')('status_green')));
  assert.ok(comp.dom.textContent.includes('✓'));
  assert.equal(comp.data.name, credential.displayName);
  assert.ok(comp.dom.textContent.includes('张*丰'));
  assert.ok(!comp.dom.textContent.includes('张三丰'));
  assert.ok(comp.dom.textContent.includes(codeView.dateTime(credential.expiresAt)));

  // Offline by construction, and the screen is raised while the code shows.
  assert.equal(env.network.calls.length, 0);
  await waitFor(() => env.screen.keepScreenOn && env.screen.brightness === 1, 'the screen raised');
  comp.detach();
  await waitFor(() => !env.screen.keepScreenOn && env.screen.brightness === 0.3, 'the screen restored');
  assert.deepEqual(env.wasmCalls, ['/core/codewallet_bg.wasm.br']);
});

// The smallest rectangle holding every dark pixel: {left, top, right, bottom}.
function darkBox({ width, height, luma }) {
  const box = { left: width, top: height, right: 0, bottom: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (luma[y * width + x] < 128) {
        box.left = Math.min(box.left, x);
        box.top = Math.min(box.top, y);
        box.right = Math.max(box.right, x + 1);
        box.bottom = Math.max(box.bottom, y + 1);
      }
    }
  }
  return box;
}

test('leaving while the screen is being raised still restores it', async () => {
  store(['me', issuer.credentials.valid]);
  const comp = await shown();
  comp.detach(); // the raise started with the drawing is still under way
  await waitFor(() => env.screen.settled(), 'the screen calls finished');
  assert.deepEqual([env.screen.brightness, env.screen.keepScreenOn], [0.3, false]);
});

test('Chinese, and each status in its own words and colour', async () => {
  store(['me', issuer.credentials.valid], ['kid', issuer.credentials.yellow], ['dad', issuer.credentials.red],
    ['gran', issuer.credentials.expired, issuer.now - 3 * DAY + 60]);
  const cases = [
    [0, 'green', 'status_green'],
    [1, 'yellow', 'status_yellow'],
    [2, 'red', 'status_red'],
    [3, 'grey', 'status_expired'],
  ];
  for (const [language, lang] of [['zh_CN', 'zh-CN'], ['en', 'en']]) {
    env.app.language = language;
    for (const [index, colour, key] of cases) {
      env.canvases.made.length = 0;
      const comp = await shown({ index });
      assert.equal(comp.data.status.colour, colour);
      const words = comp.dom.textContent;
      assert.ok(words.includes(tr(lang)(key)), `${language} ${index}: ${words}`);
      assert.ok(words.includes(own(lang)('validUntilLabel')));
      assert.ok(words.includes(tr(lang)('maskedName')));
      assert.deepEqual(readBack().ours, [[issuer.credentials.valid, issuer.credentials.yellow, issuer.credentials.red, issuer.credentials.expired][index]]);
      comp.detach();
    }
  }
  assert.equal(env.network.calls.length, 0);
});

test('no stored code, or storage that fails: said in words, nothing drawn', async () => {
  let comp = await shown();
  assert.equal(comp.data.state, 'empty');
  assert.ok(comp.dom.textContent.includes(own('en')('empty')));
  comp.detach();
  env.storage.broken = true;
  try {
    comp = await shown();
  } finally {
    env.storage.broken = false;
  }
  assert.equal(comp.data.state, 'failed');
  assert.ok(comp.dom.textContent.includes('storage_unavailable'));
  assert.equal(env.canvases.made.length, 0);
  assert.equal(env.network.calls.length, 0);
  comp.detach();
});

test('a damaged store is kept aside and said so in words', async () => {
  store(['me', issuer.credentials.valid]);
  const good = env.storage.items.get('codewallet.wallet');
  env.storage.items.set('codewallet.wallet', `${good.slice(0, good.length / 2)}`);
  let comp = await shown();
  assert.equal(comp.data.state, 'empty');
  const notice = (lang) => messagePattern((m) => tr(lang)('loadProblem', { reason: m, skipped: m, key: m }));
  assert.match(comp.data.notice, notice('en'));
  assert.ok(comp.dom.textContent.includes(comp.data.notice));
  assert.ok(comp.dom.textContent.includes('codewallet.wallet.unreadable'), 'the backup key is named');
  assert.equal(env.storage.items.get('codewallet.wallet.unreadable'), good.slice(0, good.length / 2));
  comp.detach();

  // In Chinese too; nothing of the backup is overwritten by a second load.
  env.app.language = 'zh_CN';
  comp = await shown();
  assert.match(comp.data.notice, notice('zh-CN'));
  assert.ok(comp.dom.textContent.includes(comp.data.notice));
  assert.equal(env.storage.items.get('codewallet.wallet.unreadable'), good.slice(0, good.length / 2));
  comp.detach();
});

test('a page with no canvas says so in words', async (t) => {
  store(['me', issuer.credentials.valid]);
  delete env.canvases.sizes['#qr'];
  t.after(() => {
    env.canvases.sizes['#qr'] = [240, 240];
  });
  const comp = await shown();
  assert.equal(comp.data.state, 'failed');
  assert.ok(comp.dom.textContent.includes(own('en')('failed', { code: 'no_canvas' })));
  comp.detach();
});

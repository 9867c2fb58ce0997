// The wallet page rendered by miniprogram-simulate: the QR drawn on the
// (recording) canvas is rasterised and read back by our reader and by jsQR to
// the stored credential's text; status, masked name, valid-until and the
// countdown in both languages; the family list; adding a code by scan, paste
// and link, and every refusal in words; no network call on the way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, beforeEach, mock, test } from 'node:test';
import jsQR from 'jsqr';
import * as reader from '../../www/pkg/reader/codewallet.js';
import { translator as walletTranslator } from '../../www/wallet/i18n.js';
import { dateTime } from '../../www/shared/languages.js';
import { messagePattern } from '../web/text.mjs';
import { ROOT, buildPackage, configFor, issue, issueGreen, makeIssuer, useConfig } from './util.mjs';

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
// The words expected, from the message tables: the web wallet's and the
// mini-program's own.
const tr = (language) => walletTranslator(language);
let own;
let config;

before(async () => {
  buildPackage();
  issuer = makeIssuer();
  // The reader runs in Node's own way, before the runtime's globals go.
  reader.initSync({ module: readFileSync(`${ROOT}www/pkg/reader/codewallet_bg.wasm`) });
  const pageEnv = require('./page-env.cjs');
  ({ simulate, env, shims } = pageEnv.setUp());
  ({ renderPage, waitFor } = pageEnv);
  cw = await require('../../miniprogram/lib/core.js').core();
  own = require('../../miniprogram/lib/messages.js').translator;
  trust = new cw.TrustList(readFileSync(issuer.trustListPath), issuer.rootHex);
  config = configFor(issuer);
  useConfig(config);
});

after(() => issuer && issuer.cleanup());

beforeEach(() => {
  env.storage.items.clear();
  env.network.calls.length = 0;
  env.network.respond = null;
  env.canvases.made.length = 0;
  env.scans.queue.length = 0;
  env.app.language = 'en';
  useConfig(config);
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
  assert.equal(comp.data.look.colour, 'green');
  assert.match(html, /class="[^"]*green[^"]*"/);
  assert.ok(comp.dom.textContent.includes(tr('en')('status_green')));
  assert.ok(comp.dom.textContent.includes('✓'));
  assert.equal(comp.data.name, credential.displayName);
  assert.ok(comp.dom.textContent.includes('张*丰'));
  assert.ok(!comp.dom.textContent.includes('张三丰'));
  assert.ok(comp.dom.textContent.includes(dateTime('en', credential.expiresAt)));
  assert.match(comp.data.countdown, messagePattern((m) => tr('en')('left', { time: m })));
  assert.equal(comp.data.check, tr('en')('checkedAgainst', { seq: trust.sequence, date: dateTime('en', trust.issuedAt) }));

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
      assert.equal(comp.data.look.colour, colour);
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
  assert.ok(comp.dom.textContent.includes(tr('en')('noPeople')));
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

// Taps `selector` and waits until the page has answered (a message, or the code on screen changed).
async function tapped(comp, selector) {
  const before = [comp.data.message, comp.data.people.length, comp.data.selected];
  comp.querySelector(selector).dispatchEvent('tap');
  await waitFor(() => comp.data.message !== before[0] || comp.data.people.length !== before[1] || comp.data.selected !== before[2], `${selector} answered`);
}

async function pasted(comp, text) {
  comp.setData({ pasted: text });
  await tapped(comp, '.add-pasted');
}

// What the store holds, read back by the core as a new page would.
const stored = () => new cw.Wallet(require('../../miniprogram/lib/platform.js').storage).entries();

test('a family of three added by link, scanner and paste; each person\'s code on a tap', async () => {
  const family = [issuer.credentials.valid, issuer.credentials.yellow, issuer.credentials.red];
  const names = family.map((text) => cw.decodeCredential(text).displayName);
  // A link opens the page with the code in its query, percent-encoded.
  const comp = await shown({ code: encodeURIComponent(family[0]) });
  assert.equal(comp.data.state, 'shown');
  assert.deepEqual(comp.data.message, { text: tr('en')('imported', { label: tr('en')('me') }), kind: 'ok' });

  // The platform's scanner, camera only, QR only.
  env.scans.queue.push({ result: family[1] });
  await tapped(comp, '.scan');
  assert.deepEqual(env.scans.calls.at(-1), { onlyFromCamera: true, scanType: ['qrCode'] });
  assert.deepEqual(comp.data.message, { text: tr('en')('imported', { label: names[1] }), kind: 'ok' });

  // Pasted text, with the spaces a copy picks up.
  await pasted(comp, `  ${family[2]}\n`);
  assert.equal(comp.data.pasted, '', 'the field is emptied once the code is in');
  const labels = ['Me', names[1], names[2]];
  assert.deepEqual(comp.data.people.map((p) => p.label), labels);
  assert.equal(comp.data.selected, 2, 'the code just added is on screen');

  // A tap on each person draws that person's code, in its own colour.
  for (const [index, colour] of [[0, 'green'], [1, 'yellow'], [2, 'red']]) {
    env.canvases.made.length = 0;
    comp.querySelectorAll('.person')[index].dispatchEvent('tap');
    await waitFor(() => comp.data.selected === index && comp.data.look.colour === colour, `person ${index} shown`);
    await waitFor(() => comp.data.drawn, 'drawn');
    const canvas = comp.instance.canvas;
    const image = shims.rasterize(canvas.node || canvas);
    const rgba = shims.lumaToRgba(image);
    assert.deepEqual(reader.scanRgba(image.width, image.height, new Uint8Array(rgba.buffer)), [family[index]]);
  }
  assert.deepEqual(stored().map((e) => e.label), labels);
  assert.equal(env.network.calls.length, 0);
  comp.detach();
});

test('what cannot be added is refused in words, in both languages, and the store is untouched', async () => {
  store(['me', issuer.credentials.valid]);
  const trustListText = readFileSync(`${issuer.trustListPath}.txt`, 'utf8').trim();
  for (const [language, lang] of [['en', 'en'], ['zh_CN', 'zh-CN']]) {
    env.app.language = language;
    const comp = await shown();
    const before = env.storage.items.get('codewallet.wallet');
    const cases = [
      ['', 'err_empty'],
      ['   ', 'err_empty'],
      ['hello', 'err_not_credential'],
      [trustListText, 'err_not_credential'],
      [`CW1:${'A'.repeat(2 * 1024 * 1024)}`, 'err_malformed'],
      ['CW1:%%%', 'err_malformed'],
      [issuer.credentials.forged, 'err_unknown_issuer'],
      [issuer.credentials.tampered, 'err_invalid_signature'],
      [issuer.credentials.expired, 'err_expired'],
      [issuer.credentials.revoked, 'err_revoked'],
      [issuer.credentials.valid, 'err_duplicate'],
    ];
    for (const [input, key] of cases) {
      comp.setData({ message: null });
      await pasted(comp, input);
      assert.deepEqual(comp.data.message, { text: tr(lang)(key, { max: 12 }), kind: 'error' }, `${lang} ${input.slice(0, 20)}`);
      assert.equal(comp.data.state, 'shown', 'the code on screen stays');
    }
    // A scan that fails is said; a cancelled one adds nothing and says nothing.
    comp.setData({ message: null });
    env.scans.queue.push({ fail: 'scanCode:fail camera broken' });
    await tapped(comp, '.scan');
    assert.equal(comp.data.message.kind, 'error');
    assert.match(comp.data.message.text, messagePattern((m) => tr(lang)('err_unknown', { message: m })));
    comp.setData({ message: null });
    const calls = env.scans.calls.length;
    comp.querySelector('.scan').dispatchEvent('tap');
    await waitFor(() => env.scans.calls.length > calls, 'the scanner opened');
    // The scanner answers on a timer set before this one, and the page acts on
    // the answer at once: by the time this timer fires, it has.
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(comp.data.message, null);
    assert.equal(env.storage.items.get('codewallet.wallet'), before, 'nothing written');
    comp.detach();
  }
  assert.equal(env.network.calls.length, 0);
});

test('a full wallet says so; a link with no code says so; a package without a trust list adds nothing', async () => {
  const people = issueGreen(issuer, 13);
  store(...people.slice(0, 12).map((text, i) => [`p${i}`, text]));
  let comp = await shown({ index: 11 });
  assert.equal(comp.data.people.length, 12);
  assert.equal(comp.data.selected, 11);
  await pasted(comp, people[12]);
  assert.deepEqual(comp.data.message, { text: tr('en')('err_wallet_full', { max: 12 }), kind: 'error' });
  assert.equal(stored().length, 12);
  comp.detach();

  // A link whose query holds no code: said, and the stored codes are shown as before.
  comp = await shown({ code: 'not%20a%20code' });
  assert.deepEqual(comp.data.message, { text: tr('en')('err_not_credential'), kind: 'error' });
  assert.equal(comp.data.state, 'shown');
  comp.detach();

  // No trust list in the package: nothing can be checked, so nothing is added.
  env.storage.items.clear();
  useConfig({ rootPublicKey: null, trustListBase64: null, refreshUrl: null });
  comp = await shown({ code: encodeURIComponent(people[0]) });
  assert.deepEqual(comp.data.message, { text: tr('en')('err_trust'), kind: 'error' });
  assert.equal(comp.data.state, 'empty');
  assert.equal(stored().length, 0);
  comp.detach();
  assert.equal(env.network.calls.length, 0);
});

test('the countdown runs each second and a code that runs out on screen turns EXPIRED, stamped; hidden, the clock stops', async (t) => {
  const text = issuer.credentials.valid;
  store(['me', text]);
  const { expiresAt } = cw.decodeCredential(text);
  const comp = await shown();
  assert.equal(comp.data.look.kind, 'green');
  // From here the page's clock is driven: three seconds before the code runs out.
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: (expiresAt - 3) * 1000 });
  t.after(() => mock.timers.reset());
  comp.instance.startTicking();
  mock.timers.tick(1005); // the page wakes just past each whole second
  assert.equal(comp.data.countdown, tr('en')('left', { time: tr('en')('hms', { h: '00', m: '00', s: '01' }) }));
  assert.equal(comp.data.look.kind, 'green');
  mock.timers.tick(2000);
  await waitFor(() => comp.data.look.kind === 'expired', 'the code runs out');
  assert.equal(comp.data.look.colour, 'grey');
  assert.equal(comp.data.look.word, tr('en')('status_expired'));
  assert.equal(comp.data.stamp, tr('en')('expiredStamp'));
  assert.ok(comp.dom.textContent.includes(tr('en')('expiredStamp')));
  mock.timers.tick(5000);
  assert.equal(comp.data.countdown, tr('en')('expiredAgo', { time: tr('en')('hms', { h: '00', m: '00', s: '05' }) }));

  // Hidden: no timer runs and the screen is given back; shown again: both return.
  comp.instance.onHide();
  assert.equal(comp.instance.timer, null);
  const shownBefore = comp.data.countdown;
  mock.timers.tick(3000);
  assert.equal(comp.data.countdown, shownBefore);
  comp.instance.onShow();
  mock.timers.tick(1000);
  assert.notEqual(comp.data.countdown, shownBefore);
  comp.detach();
  assert.equal(comp.instance.timer, null);
});

test('once the code is drawn, a newer code is fetched in the background by the backoff rules and replaces it; a failing server is left alone', async () => {
  const first = issuer.credentials.valid;
  const newer = issue(issuer, { name: '张三丰', idNumber: '11010519491231002X', now: issuer.now + 60 });
  const someoneElse = issuer.credentials.yellow;
  useConfig({ ...config, refreshUrl: 'https://refresh.example/codes/{id}.txt' });
  store(['me', first]);
  const { id } = cw.decodeCredential(first);
  const offered = new Map([[id, newer]]);
  let drawnAtFirstRequest = null;
  env.network.respond = (options) => {
    // Drawn: the QR's modules are on the canvas (rectangles after the white background).
    if (drawnAtFirstRequest === null) drawnAtFirstRequest = env.canvases.made.length === 1 && env.canvases.made[0].ctx.ops.filter((o) => o.name === 'fillRect').length > 1;
    const body = offered.get(decodeURIComponent(options.url.match(/codes\/(.+)\.txt$/)[1]));
    return body ? { statusCode: 200, data: body, header: {} } : { statusCode: 404, data: '', header: {} };
  };
  let comp = await shown();
  await waitFor(() => comp.data.message && comp.data.message.text === tr('en')('refreshed', { label: 'me' }), 'the code refreshed', 5000).catch((e) => { throw new Error(`${e.message} ${JSON.stringify(comp.data.message)} ${JSON.stringify(env.network.calls)} ${env.storage.items.get('codewallet.refresh')} ${stored()[0].text === newer}`); });
  assert.equal(drawnAtFirstRequest, true, 'the network only after the code is on screen');
  assert.deepEqual(env.network.calls.map((c) => c.url), [`https://refresh.example/codes/${encodeURIComponent(id)}.txt`]);
  assert.equal(stored()[0].text, newer);
  await waitFor(() => comp.data.drawn, 'drawn again');
  const canvas = comp.instance.canvas;
  const image = shims.rasterize(canvas.node || canvas);
  const rgba = shims.lumaToRgba(image);
  assert.deepEqual(reader.scanRgba(image.width, image.height, new Uint8Array(rgba.buffer)), [newer]);
  comp.detach();

  // Reopened: the new code was just fetched, so it is not due; no request.
  const calls = env.network.calls.length;
  comp = await shown();
  // The refresh would start on a timer set when the code was drawn, before this one.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(env.network.calls.length, calls);
  comp.detach();

  // A server that fails with Retry-After: nothing changes, and it is not asked again for an hour.
  env.storage.items.clear();
  store(['me', first]);
  env.network.respond = () => ({ statusCode: 503, data: 'busy', header: { 'Retry-After': '3600' } });
  const before = Date.now();
  comp = await shown();
  await waitFor(() => {
    const timing = JSON.parse(env.storage.items.get('codewallet.refresh') || '{}')[`credential:${id}`];
    return timing && timing.failures === 1;
  }, 'the failure recorded');
  const timing = JSON.parse(env.storage.items.get('codewallet.refresh'))[`credential:${id}`];
  assert.ok(timing.notBefore >= before + 3600e3, 'Retry-After honoured');
  assert.equal(stored()[0].text, first);
  assert.equal(comp.data.message, null, 'nothing said: the code on screen is as it was');

  // A server offering someone else's code: the core refuses it, the code stays.
  env.storage.items.clear();
  store(['me', first]);
  env.network.respond = () => ({ statusCode: 200, data: someoneElse, header: {} });
  comp.detach();
  comp = await shown();
  await waitFor(() => JSON.parse(env.storage.items.get('codewallet.refresh') || '{}')[`credential:${id}`]?.failures === 0, 'fetched');
  assert.equal(stored()[0].text, first);
  comp.detach();
});

test('a refresh address that is not https is never requested', async () => {
  useConfig({ ...config, refreshUrl: 'http://refresh.example/{id}' });
  store(['me', issuer.credentials.valid]);
  env.network.respond = () => ({ statusCode: 200, data: '', header: {} });
  const comp = await shown();
  await comp.instance.refresh();
  assert.equal(env.network.calls.length, 0);
  comp.detach();
});

test('a page left while it loads draws nothing, raises nothing, counts nothing and fetches nothing', async (t) => {
  useConfig({ ...config, refreshUrl: 'https://refresh.example/{id}' });
  store(['me', issuer.credentials.valid]);
  env.network.respond = () => ({ statusCode: 404, data: '', header: {} });
  env.canvases.hold = true;
  t.after(() => {
    env.canvases.hold = false;
    env.canvases.answerHeld();
  });
  const comp = renderPage(simulate, 'pages/wallet/index', {});
  await waitFor(() => env.canvases.held.length === 1, 'the page waits for its canvas');
  comp.detach();
  env.canvases.answerHeld();
  // Anything the page would start now runs on a timer set before this one.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await waitFor(() => env.screen.settled(), 'the screen calls finished');
  assert.equal(comp.data.drawn, false);
  assert.equal(comp.instance.timer, null);
  assert.equal(env.screen.keepScreenOn, false);
  assert.equal(env.network.calls.length, 0);
});

test('a refresh that finds the store changed by another writer shows the store as it is now', async () => {
  const first = issuer.credentials.valid;
  const newer = issue(issuer, { name: '张三丰', idNumber: '11010519491231002X', now: issuer.now + 60 });
  useConfig({ ...config, refreshUrl: 'https://refresh.example/{id}' });
  store(['me', first]);
  env.network.respond = () => {
    // While the request is out, someone else adds a person.
    store(['kid', issuer.credentials.yellow]);
    return { statusCode: 200, data: newer, header: {} };
  };
  const comp = await shown();
  await waitFor(() => comp.data.people.length === 2, 'the other writer\'s person shown');
  assert.deepEqual(comp.data.people.map((p) => p.label), ['me', 'kid']);
  assert.deepEqual(stored().map((e) => e.text), [first, issuer.credentials.yellow], 'nothing overwritten');
  comp.detach();
});

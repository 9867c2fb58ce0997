// miniprogram-simulate in Node: a jsdom document for it to render into, then
// the platform shims over its `wx`. Call setUp() once per test file, before
// anything of the package is loaded.
const path = require('node:path');

function setUp(shimOptions) {
  const { JSDOM } = require('jsdom');
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { pretendToBeVisual: true });
  const names = ['document', 'navigator', 'Element', 'HTMLElement', 'Node', 'Event', 'CustomEvent', 'MutationObserver', 'getComputedStyle'];
  globalThis.window = dom.window;
  for (const name of names) {
    Object.defineProperty(globalThis, name, { value: dom.window[name], configurable: true, writable: true });
  }
  const simulate = require('miniprogram-simulate');
  const shims = require('./shims.cjs');
  const env = shims.install(shimOptions);
  return { simulate, env, shims };
}

// Renders a page of the package (e.g. 'pages/wallet/index') attached to a
// parent, as the platform shows it.
function renderPage(simulate, page, properties) {
  const id = simulate.load(path.resolve(__dirname, '../../miniprogram', page), {
    rootPath: path.resolve(__dirname, '../../miniprogram'),
  });
  const comp = simulate.render(id, properties);
  comp.attach(document.createElement('parent-wrapper'));
  return comp;
}

// Waits until `predicate()` holds, turning the event loop (no fixed wait; the
// deadline only ends a test that would hang).
async function waitFor(predicate, what = 'the condition', deadlineMs = 30000) {
  const end = Date.now() + deadlineMs;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`never reached: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

module.exports = { setUp, renderPage, waitFor };

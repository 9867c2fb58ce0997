// The config module the build writes: the deployment's root key and trust list
// travel inside the package, and the trust list opens from it with that key.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { configModule } from '../../scripts/miniprogram-config.mjs';
import { buildPackage, makeIssuer } from './util.mjs';

const require = createRequire(import.meta.url);
let issuer;

before(() => {
  buildPackage();
  issuer = makeIssuer();
});
after(() => issuer && issuer.cleanup());

// Runs the module's text as the platform would load it.
function load(text) {
  const module = { exports: {} };
  vm.runInNewContext(text, { module, exports: module.exports });
  return module.exports;
}

test('the root key, the trust list (as base64) and the refresh URL reach the package', async () => {
  const path = join(issuer.dir, 'config.json');
  writeFileSync(path, JSON.stringify({
    rootPublicKey: issuer.rootHex, trustList: 'trust-list.cwl',
    storeOrigin: 'http://127.0.0.1:9', refreshUrl: 'https://refresh.example/refresh/{id}.txt',
  }));
  const config = load(configModule(path));
  assert.deepEqual(Object.keys(config).sort(), ['refreshUrl', 'rootPublicKey', 'trustListBase64']);
  assert.equal(config.refreshUrl, 'https://refresh.example/refresh/{id}.txt');

  const shims = require('./shims.cjs');
  shims.install();
  const cw = await require('../../miniprogram/lib/core.js').core();
  const trust = new cw.TrustList(Buffer.from(config.trustListBase64, 'base64'), config.rootPublicKey);
  assert.equal(trust.verify(issuer.credentials.valid, issuer.now).valid, true);
});

test('no config: a package with nothing provisioned', () => {
  assert.deepEqual({ ...load(configModule(join(issuer.dir, 'absent.json'))) }, {
    rootPublicKey: null, trustListBase64: null, refreshUrl: null,
  });
});

test('a config that is there but wrong stops the build', () => {
  const path = join(issuer.dir, 'bad.json');
  for (const [content, message] of [
    ['{"rootPublicKey": ', /not JSON/],
    ['[]', /rootPublicKey/],
    [JSON.stringify({ rootPublicKey: 'abc' }), /64 hex digits/],
    [JSON.stringify({ rootPublicKey: issuer.rootHex, trustList: 'missing.cwl' }), /no trust list file/],
  ]) {
    writeFileSync(path, content);
    assert.throws(() => configModule(path), message);
  }
});

// Shared by the mini-program tests: the package built, and credentials made
// with the real CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

// scripts/miniprogram: the core's glue, brotli module and config (the wasm
// module itself is rebuilt only when the Rust sources changed).
export function buildPackage() {
  execFileSync('bash', [`${ROOT}scripts/miniprogram`], { stdio: ['ignore', 'ignore', 'pipe'] });
}

// tests/web/harness.mjs makeIssuer(), run in a child process: the harness
// loads playwright-core, whose HTTP client still compiles wasm in the
// background after import, and these tests remove WebAssembly from the
// global scope. Returns {dir, rootHex, credentials, now, trustListPath, cleanup}.
export function makeIssuer(options = {}) {
  const script = `import('${ROOT}tests/web/harness.mjs').then(({ makeIssuer }) => {
    const { dir, rootHex, credentials, now, trustListPath } = makeIssuer(${JSON.stringify(options)});
    process.stdout.write(JSON.stringify({ dir, rootHex, credentials, now, trustListPath }));
  });`;
  const issuer = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  issuer.cleanup = () => rmSync(issuer.dir, { recursive: true, force: true });
  return issuer;
}

// A credential signed with `issuer`'s key by the real CLI, as makeIssuer makes
// its own: `codewallet issue` with these fields and any extra arguments.
export function issue(issuer, { name, idNumber, status = 'green', now = issuer.now }, ...extra) {
  const target = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : `${ROOT}target`;
  const cli = ['debug', 'release'].map((p) => `${target}/${p}/codewallet`).find((f) => existsSync(f));
  return execFileSync(cli, ['issue', '--key', `${issuer.dir}/issuer.key`, '--issuer', 'Demo CDC', '--name', name,
    '--id-number', idNumber, '--status', status, '--now', String(now), ...extra], { encoding: 'utf8' }).trim();
}

// `count` green credentials of different people.
export function issueGreen(issuer, count) {
  return Array.from({ length: count }, (_, i) => issue(issuer, { name: `Person ${i}`, idNumber: `ID${1000 + i}` }));
}

const require = createRequire(import.meta.url);
const CONFIG = require.resolve('../../miniprogram/core/config.js');

// The package's config as scripts/miniprogram writes it, for `issuer`: its
// root key and trust list, no refresh address.
export function configFor(issuer) {
  return { rootPublicKey: issuer.rootHex, trustListBase64: readFileSync(issuer.trustListPath).toString('base64'), refreshUrl: null };
}

// Makes `config` what the package reads as core/config.js from now on (its
// modules require that file each time they need it).
export function useConfig(config) {
  require(CONFIG);
  require.cache[CONFIG].exports = config;
}

// The checkpoint page's test set-up: the package built, a test issuer, the
// platform's runtime (which has no Web Crypto) with its shims, the page's own
// message table, and the issuer's package config in place.
export function setUpCheckpoint() {
  buildPackage();
  const issuer = makeIssuer();
  delete globalThis.crypto;
  const pageEnv = require('./page-env.cjs');
  const { simulate, env } = pageEnv.setUp();
  const own = require('../../miniprogram/lib/messages.js').checkpointTranslator;
  const config = configFor(issuer);
  useConfig(config);
  return { issuer, simulate, env, renderPage: pageEnv.renderPage, waitFor: pageEnv.waitFor, own, config };
}

export { ROOT };

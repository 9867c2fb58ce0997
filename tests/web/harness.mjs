// Shared set-up of the browser tests: a fresh issuer made with the real CLI, the
// pages served by the real `codewallet serve` from a copy of www/, and Debian's
// Chromium driven by playwright-core. Nothing is mocked.
//
// Needs what scripts/test builds first: the CLI (target/debug/codewallet) and
// the wasm modules in www/pkg.

import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = process.env.CARGO_TARGET_DIR ? resolve(ROOT, process.env.CARGO_TARGET_DIR) : join(ROOT, 'target');
export const CLI = existsSync(join(TARGET, 'debug/codewallet')) ? join(TARGET, 'debug/codewallet') : join(TARGET, 'release/codewallet');

const HOUR = 3600;
const DAY = 86400;

/** Runs the CLI; returns stdout. Throws with stderr on a non-zero exit. */
export function cw(...args) {
  return execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const iso = (secs) => new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A demo issuer in a temporary folder: root, issuer and rogue keys, a trust list
 * (sequence `sequence`), and one credential text per kind:
 * valid, yellow, red, expired, notYetValid, revoked, forged (unknown key), tampered.
 * `now` (Unix seconds) defaults to the real clock.
 */
export function makeIssuer({ now = Math.floor(Date.now() / 1000), sequence = 1, validForHours = 168 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cw-issuer-'));
  const rootHex = cw('keygen', '--out', join(dir, 'root.key')).match(/^public ([0-9a-f]{64})$/m)[1];
  cw('keygen', '--out', join(dir, 'issuer.key'));
  cw('keygen', '--out', join(dir, 'rogue.key'));
  writeFileSync(join(dir, 'trust.json'), JSON.stringify({
    sequence,
    valid_for_hours: validForHours,
    issuers: [{
      name: 'Demo CDC', public_key: 'issuer.pub',
      not_before: iso(now - 30 * DAY), expires_at: iso(now + 365 * DAY),
      statuses: ['green', 'yellow', 'red'],
    }],
  }));
  const issue = (key, status, name, idNumber, ...extra) => cw(
    'issue', '--key', join(dir, `${key}.key`), '--issuer', 'Demo CDC', '--name', name,
    '--id-number', idNumber, '--status', status, ...(extra.includes('--now') ? [] : ['--now', String(now)]),
    ...extra).trim();
  const credentials = {
    valid: issue('issuer', 'green', '张三丰', '11010519491231002X'),
    yellow: issue('issuer', 'yellow', 'Maria Garcia', 'X1234567'),
    red: issue('issuer', 'red', 'Jean Dupont', '12AB34567'),
    expired: issue('issuer', 'green', '李小龙', '44030019401127001X', '--now', String(now - 3 * DAY), '--valid-hours', '48'),
    notYetValid: issue('issuer', 'green', 'Ada Lovelace', 'GB1815121', '--not-before', String(now + DAY)),
    revoked: issue('issuer', 'green', '王小明', '11010119900307123X'),
    forged: issue('rogue', 'green', 'Mallory Smith', 'FAKE0001'),
  };
  credentials.tampered = credentials.valid.slice(0, -3) + '000';
  cw('revoke', '--list', join(dir, 'revoked.jsonl'), '--credential', credentials.revoked);
  const trustList = (seq, out) => {
    const config = JSON.parse(readFileSync(join(dir, 'trust.json'), 'utf8'));
    config.sequence = seq;
    writeFileSync(join(dir, 'trust.json'), JSON.stringify(config));
    cw('trust-list', '--config', join(dir, 'trust.json'), '--root-key', join(dir, 'root.key'),
      '--revoked', join(dir, 'revoked.jsonl'), '--out', join(dir, out), '--text-out', join(dir, `${out}.txt`),
      '--now', String(now));
    return join(dir, out);
  };
  const trustListPath = trustList(sequence, 'trust-list.cwl');
  return {
    dir, rootHex, credentials, now, trustListPath,
    /** Signs another trust list with sequence `seq`; returns its path. */
    trustList,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/**
 * Serves a copy of www/ with the issuer's trust list and root key in
 * demo-data/ (as scripts/demo does), on a free port. `stop()` ends the server:
 * after it nothing answers, which is how the offline tests cut the network.
 * `storeOrigin`: the object store the pages may reach; `refreshUrl`: where
 * wallets fetch refreshed credentials (`…/refresh/{id}.txt`). Both are
 * written into config.json and their origins allowed in connect-src (both
 * pages' meta CSP and the server's header), as a deployment does.
 */
export async function servePages(issuer, { storeOrigin, refreshUrl } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cw-www-'));
  cpSync(join(ROOT, 'www'), dir, { recursive: true });
  const data = join(dir, 'demo-data');
  rmSync(data, { recursive: true, force: true });
  cpSync(issuer.trustListPath, join(data, 'trust-list.cwl'));
  cpSync(`${issuer.trustListPath}.txt`, join(data, 'trust-list.txt'));
  const config = { rootPublicKey: issuer.rootHex, trustList: 'trust-list.cwl' };
  if (storeOrigin) config.storeOrigin = storeOrigin;
  if (refreshUrl) config.refreshUrl = refreshUrl;
  const origins = [...new Set([storeOrigin, refreshUrl && new URL(refreshUrl).origin].filter(Boolean))];
  const serveArgs = origins.flatMap((origin) => ['--connect-src', origin]);
  if (origins.length) {
    for (const page of ['verify/index.html', 'wallet/index.html']) {
      const html = readFileSync(join(dir, page), 'utf8');
      if (!html.includes("connect-src 'self';")) throw new Error(`${page}: no connect-src 'self' in its CSP`);
      writeFileSync(join(dir, page), html.replace("connect-src 'self';", `connect-src 'self' ${origins.join(' ')};`));
    }
  }
  writeFileSync(join(data, 'config.json'), JSON.stringify(config));
  const port = await freePort();
  const server = spawn(CLI, ['serve', '--dir', dir, '--addr', `127.0.0.1:${port}`, ...serveArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.once('exit', (code) => fail(new Error(`codewallet serve exited with ${code}`)));
    server.stdout.once('data', () => ok());
  });
  let stopped = false;
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.removeAllListeners('exit');
      const exited = new Promise((ok) => server.once('exit', ok));
      server.kill('SIGTERM');
      await exited;
    },
    async cleanup() { await this.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

/**
 * Debian's headless Chromium. `fakeVideo`: a .y4m file fed to getUserMedia as
 * the camera. Flags as this machine needs them (no sandbox as root, no
 * background networking to hosts the network does not reach).
 */
export function launchBrowser({ fakeVideo, args = [] } = {}) {
  const flags = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ...args,
  ];
  if (fakeVideo) {
    flags.push('--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${fakeVideo}`);
  }
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: flags });
}

/**
 * A single-node Garage object store (scripts/garage) with its data in `dir`:
 * `{file, config, stop()}`, `file` being the store.json the CLI reads.
 */
export function startStore(dir) {
  const script = join(ROOT, 'scripts/garage');
  execFileSync(script, ['start', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const file = join(dir, 'store.json');
  return {
    dir, file, config: JSON.parse(readFileSync(file, 'utf8')),
    stop: () => execFileSync(script, ['stop', dir], { stdio: 'inherit' }),
  };
}

/**
 * Ends what a test file started, in the order given, each whatever the others
 * did: browsers closed, servers and stores stopped, issuers and folders
 * (paths) removed. Unset entries are skipped.
 */
export async function release(...things) {
  for (const thing of things) {
    try {
      if (!thing) continue;
      if (typeof thing === 'string') rmSync(thing, { recursive: true, force: true });
      else if (thing.close) await thing.close();
      else if (thing.cleanup) await thing.cleanup();
      else if (thing.stop) await thing.stop();
    } catch (error) {
      console.error('teardown:', error.message);
    }
  }
}

/**
 * The usual set-up of a page test file: an issuer, the pages served for it
 * and a browser (options passed to makeIssuer, servePages and launchBrowser);
 * end them with `release(browser, site, issuer)`.
 */
export async function openPages({ issuer: issuerOptions, serve, browser: browserOptions } = {}) {
  const issuer = makeIssuer(issuerOptions);
  const site = await servePages(issuer, serve);
  const browser = await launchBrowser(browserOptions);
  return { issuer, site, browser };
}

/** A `localStorage` stand-in over a Map (`values`), for the wasm modules in Node. */
export function memoryStorage() {
  const values = new Map();
  return { values, getItem: (k) => values.get(k) ?? null, setItem: (k, v) => { values.set(k, String(v)); } };
}

/** Records every request a page makes, for the "no network on the scan path" checks. */
export function recordRequests(page) {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  return requests;
}

export { HOUR, DAY };

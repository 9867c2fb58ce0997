// Provisioning the verifier without a network: trust lists from a file, a
// link and pasted text; no rollback; stale and expired lists warned; a
// configuration that changes the pinned root key refused; clock jumps
// detected; Chinese, and a 360-px screen. Expected words come from the
// page's message tables.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser, cw, DAY } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson, loadVerifier } from './verify-util.mjs';
import { messagePattern, escapeRegExp as escape, verifierText as t } from './text.mjs';

const { duration } = await import(join(ROOT, 'www/shared/languages.js'));

async function withVerifier(issuerOptions, fn, contextOptions = {}) {
  const issuer = makeIssuer(issuerOptions);
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext(contextOptions);
    const page = await openVerifier(context, site);
    await fn({ issuer, site, context, page });
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
}

const trustMessage = (page) => page.evaluate(() => {
  const el = document.getElementById('trust-msg');
  return { code: el.dataset.code, text: el.textContent };
});

/** The message a trust-list offer made by `action` shows (read and checked asynchronously). */
async function trustMessageAfter(page, action) {
  await page.evaluate(() => {
    const el = document.getElementById('trust-msg');
    delete el.dataset.code;
    el.textContent = '';
  });
  await action();
  await page.waitForSelector('#trust-msg[data-code]', { state: 'attached' });
  return trustMessage(page);
}

test('trust list: a newer list is taken from a file, link or text; an older one is refused, also after reload', async () => {
  await withVerifier({}, async ({ issuer, site, context, page }) => {
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
    // The CLI signs no lower sequence after a higher one: #1 again is the identical list.
    const seq1 = issuer.trustList(1, 'seq1.cwl');
    const seq2 = issuer.trustList(2, 'seq2.cwl');
    const seq3 = issuer.trustList(3, 'seq3.cwl');
    await goOffline(context, page, site);

    assert.deepEqual(await trustMessageAfter(page, () => page.setInputFiles('#trust-file', seq2)), { code: 'accepted', text: t('en', 'tlAccepted', { sequence: 2 }) });
    // Which list is in use: its number, issuers, signing date and age.
    const signed = await page.evaluate((s) => new Date(s * 1000).toLocaleString('en'), issuer.now);
    const [head, tail] = t('en', 'tlInfo', { sequence: 2, issuers: 'Demo CDC', signed, age: '\u0000' }).split('\u0000');
    const age = escape(duration('en', 7)).replace('7', '\\d+'); // seconds, however many
    assert.match(await page.textContent('#trust-info'), new RegExp(`^${escape(head)}${age}${escape(tail)} · ${escape(t('en', 'tlRevoked', { count: 1 }))}$`));

    assert.deepEqual(await trustMessageAfter(page, () => page.setInputFiles('#trust-file', seq1)), { code: 'rollback', text: t('en', 'tlRollback', { sequence: 1, current: 2 }) });
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');

    // The accepted list survives a reload; the bundled #1 does not replace it.
    await page.reload();
    await page.waitForSelector('body[data-ready=true]');
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '2');

    // Pasted (or scanned) CWL1 text goes through the same check.
    await page.fill('#paste', readFileSync(`${seq1}.txt`, 'utf8').trim());
    assert.equal((await trustMessageAfter(page, () => page.click('#check-btn'))).code, 'rollback');

    // A link /verify/#CWL1:… provisions too.
    await page.goto(`${page.url().split('#')[0]}#${encodeURIComponent(readFileSync(`${seq3}.txt`, 'utf8').trim())}`);
    await page.waitForFunction(() => document.getElementById('trust-info').dataset.sequence === '3');
    assert.deepEqual(await trustMessage(page), { code: 'accepted', text: t('en', 'tlAccepted', { sequence: 3 }) });
    assert.ok(!page.url().includes('CWL1'), 'the fragment is cleared');

    // A list signed by another root is refused.
    const other = makeIssuer();
    try {
      const refused = await trustMessageAfter(page, () => page.setInputFiles('#trust-file', other.trustListPath));
      assert.deepEqual(refused, { code: 'wrong_root', text: t('en', 'tlWrongRoot') });
    } finally {
      other.cleanup();
    }
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '3');
  });
});

test('trust list: stale after 24 h and expired lists are warned on screen and in the verdict', async () => {
  const now = Math.floor(Date.now() / 1000);
  await withVerifier({ now: now - 2 * DAY }, async ({ issuer, page }) => {
    assert.equal(await page.getAttribute('#trust-warn', 'data-state'), 'stale');
    assert.equal(await page.textContent('#trust-warn'), t('en', 'tlStale', { limit: duration('en', 24 * 3600) }));
    const signed = await page.evaluate((s) => new Date(s * 1000).toLocaleString('en'), issuer.now);
    assert.ok((await page.textContent('#trust-info')).startsWith(t('en', 'tlInfo', { sequence: 1, issuers: 'Demo CDC', signed, age: duration('en', 2 * DAY) })));
    const v = await pasteAndRead(page, cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC',
      '--name', 'Wang Fang', '--id-number', 'A1', '--status', 'green').trim());
    assert.equal(v.code, 'valid');
    assert.equal(v.icon, '!');
    assert.deepEqual(v.warnings, [t('en', 'warn_trust_list_stale', { duration: duration('en', 2 * DAY) })]);
    await nextPerson(page);
  });
  await withVerifier({ now: now - 3 * DAY, validForHours: 24 }, async ({ page }) => {
    assert.equal(await page.getAttribute('#trust-warn', 'data-state'), 'expired');
    assert.equal(await page.textContent('#trust-warn'), t('en', 'tlExpired', { duration: duration('en', 2 * DAY) }));
  });
});

test('settings: a saved staleness limit that is not a number counts as 24 h', async () => {
  const now = Math.floor(Date.now() / 1000);
  const issuer = makeIssuer({ now: now - 2 * DAY });
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await openVerifier(context, site, { autoNext: 0, staleHours: 'soon' });
    assert.equal(await page.getAttribute('#trust-warn', 'data-state'), 'stale');
    assert.equal(await page.textContent('#trust-warn'), t('en', 'tlStale', { limit: duration('en', 24 * 3600) }));
    const fresh = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Demo CDC',
      '--name', 'Wang Fang', '--id-number', 'A1', '--status', 'green').trim();
    assert.equal((await pasteAndRead(page, fresh)).code, 'valid');
    await nextPerson(page);
  } finally {
    await browser.close();
    await site.cleanup();
    issuer.cleanup();
  }
});

test('config: a configuration that changes the pinned root key is refused', async () => {
  await withVerifier({}, async ({ site, page }) => {
    const configPath = join(site.dir, 'demo-data/config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    writeFileSync(configPath, JSON.stringify({ ...config, rootPublicKey: 'ab'.repeat(32) }));
    await loadVerifier(page, page.url());
    // The saved list is in use at once; the configuration is checked after.
    await page.waitForSelector('body[data-config]', { state: 'attached' });
    assert.equal(await page.isVisible('#config-msg'), true);
    assert.equal(await page.textContent('#config-msg'), t('en', 'configChanged'));
    assert.equal(await page.getAttribute('#trust-info', 'data-sequence'), '1');
  });
});

test('clock: a clock that jumps back between scans is reported; the core\'s clock warnings are shown', async () => {
  const now = Math.floor(Date.now() / 1000);
  await withVerifier({ now: now - 6 * 3600 }, async ({ issuer, page }) => {
    assert.deepEqual((await pasteAndRead(page, issuer.credentials.valid)).warnings, []);
    await nextPerson(page);
    await page.evaluate(() => { const real = Date.now; Date.now = () => real() - 2 * 3600_000; });
    const v = await pasteAndRead(page, issuer.credentials.valid);
    assert.ok(v.warnings.includes(t('en', 'warn_clock_jump', { duration: duration('en', 2 * 3600) })), v.warnings.join());
    assert.equal(v.icon, '!');
    await nextPerson(page);
    // Before the trust list was signed: the core says the clock is wrong.
    await page.evaluate(() => { Date.now = () => 1_000_000_000_000; });
    const early = await pasteAndRead(page, issuer.credentials.valid);
    assert.ok(early.warnings.includes(t('en', 'warn_clock_before_trust_list')), early.warnings.join());
    await nextPerson(page);
  });
});

test('language and screen: Chinese from the browser, English by the switch, fits 360 px', async () => {
  await withVerifier({}, async ({ issuer, page }) => {
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(await page.textContent('#scan-btn'), t('zh-CN', 'scan'));
    const v = await pasteAndRead(page, issuer.credentials.expired);
    assert.equal(v.headline, t('zh-CN', 'd_refuse'));
    assert.match(v.reason, messagePattern((m) => t('zh-CN', 'r_expired', { duration: m })));
    assert.equal(await page.getAttribute('.verdict-body', 'aria-live'), 'assertive');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `page is ${width} px wide`);
    await nextPerson(page);
    await page.selectOption('#lang', 'en');
    assert.equal(await page.textContent('#scan-btn'), t('en', 'scan'));
    assert.equal((await pasteAndRead(page, issuer.credentials.revoked)).headline, t('en', 'd_refuse'));
  }, { locale: 'zh-CN', viewport: { width: 360, height: 640 } });
});

// The verdict screen says the admission decision, in both languages: green
// may pass, yellow is checked, red and refused codes may not pass. Headline,
// colour, icon, the text the screen reader is given, tone, vibration and the
// log's record all follow the core's decision; expected words come from the
// page's message tables. The issuer shown is the trust list's name of the
// signing key, not the name the credential claims. With VERIFY_SHOTS=dir the
// eight screens are saved as PNG files.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, makeIssuer, servePages, launchBrowser, cw } from './harness.mjs';
import { openVerifier, goOffline, pasteAndRead, nextPerson } from './verify-util.mjs';
import { verifierText as t } from './text.mjs';

let issuer;
before(() => { issuer = makeIssuer(); });
after(() => issuer?.cleanup());

/** Records tones and vibrations (headless Chromium plays and vibrates nothing). */
function recordFeedback() {
  window.__tones = [];
  window.__vibrations = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (...args) {
    window.__tones.push(this.frequency.value);
    return start.apply(this, args);
  };
  navigator.vibrate = (pattern) => { window.__vibrations.push(pattern); return true; };
}

const takeFeedback = (page) => page.evaluate(() => {
  const out = { tones: window.__tones, vibrations: window.__vibrations };
  window.__tones = [];
  window.__vibrations = [];
  return out;
});

/** The newest record of the checkpoint log in IndexedDB. */
const lastRecord = (page) => page.evaluate(() => new Promise((ok, fail) => {
  const req = indexedDB.open('cw-verify-log');
  req.onsuccess = () => {
    const all = req.result.transaction('records').objectStore('records').getAll();
    all.onsuccess = () => ok(all.result.at(-1));
    all.onerror = () => fail(all.error);
  };
  req.onerror = () => fail(req.error);
}));

const FEEDBACK = {
  pass: { tones: [1760], vibrations: [60] },
  check: { tones: [880, 880], vibrations: [[60, 80, 60]] },
  refuse: { tones: [220], vibrations: [[250, 100, 250]] },
};

const CASES = [
  // kind, decision, tone, icon, reason key
  ['valid', 'pass', 'ok', '✓', 'statusGreen'],
  ['yellow', 'check', 'warn', '!', 'statusYellow'],
  ['red', 'refuse', 'bad', '✗', 'statusRed'],
  ['revoked', 'refuse', 'bad', '✗', 'r_revoked'],
];

for (const lang of ['en', 'zh-CN']) {
  test(`${lang}: green, yellow, red and refused codes are headed by the admission decision`, async () => {
    const site = await servePages(issuer);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ locale: lang === 'en' ? 'en-US' : 'zh-CN', viewport: { width: 390, height: 780 } });
      await context.addInitScript(recordFeedback);
      const page = await openVerifier(context, site, { autoNext: 0, sound: true });
      await goOffline(context, page, site);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      for (const [kind, decision, tone, icon, reasonKey] of CASES) {
        const v = await pasteAndRead(page, issuer.credentials[kind]);
        assert.equal(v.decision, decision, kind);
        assert.equal(v.headline, t(lang, `d_${decision}`), kind);
        assert.equal(v.tone, tone, kind);
        assert.equal(v.icon, icon, kind);
        assert.equal(v.reason, t(lang, reasonKey), kind);
        assert.equal(v.issuer, 'Demo CDC', kind);
        // What a screen reader announces: the live region's accessible text, headline first.
        const region = page.locator('#verdict [role=alert]');
        assert.equal(await region.getAttribute('aria-live'), 'assertive');
        const spoken = (await region.ariaSnapshot()).split('\n').slice(1)
          .map((line) => line.replace(/^\s*- \w+:? ?/, '').replace(/^"(.*)"$/, '$1')).filter(Boolean);
        assert.equal(spoken[0], t(lang, `d_${decision}`), spoken.join(' | '));
        assert.equal(spoken[1], t(lang, reasonKey));
        assert.deepEqual(await takeFeedback(page), FEEDBACK[decision], kind);
        assert.equal((await lastRecord(page)).decision, decision, kind);
        if (process.env.VERIFY_SHOTS) await page.screenshot({ path: join(process.env.VERIFY_SHOTS, `verdict-${lang}-${kind}.png`) });
        await nextPerson(page);
      }
    } finally {
      await browser.close();
      await site.cleanup();
    }
  });
}

test('the issuer shown is the trust list\'s name of the key that signed, not the credential\'s claim', async () => {
  const claimed = cw('issue', '--key', join(issuer.dir, 'issuer.key'), '--issuer', 'Ministry of Health (claimed)',
    '--name', 'Zhou Min', '--id-number', 'Z1', '--status', 'green').trim();
  const site = await servePages(issuer);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await openVerifier(context, site);
    const v = await pasteAndRead(page, claimed);
    assert.equal(v.decision, 'pass');
    assert.equal(v.issuer, 'Demo CDC');
    await nextPerson(page);
    // Unverified: no issuer at all.
    const forged = await pasteAndRead(page, issuer.credentials.forged);
    assert.equal(forged.issuer, '—');
    await nextPerson(page);
  } finally {
    await browser.close();
    await site.cleanup();
  }
});

// The checkpoint: the platform's scanner (camera only, QR) → the credential
// verified offline in the core against the package's trust list → the record
// written to the log → the verifier's own verdict screen (admission decision
// as headline, colour, icon, reason, masked name, issuer, valid until) and a
// buzz. The record is stored before anything is shown; a log that cannot be
// written stops scanning. Nothing here uses the network.
const { core } = require('../../lib/core.js');
const platform = require('../../lib/platform.js');
const { storageBackend } = require('../../lib/log-store.js');
const { trustFromConfig } = require('../../lib/trust.js');
const { languageOf, checkpointTranslator } = require('../../lib/messages.js');
const { classify, present, clockJump } = require('../../web/verify/verdict.js');
const { dateTime } = require('../../web/shared/languages.js');
const { CheckpointLog } = require('../../web/verify/log.js');

// A verdict made here rather than by the core (nothing to verify).
const refusal = (code) => ({ valid: false, decision: 'refuse', code, reason: null, warnings: [], credential: null });

Component({
  data: {
    // loading → ready ⇄ scanning → verdict → (next) scanning …; stopped when
    // the log cannot be written; failed when the core did not load.
    state: 'loading',
    text: {},
    // A line under the Scan button (cancelled, scanner failure).
    note: '',
    // A lasting problem (no trust list).
    notice: '',
    verdict: {},
    stopped: '',
  },

  lifetimes: {
    attached() {
      this.lang = languageOf(platform.language());
      this.tr = checkpointTranslator(this.lang);
      const v = this.tr.verifier;
      this.setData({
        text: {
          loading: this.tr('loading'),
          ready: this.tr('ready'),
          scan: v('scan'),
          next: v('next'),
          name: v('name'),
          issuer: v('issuer'),
          validUntil: v('validUntil'),
        },
      });
      platform.ensureRandomValues();
      this.log = new CheckpointLog(storageBackend(platform.storage));
      this.start();
    },
  },

  methods: {
    async start() {
      let cw;
      try {
        cw = await core();
      } catch (e) {
        this.setData({ state: 'failed', note: this.tr('startFailed', { code: (e && e.code) || 'unknown' }) });
        return;
      }
      const { trust, problem } = trustFromConfig(cw);
      this.trust = trust;
      this.setData({ state: 'ready', notice: problem ? this.trustProblem(problem) : '' });
    },

    trustProblem(problem) {
      const v = this.tr.verifier;
      if (problem.code === 'no_config') return v('configMissing');
      if (problem.code === 'wrong_root') return v('tlWrongRoot');
      return v('tlBad', { reason: problem.message || problem.code });
    },

    // The Scan button.
    async scan() {
      if (this.busy || this.data.state === 'loading' || this.data.state === 'failed') return;
      if (this.log.stopped) {
        this.stop(this.log.stopped);
        return;
      }
      this.busy = true;
      this.setData({ state: 'scanning', note: '' });
      try {
        const scanned = await platform.scanCode();
        if (!scanned.ok) {
          const note = scanned.code === 'cancelled' ? this.tr('cancelled') : this.tr('scanFailed', { code: scanned.code });
          this.setData({ state: 'ready', note });
          return;
        }
        const input = classify(scanned.text);
        if (input.kind === 'trustList' || input.kind === 'grant') {
          this.setData({ state: 'ready', note: this.tr('setUpCode') });
          return;
        }
        await this.decide(input);
      } finally {
        this.busy = false;
      }
    },

    // The "Next person" button: straight back to the scanner.
    next() {
      if (this.data.state !== 'verdict') return;
      this.setData({ state: 'ready', verdict: {} });
      this.scan();
    },

    async decide(input) {
      const now = Date.now();
      let verdict;
      if (input.kind === 'refused') verdict = refusal(input.code);
      else if (!this.trust) verdict = refusal('no_trust');
      else {
        try {
          verdict = this.trust.verify(input.text, now / 1000, undefined);
        } catch (e) {
          verdict = refusal((e && e.code) || 'malformed');
        }
      }
      const extra = [];
      let last = null;
      try {
        last = await this.log.lastScanTime();
      } catch (e) {
        // An unreadable time of the last scan only loses the clock-jump warning; the record below says whether storage works.
      }
      const jump = clockJump(now, last);
      if (jump) extra.push(jump);
      try {
        // Stored before anything is shown: a crash after this loses nothing.
        await this.log.record(verdict, { mode: 'tally', nowMs: now });
      } catch (error) {
        this.stop(error);
        return;
      }
      const p = present(this.lang, verdict, extra);
      this.setData({
        state: 'verdict',
        verdict: {
          decision: p.decision,
          tone: p.tone,
          icon: p.icon,
          headline: p.headline,
          reason: p.reason,
          warnings: p.warnings,
          name: p.name || '',
          issuer: p.issuer || '',
          until: p.until ? dateTime(this.lang, p.until.getTime() / 1000) : '',
        },
      });
      platform.vibrate(p.tone === 'bad');
    },

    // The log refused a record: scanning stops, with what to do.
    stop(error) {
      const v = this.tr.verifier;
      const message = error && error.code === 'log_full' ? v('logFull') : v('logBroken', { why: (error && (error.message || error.code)) || 'storage' });
      this.setData({ state: 'stopped', stopped: message, note: '' });
    },
  },
});

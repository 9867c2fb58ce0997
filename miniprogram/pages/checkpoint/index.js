// The checkpoint: the platform's scanner (camera only, QR) → the credential
// verified offline in the core against the trust list → the record written
// to the log → the verifier's own verdict screen (admission decision as
// headline, colour, icon, reason, masked name, issuer, valid until) and a
// buzz. The record is stored before anything is shown; a log that cannot be
// written stops scanning. In registration mode an admitted person's sample
// tube is linked next. Records leave by an export the staff says saved; a
// newer trust list comes by scan, file or link. Nothing here uses the network.
const { core } = require('../../lib/core.js');
const platform = require('../../lib/platform.js');
const utf8 = require('../../lib/utf8.js');
const { storageBackend } = require('../../lib/log-store.js');
const { openProvisioning, loadConfig } = require('../../lib/trust.js');
const { languageOf, checkpointTranslator } = require('../../lib/messages.js');
const { classify, present, clockJump } = require('../../web/verify/verdict.js');
const { dateTime, duration } = require('../../web/shared/languages.js');
const { codeInFragment } = require('../../web/shared/links.js');
const { CheckpointLog, TubeError, checkTube } = require('../../web/verify/log.js');
const { offerWords } = require('../../web/verify/trust.js');
const { readSettings, writeSettings, normalize } = require('./settings.js');

// A verdict made here rather than by the core (nothing to verify).
const refusal = (code) => ({ valid: false, decision: 'refuse', code, reason: null, warnings: [], credential: null });
const why = (error) => String((error && (error.message || error.code)) || error);

// The verifier's words on the screen, by the key the page uses.
const VERIFIER_WORDS = [
  'scan', 'next', 'name', 'issuer', 'validUntil', 'tubeLabel', 'tubeSave', 'settings', 'log', 'mode', 'modeTally',
  'modeRegistration', 'station', 'autoNext', 'staleHours', 'exportCsv', 'exportJsonl', 'exportYes', 'exportNo',
  'clearExported', 'cancel', 'tlLoad',
];

Component({
  properties: {
    // A link's trust list (`pages/checkpoint/index?list=CWL1%3A…`): offered on opening.
    list: { type: String, value: '' },
  },

  data: {
    // loading → ready ⇄ scanning → verdict → (next) scanning …; stopped when
    // the log cannot be written; failed when the core did not load.
    state: 'loading',
    text: {},
    // A line under the Scan button (cancelled, scanner failure).
    note: '',
    // A lasting problem (no trust list, settings not read).
    notice: '',
    verdict: {},
    stopped: '',
    settings: {},
    // Why the settings could not be saved, or ''.
    settingsProblem: '',
    // After an admitted registration: {awaiting, typed, message, code, tube}.
    tube: {},
    // The list in use and the last offer's answer: {info, warning, problems, message, code, sequence}.
    trust: {},
    // {summary, message, state, ready, question, batch, clearQuestion, clearYes}.
    log: {},
  },

  lifetimes: {
    attached() {
      this.lang = languageOf(platform.language());
      this.tr = checkpointTranslator(this.lang);
      const v = this.tr.verifier;
      const text = { loading: this.tr('loading'), ready: this.tr('ready'), tubeScan: this.tr('tubeScan'), trustList: this.tr('trustList'), exportShare: this.tr('exportShare') };
      for (const key of VERIFIER_WORDS) text[key] = v(key);
      const { settings, problem } = readSettings(platform.storage);
      this.settings = settings;
      // The lasting problems, by what they are about.
      this.notices = { settings: problem ? this.tr('settingsReset', { why: problem.message }) : '', trust: '' };
      this.setData({ text, settings, notice: this.notices.settings });
      platform.ensureRandomValues();
      let config = null;
      try {
        config = loadConfig();
      } catch (e) {
        config = null;
      }
      this.log = new CheckpointLog(storageBackend(platform.storage), { tubePattern: config && config.tubePattern });
      this.start();
    },
    detached() {
      this.gone = true;
      clearTimeout(this.autoTimer);
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
      let opened;
      try {
        opened = await openProvisioning(cw, platform.storage);
      } catch (e) {
        opened = { provisioning: null, problem: { code: (e && e.code) || 'storage_unavailable', message: why(e) } };
      }
      this.provisioning = opened.provisioning;
      const trust = [opened.problem ? this.trustProblem(opened.problem) : ''];
      if (opened.readError) trust.push(this.tr.verifier('tlReadFailed', { why: opened.readError }));
      this.showNotice({ trust: trust.filter(Boolean).join(' ') });
      if (this.data.list) {
        const text = codeInFragment(this.data.list, 'trustList');
        if (text) await this.offerList(utf8.encode(text));
        else this.setData({ trust: Object.assign({}, this.data.trust, { message: this.tr('linkNoList'), code: 'no_list' }) });
      }
      this.renderTrust();
      await this.refreshLog();
      this.setData({ state: 'ready' });
    },

    showNotice(change) {
      Object.assign(this.notices, change);
      this.setData({ notice: [this.notices.settings, this.notices.trust].filter(Boolean).join(' ') });
    },

    trustProblem(problem) {
      const v = this.tr.verifier;
      if (problem.code === 'no_config') return v('configMissing');
      if (problem.code === 'wrong_root') return v('tlWrongRoot');
      return v('tlBad', { reason: problem.message || problem.code });
    },

    policy() {
      return { staleAfter: Math.round(this.settings.staleHours * 3600) };
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
        if (input.kind === 'trustList') {
          await this.offerList(utf8.encode(input.text));
          this.setData({ state: 'ready', note: this.data.trust.message });
          return;
        }
        if (input.kind === 'grant') {
          this.setData({ state: 'ready', note: this.tr('grantNotHere') });
          return;
        }
        await this.decide(input);
      } finally {
        this.busy = false;
      }
    },

    // The "Next person" button (or the timer): straight back to the scanner.
    next() {
      clearTimeout(this.autoTimer);
      if (this.data.state !== 'verdict' || this.gone) return;
      this.setData({ state: 'ready', verdict: {}, tube: {} });
      this.renderTrust();
      this.scan();
    },

    async decide(input) {
      const now = Date.now();
      let verdict;
      const trust = this.provisioning && this.provisioning.trust;
      if (input.kind === 'refused') verdict = refusal(input.code);
      else if (!trust) verdict = refusal('no_trust');
      else {
        try {
          verdict = trust.verify(input.text, now / 1000, this.policy());
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
      let record;
      try {
        // Stored before anything is shown: a crash after this loses nothing.
        record = await this.log.record(verdict, { mode: this.settings.mode, nowMs: now, station: this.settings.station });
      } catch (error) {
        this.stop(error);
        return;
      }
      const p = present(this.lang, verdict, extra);
      const awaiting = this.settings.mode === 'registration' && p.accepted;
      this.shownRecord = record;
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
        tube: awaiting ? { awaiting: true, typed: '', message: this.tr.verifier('tubeNeeded'), code: 'needed' } : {},
      });
      platform.vibrate(p.tone === 'bad');
      if (!awaiting) this.autoNext();
    },

    autoNext() {
      clearTimeout(this.autoTimer);
      if (this.settings.autoNext > 0) this.autoTimer = setTimeout(() => this.next(), this.settings.autoNext * 1000);
    },

    // ---------- the sample tube (registration) ----------

    onTubeInput(event) {
      this.setData({ 'tube.typed': event.detail.value });
    },

    saveTube() {
      return this.linkTube(this.data.tube.typed);
    },

    // The platform's scanner, barcodes too: a tube's label is usually one.
    async scanTube() {
      if (!this.data.tube.awaiting || this.busy) return;
      this.busy = true;
      try {
        const scanned = await platform.scanCode({ barcodes: true });
        if (scanned.ok) await this.linkTube(scanned.text);
        else if (scanned.code !== 'cancelled') this.setData({ 'tube.message': this.tr('scanFailed', { code: scanned.code }), 'tube.code': scanned.code });
      } finally {
        this.busy = false;
      }
    },

    async linkTube(raw) {
      if (!this.data.tube.awaiting || this.linking) return;
      const v = this.tr.verifier;
      const check = checkTube(String(raw == null ? '' : raw), this.log.tube);
      if (!check.ok) {
        this.setData({ 'tube.message': v(check.code), 'tube.code': check.code });
        return;
      }
      this.linking = true;
      try {
        this.shownRecord = await this.log.attachTube(this.shownRecord, check.tube);
      } catch (error) {
        if (error instanceof TubeError) this.setData({ 'tube.message': v(error.code), 'tube.code': error.code });
        else this.stop(error);
        return;
      } finally {
        this.linking = false;
      }
      this.setData({ tube: { awaiting: false, typed: '', message: v('tubeSaved', { tube: check.tube }), code: 'linked', tube: check.tube } });
      this.autoNext();
    },

    // ---------- the trust list ----------

    // A list offered by scan, file or link: accepted only as a successor of the one in use.
    async offerList(bytes) {
      if (!this.provisioning) {
        this.setData({ trust: Object.assign({}, this.data.trust, { message: this.tr.verifier('configMissing'), code: 'no_root' }) });
        return;
      }
      const r = await this.provisioning.offer(bytes);
      const words = offerWords(r);
      this.setData({ trust: Object.assign({}, this.data.trust, { message: this.tr.verifier(words.key, words.params), code: r.code }) });
      // A list in use now: the package's own problem no longer matters.
      if (r.accepted) this.showNotice({ trust: '' });
      this.renderTrust();
    },

    async chooseListFile() {
      if (this.busy || this.data.state !== 'ready') return;
      this.busy = true;
      try {
        const file = await platform.chooseFile({ extensions: ['cwl', 'txt'] });
        if (file.ok) await this.offerList(file.bytes);
        else if (file.code !== 'cancelled') this.setData({ trust: Object.assign({}, this.data.trust, { message: this.tr('fileFailed', { code: file.code }), code: file.code }) });
      } finally {
        this.busy = false;
      }
    },

    renderTrust() {
      const v = this.tr.verifier;
      const p = this.provisioning;
      const d = p ? p.describe(Date.now() / 1000, this.policy()) : null;
      const trust = Object.assign({}, this.data.trust, { info: v('tlNone'), problems: '', warning: '', sequence: 0 });
      if (d) {
        const signed = dateTime(this.lang, d.issuedAt);
        trust.info = `${v('tlInfo', { sequence: d.sequence, issuers: d.issuers.join(', '), signed, age: duration(this.lang, d.age) })} · ${v('tlRevoked', { count: d.revoked })}`;
        trust.sequence = d.sequence;
        if (d.clockBefore) trust.warning = v('tlClockBefore');
        else if (d.expired) trust.warning = v('tlExpired', { duration: duration(this.lang, d.expiredFor) });
        else if (d.stale) trust.warning = v('tlStale', { limit: duration(this.lang, this.settings.staleHours * 3600) });
        if (!d.saved) trust.problems = v('tlNotSaved', { sequence: d.sequence, why: p.storeError });
      }
      this.setData({ trust });
    },

    // ---------- the log: export, acknowledgement, deletion ----------

    async refreshLog() {
      try {
        const s = await this.log.summary(Date.now());
        this.setData({
          'log.summary': this.tr.verifier('logSummary', { total: s.total, unexported: s.unexported, pass: s.hourPass, check: s.hourCheck, refuse: s.hourRefused }),
          'log.acknowledged': s.acknowledged,
        });
      } catch (e) {
        // Shown again on the next change.
      }
    },

    logMessage(message, state) {
      this.setData({ 'log.message': message, 'log.state': state });
    },

    exportCsv() {
      return this.exportLog('csv');
    },

    exportJsonl() {
      return this.exportLog('jsonl');
    },

    // The records no saved export holds yet, written as a file to be sent
    // to a chat. Nothing is marked: only "Yes, saved" counts the batch.
    async exportLog(format) {
      if (this.exporting || this.data.state === 'verdict') return;
      this.exporting = true;
      const v = this.tr.verifier;
      try {
        const out = await this.log.export(format, { onlyNew: true, nowMs: Date.now() });
        if (!out.count) {
          this.logMessage(v('exportNothing'), 'nothing');
          return;
        }
        await this.forgetAsk();
        const written = await platform.writeFile(out.filename, out.text);
        if (!written.ok) {
          this.log.discardBatch(out.batch);
          this.logMessage(this.tr('exportWriteFailed', { why: written.message || written.code }), 'failed');
          return;
        }
        // The platform shares a file only from a tap: a button of its own.
        this.ask = { batch: out.batch, path: written.path, filename: out.filename, count: out.count, shared: false };
        this.clearCount = 0;
        this.setData({
          'log.ready': this.tr('exportReady', { file: out.filename, count: out.count }),
          'log.question': '',
          'log.batch': out.batch,
          'log.clearQuestion': '',
        });
        this.logMessage('', 'ready_to_share');
      } catch (error) {
        this.logFailed(error);
      } finally {
        this.exporting = false;
        await this.refreshLog();
      }
    },

    // "Send to a chat": the platform's share, called first thing in the tap.
    async shareExport() {
      const ask = this.ask;
      if (!ask || ask.shared || this.sharing) return;
      this.sharing = true;
      const sharing = platform.shareFile(ask.path, ask.filename);
      try {
        const shared = await sharing;
        if (this.ask !== ask) return;
        if (!shared.ok) {
          this.ask = null;
          this.log.discardBatch(ask.batch);
          await platform.removeFile(ask.path);
          this.setData({ 'log.ready': '', 'log.batch': '' });
          this.logMessage(this.tr('exportNotShared', { code: shared.code }), 'not_shared');
          return;
        }
        ask.shared = true;
        this.setData({ 'log.ready': '', 'log.question': this.tr.verifier('exportQuestion', { file: ask.filename, count: ask.count }) });
        this.logMessage('', 'asking');
      } finally {
        this.sharing = false;
      }
    },

    // An export still waiting for its answer counts for nothing once another starts.
    async forgetAsk() {
      const ask = this.ask;
      if (!ask) return;
      this.ask = null;
      this.log.discardBatch(ask.batch);
      this.setData({ 'log.ready': '', 'log.question': '', 'log.batch': '' });
      await platform.removeFile(ask.path);
    },

    answerYes() {
      return this.answerSaved(true);
    },

    answerNo() {
      return this.answerSaved(false);
    },

    async answerSaved(saved) {
      const ask = this.ask;
      if (!ask || !ask.shared) return;
      this.ask = null;
      this.setData({ 'log.question': '', 'log.batch': '' });
      const v = this.tr.verifier;
      if (!saved) {
        this.log.discardBatch(ask.batch);
        this.logMessage(v('exportDiscarded', { batch: ask.batch }), 'discarded');
      } else {
        try {
          const r = await this.log.confirmSaved(ask.batch, { nowMs: Date.now() });
          this.logMessage(v(r.durable ? 'exportConfirmed' : 'exportConfirmedFull', { batch: ask.batch, count: r.acknowledged }), 'confirmed');
        } catch (error) {
          this.logFailed(error);
        }
      }
      // The log keeps the records until they are deleted; the file's copy is no longer needed here.
      await platform.removeFile(ask.path);
      await this.refreshLog();
    },

    // "Delete exported records…": asks again, naming how many go.
    async askClear() {
      const v = this.tr.verifier;
      try {
        const s = await this.log.summary(Date.now());
        this.clearCount = s.acknowledged;
        if (!s.acknowledged) {
          this.setData({ 'log.clearQuestion': '' });
          this.logMessage(v('clearNone'), 'nothing');
        } else {
          this.setData({ 'log.clearQuestion': v('clearQuestion', { count: s.acknowledged }), 'log.clearYes': v('clearYes', { count: s.acknowledged }) });
          this.logMessage('', 'asking');
        }
      } catch (error) {
        this.logFailed(error);
      }
    },

    clearYes() {
      return this.answerClear(true);
    },

    clearNo() {
      return this.answerClear(false);
    },

    async answerClear(confirmed) {
      if (!this.clearCount) return;
      this.clearCount = 0;
      this.setData({ 'log.clearQuestion': '' });
      const v = this.tr.verifier;
      if (!confirmed) {
        this.logMessage(v('clearCancelled'), 'cancelled');
      } else {
        try {
          const n = await this.log.clearAcknowledged();
          let message = v('clearedN', { count: n });
          if (n && this.data.state === 'stopped') {
            this.setData({ state: 'ready', stopped: '' });
            message += ` · ${v('logResume')}`;
          }
          this.logMessage(message, 'cleared');
        } catch (error) {
          this.logMessage(why(error), 'error');
        }
      }
      await this.refreshLog();
    },

    logFailed(error) {
      if (error && (error.code === 'log_full' || error.code === 'log_unavailable')) this.stop(error);
      else this.logMessage(why(error), 'error');
    },

    // ---------- settings ----------

    saveSettings(change) {
      this.settings = normalize(Object.assign({}, this.settings, change));
      const error = writeSettings(platform.storage, this.settings);
      this.setData({ settings: this.settings, settingsProblem: error ? this.tr('settingsNotSaved', { why: why(error) }) : '' });
      this.renderTrust();
    },

    modeTally() {
      this.saveSettings({ mode: 'tally' });
    },

    modeRegistration() {
      this.saveSettings({ mode: 'registration' });
    },

    onStation(event) {
      this.saveSettings({ station: event.detail.value });
    },

    onAutoNext(event) {
      this.saveSettings({ autoNext: event.detail.value });
    },

    onStaleHours(event) {
      this.saveSettings({ staleHours: event.detail.value });
    },

    // The log refused a record: scanning stops, with what to do.
    stop(error) {
      const v = this.tr.verifier;
      const message = error && error.code === 'log_full' ? v('logFull') : v('logBroken', { why: (error && (error.message || error.code)) || 'storage' });
      clearTimeout(this.autoTimer);
      this.setData({ state: 'stopped', stopped: message, note: '', tube: {} });
    },
  },
});

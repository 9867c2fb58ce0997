// The wallet: the family's codes (up to 12 people, the core's store rules),
// one on screen at a time as a QR drawn on a canvas from the core's module
// matrix, with its status in words, colour and icon, the masked name and the
// time left, counted each second. A code is added by the platform's scanner,
// by pasting its text, or by a link that opens this page with `?code=…`.
// Drawing and adding use no network; once a code is on screen, newer codes
// are fetched in the background when the deployment offers them. What the
// screen says is the web wallet's own rules and words (web/wallet/, web/shared/).
const { core } = require('../../lib/core.js');
const platform = require('../../lib/platform.js');
const { drawQr, LOOKS } = require('../../lib/code-view.js');
const { languageOf, translator } = require('../../lib/messages.js');
const { trustFromConfig } = require('../../lib/trust.js');
const { refreshInBackground } = require('../../lib/refresh.js');
const { judge, countdown, untilNextSecond } = require('../../web/wallet/code-status.js');
const { dateTime } = require('../../web/shared/languages.js');
const { defaultLabel, noCredentialKey, errorMessage } = require('../../web/wallet/import-rules.js');
const { extractCredential } = require('../../web/shared/links.js');

// The screen's fixed words, from the wallet's table (and the package's own).
const WORDS = ['loading', 'noPeople', 'maskedName', 'validUntilLabel', 'issuer', 'add', 'pasteInput', 'addPasted', 'camera'];

const nowSecs = () => Date.now() / 1000;

Component({
  properties: {
    // Whose code to show first.
    index: { type: Number, value: 0 },
    // A link's code (`pages/wallet/index?code=CW1%3A…`): added on opening.
    code: { type: String, value: '' },
  },

  data: {
    // loading → shown | empty | failed; `drawn` once the QR is on the canvas.
    state: 'loading',
    drawn: false,
    // A store that could not be read whole, in words.
    notice: '',
    // The last action's result: {text, kind: 'ok' | 'error'}.
    message: null,
    text: {},
    people: [],
    selected: 0,
    look: {},
    stamp: '',
    name: '',
    validUntil: '',
    countdown: '',
    issuer: '',
    check: '',
    pasted: '',
    failure: '',
  },

  lifetimes: {
    attached() {
      this.lang = languageOf(platform.language());
      this.t = translator(this.lang);
      const text = {};
      for (const key of WORDS) text[key] = this.t(key);
      this.setData({ text });
      this.start();
    },
    detached() {
      this.gone = true;
      clearTimeout(this.refreshing);
      this.stopTicking();
      platform.restoreScreen();
    },
  },

  methods: {
    async start() {
      try {
        this.cw = await core();
        this.wallet = new this.cw.Wallet(platform.storage);
        ({ trust: this.trust } = trustFromConfig(this.cw));
        const problem = this.wallet.loadProblem;
        if (problem) {
          const params = { reason: problem.reason, skipped: problem.skipped, key: problem.backupKey };
          this.setData({ notice: this.t(problem.backedUp ? 'loadProblem' : 'loadProblemNoBackup', params) });
        }
      } catch (e) {
        this.fail(e);
        return;
      }
      const count = this.wallet.entries().length;
      this.selected = Math.min(Math.max(0, this.data.index | 0), Math.max(0, count - 1));
      if (this.data.code) await this.add(this.data.code, true);
      else await this.show();
    },

    // The person on screen, drawn again: the list, the QR, the words.
    async show() {
      if (this.gone) return;
      let entries;
      try {
        entries = this.wallet.entries();
      } catch (e) {
        this.fail(e);
        return;
      }
      const people = entries.map((e, i) => ({ label: e.label, selected: i === this.selected }));
      const entry = entries[this.selected];
      if (!entry) {
        this.shownEntry = null;
        this.stopTicking();
        platform.restoreScreen();
        this.setData({ state: 'empty', people, drawn: false });
        return;
      }
      try {
        const judged = this.judge(entry);
        const c = judged.credential;
        const matrix = this.cw.qrMatrix(entry.text);
        this.setData({
          state: 'shown',
          people,
          selected: this.selected,
          ...this.words(judged),
          name: c.displayName,
          validUntil: dateTime(this.lang, c.expiresAt),
          issuer: c.issuer,
        });
        if (!this.canvas) this.canvas = await platform.canvas(this, '#qr');
        if (this.gone) return; // left while the canvas was fetched
        const { ctx, width, height } = this.canvas;
        drawQr(ctx, matrix, width, height);
        // What the clock re-judges each second, without reading the store again.
        this.shownEntry = entry;
        this.shownKind = judged.kind;
        this.setData({ drawn: true });
        if (!this.hidden) platform.raiseScreen();
        this.startTicking();
        // The network only after the code is on screen, once per opening.
        if (!this.refreshing) this.refreshing = setTimeout(() => this.refresh(), 0);
      } catch (e) {
        this.fail(e);
      }
    },

    // Newer codes from the deployment, when it offers them; the screen follows.
    refresh() {
      if (this.gone) return undefined;
      return refreshInBackground({
        wallet: this.wallet,
        trust: this.trust,
        nowSecs,
        onReplaced: (label) => {
          if (this.gone) return;
          this.say('refreshed', { label });
          this.show();
        },
        // Another writer changed the store first: read it again, as it is now.
        onChangedElsewhere: () => {
          if (this.gone) return;
          this.wallet = new this.cw.Wallet(platform.storage);
          this.show();
        },
      });
    },

    judge(entry) {
      return judge(this.trust, entry, nowSecs(), this.cw.checkTime);
    },

    // What changes with the clock: the look (a code can run out on screen),
    // the stamp, the check line and the countdown.
    words(judged) {
      const c = judged.credential;
      let check = this.t('unverified');
      if (judged.checked) {
        check = this.t('checkedAgainst', { seq: this.trust.sequence, date: dateTime(this.lang, this.trust.issuedAt) });
      }
      return {
        look: Object.assign({ word: this.t(judged.statusKey), kind: judged.kind }, LOOKS[judged.kind] || LOOKS.invalid),
        stamp: judged.stampKey ? this.t(judged.stampKey) : '',
        check,
        countdown: countdown(this.t, c, nowSecs()),
      };
    },

    startTicking() {
      this.stopTicking();
      if (this.gone || this.hidden) return;
      this.timer = setTimeout(() => this.tick(), untilNextSecond(Date.now()));
    },

    stopTicking() {
      clearTimeout(this.timer);
      this.timer = null;
    },

    // Each second: the countdown, and the whole code once its look changes.
    tick() {
      this.timer = null;
      const entry = this.shownEntry;
      if (!entry || this.gone) return;
      try {
        const judged = this.judge(entry);
        if (judged.kind !== this.shownKind) {
          this.show();
          return;
        }
        this.setData(this.words(judged));
      } catch {
        // One second's failure leaves the screen as it was; the next second comes.
      }
      this.startTicking();
    },

    pick(event) {
      const index = Number(event.currentTarget.dataset.index);
      if (!Number.isInteger(index) || index === this.selected) return;
      this.selected = index;
      this.setData({ message: null });
      this.show();
    },

    onPasteInput(event) {
      this.setData({ pasted: event.detail.value });
    },

    addPasted() {
      return this.add(this.data.pasted, false);
    },

    // The platform's scanner, camera only; a cancelled scan adds nothing and says nothing.
    async scanToAdd() {
      const scan = await platform.scanCode();
      if (this.gone) return;
      if (scan.ok) await this.add(scan.text, false);
      else if (scan.code !== 'cancelled') this.say('err_unknown', { message: scan.message }, 'error');
    },

    // Adds the code inside `input` (text, a wallet link, or a link's query
    // value when `fromLink`), checked by the core against the trust list.
    async add(input, fromLink) {
      const text = extractCredential(input, fromLink);
      if (!text) {
        this.say(noCredentialKey(input), {}, 'error');
        await this.show();
        return false;
      }
      if (!this.trust) {
        this.say('err_trust', {}, 'error');
        await this.show();
        return false;
      }
      try {
        const entries = this.wallet.entries();
        const label = defaultLabel(this.t, entries, text, this.cw.decodeCredential);
        this.wallet.import(label, text, this.trust, nowSecs());
        this.selected = this.wallet.entries().length - 1;
        this.setData({ pasted: '' });
        this.say('imported', { label });
      } catch (e) {
        if (e && e.code === 'duplicate') {
          const i = this.wallet.entries().findIndex((x) => x.text === text);
          if (i >= 0) this.selected = i;
        }
        const { key, params } = errorMessage(e);
        this.say(key, params, 'error');
        await this.show();
        return false;
      }
      await this.show();
      return true;
    },

    say(key, params, kind = 'ok') {
      this.setData({ message: { text: this.t(key, params), kind } });
    },

    fail(e) {
      const code = (e && e.code) || 'unknown';
      this.stopTicking();
      platform.restoreScreen();
      this.setData({ state: 'failed', failure: this.t('failed', { code }) });
    },

    // As a page: the screen is raised and the clock runs only while it is in front.
    onShow() {
      this.hidden = false;
      if (this.data.drawn) {
        platform.raiseScreen();
        this.startTicking();
      }
    },
    onHide() {
      this.hidden = true;
      this.stopTicking();
      platform.restoreScreen();
    },
  },
});

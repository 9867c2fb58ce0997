// The wallet's code view: a stored credential's QR drawn on a canvas from the
// core's module matrix, its status in words, colour and icon, the masked name
// and the time it is valid until. Nothing here uses the network.
const { core } = require('../../lib/core.js');
const platform = require('../../lib/platform.js');
const { drawQr, statusOf, dateTime } = require('../../lib/code-view.js');
const { OWN, languageOf, translator } = require('../../lib/messages.js');

Component({
  properties: {
    // Which stored person to show (a page query parameter, too).
    index: { type: Number, value: 0 },
  },

  data: {
    // loading → shown | empty | failed; `drawn` once the QR is on the canvas.
    state: 'loading',
    drawn: false,
    // A store that could not be read whole, in words.
    notice: '',
    text: {},
    status: {},
    name: '',
    validUntil: '',
    issuer: '',
  },

  lifetimes: {
    attached() {
      const language = languageOf(platform.language());
      this.t = translator(language);
      this.setData({ text: this.words([]) });
      this.show();
    },
    detached() {
      platform.restoreScreen();
    },
  },

  methods: {
    // The static words of the screen, with {code} filled in where given.
    words(params) {
      const words = { name: this.t('maskedName') };
      for (const key of Object.keys(OWN.en)) words[key] = this.t(key, params);
      return words;
    },

    async show() {
      let entry;
      let cw;
      try {
        cw = await core();
        const wallet = new cw.Wallet(platform.storage);
        const problem = wallet.loadProblem;
        if (problem) {
          const params = { reason: problem.reason, skipped: problem.skipped, key: problem.backupKey };
          this.setData({ notice: this.t(problem.backedUp ? 'loadProblem' : 'loadProblemNoBackup', params) });
        }
        entry = wallet.entries()[this.data.index];
      } catch (e) {
        this.fail(e);
        return;
      }
      if (!entry) {
        this.setData({ state: 'empty' });
        return;
      }
      try {
        const credential = entry.credential;
        const status = statusOf(credential, cw.checkTime(entry.text, Date.now() / 1000));
        const matrix = cw.qrMatrix(entry.text);
        this.setData({
          state: 'shown',
          status: Object.assign({ word: this.t(`status_${status.key}`) }, status),
          name: credential.displayName,
          validUntil: dateTime(credential.expiresAt),
          issuer: credential.issuer,
        });
        const { ctx, width, height } = await platform.canvas(this, '#qr');
        drawQr(ctx, matrix, width, height);
        this.setData({ drawn: true });
        platform.raiseScreen();
      } catch (e) {
        this.fail(e);
      }
    },

    fail(e) {
      const code = (e && e.code) || 'unknown';
      this.setData({ state: 'failed', text: this.words({ code }) });
    },

    // As a page: the screen is raised only while it is in front.
    onShow() {
      if (this.data.drawn) platform.raiseScreen();
    },
    onHide() {
      platform.restoreScreen();
    },
  },
});

// The wallet store: the wasm core keeps it in the page's storage (its format,
// its backups of what it cannot read, never overwriting another tab's
// change); this module opens it, reads it again, and runs changes to it.

import { Wallet } from '../pkg/core/codewallet.js';
import { KEY } from './state.js';
import { render, sayError } from './view.js';

/** The stored selection if it names an entry, else the first. */
export function initialSelection(stored, count) {
  return Number.isInteger(stored) && stored >= 0 && stored < count ? stored : 0;
}

/** Opens the store; storage that refuses it moves to memory and the page says so. */
export function openWallet(app) {
  try {
    app.wallet = new Wallet(app.storage.raw);
  } catch (e) {
    app.storage.fallBack(e);
    app.wallet = new Wallet(app.storage.raw);
  }
  app.loadProblem = app.wallet.loadProblem;
  app.entries = app.wallet.entries();
  app.selected = initialSelection(app.storage.readJson(KEY.selected), app.entries.length);
}

export function reload(app) {
  app.entries = app.wallet.entries();
  if (app.selected >= app.entries.length) app.selected = Math.max(0, app.entries.length - 1);
}

/** Reads the store again (another window changed it), keeping the person on screen. */
export function reloadWallet(app) {
  const shownId = app.entries[app.selected] ? app.entries[app.selected].credential.id : null;
  const next = new Wallet(app.storage.raw);
  app.wallet.free();
  app.wallet = next;
  app.loadProblem = app.wallet.loadProblem;
  reload(app);
  const i = app.entries.findIndex((e) => e.credential.id === shownId);
  if (i >= 0) app.selected = i;
  app.pendingRemove = null;
  app.renaming = null;
}

export function select(app, i) {
  app.selected = i;
  app.storage.writeJson(KEY.selected, i);
  render(app);
}

/** Runs a wallet change; shows its error. Returns whether it worked. */
export function change(app, fn) {
  try {
    fn(app.wallet);
    reload(app);
    return true;
  } catch (e) {
    if (e && e.code === 'changed_elsewhere') reloadWallet(app);
    else reload(app);
    sayError(app, e);
    return false;
  } finally {
    render(app);
  }
}

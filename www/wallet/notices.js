// The page's notices: the result of the last import or edit, the problems
// that stay (storage, the store's contents, the trust list) and whether the
// page is installed for offline use.

import { errorKey } from './i18n.js';
import { $, MAX_ENTRIES } from './state.js';

export function say(app, key, params = {}, kind = 'ok') {
  app.message = { key, params, kind };
  renderMessage(app);
}

/** The message key and parameters for an error the core or the page threw. */
export function errorMessage(e) {
  const code = e && e.code;
  const key = code && errorKey(code);
  if (key) return { key, params: { max: MAX_ENTRIES } };
  return { key: 'err_unknown', params: { message: (e && e.message) || String(e) } };
}

export function sayError(app, e) {
  const { key, params } = errorMessage(e);
  say(app, key, params, 'error');
}

export function renderMessage(app) {
  const { message, t } = app;
  const el = $('message');
  el.textContent = message ? t(message.key, message.params) : '';
  el.className = `notice no-print${message ? ` ${message.kind}` : ''}`;
  el.dataset.code = message ? message.key : '';
}

/** The lasting problems, as message keys and parameters, in the order shown. */
export function problems({ storage, loadProblem, trustProblem }) {
  const parts = [];
  if (storage.problem) parts.push({ key: 'storageUnavailable', params: { why: storage.problem } });
  if (loadProblem) {
    parts.push({
      key: loadProblem.backedUp ? 'loadProblem' : 'loadProblemNoBackup',
      params: { reason: loadProblem.reason, skipped: loadProblem.skipped, key: loadProblem.backupKey },
    });
  }
  if (trustProblem) parts.push(trustProblem);
  return parts;
}

export function renderProblem(app) {
  const el = $('problem');
  const parts = problems(app).map((p) => app.t(p.key, p.params));
  el.dataset.trust = app.trustProblem ? app.trustProblem.key : '';
  el.textContent = parts.join(' ');
  el.hidden = parts.length === 0;
}

export const OFFLINE_KEY = { ready: 'offlineReady', installing: 'offlineInstalling', none: 'offlineNo' };

export function renderOffline(app) {
  const el = $('offline');
  el.textContent = app.t(OFFLINE_KEY[app.offlineState]);
  el.dataset.state = app.offlineState;
}

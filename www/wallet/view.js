// The page drawn from the state: its fixed texts in the page's language, the
// notices (the last result, the problems that stay, offline use), the tabs
// and the manage list of people; the code card is card.js's.

import { nextLanguage } from '../shared/languages.js';
import { $ } from './state.js';
import { errorMessage } from './import-rules.js';
import { renderCard } from './card.js';

export function say(app, key, params = {}, kind = 'ok') {
  app.message = { key, params, kind };
  renderMessage(app);
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

export function renderTabs(app) {
  const { entries, t } = app;
  const nav = $('tabs');
  nav.setAttribute('aria-label', t('people'));
  nav.replaceChildren(...entries.map((e, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'tab';
    b.textContent = e.label;
    b.dataset.index = String(i);
    b.setAttribute('aria-pressed', String(i === app.selected));
    return b;
  }));
  nav.hidden = entries.length < 2;
}

function button(text, action, index, extra = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.dataset.action = action;
  b.dataset.index = String(index);
  for (const [k, v] of Object.entries(extra)) b.setAttribute(k, v);
  return b;
}

export function renderPeople(app) {
  const { entries, t, pendingRemove } = app;
  $('manage').hidden = entries.length === 0;
  const list = $('people');
  list.replaceChildren(...entries.map((e, i) => {
    const li = document.createElement('li');
    li.className = 'person';
    if (app.renaming === i) {
      const input = document.createElement('input');
      input.value = e.label;
      input.maxLength = 64;
      input.className = 'rename-input';
      input.setAttribute('aria-label', t('labelFor', { label: e.label }));
      li.append(input, button(t('save'), 'save', i), button(t('cancel'), 'cancel-rename', i));
    } else {
      const name = document.createElement('span');
      name.className = 'label';
      name.textContent = e.label;
      li.append(name,
        button(t('rename'), 'rename', i),
        button('↑', 'up', i, { 'aria-label': `${t('moveUp')}: ${e.label}`, title: t('moveUp') }),
        button('↓', 'down', i, { 'aria-label': `${t('moveDown')}: ${e.label}`, title: t('moveDown') }),
        button(t('remove'), 'remove', i, { class: 'danger' }));
    }
    return li;
  }));
  const confirm = $('confirm');
  confirm.hidden = pendingRemove == null;
  if (pendingRemove != null && entries[pendingRemove]) {
    $('confirm-text').textContent = t('confirmRemove', { label: entries[pendingRemove].label });
  }
}

export function renderStatic(app) {
  const { lang, t } = app;
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  const l = $('lang');
  const next = nextLanguage(lang);
  l.textContent = next.name;
  l.setAttribute('aria-label', t('langSwitchLabel', { name: next.name }));
  l.lang = next.code;
  $('add-camera').textContent = t(app.camera.stream ? 'stopCamera' : 'camera');
}

export function render(app) {
  renderStatic(app);
  renderProblem(app);
  renderMessage(app);
  renderTabs(app);
  renderCard(app);
  renderPeople(app);
  renderOffline(app);
}

// The people in the wallet: choosing whose code is on screen, and renaming,
// moving and removing them (a removal waits for confirmation).

import { $, KEY } from './state.js';
import { render, renderPeople, say } from './view.js';
import { change, select } from './store.js';

/** The index `action` ('up' or 'down') moves entry `i` to, or null past either end. */
export function moveTarget(action, i, count) {
  const to = action === 'up' ? i - 1 : i + 1;
  return to < 0 || to >= count ? null : to;
}

function onAction(app, action, i, b) {
  if (action === 'rename') {
    app.renaming = i;
    renderPeople(app);
    $('people').querySelector('.rename-input').focus();
  } else if (action === 'cancel-rename') {
    app.renaming = null;
    renderPeople(app);
  } else if (action === 'save') {
    const label = b.parentElement.querySelector('.rename-input').value;
    if (change(app, (w) => w.rename(i, label))) {
      app.renaming = null;
      say(app, 'renamed', { label: label.trim() });
      renderPeople(app);
    }
  } else if (action === 'up' || action === 'down') {
    const to = moveTarget(action, i, app.entries.length);
    if (to == null) return;
    const wasSelected = app.selected === i;
    if (change(app, (w) => w.moveEntry(i, to)) && wasSelected) select(app, to);
  } else if (action === 'remove') {
    app.pendingRemove = i;
    renderPeople(app);
    $('confirm-no').focus();
  }
}

function confirmRemove(app) {
  const i = app.pendingRemove;
  app.pendingRemove = null;
  if (i == null || !app.entries[i]) return render(app);
  const label = app.entries[i].label;
  if (change(app, (w) => w.remove(i))) {
    if (app.selected > i) app.selected -= 1;
    app.storage.writeJson(KEY.selected, app.selected);
    say(app, 'removed', { label });
  }
  return undefined;
}

export function wirePeople(app) {
  $('tabs').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-index]');
    if (b) select(app, Number(b.dataset.index));
  });
  $('people').addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-action]');
    if (b) onAction(app, b.dataset.action, Number(b.dataset.index), b);
  });
  $('people').addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && ev.target.classList.contains('rename-input')) {
      ev.target.parentElement.querySelector('[data-action="save"]').click();
    }
  });
  $('confirm-yes').addEventListener('click', () => confirmRemove(app));
  $('confirm-no').addEventListener('click', () => {
    app.pendingRemove = null;
    renderPeople(app);
  });
}

// What is drawn of the people in the wallet: a tab for each (when there are
// two or more) and the manage list with rename, move and remove, and the
// confirmation before a removal.

import { $ } from './state.js';

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

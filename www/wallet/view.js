// The whole page drawn from the state: the fixed texts in the page's
// language, the notices, the tabs, the code screen and the manage list.

import { $ } from './state.js';
import { renderMessage, renderProblem, renderOffline } from './notices.js';
import { renderCard } from './card.js';
import { renderTabs, renderPeople } from './people-list.js';

export function renderStatic(app) {
  const { lang, t } = app;
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
  const l = $('lang');
  l.textContent = t('langSwitch');
  l.setAttribute('aria-label', t('langSwitchLabel'));
  l.lang = lang === 'en' ? 'zh-CN' : 'en';
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

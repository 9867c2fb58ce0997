// The code screen: the QR of the person on screen, its status as this phone
// checks it now, and the time left, redrawn each second.

import { qrSvg, checkTime } from '../pkg/core/codewallet.js';
import { warningKey } from '../shared/messages.js';
import { $, nowSecs } from './state.js';
import { keepShown, endKept } from './kept-card.js';
import { countdown, judge, untilNextSecond } from './code-status.js';
import { dateTime } from '../shared/languages.js';

const ICONS = {
  green: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="11" fill="currentColor"/><path d="M6 12.5l4 4 8-9" fill="none" stroke="#fff" stroke-width="2.6"/></svg>',
  yellow: '<svg viewBox="0 0 24 24"><path d="M12 1L23 22H1z" fill="currentColor"/><path d="M12 8v7M12 17.5v2" stroke="#000" stroke-width="2.4"/></svg>',
  red: '<svg viewBox="0 0 24 24"><rect x="1" y="1" width="22" height="22" rx="3" fill="currentColor"/><path d="M7 7l10 10M17 7L7 17" stroke="#fff" stroke-width="2.6"/></svg>',
  expired: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2.4"/><path d="M12 6v6l4 3" fill="none" stroke="currentColor" stroke-width="2.4"/></svg>',
  invalid: '<svg viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2.6"/><path d="M5 19L19 5" stroke="currentColor" stroke-width="2.6"/></svg>',
};

/** What to show for an entry now, by the wallet's rules (code-status.js). */
const judgeNow = (trust, entry) => judge(trust, entry, nowSecs(), checkTime);

export function renderCard(app) {
  const { t, lang, entries, trust } = app;
  const card = $('card');
  const entry = entries[app.selected];
  $('empty').hidden = entries.length > 0;
  if (!entry) {
    endKept();
    keepShown(app, null);
    card.hidden = true;
    app.shownText = null;
    return;
  }
  endKept();
  card.hidden = false;
  const j = judgeNow(trust, entry);
  const c = j.credential;
  const qr = $('qr');
  if (app.shownText !== entry.text) {
    qr.innerHTML = qrSvg(entry.text);
    app.shownText = entry.text;
    qr.dataset.text = entry.text;
    if (!performance.getEntriesByName('qr-shown').length) performance.mark('qr-shown');
    if (!performance.getEntriesByName('qr-checked').length) performance.mark('qr-checked');
  }
  app.shownKind = j.kind;
  card.dataset.kind = j.kind;
  card.className = `card kind-${j.kind}`;
  const statusText = t(j.statusKey);
  $('who').textContent = entry.label;
  qr.setAttribute('aria-label', t('codeOf', { label: entry.label, status: statusText }));
  const stamp = $('stamp');
  stamp.hidden = !j.stampKey;
  stamp.textContent = j.stampKey ? t(j.stampKey) : '';
  $('status-icon').innerHTML = ICONS[j.kind] || ICONS.invalid;
  $('status-text').textContent = statusText;
  $('status').dataset.status = j.statusKey.slice(7);
  $('name').textContent = c.displayName;
  $('until').textContent = t('validUntil', { time: dateTime(lang, c.expiresAt) });
  const notes = [];
  if (j.checked) {
    notes.push(t('checkedAgainst', { seq: trust.sequence, date: dateTime(lang, app.trustSignedAt) }));
    for (const w of j.verdict.warnings || []) notes.push(t(warningKey(w.code)));
  } else {
    notes.push(t('unverified'));
  }
  if (app.trustRefused) notes.push(t('trustRefused'));
  $('check').textContent = notes.join(' ');
  $('check').dataset.checked = String(j.checked);
  renderCountdown(app, c);
  // Drawn before the core next time: only a code checked and valid now.
  keepShown(app, j.checked && !j.stampKey ? {
    svg: qr.innerHTML, icon: ICONS[j.kind], kind: j.kind, label: entry.label, aria: qr.getAttribute('aria-label'),
    statusText, name: c.displayName, until: $('until').textContent, check: $('check').textContent,
    notBefore: c.notBefore, expiresAt: c.expiresAt,
  } : null);
}

function renderCountdown(app, c) {
  $('countdown').textContent = countdown(app.t, c, nowSecs());
}

/** Each second: the countdown, and the whole card once the status changes (expiry). */
export function tick(app) {
  try {
    const entry = app.entries[app.selected];
    if (entry) {
      const j = judgeNow(app.trust, entry);
      if (j.kind !== app.shownKind) renderCard(app);
      else renderCountdown(app, j.credential);
    }
  } finally {
    // Whatever one second's render met, the next second comes.
    setTimeout(() => tick(app), untilNextSecond(Date.now()));
  }
}

// Adding a person from pasted text or a link opened on this page (its
// fragment); a photo or the camera go through scan.js to importText here.
// The rules (the code inside a link, a new person's label) are pure, in
// ../shared/links.js and import-rules.js.

import { extractCredential } from '../shared/links.js';
import { defaultLabel, noCredentialKey } from './import-rules.js';
import { decodeCredential } from '../pkg/core/codewallet.js';
import { KEY, nowSecs } from './state.js';
import { render, say, sayError } from './view.js';
import { reload } from './store.js';

export async function importText(app, input, label) {
  const text = extractCredential(input);
  if (!text) {
    say(app, noCredentialKey(input), {}, 'error');
    return false;
  }
  let list = app.trust;
  if (!list) {
    try {
      // First use: fetched now, with the refresh module (not part of the first view).
      list = await (await import('./refresh.js')).fetchTrustNow(app);
    } catch {
      list = null;
    }
  }
  if (!list) {
    say(app, 'err_trust', {}, 'error');
    return false;
  }
  const name = (label || '').trim() || defaultLabel(app.t, app.entries, text, decodeCredential);
  try {
    app.wallet.import(name, text, list, nowSecs());
  } catch (e) {
    if (e.code === 'duplicate') {
      const i = app.entries.findIndex((x) => x.text === text);
      if (i >= 0) app.selected = i;
    }
    sayError(app, e);
    render(app);
    return false;
  }
  reload(app);
  app.selected = app.entries.length - 1;
  app.storage.writeJson(KEY.selected, app.selected);
  say(app, 'imported', { label: name });
  render(app);
  return true;
}

/** The link this page was opened with (or its fragment changed to): imported, then taken out of the address. */
export async function importFromFragment(app) {
  const text = extractCredential(location.hash.slice(1), true);
  if (!location.hash || location.hash === '#') return;
  history.replaceState(null, '', location.pathname + location.search);
  if (text) await importText(app, text, '');
  else say(app, 'err_not_credential', {}, 'error');
}

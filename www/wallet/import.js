// Adding a person from pasted text or a link opened on this page (its
// fragment); a photo or the camera go through scan.js to importText here.
// Parsing what was given is pure, and tested in Node.

import { codeKind, fragmentText } from '../shared/links.js';
import { decodeCredential } from '../pkg/core/codewallet.js';
import { KEY, nowSecs } from './state.js';
import { render, say, sayError } from './view.js';
import { reload } from './store.js';

/**
 * The credential text inside pasted text, a link or a fragment; null if none.
 * Links and fragments are percent-decoded; raw text is not, since Base45 has
 * '%' and ' ' of its own.
 */
export function extractCredential(input, isFragment = false) {
  let s = String(input || '').trim();
  const hash = s.indexOf('#');
  let encoded = isFragment;
  if (hash >= 0) {
    s = s.slice(hash + 1);
    encoded = true;
  }
  if (/^CW1%3A/i.test(s)) encoded = true;
  if (encoded) s = fragmentText(s);
  s = s.trim();
  return codeKind(s) === 'credential' ? s : null;
}

/**
 * The label a new entry gets when none is typed: "Me" for the first, else the
 * credential's own (masked) name unless someone has it already, else "Person n".
 * `decode` reads a credential's fields (the core's decodeCredential).
 */
export function defaultLabel(t, entries, text, decode = decodeCredential) {
  if (entries.length === 0) return t('me');
  try {
    const name = decode(text).displayName;
    if (name && !entries.some((e) => e.label === name)) return name;
  } catch {
    // fall through
  }
  return t('person', { n: entries.length + 1 });
}

/** The message key for input in which no credential was found. */
export const noCredentialKey = (input) => (String(input || '').trim() ? 'err_not_credential' : 'err_empty');

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
  const name = (label || '').trim() || defaultLabel(app.t, app.entries, text);
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

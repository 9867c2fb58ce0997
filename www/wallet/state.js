// The page's state, one object passed to every module; the storage keys.

import { translator } from './i18n.js';
import { pickLanguage } from '../shared/languages.js';

export const KEY = {
  wallet: 'codewallet.wallet',
  lang: 'codewallet.lang',
  selected: 'codewallet.selected',
  root: 'codewallet.root',
  config: 'codewallet.config',
  refresh: 'codewallet.refresh',
};

export const CONFIG_URL = new URL('../demo-data/config.json', import.meta.url);

export const $ = (id) => document.getElementById(id);

export const nowSecs = () => Date.now() / 1000;

/** The page's state over `storage` (www/shared/storage.js), in the language the person chose or the browser's. */
export function createState(storage, browserLanguages) {
  const lang = pickLanguage(storage.readJson(KEY.lang), browserLanguages);
  return {
    storage,
    lang,
    t: translator(lang),
    // The wasm wallet store, its entries as last read, the index on screen, the core's loadProblem.
    wallet: null,
    entries: [],
    selected: 0,
    loadProblem: null,
    // The trust list in use and when it was signed (s); a problem with it ({key, params});
    // the code of the last list the network offered and the phone refused.
    trust: null,
    trustSignedAt: null,
    trustProblem: null,
    trustRefused: null,
    config: storage.readJson(KEY.config),
    // The last import/edit result ({key, params, kind}), redrawn in a new language.
    message: null,
    offlineState: 'installing',
    pendingRemove: null,
    renaming: null,
    // What the card shows, so a tick redraws only on change.
    shownText: null,
    shownKind: null,
    keptShown: undefined, // the kept card as last written; undefined: not yet this session
    camera: { stream: null, timer: 0 },
    reader: null,
  };
}

export function setLanguage(app, lang) {
  app.lang = lang;
  app.t = translator(lang);
}

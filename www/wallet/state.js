// The wallet page's state: one object, made by `createState` when the page
// starts and passed to every module, and the keys the page keeps in storage.

import { translator, pickLanguage } from './i18n.js';

/** How many people one wallet holds (the core's limit, for its error message). */
export const MAX_ENTRIES = 12;

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
    /** The wasm wallet store, its entries as last read, and the index on screen. */
    wallet: null,
    entries: [],
    selected: 0,
    /** Why the store could not be read as it was: the core's loadProblem, or null. */
    loadProblem: null,
    /** The trust list in use (wasm TrustList) and when it was signed (seconds). */
    trust: null,
    trustSignedAt: null,
    /** A problem with the trust list to show: {key, params} or null. */
    trustProblem: null,
    /** The code of the last list the network offered and the phone refused (older, reused number). */
    trustRefused: null,
    /** The deployment's configuration as last fetched: {rootPublicKey, refreshUrl}. */
    config: storage.readJson(KEY.config),
    /** The last import/edit result, re-rendered when the language changes: {key, params, kind}. */
    message: null,
    /** The service worker: 'installing' | 'ready' | 'none'. */
    offlineState: 'installing',
    /** The person whose removal awaits confirmation, and the one being renamed (indices). */
    pendingRemove: null,
    renaming: null,
    /** What the card shows now, so a tick redraws only on change. */
    shownText: null,
    shownKind: null,
    /** The camera while it scans, and the reader module once loaded. */
    camera: { stream: null, timer: 0 },
    reader: null,
  };
}

export function setLanguage(app, lang) {
  app.lang = lang;
  app.t = translator(lang);
}

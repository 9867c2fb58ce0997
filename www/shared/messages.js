// The one message format of every front end: tables of messages by language
// (`{en: {key: text}, 'zh-CN': {…}}`), each text with named parameters that a
// call fills in: tr('left', { time }) fills {time}. Pure, no DOM.

import { LANGUAGE_CODES } from './languages.js';

const has = (object, key) => object != null && Object.hasOwn(object, key);

/**
 * The text of `template` with each `{name}` replaced by `params.name`; a
 * parameter not given stays visible as `{name}`, so a missing one shows.
 */
export function fill(template, params) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (has(params, name) ? String(params[name]) : m));
}

/**
 * A translator for `lang` over `tables`: `(key, params = {}) => text`. An
 * unknown language speaks the first of the shared list; a key missing in it
 * falls back to English, then to the key itself.
 */
export function translator(tables, lang) {
  const table = has(tables, lang) ? tables[lang] : tables[LANGUAGE_CODES[0]];
  const english = tables.en;
  return (key, params = {}) => {
    const text = has(table, key) ? table[key] : has(english, key) ? english[key] : String(key);
    return fill(text, params);
  };
}

// A code of the core has one key on every page, by kind.

/** The key of an error code's message (the core's wallet, scan or verdict failure). */
export const errorKey = (code) => `err_${code}`;

/** The key of a warning code's message. */
export const warningKey = (code) => `warn_${code}`;

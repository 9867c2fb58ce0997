// How the wallet takes in a new person, without a page: the label a new
// entry gets, and the message for input that holds no code or for what the
// core refused. Pure, also run by the mini-program.

import { errorKey } from '../shared/messages.js';
import { MESSAGES } from './i18n.js';

/** The core's limit of people, for its error message. */
export const MAX_ENTRIES = 12;

/**
 * The label a new entry gets when none is typed: "Me" for the first, else the
 * credential's own (masked) name unless someone has it already, else "Person n".
 * `decode` reads a credential's fields (the core's decodeCredential).
 */
export function defaultLabel(t, entries, text, decode) {
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

/** The message for an error: {key, params}; the core's code when the wallet words it, else the error's own text. */
export function errorMessage(e) {
  const code = e && e.code;
  const key = code && errorKey(code);
  if (key && Object.hasOwn(MESSAGES.en, key)) return { key, params: { max: MAX_ENTRIES } };
  return { key: 'err_unknown', params: { message: (e && e.message) || String(e) } };
}

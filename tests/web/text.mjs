// Expected page text from the pages' message tables: a message whose
// parameters are not known in advance (a duration, a date) as a pattern.

import { translator as verifier } from '../../www/verify/i18n.js';

const MARK = '\u0000';

/** The verifier's message `key` in `lang`, its parameters named: `verifierText('en', 'tlSame', { sequence: 2 })`. */
export const verifierText = (lang, key, params) => verifier(lang)(key, params);

/** `s` with every character that means something in a RegExp escaped. */
export const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The whole message as a RegExp, any text standing for each parameter:
 * `render(mark)` renders it with `mark` as every parameter, e.g.
 * `(m) => t('en', 'r_expired', { duration: m })` or `(m) => tr('left', { time: m })`.
 */
export function messagePattern(render) {
  return new RegExp(`^${render(MARK).split(MARK).map(escapeRegExp).join('.+')}$`);
}

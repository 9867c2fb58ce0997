// The shared language list (www/shared/languages.js): which language a page
// starts in, the one-button switch, and durations worded by Intl.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES, LANGUAGE_CODES, pickLanguage, nextLanguage, duration } from '../../www/shared/languages.js';

test('languages: a saved choice wins, then the first browser language spoken, then the first of the list', () => {
  assert.equal(pickLanguage('zh-CN', ['en-US']), 'zh-CN');
  assert.equal(pickLanguage('fr', ['fr-FR', 'zh-TW', 'en']), 'zh-CN');
  assert.equal(pickLanguage(null, ['en-GB', 'zh-CN']), 'en');
  assert.equal(pickLanguage(null, ['fr', 'de']), LANGUAGE_CODES[0]);
  assert.equal(pickLanguage(undefined, undefined), LANGUAGE_CODES[0]);
});

test('languages: the switch goes round the whole list', () => {
  let code = LANGUAGE_CODES[0];
  const seen = [];
  for (let i = 0; i < LANGUAGES.length; i++) { seen.push(code); code = nextLanguage(code).code; }
  assert.equal(code, LANGUAGE_CODES[0]);
  assert.deepEqual(seen, [...LANGUAGE_CODES]);
});

test('languages: durations in the largest unit that reads well, from Intl, in each language', () => {
  const cases = [[30, 'second', 30], [89, 'second', 89], [90, 'minute', 2], [5400, 'hour', 2], [47 * 3600, 'hour', 47], [48 * 3600, 'day', 2], [-5, 'second', 0]];
  for (const lang of LANGUAGE_CODES) {
    for (const [secs, unit, n] of cases) {
      const expected = new Intl.NumberFormat(lang, { style: 'unit', unit, unitDisplay: 'short' }).format(n);
      assert.equal(duration(lang, secs), expected, `${lang} ${secs}`);
    }
  }
});

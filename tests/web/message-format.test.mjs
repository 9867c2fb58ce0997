// The one message format (www/shared/messages.js): named parameters filled
// in, a missing one left visible, unknown keys and languages falling back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translator, fill, errorKey, warningKey } from '../../www/shared/messages.js';
import { LANGUAGE_CODES } from '../../www/shared/languages.js';

const TABLES = {
  en: { left: '{time} left', pair: '{a} then {b}, {a} again', only_en: 'English only', plain: 'No parameters' },
  'zh-CN': { left: '剩余 {time}', pair: '先 {b} 后 {a}', plain: '无参数' },
};

test('messages: named parameters are filled, in the order each language puts them', () => {
  assert.equal(translator(TABLES, 'en')('left', { time: '3 min' }), '3 min left');
  assert.equal(translator(TABLES, 'zh-CN')('left', { time: '3分钟' }), '剩余 3分钟');
  assert.equal(translator(TABLES, 'en')('pair', { a: 1, b: 2 }), '1 then 2, 1 again');
  assert.equal(translator(TABLES, 'zh-CN')('pair', { a: 1, b: 2 }), '先 2 后 1');
  assert.equal(translator(TABLES, 'en')('left', { time: 0 }), '0 left');
  // A value that looks like a placeholder is not filled again.
  assert.equal(translator(TABLES, 'en')('pair', { a: '{b}', b: 'x' }), '{b} then x, {b} again');
});

test('messages: a missing parameter stays visible as {name}', () => {
  assert.equal(translator(TABLES, 'en')('left'), '{time} left');
  assert.equal(translator(TABLES, 'en')('left', {}), '{time} left');
  assert.equal(translator(TABLES, 'en')('left', null), '{time} left');
  assert.equal(translator(TABLES, 'en')('pair', { a: 'x' }), 'x then {b}, x again');
  // Only a parameter's own value counts, not one every object inherits.
  assert.equal(fill('{constructor} {toString}', {}), '{constructor} {toString}');
  assert.equal(translator(TABLES, 'en')('plain', { extra: 1 }), 'No parameters');
});

test('messages: an unknown key falls back to English, then to the key itself', () => {
  const zh = translator(TABLES, 'zh-CN');
  assert.equal(zh('only_en'), 'English only');
  assert.equal(zh('no_such_key'), 'no_such_key');
  assert.equal(zh('toString'), 'toString');
  assert.equal(zh('constructor'), 'constructor');
});

test('messages: an unknown language speaks the first language of the shared list', () => {
  const first = translator(TABLES, LANGUAGE_CODES[0]);
  for (const lang of ['fr', '', null, undefined, 'constructor', '__proto__']) {
    const tr = translator(TABLES, lang);
    assert.equal(tr('left', { time: 'x' }), first('left', { time: 'x' }), String(lang));
    assert.equal(tr('plain'), first('plain'), String(lang));
  }
});

test('messages: a core code has one key per kind on every page', () => {
  assert.equal(errorKey('not_found'), 'err_not_found');
  assert.equal(warningKey('clock_behind'), 'warn_clock_behind');
});

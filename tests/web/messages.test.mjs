// Every code the core can return, as it lists them itself (`messageCodes()`),
// has a message in every language of every front end; every language of a
// front end has the same keys as its English table, and each message the same
// named parameters in every language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.mjs';
import { MESSAGES as VERIFIER } from '../../www/verify/i18n.js';
import { LANGUAGE_CODES } from '../../www/shared/languages.js';
import { errorKey, warningKey } from '../../www/shared/messages.js';
import { MESSAGES as WALLET } from '../../www/wallet/i18n.js';

const core = await import(join(ROOT, 'www/pkg/reader/codewallet.js'));
core.initSync({ module: readFileSync(join(ROOT, 'www/pkg/reader/codewallet_bg.wasm')) });
const codes = core.messageCodes();

// Each front end: its tables, and the key it shows for a code of each kind.
const FRONT_ENDS = {
  verifier: {
    tables: VERIFIER,
    keys: { verdict: (c) => `r_${c}`, warning: warningKey, scan: errorKey },
  },
  wallet: {
    tables: WALLET,
    keys: { verdict: errorKey, warning: warningKey, wallet: errorKey, scan: errorKey },
  },
};

test('the core lists its codes, each kind non-empty', () => {
  for (const kind of ['verdict', 'warning', 'wallet', 'scan', 'status']) {
    assert.ok(codes[kind].length > 0, kind);
    for (const code of codes[kind]) assert.match(code, /^[a-z_]+$/);
  }
});

for (const [name, { tables, keys }] of Object.entries(FRONT_ENDS)) {
  test(`${name}: a table for each language of the shared list, and no other`, () => {
    assert.deepEqual(Object.keys(tables).sort(), [...LANGUAGE_CODES].sort());
  });

  test(`${name}: every language has the same keys as English`, () => {
    const english = Object.keys(tables.en).sort();
    for (const [lang, table] of Object.entries(tables)) {
      assert.deepEqual(Object.keys(table).sort(), english, lang);
      for (const [key, text] of Object.entries(table)) assert.ok(typeof text === 'string' && text.trim(), `${lang}.${key}`);
    }
  });

  test(`${name}: every code the core can return has a message in every language`, () => {
    const missing = [];
    for (const [kind, keyOf] of Object.entries(keys)) {
      for (const code of codes[kind]) {
        for (const [lang, table] of Object.entries(tables)) {
          if (!(keyOf(code) in table)) missing.push(`${lang} ${keyOf(code)} (${kind} ${code})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test(`${name}: each message has the same named parameters in every language, and no numbered ones`, () => {
    const params = (text) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
    const differ = [];
    for (const [key, english] of Object.entries(tables.en)) {
      const want = params(english);
      if (want.some((p) => /^\d/.test(p))) differ.push(`en ${key}: numbered ${want}`);
      for (const [lang, table] of Object.entries(tables)) {
        if (key in table && params(table[key]).join() !== want.join()) differ.push(`${lang} ${key}: ${params(table[key])} (en: ${want})`);
      }
    }
    assert.deepEqual(differ, []);
  });
}

// Keys built from a code at run time (`r_${code}` …), by front end; the
// page's markup names the rest in `data-t` attributes.
const DYNAMIC = { verifier: ['r_', 'warn_', 'err_', 'd_', 'tube_', 'status'], wallet: ['err_', 'warn_', 'status_'] };
const SOURCES = { verifier: ['www/verify', 'www/shared'], wallet: ['www/wallet', 'www/shared'] };

for (const [name, { tables }] of Object.entries(FRONT_ENDS)) {
  test(`${name}: every message is used (its key, or a code it is built from, is in the page's code)`, () => {
    const source = SOURCES[name].flatMap((dir) => readdirSync(join(ROOT, dir))
      .filter((f) => /\.(js|html)$/.test(f) && f !== 'i18n.js')
      .map((f) => readFileSync(join(ROOT, dir, f), 'utf8'))).join('\n');
    const quoted = (word) => new RegExp(`['"\`]${word}['"\`]`).test(source);
    const allCodes = Object.values(codes).flat();
    const unused = Object.keys(tables.en).filter((key) => {
      if (quoted(key)) return false;
      const prefix = DYNAMIC[name].find((p) => key.startsWith(p));
      if (!prefix) return true;
      const code = key.slice(prefix.length);
      return !(allCodes.includes(code) || quoted(code) || quoted(code.toLowerCase()));
    });
    assert.deepEqual(unused, []);
  });
}

// Codes inside links (www/shared/links.js), shared by both pages and the
// mini-program.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeKind, fragmentText, codeInFragment } from '../../www/shared/links.js';

test('links: a code\'s kind is its prefix', () => {
  assert.equal(codeKind('CW1:ABC'), 'credential');
  assert.equal(codeKind('CWL1:ABC'), 'trustList');
  assert.equal(codeKind('CWG1:ABC'), 'grant');
  for (const other of ['', 'cw1:ABC', 'CW2:ABC', ' CW1:ABC', 'T-000123']) assert.equal(codeKind(other), null, other);
});

test('links: fragments are percent-decoded, a bare % of Base45 is taken as written', () => {
  assert.equal(fragmentText('#CW1%3AAB%20C'), 'CW1:AB C');
  assert.equal(fragmentText('CW1:AB%C'), 'CW1:AB%C');
  assert.equal(fragmentText(undefined), '');
  assert.equal(codeInFragment('#CWL1%3AXYZ', 'trustList'), 'CWL1:XYZ');
  assert.equal(codeInFragment('#CWL1:XYZ', 'grant'), null);
  assert.equal(codeInFragment('', 'credential'), null);
  assert.equal(codeInFragment('#CW1:A%B', 'credential'), 'CW1:A%B');
});

// The build's steps as the build script runs them: a missing argument is a
// usage line (status 2), a bad input one `error:` line (status 1), and a
// failed step leaves the file it would have written exactly as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeWhole } from '../../scripts/build-step.mjs';

const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'build-step-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (script, ...args) => spawnSync(process.execPath, [join(SCRIPTS, script), ...args], { encoding: 'utf8' });

for (const script of ['miniprogram-glue.mjs', 'miniprogram-config.mjs', 'miniprogram-bridge.mjs']) {
  test(`${script} without arguments prints its usage and exits 2`, () => {
    const r = run(script);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`^usage: node scripts/${script} \\S`));
  });
}

test('a step that fails keeps the old output and leaves no temporary file', () => {
  const output = join(dir, 'out.js');
  writeFileSync(output, 'the previous build\n');
  const notGlue = join(dir, 'not-glue.js');
  writeFileSync(notGlue, 'export const answer = 42;\n');
  const badConfig = join(dir, 'config.json');
  writeFileSync(badConfig, '{"rootPublicKey": "not hex"}');
  for (const [script, input] of [['miniprogram-glue.mjs', notGlue], ['miniprogram-config.mjs', badConfig]]) {
    const r = run(script, input, output);
    assert.equal(r.status, 1, `${script}: ${r.stderr}`);
    assert.match(r.stderr, /^error: .+\n$/, script);
    assert.equal(readFileSync(output, 'utf8'), 'the previous build\n', script);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['config.json', 'not-glue.js', 'out.js']);
});

test('writeWhole replaces the file and removes its temporary file when it cannot', () => {
  const file = join(dir, 'whole.txt');
  writeWhole(file, 'first');
  writeWhole(file, 'second');
  assert.equal(readFileSync(file, 'utf8'), 'second');
  // A file cannot be renamed over a directory: the write fails and nothing is left behind.
  const taken = join(dir, 'taken');
  mkdirSync(taken);
  assert.throws(() => writeWhole(taken, 'x'));
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

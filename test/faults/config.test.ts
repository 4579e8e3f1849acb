/**
 * The root is a wall, and a config that contradicts itself is an error with
 * file, line and key (sweep defects 1, 6, 13, 14, 19, 21, 24's gate cwd).
 * Messages are checked on the loader in-process; exit codes, "one line, no
 * trace" and "nothing written outside" through the real CLI.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { UserError } from '../../src/model/errors.js';
import { discoverFiles } from '../../src/workspace/discover.js';
import { assertOneLineError, cleanUp, cli, CONFIG, git, gitInit, GOOD, tree } from './helpers.js';

after(cleanUp);

async function configError(text: string): Promise<string> {
  const dir = tree('config', {}, text);
  try {
    await loadConfig(dir);
  } catch (error) {
    assert.ok(error instanceof UserError, String(error));
    return error.message.replace(/^ssot\.config\.yaml:|^.*ssot\.config\.yaml:/, '');
  }
  assert.fail('the config was accepted');
}

describe('the root is a wall (defects 1, 14, 24)', () => {
  it('a glob or path that is absolute or has a .. segment is a config error naming line and key', async () => {
    const cases: [string, RegExp][] = [
      [`${CONFIG}include: ["**/*.py", "../outside/*.py"]\n`, /^9: `include\[1\]` has a `\.\.` segment: "\.\.\/outside\/\*\.py"/],
      [`${CONFIG}include: ["/etc/**/*.py"]\n`, /^9: `include\[0\]` is absolute: "\/etc\/\*\*\/\*\.py"/],
      [`${CONFIG}exclude: ["a/../../b"]\n`, /^9: `exclude\[0\]` has a `\.\.` segment/],
      [`${CONFIG}services:\n  api: "../api/**"\n`, /^10: `services\.api` has a `\.\.` segment/],
      [`${CONFIG}phases:\n  - { id: "1", files: ["../outside/evil.py"] }\n`, /`phases\[0\]\.files\[0\]` has a `\.\.` segment/],
      [`${CONFIG}phases:\n  - { id: "1", files: ["/etc/passwd"] }\n`, /`phases\[0\]\.files\[0\]` is absolute/],
      [`${CONFIG}phases:\n  - { id: "1", include: ["../**"] }\n`, /`phases\[0\]\.include\[0\]` has a `\.\.` segment/],
      [CONFIG.replace('    replaceWith: shared\n', '    replaceWith: shared\n    allowIn: ["../x.py"]\n'), /`rules\[0\]\.allowIn\[0\]` has a `\.\.` segment/],
      [`${CONFIG}gates:\n  - { name: g, run: "true", cwd: "../.." }\n`, /`gates\[0\]\.cwd` has a `\.\.` segment: "\.\.\/\.\." \(folders are relative to the scanned root/],
    ];
    for (const [text, message] of cases) assert.match(await configError(text), message);
    // inside the root, `..` in a file name is not a segment
    const dir = tree('dots', { 'a..b/x.py': GOOD }, `${CONFIG}include: ["a..b/*.py"]\n`);
    assert.equal((await loadConfig(dir)).include[0], 'a..b/*.py');
  });

  it('defect 1: a config glob reaching outside a plain folder makes `ssot fix` exit 2 and write nothing outside', async () => {
    const outside = tree('victim', { 'victim.py': GOOD }, null);
    const project = tree('project', { 'app.py': GOOD }, `${CONFIG}include: ["**/*.py", "../${path.basename(outside)}/*.py"]\n`);
    const run = await cli(['fix', project]);
    assert.match(assertOneLineError(run), /`include\[1\]` has a `\.\.` segment/);
    assert.equal(readFileSync(path.join(outside, 'victim.py'), 'utf8'), GOOD, 'the file outside is untouched');
    assert.equal(readFileSync(path.join(project, 'app.py'), 'utf8'), GOOD, 'nothing written inside either');
  });

  it('defect 14: the same glob in a git root is the same one-line error, not an internal error', async () => {
    const project = tree('gitroot', { 'app.py': GOOD }, `${CONFIG}include: ["**/*.py", "../**/*.py"]\n`);
    gitInit(project);
    assert.match(assertOneLineError(await cli(['scan', project])), /`include\[1\]` has a `\.\.` segment/);
  });

  it('discovery itself never returns a path outside the root, and the gitignore matcher never sees one', async () => {
    const outside = tree('outside-api', { 'o.py': GOOD }, null);
    const root = tree('api-root', { 'in.py': GOOD, '.gitignore': 'ignored.py\n' }, null);
    const found = await discoverFiles({ root, include: ['**/*.py', `../${path.basename(outside)}/*.py`], exclude: [] });
    assert.deepEqual(found.files, ['in.py']);
    assert.deepEqual(found.notFollowed.map((p) => p.message), ['outside the scanned root, not scanned']);
  });
});

describe('contradictions and bad input in the config (defects 6, 13, 19, 21)', () => {
  it('defect 6a: a canonical import that another rule bans is an error naming the rule and its entry', async () => {
    const text = `${CONFIG}  - id: s\n    deprecated: ["from app.shared import shared_client"]\n    replaceWith: shared\n`;
    assert.match(await configError(text), /^8: `rules\[0\]\.replaceWith` names `app\.shared\.shared_client`, which rule "s" bans \(`from app\.shared import shared_client`\): the target of a migration must not be deprecated itself/);
  });

  it('defect 6b: a module ban covering the canonical (`import app`) is the same error; a types class exempt by its own rule is fine', async () => {
    assert.match(await configError(CONFIG.replace('"from legacy.client import OldClient"', '"import app"')), /`rules\[0\]\.replaceWith` names `app\.shared\.shared_client`, which rule "r" bans \(`import app`\)/);
    const withTypes = CONFIG.replace('    replaceWith: shared\n', '    replaceWith: shared\n    types: "from legacy.client import OldClient"\n');
    const dir = tree('types-ok', {}, withTypes);
    assert.equal((await loadConfig(dir)).rules[0]!.types?.name, 'OldClient', 'the example\'s pattern: the types class is the rule\'s own deprecated class, exempt in type positions');
    const other = `${CONFIG.replace('    replaceWith: shared\n', '    replaceWith: shared\n    types: "from legacy.types import OldType"\n')}  - id: s\n    deprecated: ["import legacy.types"]\n    replaceWith: shared\n`;
    assert.match(await configError(other), /`rules\[0\]\.types` names `legacy\.types\.OldType`, which rule "s" bans \(`import legacy\.types`\)/);
  });

  it('defect 13: a YAML alias bomb is invalid YAML, one line, exit 2', async () => {
    const levels = 'abcdefghij'.split('');
    const lines = ['version: 1', 'a: &a [x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < levels.length; i++) lines.push(`${levels[i]}: &${levels[i]} [${Array(9).fill(`*${levels[i - 1]}`).join(',')}]`);
    lines.push('canonical: *j', '');
    const dir = tree('bomb', { 'a.py': GOOD }, lines.join('\n'));
    assert.match(assertOneLineError(await cli(['scan', dir])), /ssot\.config\.yaml: invalid YAML: Excessive alias count/);
  });

  it('defect 19: a phase file that names nothing is an error for plan and phases, and a warning for scan', async () => {
    const dir = tree('phase-typo', { 'app/websocket.py': GOOD }, `${CONFIG}phases:\n  - { id: "1a", files: ["app/websocket.py", "app/websockett.py"] }\n`);
    const plan = await cli(['plan', dir]);
    assert.match(assertOneLineError(plan), /ssot\.config\.yaml:10: `phases\[0\]\.files\[1\]` names no file: "app\/websockett\.py"$/);
    const scan = await cli(['scan', dir]);
    assert.equal(scan.code, 0);
    assert.match(scan.stderr, /^warning: .*ssot\.config\.yaml:10: `phases\[0\]\.files\[1\]` names no file/m);
  });

  it('defect 21: an explicit --python that cannot run exits 2 before anything is written', async () => {
    const dir = tree('python', { 'app.py': GOOD });
    const run = await cli(['fix', dir, '--python', '/nonexistent/python']);
    assert.equal(assertOneLineError(run), 'error: --python /nonexistent/python: not found');
    assert.equal(readFileSync(path.join(dir, 'app.py'), 'utf8'), GOOD);
    writeFileSync(path.join(dir, 'fake-python'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    assert.match(assertOneLineError(await cli(['fix', dir, '--python', path.join(dir, 'fake-python')])), /is not a Python 3 interpreter \(exit 3\)/);
  });

  it('defect 24 (gate cwd): a missing cwd inside the root is still reported before anything runs', async () => {
    const dir = tree('gatecwd', { 'app.py': GOOD }, `${CONFIG}phases:\n  - { id: "1", include: ["**"] }\ngates:\n  - { name: g, run: "touch ran", cwd: "missing" }\n`);
    gitInit(dir);
    assert.match(assertOneLineError(await cli(['fix', dir, '--phase', '1'])), /gate "g": cwd "missing" is not a directory under/);
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });
});

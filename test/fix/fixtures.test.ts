/**
 * Before/after fixtures of the fix engine, one folder per behaviour under
 * test/fixtures/fix/<case>/:
 *
 *   ssot.config.yaml   the rules
 *   before/            the input tree
 *   after/             the expected tree, byte for byte (CRLF and BOM included)
 *   expected.json      every finding with its applicability and reason, and the
 *                      status of every file; `"unsafe": true` runs with --unsafe
 *
 * For each case: the planned result equals after/; a second run on after/
 * plans no edits; every file of after/ parses (tree-sitter) and compiles
 * (python3) when its before did. `UPDATE_SNAPSHOTS=1 npm test` rewrites after/
 * and expected.json — read every changed snapshot before committing it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { computeFixes } from '../../src/engine/fix.js';
import type { FixRun } from '../../src/model/outcome.js';
import { isDirectory, parsesCleanly, PYTHON, pythonCompileErrors, readTree, REPO } from './helpers.js';

const FIXTURES = path.join(REPO, 'test/fixtures/fix');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';

interface ExpectedFinding {
  at: string;
  kind: string;
  local: string;
  usage: string | null;
  fix: string | null;
  reason: string | null;
}

interface Expected {
  unsafe?: boolean;
  files: Record<string, string>;
  findings: ExpectedFinding[];
}

function describeRun(run: FixRun, unsafe: boolean | undefined): Expected {
  const files: Record<string, string> = {};
  for (const f of run.files) files[f.file] = f.status === 'refused' ? `refused: ${f.reason}` : f.status;
  const findings = run.findings.map((f) => ({
    at: `${f.file}:${f.line}:${f.column}`,
    kind: f.kind,
    local: f.local,
    usage: f.usage,
    fix: f.fix ?? null,
    reason: f.reason ?? null,
  }));
  return unsafe === undefined ? { files, findings } : { unsafe, files, findings };
}

const cases = readdirSync(FIXTURES)
  .filter((name) => isDirectory(path.join(FIXTURES, name)))
  .sort();

describe('fix fixtures', () => {
  test('there are fixtures', () => assert.ok(cases.length > 10, `only ${cases.length} fixture folders`));

  for (const name of cases) {
    test(name, async () => {
      const dir = path.join(FIXTURES, name);
      const beforeDir = path.join(dir, 'before');
      const afterDir = path.join(dir, 'after');
      const expectedFile = path.join(dir, 'expected.json');
      const configFile = path.join(dir, 'ssot.config.yaml');
      let expected: Expected | undefined;
      try {
        expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as Expected;
      } catch {
        expected = undefined;
      }
      const unsafe = expected?.unsafe;

      const before = readTree(beforeDir);
      const config = await loadConfig(beforeDir, configFile);
      const run = await computeFixes({ root: beforeDir, config, unsafe: unsafe ?? false, compileCheck: { interpreter: PYTHON } });
      const produced = new Map(before);
      for (const file of run.files) if (file.status === 'changed') produced.set(file.file, file.updated!);
      const actual = describeRun(run, unsafe);

      if (UPDATE) {
        rmSync(afterDir, { recursive: true, force: true });
        for (const [rel, bytes] of produced) {
          mkdirSync(path.dirname(path.join(afterDir, rel)), { recursive: true });
          writeFileSync(path.join(afterDir, rel), bytes);
        }
        writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      }

      // 1. the result is exactly after/
      const after = readTree(afterDir);
      assert.deepEqual([...produced.keys()], [...after.keys()], 'the same files');
      for (const [rel, bytes] of after) {
        assert.equal(produced.get(rel)!.toString('latin1'), bytes.toString('latin1'), `${rel} differs from after/${rel}`);
      }
      assert.ok(UPDATE || expected, `${name}: no expected.json (run with UPDATE_SNAPSHOTS=1 and review it)`);
      assert.deepEqual(actual, JSON.parse(readFileSync(expectedFile, 'utf8')), 'findings, applicability and reasons');
      const changed = run.files.filter((f) => f.status === 'changed').length;
      const expectsChange = [...after].some(([rel, bytes]) => !before.get(rel)!.equals(bytes));
      assert.equal(changed > 0, expectsChange);

      // 2. a second run on after/ plans no edits (refused files stay refused for the same reason)
      const second = await computeFixes({ root: afterDir, config, unsafe: unsafe ?? false, compileCheck: { interpreter: PYTHON } });
      for (const file of second.files) {
        const first = run.files.find((f) => f.file === file.file);
        if (first?.status === 'refused') assert.equal(file.status, 'refused', `${file.file}: refused before`);
        else assert.equal(file.status, 'unchanged', `${file.file}: the second run planned edits (${file.status} ${file.reason ?? ''})`);
      }

      // 3. after/ parses and compiles wherever before/ did
      const text = (bytes: Buffer) => bytes.toString('utf8').replace(/^\uFEFF/, '');
      const py = [...after.keys()].filter((rel) => rel.endsWith('.py'));
      const beforeErrors = pythonCompileErrors(py.map((rel) => [rel, text(before.get(rel)!)] as const));
      const afterErrors = pythonCompileErrors(py.map((rel) => [rel, text(after.get(rel)!)] as const));
      for (const rel of py) {
        if ((await parsesCleanly(text(before.get(rel)!))) && !(await parsesCleanly(text(after.get(rel)!)))) {
          assert.fail(`${rel}: after/ does not parse`);
        }
        if (!beforeErrors.has(rel)) assert.ok(!afterErrors.has(rel), `${rel}: after/ does not compile: ${afterErrors.get(rel)}`);
      }
    });
  }
});

/**
 * One folder per behaviour under test/fixtures/scan/<case>/: a minimal
 * ssot.config.yaml, the input file(s), and the snapshot `expected.json` (the
 * findings) plus `problems.json` when the scan reports errors or warnings.
 * Adding a case is adding a folder. `UPDATE_SNAPSHOTS=1 npm test` rewrites the
 * snapshots — read every changed one before committing it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/compile.js';
import { scan, type ScanResult } from '../../src/engine/run.js';
import { assertNoFindingInCommentOrDocstring, compactFindings, formatSnapshot } from './snapshot.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const casesDir = path.join(repoRoot, 'test/fixtures/scan');
const update = process.env.UPDATE_SNAPSHOTS === '1';

const cases = readdirSync(casesDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test('there are fixture cases', () => {
  assert.ok(cases.length > 20, `found ${cases.length} cases in ${casesDir}`);
});

for (const name of cases) {
  test(`scan fixture: ${name}`, async () => {
    const dir = path.join(casesDir, name);
    const config = await loadConfig(dir);
    const result = await scan({ root: dir, config });
    const findings = compactFindings(dir, result);
    const problems = problemsOf(result);
    const expectedFile = path.join(dir, 'expected.json');
    const problemsFile = path.join(dir, 'problems.json');
    if (update) {
      writeFileSync(expectedFile, formatSnapshot(findings));
      if (problems) writeFileSync(problemsFile, `${JSON.stringify(problems, null, 2)}\n`);
      else rmSync(problemsFile, { force: true });
    }
    assert.ok(existsSync(expectedFile), `${name}: no expected.json (run with UPDATE_SNAPSHOTS=1 and review it)`);
    assert.deepEqual(findings, JSON.parse(readFileSync(expectedFile, 'utf8')), `${name}: findings differ from expected.json`);
    const expectedProblems = existsSync(problemsFile) ? JSON.parse(readFileSync(problemsFile, 'utf8')) : null;
    assert.deepEqual(problems, expectedProblems, `${name}: errors/warnings differ from problems.json`);
    await assertNoFindingInCommentOrDocstring(dir, result.findings);
  });
}

function problemsOf(result: ScanResult): { errors: ScanResult['errors']; warnings: ScanResult['warnings'] } | null {
  if (!result.errors.length && !result.warnings.length) return null;
  return { errors: result.errors, warnings: result.warnings };
}

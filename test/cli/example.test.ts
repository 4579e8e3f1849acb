/**
 * The example monorepo end to end: `ssot scan examples/redis-monorepo --format
 * json` against the committed snapshot test/fixtures/example-scan.json (root
 * and version normalised; UPDATE_SNAPSHOTS=1 rewrites it — review the diff),
 * no finding inside a comment or docstring, and the SARIF output valid under
 * the official SARIF 2.1.0 schema.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/model/finding.js';
import { assertNoFindingInCommentOrDocstring, sourceText } from '../scan/snapshot.js';
import { exampleRoot, repoRoot, runCli, tempDir } from './run.js';
import { sarifValidator } from './sarif.js';

const snapshotFile = path.join(repoRoot, 'test/fixtures/example-scan.json');

interface JsonReport {
  tool: string;
  version: string;
  root: string;
  findings: Finding[];
  summary: { files: number; filesWithFindings: number; byKind: Record<string, number> };
  errors: unknown[];
  warnings: unknown[];
}

let cachedJson: ReturnType<typeof runCli> | undefined;
/** One run of `scan --format json` on the example, shared by the tests below. */
function exampleJson(): ReturnType<typeof runCli> {
  cachedJson ??= runCli(['scan', 'examples/redis-monorepo', '--format', 'json']);
  return cachedJson;
}

/**
 * Root and version vary by machine and release. `fix`/`reason` (the planner's
 * applicability) are left out: the fix tests own them, this snapshot pins what
 * the scan finds.
 */
function normalise(report: JsonReport): JsonReport {
  // `scope` (the enclosing scope, for baselines) is pinned by test/cli/baseline.test.ts
  const findings = report.findings.map(({ fix: _fix, reason: _reason, scope: _scope, ...finding }) => finding) as Finding[];
  return { ...report, root: '<root>', version: '<version>', findings };
}

test('scan --format json of the example matches the committed snapshot', async () => {
  const result = exampleJson();
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const report = JSON.parse(result.stdout) as JsonReport;
  assert.equal(report.root, exampleRoot);
  assert.match(report.version, /^\d+\.\d+\.\d+/);
  const actual = `${JSON.stringify(normalise(report), null, 2)}\n`;
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(snapshotFile, actual);
  assert.ok(existsSync(snapshotFile), 'no snapshot (run with UPDATE_SNAPSHOTS=1 and review it)');
  assert.deepEqual(JSON.parse(actual), JSON.parse(readFileSync(snapshotFile, 'utf8')));

  // the README's account of the example
  assert.deepEqual(report.summary.byKind, { import: 37, usage: 74, 'string-reference': 3 });
  assert.equal(report.summary.files, 76);
  assert.equal(report.summary.filesWithFindings, 33);
  await assertNoFindingInCommentOrDocstring(exampleRoot, report.findings);
  // every import finding points at the imported name (or the module path of `import M`)
  for (const f of report.findings.filter((x) => x.kind === 'import')) {
    const text = sourceText(path.join(exampleRoot, f.file), f);
    const last = f.symbol.split('.').pop()!;
    assert.ok(f.local === '*' ? f.symbol.startsWith(text) : text === last || text === f.symbol, `${f.file}:${f.line}: ${text}`);
  }
});

test('the allowIn files and the compliant file give no findings', () => {
  const report = JSON.parse(exampleJson().stdout) as JsonReport;
  const files = new Set(report.findings.map((f) => f.file));
  for (const clean of [
    'netra_backend/app/redis_manager.py',
    'netra_backend/app/db/redis_manager.py',
    'auth_service/auth_core/redis_manager.py',
    'netra_backend/app/services/already_migrated.py',
    'netra_backend/app/services/instrumented_redis.py',
    'netra_backend/tests/test_websocket_manager_unit.py',
  ]) {
    assert.ok(!files.has(clean), clean);
  }
});

test('scan --format sarif is valid SARIF 2.1.0 (official schema) and carries every finding', () => {
  const validate = sarifValidator();
  const sarif = runCli(['scan', 'examples/redis-monorepo', '--format', 'sarif']);
  assert.equal(sarif.status, 0, sarif.stderr);
  const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[]; columnKind: string }[] };
  const valid = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  const json = JSON.parse(exampleJson().stdout) as JsonReport;
  const run = log.runs[0]!;
  assert.equal(run.columnKind, 'unicodeCodePoints');
  assert.equal(run.results.length, json.findings.length);
  run.results.forEach((r, i) => {
    const f = json.findings[i]!;
    const loc = r.locations[0]!.physicalLocation;
    assert.equal(loc.artifactLocation.uri, f.file);
    assert.deepEqual(loc.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
  });
});

test('SARIF with file problems (errors, warnings) and odd file names is valid too', () => {
  const validate = sarifValidator();
  // files that could not be scanned make the run exit 2; the report is written all the same
  for (const [fixture, status] of [['undecodable-and-binary', 2], ['syntax-error', 0], ['symlinks', 2], ['encodings', 0]] as const) {
    const sarif = runCli(['scan', `test/fixtures/scan/${fixture}`, '--format', 'sarif']);
    assert.equal(sarif.status, status, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as unknown;
    assert.ok(validate(log), `${fixture}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
  }
});

test('SARIF artifact URIs are relative URI references that decode to the file path', () => {
  const validate = sarifValidator();
  const dir = tempDir('sarif-names');
  try {
    const names = ['odd name#1.py', 'q?.py', 'pct%41.py', 'ünï/cödé.py', 'c:drive.py'];
    writeFileSync(path.join(dir, 'ssot.config.yaml'), readFileSync(path.join(repoRoot, 'test/fixtures/scan/from-import/ssot.config.yaml')));
    for (const name of names) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), 'from legacy.client import OldClient\n');
    }
    const sarif = runCli(['scan', dir, '--format', 'sarif']);
    assert.equal(sarif.status, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    const uris = log.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    const base = 'file:///root/';
    assert.deepEqual(uris.map((uri) => decodeURIComponent(new URL(uri, base).pathname.slice('/root/'.length))).sort(), [...names].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check of the example: its boundary lets the canonical module through and reports the other imports between its services', () => {
  const result = runCli(['check', 'examples/redis-monorepo', '--format', 'json']);
  assert.equal(result.status, 1, result.stderr);
  const report = JSON.parse(result.stdout) as JsonReport;
  const scanned = JSON.parse(exampleJson().stdout) as JsonReport;
  // the scan's findings, and the boundary's: two deprecated imports reach into another service today
  assert.deepEqual(report.summary.byKind, { ...scanned.summary.byKind, boundary: 2 });
  assert.deepEqual(
    report.findings.filter((f) => f.kind === 'boundary').map((f) => `${f.file}:${f.line} ${f.rule}: ${f.service} → ${f.symbol}`),
    [
      'auth_service/tests/test_redis_staging_fixes.py:70 services are independent: auth_service → netra_backend.app.db.redis_manager',
      'netra_backend/app/auth_integration/auth.py:22 services are independent: netra_backend → auth_service.auth_core.redis_manager',
    ],
  );
  // the services import the canonical module in many places: allowed, never a finding
  assert.ok(!report.findings.some((f) => f.kind === 'boundary' && f.symbol === 'netra_backend.app.redis_manager'));
});

/**
 * `ssot scan` / `ssot check` end to end: exit codes, the text layout, the JSON
 * contract, filters, --output, colours. Each test spawns the built binary.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { assertOneLineError, mainJs, repoRoot, runCli, tempDir } from './run.js';

const EXAMPLE = 'examples/redis-monorepo';
/** `path:line:col  rule  message`, then the fix applicability in brackets when the planner gave one. */
const FINDING_LINE = /^(\S+\.pyi?):(\d+):(\d+) {2}(\S+) {2}(.+?)(?: \[(safe|unsafe|manual)\])?$/;
/** A grouped line: `  line:col  rule  short message  [fix: reason]` (columns padded within the file). */
const GROUPED_LINE = /^ {2}(\d+):(\d+) +(\S+) {2}(.+?) {2}\[((?:safe|unsafe|manual)(?:: .+)?)\]$/;

test('scan groups findings under their file, says each rule\'s advice once, then the table and a summary (exit 0)', () => {
  const result = runCli(['scan', EXAMPLE]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'analytics_service/analytics_core/__init__.py  analytics_service · phase 2a');
  const findingLines = lines.filter((l) => GROUPED_LINE.test(l));
  assert.equal(findingLines.length, 114);
  assert.equal(lines.filter((l) => /^\S+\.py  /.test(l)).length, 33, 'one header per file');
  // every manual finding carries its reason on its line; the canonical import is never repeated per finding
  for (const line of findingLines) {
    const [, , , rule, message, fix] = GROUPED_LINE.exec(line)!;
    assert.equal(rule, 'redis-ssot');
    assert.doesNotMatch(message!, /netra_backend\.app\.redis_manager import redis_manager/);
    if (fix!.startsWith('manual')) assert.match(fix!, /^manual: \S/);
  }
  assert.equal(result.stdout.split('Use the shared Redis manager').length - 1, 1, 'the rule message is printed once');
  assert.ok(lines.includes('redis-ssot: use `from netra_backend.app.redis_manager import redis_manager`'));
  assert.match(lines.find((l) => l.startsWith('total '))!, /^total +16 +48 +16 +24 +6 +4 +114$/);
  assert.equal(lines.at(-1), '114 findings in 33 files: 62 safe, 10 unsafe, 42 manual — run `ssot fix` to apply the 62 safe fixes');
  assert.doesNotMatch(result.stdout, /\x1b\[/, 'no colour when stdout is not a TTY');
});

test('--format concise prints the service × phase table, one path:line:col line per finding, and a total', () => {
  const result = runCli(['scan', EXAMPLE, '--format', 'concise']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^service \\ phase +1a +1b +2a +2b +3a +3b +total$/);
  assert.match(lines[1]!, /^analytics_service /);
  const totalRow = lines.find((l) => l.startsWith('total '));
  assert.match(totalRow!, /^total +16 +48 +16 +24 +6 +4 +114$/);
  const findingLines = lines.filter((l) => FINDING_LINE.test(l));
  assert.equal(findingLines.length, 114);
  for (const line of findingLines) assert.equal(FINDING_LINE.exec(line)![4], 'redis-ssot');
  const shim = findingLines.find((l) => l.startsWith('netra_backend/app/services/legacy_redis_shim.py:9:12  '));
  assert.equal(
    FINDING_LINE.exec(shim ?? '')?.[5],
    '`RedisManager` uses deprecated `netra_backend.app.db.redis_manager.RedisManager` (call-no-args) — Use the shared Redis manager: `from netra_backend.app.redis_manager import redis_manager` (one connection pool per process; issue #226).',
  );
  assert.equal(lines.at(-1), '114 findings (37 import, 74 usage, 3 string-reference) in 33 of 76 files');
  assert.doesNotMatch(result.stdout, /\x1b\[/, 'no colour when stdout is not a TTY');
});

test('--statistics counts findings by rule, kind, applicability and reason (text and json)', () => {
  const text = runCli(['scan', EXAMPLE, '--statistics']);
  assert.equal(text.status, 0, text.stderr);
  const lines = text.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^count +rule +kind +fix +reason$/);
  assert.match(lines[1]!, /^ +24 +redis-ssot +import +safe$/);
  assert.match(text.stdout, /^ +5 +redis-ssot +usage +manual +attribute of the deprecated class: the canonical instance may not have it$/m);
  const rows = JSON.parse(runCli(['scan', EXAMPLE, '--statistics', '--format', 'json']).stdout) as { count: number; fix: string }[];
  assert.equal(rows.reduce((n, r) => n + r.count, 0), 114);
  assert.equal(rows.filter((r) => r.fix === 'safe').reduce((n, r) => n + r.count, 0), 62);
  assert.match(assertOneLineError(runCli(['scan', EXAMPLE, '--statistics', '--format', 'sarif'])), /^error: --statistics prints text or json, not sarif$/);
});

test('the JSON contract: key order, types, 1-based positions', () => {
  const result = runCli(['scan', EXAMPLE, '--format', 'json']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as Record<string, unknown> & { findings: Record<string, unknown>[]; summary: Record<string, unknown> };
  assert.deepEqual(Object.keys(report), ['tool', 'version', 'root', 'findings', 'summary', 'errors', 'warnings']);
  assert.equal(report.tool, 'ssot');
  assert.equal(report.root, path.join(repoRoot, EXAMPLE));
  assert.deepEqual(Object.keys(report.summary), ['files', 'filesWithFindings', 'byService', 'byPhase', 'byRule', 'byKind']);
  const keys = ['rule', 'kind', 'file', 'line', 'column', 'endLine', 'endColumn', 'symbol', 'local', 'usage', 'service', 'phase', 'parseErrors', 'message'];
  for (const f of report.findings) {
    // the documented keys in order, then the optional fix applicability and its reason, and the enclosing scope
    const extra = Object.keys(f).slice(keys.length);
    assert.deepEqual(Object.keys(f).slice(0, keys.length), keys);
    assert.ok(['', 'fix', 'fix,reason', 'scope', 'fix,scope', 'fix,reason,scope'].includes(extra.join(',')), extra.join(','));
    assert.ok(['import', 'usage', 'string-reference'].includes(f.kind as string));
    for (const k of ['line', 'column', 'endLine', 'endColumn']) assert.ok(Number.isInteger(f[k]) && (f[k] as number) >= 1, `${k} ≥ 1`);
    assert.equal(typeof f.parseErrors, 'boolean');
    assert.ok(!(f.file as string).includes('\\') && !path.isAbsolute(f.file as string));
    assert.equal(f.usage === null, f.kind !== 'usage');
  }
  assert.deepEqual(report.errors, []);
});

test('--phase and --service keep only their files; unknown ids are usage errors', () => {
  const grouping = 'test/fixtures/scan/grouping';
  const phase = JSON.parse(runCli(['scan', grouping, '--format', 'json', '--phase', '2']).stdout) as { findings: { file: string }[]; summary: { files: number } };
  assert.deepEqual(phase.findings.map((f) => f.file), ['lib/other.py']);
  assert.equal(phase.summary.files, 1);
  const service = JSON.parse(runCli(['check', grouping, '--format', 'json', '--service', 'shared']).stdout) as { findings: { file: string }[] };
  assert.deepEqual(service.findings.map((f) => f.file), ['lib/critical.py', 'lib/other.py']);
  assert.match(assertOneLineError(runCli(['scan', EXAMPLE, '--phase', '9z'])), /^error: --phase 9z: no such phase \(known: 1a, 1b, 2a, 2b, 3a, 3b\)$/);
  assert.match(assertOneLineError(runCli(['scan', EXAMPLE, '--service', 'nope'])), /^error: --service nope: no such service/);
});

test('check exits 1 when findings remain, 0 when none; scan exits 0 either way', () => {
  assert.equal(runCli(['check', 'test/fixtures/scan/from-import']).status, 1);
  const clean = runCli(['check', 'test/fixtures/scan/docstrings-and-comments']);
  assert.equal(clean.status, 0, clean.stderr);
  assert.equal(clean.stdout, 'no findings in 1 file\n');
  assert.equal(runCli(['scan', 'test/fixtures/scan/from-import']).status, 0);
});

test('--output writes the report to the file (atomically), not to stdout', () => {
  const dir = tempDir('output');
  try {
    const out = path.join(dir, 'report.md');
    const result = runCli(['check', 'test/fixtures/scan/grouping', '--format', 'markdown', '--output', out]);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^# ssot inventory\n\n4 findings in 4 of 4 files \(4 import\)\./);
    assert.match(text, /\| `lib\/critical.py` \| shared \| 1 \| 1 \| 0 \| 0 \|/);
    assert.match(text, /\| `tools\/t.py` \| \(none\) \| \(none\) \| 1 \| 0 \| 0 \|/);
    const bad = runCli(['scan', 'test/fixtures/scan/from-import', '--output', path.join(dir, 'missing-dir', 'r.txt')]);
    assert.match(assertOneLineError(bad), /^error: .*r\.txt: cannot write output \(ENOENT\)$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('file problems: one line each on stderr, the scan goes on and exits 2; a report file keeps them', () => {
  const result = runCli(['scan', 'test/fixtures/scan/undecodable-and-binary']);
  assert.equal(result.status, 2);
  assert.equal(result.stderr, 'error: binary.py: binary file (NUL byte), skipped\nerror: cp1252.py: not valid UTF-8 (byte 2), skipped\n');
  assert.match(result.stdout, /^good\.py\n {2}1:27 {2}r {2}/m);
  assert.doesNotMatch(result.stdout, /^error:/m);
  const syntax = runCli(['scan', 'test/fixtures/scan/syntax-error', '--format', 'json']);
  assert.equal(syntax.stderr, 'warning: app.py: has syntax errors; scanned what tree-sitter recovered\n');
  const report = JSON.parse(syntax.stdout) as { findings: { parseErrors: boolean }[]; warnings: unknown[] };
  assert.ok(report.findings.length > 0 && report.findings.every((f) => f.parseErrors));
  assert.deepEqual(report.warnings, [{ file: 'app.py', message: 'has syntax errors; scanned what tree-sitter recovered' }]);
  const dir = tempDir('problems');
  try {
    const out = path.join(dir, 'report.txt');
    runCli(['scan', 'test/fixtures/scan/symlinks', '--output', out]);
    assert.match(readFileSync(out, 'utf8'), /^warning: outside\.py: symlink leaves the scanned root, not followed\nerror: broken\.py: broken symlink, skipped$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('colour only on a TTY, and never with NO_COLOR', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pseudo-terminal' }, () => {
  const inTty = (env: Record<string, string | undefined>) => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(mainJs)} scan test/fixtures/scan/from-import`;
    const { NO_COLOR: _drop, ...base } = process.env;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', env: { ...base, TERM: 'xterm', ...env } });
    return result.stdout;
  };
  assert.match(inTty({}), /\x1b\[/, 'colour on a TTY');
  assert.doesNotMatch(inTty({ NO_COLOR: '1' }), /\x1b\[/, 'NO_COLOR turns colour off');
});

test('usage errors exit 2 without a stack trace', () => {
  const badFormat = runCli(['scan', EXAMPLE, '--format', 'xml']);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /^error: option '-f, --format <format>' argument 'xml' is invalid/);
  assert.doesNotMatch(badFormat.stderr, /^\s+at /m);
  assert.match(assertOneLineError(runCli(['scan', 'no/such/dir'])), /^error: no\/such\/dir: no such file or directory$/);
  // a file is checked with the config above it; here there is none
  assert.match(assertOneLineError(runCli(['check', 'package.json'])), /^error: no ssot\.config\.yaml in \. or any directory above it$/);
});

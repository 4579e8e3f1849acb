/**
 * End to end on a copy of examples/redis-monorepo, through the CLI: `ssot fix`
 * (safe fixes) leaves a tree that compiles, has no new ruff F821/F823
 * findings in the changed files, re-scans to manual findings only, does not
 * change on a second `ssot fix`, and still passes the example's own
 * golden-path tests against a real redis-server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { copyToTemp, readTree, REPO, ruffUndefinedNames, type RuffFinding } from './helpers.js';

const CLI = path.join(REPO, 'dist/cli/ssot.cjs');
const EXAMPLE = path.join(REPO, 'examples/redis-monorepo');

function ssot(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A finding's identity without its position (lines move when imports are rewritten). */
const ruffKey = (f: RuffFinding) => `${path.basename(f.filename)} ${f.code} ${f.message}`;

describe('ssot fix on a copy of examples/redis-monorepo', () => {
  let root: string;
  let original: Map<string, Buffer>;
  let changed: string[];
  let ruffBefore: RuffFinding[];

  before(() => {
    root = copyToTemp(EXAMPLE, 'ssot-e2e-');
    original = readTree(root);
    const python = [...original.keys()].filter((rel) => rel.endsWith('.py'));
    ruffBefore = ruffUndefinedNames(root, python);
    const run = ssot(['fix', root]);
    assert.equal(run.status, 0, `ssot fix failed:\n${run.stdout}\n${run.stderr}`);
    const fixed = readTree(root);
    changed = [...fixed].filter(([rel, bytes]) => !original.get(rel)?.equals(bytes)).map(([rel]) => rel);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  test('changes Python files only, and some of them', () => {
    assert.ok(changed.length >= 10, `only ${changed.length} files changed`);
    for (const rel of changed) assert.ok(rel.endsWith('.py'), `${rel} changed`);
    // byte-exact line endings: the CRLF and BOM files keep them
    const fixed = readTree(root);
    for (const rel of changed) {
      const was = original.get(rel)!;
      const now = fixed.get(rel)!;
      assert.equal(was.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), now.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), `${rel}: BOM`);
      assert.equal(was.includes('\r\n'), now.includes('\r\n'), `${rel}: line endings`);
    }
  });

  test('python3 -m compileall passes', () => {
    const result = spawnSync('python3', ['-m', 'compileall', '-q', '.'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });

  test('ruff F821/F823 findings of the changed files do not grow', () => {
    const afterFindings = ruffUndefinedNames(root, changed);
    const beforeKeys = new Set(ruffBefore.filter((f) => changed.includes(path.relative(root, f.filename))).map(ruffKey));
    const added = afterFindings.filter((f) => !beforeKeys.has(ruffKey(f)));
    assert.deepEqual(added.map(ruffKey), []);
  });

  test('a re-scan shows no safe finding: what is left needs a person or --unsafe', () => {
    const scan = ssot(['scan', root, '--format', 'json']);
    assert.equal(scan.status, 0, scan.stderr);
    const findings = (JSON.parse(scan.stdout) as { findings: { file: string; line: number; fix?: string; reason?: string }[] }).findings;
    assert.ok(findings.length > 0, 'the example keeps findings that need a person');
    const safe = findings.filter((f) => f.fix === 'safe');
    assert.deepEqual(safe, []);
    for (const f of findings) assert.ok(f.reason, `${f.file}:${f.line} has no reason`);
  });

  test('a second ssot fix changes nothing', () => {
    const snapshot = readTree(root);
    const run = ssot(['fix', root]);
    assert.equal(run.status, 0, run.stderr);
    const again = readTree(root);
    const differing = [...again].filter(([rel, bytes]) => !snapshot.get(rel)?.equals(bytes)).map(([rel]) => rel);
    assert.deepEqual(differing, []);
  });

  test('the golden-path tests still pass (real redis-server)', () => {
    const result = spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/golden_path'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});

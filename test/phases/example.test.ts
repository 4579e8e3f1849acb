/**
 * The seed story, end to end on a copy of examples/redis-monorepo made into a
 * git repository, with its shipped gates (the golden-path pytest suite against
 * a real redis-server, and pytest on the tests each phase affects, isolating
 * culprits): plan, phase 1A on its own, then 1B…3B in order — every phase
 * done, the files whose fixes break a test held back with the failing test
 * ids, and no test that passed before failing after — verify green, then
 * `rollback --all` back to the original tree, byte for byte.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { git, gitStatus, hashTree, head, REPO, removeRepo, runCli, stateOf, treeDiff } from './helpers.js';

const EXAMPLE = path.join(REPO, 'examples/redis-monorepo');
const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

/** The ids of the tests pytest passes at the root. */
function passingTests(dir: string): Set<string> {
  const run = spawnSync('python3', ['-m', 'pytest', '-q', '-rA', '-p', 'no:cacheprovider'], { cwd: dir, encoding: 'utf8' });
  return new Set([...run.stdout.matchAll(/^PASSED (\S+)/gm)].map((m) => m[1]!));
}

function exampleRepo(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-story-'));
  dirs.push(dir);
  cpSync(EXAMPLE, dir, {
    recursive: true,
    filter: (src) => !/[/\\](__pycache__|\.pytest_cache|\.ruff_cache|\.ssot|\.benchmarks)$/.test(src),
  });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'baseline');
  return dir;
}

describe('the seed story on examples/redis-monorepo', () => {
  it('plan → 1A → 1B…3B in order → verify green → rollback --all back to the original tree', async () => {
    assert.equal(spawnSync('redis-server', ['--version']).status, 0, 'redis-server must be on PATH (npm test runs scripts/pretest.sh)');
    const dir = exampleRepo();
    const original = hashTree(dir);
    const baseline = head(dir);

    const plan = await runCli(['plan', dir]);
    assert.equal(plan.code, 0, plan.stderr);
    for (const phase of ['1a', '1b', '2a', '2b', '3a', '3b']) assert.match(plan.stdout, new RegExp(`^${phase}\\s+\\w+\\s+\\d+\\s+[1-9]\\d*\\s+\\d+\\s+\\d+\\s+golden-path → golden-path, affected-tests\\s+pending$`, 'm'));

    const first = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stderr, /✔ gate golden-path \(before\): passed/);
    assert.match(first.stderr, /✔ gate golden-path \(after\): passed/);
    assert.deepEqual(git(dir, 'diff-tree', '--no-commit-id', '--name-only', '-r', 'HEAD').split('\n').sort(), [
      'netra_backend/app/agents/supervisor/execution_engine.py',
      'netra_backend/app/auth_integration/auth.py',
      'netra_backend/app/routes/websocket.py',
      'netra_backend/app/websocket_core/manager.py',
    ]);

    const passedBefore = passingTests(dir);
    assert.ok(passedBefore.size >= 40, `the example's tests pass before: ${passedBefore.size}`);
    const rest = await runCli(['fix', dir, '--all']);
    assert.equal(rest.code, 0, rest.stderr + rest.stdout);
    const passedAfter = passingTests(dir);
    assert.deepEqual([...passedBefore].filter((t) => !passedAfter.has(t)), [], 'no test that passed before fails now');
    // each file held back is listed with the tests its fixes fail
    const culprits = stateOf(dir).events.flatMap((e) => (e.culprits as { file: string; tests: string[] }[] | undefined) ?? []);
    // (how many depends on how behaviour-safe the fixes are: none held back is fine too)
    for (const c of culprits) {
      assert.ok(c.tests.length > 0, `${c.file}: failing tests named`);
      assert.match(rest.stdout, new RegExp(`${c.file.replace(/[.]/g, '\\.')} — gate affected-tests; failing tests:\\n\\s+${c.tests[0]!.replace(/[.[\]]/g, '\\$&')}`));
    }
    assert.match(rest.stdout, /^1a\s+done earlier/m);
    const subjects = git(dir, 'log', '--reverse', '--format=%s', `${baseline}..HEAD`).split('\n');
    assert.deepEqual(
      subjects.map((s) => s.replace(/:.*/, '')),
      ['ssot(1a)', 'ssot(1b)', 'ssot(2a)', 'ssot(2b)', 'ssot(3a)', 'ssot(3b)'],
    );
    for (const s of subjects) assert.match(s, /^ssot\(\w+\): \d+ fix(es)? in \d+ files? \[redis-ssot\]$/);
    assert.equal(gitStatus(dir).split('\n').filter((l) => l && !l.startsWith('??')).length, 0, 'no tracked change left behind');

    const verified = await runCli(['verify', dir]);
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /^canonical\s+from netra_backend\.app\.redis_manager import redis_manager\s+pass/m);
    assert.match(verified.stdout, /^gate\s+golden-path\s+pass/m);
    assert.match(verified.stdout, /verify: all \d+ checks pass/);

    const rolledBack = await runCli(['rollback', dir, '--all']);
    assert.equal(rolledBack.code, 0, rolledBack.stdout + rolledBack.stderr);
    assert.match(rolledBack.stdout, /rolled back 6 phases \(1a, 1b, 2a, 2b, 3a, 3b\)/);
    assert.match(rolledBack.stdout, /✔ gate golden-path: passed/);
    assert.deepEqual(treeDiff(original, hashTree(dir)), []);
    assert.equal(git(dir, 'diff', baseline, 'HEAD', '--stat'), '');
    assert.equal(git(dir, 'rev-list', '--count', `${baseline}..HEAD`), '12', 'history kept: 6 phase commits and 6 reverts');
    const types = stateOf(dir).events.map((e) => e.type);
    assert.deepEqual(types.filter((t) => t === 'phase-applied').length, 6);
    assert.deepEqual(types.filter((t) => t === 'phase-rolled-back').length, 6);
  });
});

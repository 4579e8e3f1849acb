/**
 * `ssot rollback --phase / --file / --all` end to end: history kept (revert
 * commits), gates re-run, recorded; a conflict leaves nothing half-done.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CLI,
  GIT_ENV,
  filesOf,
  git,
  gitStatus,
  hashTree,
  head,
  makeRepo,
  removeRepo,
  runCli,
  SOURCES,
  stateOf,
  tempFile,
  treeDiff,
  waitFor,
} from './helpers.js';

const repos: string[] = [];
after(() => repos.forEach(removeRepo));

/** One repo with every phase applied (three commits), built once; each test works on a copy (same commits, same state). */
let template: { dir: string; original: Map<string, string>; baseline: string } | undefined;
before(async () => {
  const dir = makeRepo();
  repos.push(dir);
  const original = hashTree(dir);
  const baseline = head(dir);
  const result = await runCli(['fix', dir, '--all']);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  template = { dir, original, baseline };
});

async function migratedRepo(): Promise<{ dir: string; original: Map<string, string>; baseline: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-rollback-'));
  repos.push(dir);
  cpSync(template!.dir, dir, { recursive: true });
  return { ...template!, dir };
}

function phaseCommit(dir: string, phase: string): string {
  const event = stateOf(dir).events.find((e) => e.type === 'phase-applied' && e.phase === phase)!;
  return event.commitAfter as string;
}

describe('ssot rollback', () => {
  it('--phase reverts the phase commit (history kept), re-runs the after gates, and records it', async () => {
    const { dir } = await migratedRepo();
    const top = head(dir);
    const commit1b = phaseCommit(dir, '1b');
    const log = tempFile('gate.log');

    const result = await runCli(['rollback', dir, '--phase', '1b'], { env: { GATE_LOG: log } });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /rolled back phase 1b\n\s+\w{7} undoes \w{7} \(phase 1b\)\n\s+✔ gate imports: passed/);

    assert.equal(git(dir, 'rev-parse', 'HEAD^'), top, 'one revert commit on top');
    assert.deepEqual(filesOf(dir, 'HEAD'), ['auth/c.py']);
    assert.match(git(dir, 'log', '-1', '--format=%B'), new RegExp(`^Revert "ssot\\(1b\\): 2 fixes in 1 file \\[redis\\]"\\n\\nThis reverts commit ${commit1b}`));
    assert.equal(readFileSync(path.join(dir, 'auth/c.py'), 'utf8'), SOURCES['auth/c.py']);
    assert.ok(git(dir, 'log', '--format=%H').split('\n').includes(commit1b), 'the phase commit stays in history');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['rollback -']);
    assert.equal(gitStatus(dir), '');

    const event = stateOf(dir).events.at(-1)!;
    assert.equal(event.type, 'phase-rolled-back');
    assert.deepEqual(event.reverted, [commit1b]);
    const status = await runCli(['status', dir]);
    assert.match(status.stdout, /^1b\s+rolled back/m);
    assert.match(status.stdout, /^1a\s+done \(\w{7}\)/m);

    const again = await runCli(['rollback', dir, '--phase', '1b']);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /phase 1b is rolled back already/);
  });

  it('--file restores one file from before its phase and commits just that', async () => {
    const { dir } = await migratedRepo();
    const fixedB = readFileSync(path.join(dir, 'core/b.py'));
    const result = await runCli(['rollback', dir, '--file', 'core/a.py']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py']);
    assert.match(git(dir, 'log', '-1', '--format=%s'), /^ssot rollback\(1a\): restore core\/a\.py$/);
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), SOURCES['core/a.py']);
    assert.deepEqual(readFileSync(path.join(dir, 'core/b.py')), fixedB, 'the rest of the phase stays');
    const event = stateOf(dir).events.at(-1)!;
    assert.equal(event.type, 'file-rolled-back');
    assert.equal(event.file, 'core/a.py');

    // the phase is still done; verify names the file rolled back by hand instead of failing on it
    const verified = await runCli(['verify', dir]);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /phase 1a\s+pass\s+no fixable finding left; rolled back by hand: core\/a\.py/);
  });

  it('--file keeps later edits near the fixed lines (three-way), and stops on edits of the fixed lines themselves', async () => {
    const { dir } = await migratedRepo();
    const a = path.join(dir, 'core/a.py');
    writeFileSync(a, readFileSync(a, 'utf8').replace('\n\n\ndef ping', '\n\n# helpers\ndef ping'));
    const b = path.join(dir, 'core/b.py');
    writeFileSync(b, readFileSync(b, 'utf8').replace('redis_manager.ping()', 'redis_manager.ping(timeout=1)'));
    git(dir, 'commit', '-qam', 'later edits');
    const result = await runCli(['rollback', dir, '--file', 'core/a.py']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.equal(readFileSync(a, 'utf8'), SOURCES['core/a.py']!.replace('\n\n\ndef ping', '\n\n# helpers\ndef ping'));
    assert.equal(gitStatus(dir), '');

    const top = head(dir);
    const tree = hashTree(dir);
    const conflict = await runCli(['rollback', dir, '--file', 'core/b.py']);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stdout, /rollback of core\/b\.py failed: core\/b\.py changed since phase 1a \(\w{7}\) where its fix was; nothing was changed/);
    assert.equal(head(dir), top);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(gitStatus(dir), '', 'no unmerged entry or conflict marker left');
  });

  it('works when the ssot root is a subdirectory of the repository', async () => {
    const inner = makeRepo({ git: false });
    const outer = mkdtempSync(path.join(os.tmpdir(), 'ssot-outer-'));
    repos.push(inner, outer);
    cpSync(inner, path.join(outer, 'services'), { recursive: true });
    writeFileSync(path.join(outer, 'README'), 'top level\n');
    git(outer, 'init', '-q', '-b', 'main');
    git(outer, 'add', '-A');
    git(outer, 'commit', '-qm', 'baseline');
    const root = path.join(outer, 'services');
    const tree = hashTree(outer);
    assert.equal((await runCli(['fix', root, '--phase', '1a'])).code, 0);
    assert.deepEqual(filesOf(outer, 'HEAD'), ['services/core/a.py', 'services/core/b.py']);
    assert.equal((await runCli(['rollback', 'services', '--file', 'core/b.py'], { cwd: outer })).code, 0);
    assert.deepEqual(filesOf(outer, 'HEAD'), ['services/core/b.py']);
    assert.equal((await runCli(['rollback', root, '--phase', '1a'])).code, 0);
    assert.deepEqual(treeDiff(tree, hashTree(outer)), []);
    assert.equal(gitStatus(outer), '');
  });

  it('--all reverts every phase, newest first, back to the original tree', async () => {
    const { dir, original, baseline } = await migratedRepo();
    const result = await runCli(['rollback', dir, '--all']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /rolled back 3 phases \(1a, 1b, 2\)/);
    const subjects = git(dir, 'log', '--format=%s', `${baseline}..HEAD`).split('\n');
    assert.deepEqual(
      subjects.map((s) => s.replace(/: .*/, '')),
      ['Revert "ssot(1a)', 'Revert "ssot(1b)', 'Revert "ssot(2)', 'ssot(2)', 'ssot(1b)', 'ssot(1a)'],
    );
    assert.deepEqual(treeDiff(original, hashTree(dir)), []);
    assert.equal(git(dir, 'diff', baseline, 'HEAD', '--stat'), '');
    const status = await runCli(['status', dir]);
    assert.match(status.stdout, /0 of 3 phases done; 8 findings remain/);
  });

  it('stops on a conflicting revert with a clear message and nothing half-done', async () => {
    const { dir } = await migratedRepo();
    // someone edits the very lines phase 1a changed, and commits
    const a = path.join(dir, 'core/a.py');
    writeFileSync(a, readFileSync(a, 'utf8').replace('from app.redis import redis_manager', 'from app.redis import redis_manager  # reviewed'));
    git(dir, 'commit', '-qam', 'review');
    const top = head(dir);
    const tree = hashTree(dir);

    const result = await runCli(['rollback', dir, '--all']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /rollback of 3 phases \(1a, 1b, 2\) failed: reverting \w{7} \(phase 1a\) conflicts with later changes in core\/a\.py; nothing was changed/);
    assert.match(result.stdout, /HEAD and every file are as they were before the rollback started/);
    assert.equal(head(dir), top, 'the reverts of 2 and 1b made before the conflict are undone too');
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(gitStatus(dir), '');
    assert.throws(() => git(dir, 'rev-parse', '-q', '--verify', 'REVERT_HEAD'));
    assert.equal(stateOf(dir).events.at(-1)!.type, 'rollback-failed');

    // the file the user did not touch can still be rolled back on its own
    const file = await runCli(['rollback', dir, '--file', 'core/b.py']);
    assert.equal(file.code, 0, file.stderr + file.stdout);
  });

  it('keeps a finished rollback when the gates fail on the rolled-back tree, and exits 1', async () => {
    const { dir } = await migratedRepo();
    const top = head(dir);
    const result = await runCli(['rollback', dir, '--phase', '2'], { env: { FAIL_AT: 'rollback' } });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /rolled back, but gate "imports" fails on the rolled-back tree/);
    assert.match(result.stdout, /│ golden path broken at rollback/);
    assert.equal(git(dir, 'rev-parse', 'HEAD^'), top);
    const event = stateOf(dir).events.at(-1)!;
    assert.equal(event.type, 'phase-rolled-back');
    assert.equal((event.gates as { ok: boolean }[])[0]!.ok, false);
  });

  it('after kill -9 during the rollback gates, `ssot recover` undoes the revert commits too', async () => {
    const { dir } = await migratedRepo();
    const top = head(dir);
    const tree = hashTree(dir);
    const pidFile = tempFile('gate.pgid');
    const child = spawn(process.execPath, [CLI, 'rollback', dir, '--phase', '1a'], {
      env: { ...process.env, ...GIT_ENV, SLOW_AT: 'rollback', GATE_PIDFILE: pidFile },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 90_000, 'the rollback gate to start');
    assert.notEqual(head(dir), top, 'the revert commit exists');
    child.kill('SIGKILL');
    await exited;
    process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');

    const blocked = await runCli(['rollback', dir, '--phase', '1a']);
    assert.equal(blocked.code, 2);
    assert.match(blocked.stderr, /`ssot rollback --phase 1a` was interrupted/);
    const recovered = await runCli(['recover', dir]);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, /HEAD moved back from \w{7} to \w{7} \(commits made by the interrupted run\)/);
    assert.equal(head(dir), top);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(gitStatus(dir), '');
    const status = await runCli(['status', dir]);
    assert.match(status.stdout, /^1a\s+done/m, 'the phase is still done');
  });

  it('refuses a dirty tree and an unknown target (exit 2)', async () => {
    const { dir } = await migratedRepo();
    writeFileSync(path.join(dir, 'core/b.py'), '# edited\n');
    const dirty = await runCli(['rollback', dir, '--phase', '1a']);
    assert.equal(dirty.code, 2);
    assert.match(dirty.stderr, /uncommitted changes to 1 tracked file: core\/b\.py/);
    git(dir, 'checkout', '--', 'core/b.py');
    const none = await runCli(['rollback', dir]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /exactly one of --phase ID, --file PATH, --all/);
    const unknown = await runCli(['rollback', dir, '--file', 'app/redis.py']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /app\/redis\.py: no phase that is done changed this file/);
  });
});

/**
 * `ssot fix --phase / --all` end to end, in temporary git repositories with
 * the real CLI, git and python3 gate: what is committed, what is restored,
 * what is refused, and what survives a kill.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CLI,
  GIT_ENV,
  filesOf,
  git,
  gitStatus,
  hashTree,
  head,
  liveMembersOf,
  makeRepo,
  removeRepo,
  runCli,
  stateOf,
  tempFile,
  treeDiff,
  waitFor,
} from './helpers.js';

const repos: string[] = [];
function repo(options?: Parameters<typeof makeRepo>[0]): string {
  const dir = makeRepo(options);
  repos.push(dir);
  return dir;
}
after(() => repos.forEach(removeRepo));

const BROKEN = 'from legacy.redis import RedisManager\n\nmanager = RedisManager()\nreturn manager\n';

describe('ssot fix --phase', () => {
  it('makes one commit touching only the phase files, records it, and leaves untracked files alone', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
    writeFileSync(path.join(dir, 'core/scratch.py'), 'from legacy.redis import RedisManager\n\nx = RedisManager()\n');
    const before = head(dir);
    const untracked = ['notes.txt', 'core/scratch.py'].map((f) => readFileSync(path.join(dir, f)));

    const result = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(result.code, 0, result.stderr + result.stdout);

    const commit = head(dir);
    assert.equal(git(dir, 'rev-parse', `${commit}^`), before, 'exactly one commit on top');
    assert.deepEqual(filesOf(dir, commit), ['core/a.py', 'core/b.py']);
    const message = git(dir, 'log', '-1', '--format=%B');
    assert.match(message, /^ssot\(1a\): 4 fixes in 2 files \[redis\]\n/);
    assert.match(message, /^- core\/a\.py: 2 fixes$/m);
    assert.match(message, /^Ssot-Phase: 1a$/m);
    assert.match(message, /core\/scratch\.py: not tracked by git/);
    assert.equal(readFileSync(path.join(dir, 'core/a.py'), 'utf8'), 'from app.redis import redis_manager\n\nmanager = redis_manager\n\n\ndef ping():\n    return manager.ping()\n');
    // the user's untracked files: byte for byte, and still untracked; .ssot/ never shows up
    assert.deepEqual(['notes.txt', 'core/scratch.py'].map((f) => readFileSync(path.join(dir, f))), untracked);
    assert.deepEqual(gitStatus(dir).split('\n').sort(), ['?? core/scratch.py', '?? notes.txt']);

    const events = stateOf(dir).events;
    assert.equal(events.length, 1);
    const applied = events[0]!;
    assert.equal(applied.type, 'phase-applied');
    assert.equal(applied.phase, '1a');
    assert.deepEqual(applied.rules, ['redis']);
    assert.equal(applied.commitBefore, before);
    assert.equal(applied.commitAfter, commit);
    assert.deepEqual(applied.files, ['core/a.py', 'core/b.py']);
    assert.deepEqual(applied.counts, { fixes: 4, safe: 4, unsafe: 0, files: 2, refused: 0, skipped: 1, left: 2 });
    assert.deepEqual(
      (applied.gates as { name: string; moment: string; ok: boolean }[]).map((g) => [g.name, g.moment, g.ok]),
      [
        ['imports', 'before', true],
        ['imports', 'after', true],
      ],
    );
    assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')));
  });

  it('restores every file byte for byte and keeps HEAD when an after gate fails', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
    const tree = hashTree(dir);
    const before = head(dir);
    const log = tempFile('gate.log');

    const result = await runCli(['fix', dir, '--phase', '1a'], { env: { FAIL_AT: 'after', GATE_LOG: log } });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /phase 1a failed: gate "imports" fails after the phase; every file was restored/);
    assert.match(result.stdout, /restored 2 files byte for byte; HEAD still at/);
    assert.match(result.stdout, /gate imports \(after\): failed with exit 3 .* last 40 lines/);
    assert.equal(result.stdout.split('\n').filter((l) => l.includes('│')).length, 40, 'the last 40 lines of the gate output');
    assert.match(result.stdout, /│ golden path broken at after/);

    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(head(dir), before);
    assert.equal(gitStatus(dir), '?? notes.txt');
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['before 1a', 'after 1a']);
    const failed = stateOf(dir).events.at(-1)!;
    assert.equal(failed.type, 'phase-failed');
    assert.equal(failed.stage, 'after-gates');
    assert.deepEqual(failed.restored, ['core/a.py', 'core/b.py']);
    assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')));
  });

  it('changes nothing when the baseline (before gate) fails', async () => {
    const dir = repo();
    const tree = hashTree(dir);
    const before = head(dir);
    const log = tempFile('gate.log');
    const result = await runCli(['fix', dir, '--phase', '1a'], { env: { FAIL_AT: 'before', GATE_LOG: log } });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /baseline is red\); nothing was changed/);
    assert.match(result.stdout, /no file was changed; HEAD still at/);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(head(dir), before);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['before 1a']);
    assert.equal(stateOf(dir).events.at(-1)!.stage, 'before-gates');
  });

  it('refuses a dirty tree (exit 2); --allow-dirty leaves the changed file out', async () => {
    const dir = repo();
    const edited = 'from legacy.redis import RedisManager\n\n\ndef connect():\n    return RedisManager().ping()  # mine\n';
    writeFileSync(path.join(dir, 'core/b.py'), edited);
    const tree = hashTree(dir);

    const refused = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(refused.code, 2, refused.stderr + refused.stdout);
    assert.match(refused.stderr, /^error: the work tree has uncommitted changes to 1 tracked file: core\/b\.py$/m);
    assert.match(refused.stderr, /^hint: .*--allow-dirty/m);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);

    const allowed = await runCli(['fix', dir, '--phase', '1a', '--allow-dirty']);
    assert.equal(allowed.code, 0, allowed.stderr + allowed.stdout);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py']);
    assert.equal(readFileSync(path.join(dir, 'core/b.py'), 'utf8'), edited, 'the user edit is untouched');
    assert.match(allowed.stdout, /core\/b\.py: has uncommitted changes/);
    assert.equal(gitStatus(dir), ' M core/b.py');
  });

  it('leaves a file refused by validation untouched and lists it in the summary and the commit body', async () => {
    const dir = repo({ files: { 'core/broken.py': BROKEN } });
    const result = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py', 'core/b.py']);
    assert.equal(readFileSync(path.join(dir, 'core/broken.py'), 'utf8'), BROKEN);
    assert.match(result.stdout, /refused by validation \(left untouched\):\n\s+core\/broken\.py: does not compile/);
    const body = git(dir, 'log', '-1', '--format=%b');
    assert.match(body, /Refused by validation \(left untouched\):\n- core\/broken\.py: does not compile/);
    assert.equal(stateOf(dir).events[0]!.type, 'phase-applied');
  });

  it('--all runs the phases in order, reuses a passing after gate as the next baseline, and stops at the first failure', async () => {
    const dir = repo();
    const log = tempFile('gate.log');
    const start = head(dir);
    const result = await runCli(['fix', dir, '--all'], { env: { FAIL_AT: 'after', FAIL_PHASE: '1b', GATE_LOG: log } });
    assert.equal(result.code, 1);
    assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['before 1a', 'after 1a', 'after 1b']);
    assert.match(result.stderr, /gate imports \(before\): passed \(after 1a\)/);
    assert.equal(git(dir, 'rev-list', '--count', `${start}..HEAD`), '1');
    assert.deepEqual(filesOf(dir, 'HEAD'), ['core/a.py', 'core/b.py']);
    assert.match(result.stdout, /^2\s+not run \(an earlier phase failed\)/m);
    assert.equal(gitStatus(dir), '');

    // the phase that is done is skipped the next time; the rest go through
    const again = await runCli(['fix', dir, '--all'], { env: { GATE_LOG: log } });
    assert.equal(again.code, 0, again.stderr + again.stdout);
    assert.match(again.stdout, /^1a\s+done earlier/m);
    assert.equal(git(dir, 'rev-list', '--count', `${start}..HEAD`), '3');
  });

  it('without --phase: --diff and --dry-run write nothing, plain fix writes every file (outside git too)', async () => {
    const dir = repo({ git: false });
    const tree = hashTree(dir);
    const diff = await runCli(['fix', dir, '--diff']);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^--- a\/core\/a\.py\n\+\+\+ b\/core\/a\.py\n/m);
    assert.match(diff.stdout, /^-from legacy\.redis import RedisManager\n\+from app\.redis import redis_manager$/m);
    const dry = await runCli(['fix', dir, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^files that would be written\s+4$/m);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);

    const fixed = await runCli(['fix', dir]);
    assert.equal(fixed.code, 0, fixed.stderr);
    assert.match(fixed.stdout, /^fixed \(safe\)\s+8$/m);
    assert.match(fixed.stdout, /^files written\s+4$/m);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), ['auth/c.py', 'core/a.py', 'core/b.py', 'tests/test_d.py']);
    const clean = await runCli(['check', dir]);
    assert.equal(clean.code, 0, clean.stdout);
  });

  it('outside git, --phase says why it cannot run (exit 2)', async () => {
    const dir = repo({ git: false });
    const result = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /needs a git work tree/);
    assert.match(result.stderr, /^hint: run `git init/m);
  });
});

describe('interruptions', () => {
  it('after kill -9 mid-phase, every other command stops (exit 2) and `ssot recover` restores the tree', async () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'notes.txt'), 'untracked\n');
    const tree = hashTree(dir);
    const before = head(dir);
    const pidFile = tempFile('gate.pgid');
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1a'], {
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', SLOW_AT: 'after', GATE_PIDFILE: pidFile },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 90_000, 'the after gate to start');
    assert.ok(existsSync(path.join(dir, '.ssot/journal.json')), 'journal on disk while files are changed');
    assert.ok(treeDiff(tree, hashTree(dir)).length > 0, 'files were written');
    child.kill('SIGKILL');
    await exited;
    process.kill(-Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); // the orphaned gate

    for (const args of [['fix', dir, '--phase', '1a'], ['scan', dir]]) {
      const blocked = await runCli(args);
      assert.equal(blocked.code, 2, `${args[0]} must refuse`);
      assert.match(blocked.stderr, /^error: `ssot fix --phase 1a` was interrupted .*2 files may be half-changed/m);
      assert.match(blocked.stderr, /^hint: run `ssot recover .*` to put the tree back/m);
    }
    const status = await runCli(['status', dir]);
    assert.equal(status.code, 0);
    assert.match(status.stdout, /`ssot fix --phase 1a` was interrupted/);

    const recovered = await runCli(['recover', dir]);
    assert.equal(recovered.code, 0, recovered.stderr);
    assert.match(recovered.stdout, /undid the interrupted `ssot fix --phase 1a`/);
    assert.match(recovered.stdout, /restored 2 files byte for byte/);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(head(dir), before);
    assert.equal(gitStatus(dir), '?? notes.txt');
    assert.equal(stateOf(dir).events.at(-1)!.type, 'recovered');

    const nothing = await runCli(['recover', dir]);
    assert.match(nothing.stdout, /nothing to recover/);
    const rerun = await runCli(['fix', dir, '--phase', '1a']);
    assert.equal(rerun.code, 0, rerun.stderr + rerun.stdout);
  });

  it('Ctrl-C during the after gate stops it, restores the tree and exits 130', async () => {
    const dir = repo();
    const tree = hashTree(dir);
    const before = head(dir);
    const pidFile = tempFile('gate.pgid');
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1a'], {
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', SLOW_AT: 'after', GATE_PIDFILE: pidFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').length > 0, 90_000, 'the after gate to start');
    const gateGroup = Number(readFileSync(pidFile, 'utf8'));
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    assert.match(stdout, /phase 1a interrupted: interrupted while the after gates ran; every file was restored/);
    assert.deepEqual(treeDiff(tree, hashTree(dir)), []);
    assert.equal(head(dir), before);
    assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')));
    assert.deepEqual(liveMembersOf(gateGroup), [], 'the whole gate process group is gone');
  });
});

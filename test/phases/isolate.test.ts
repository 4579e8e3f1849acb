/**
 * Culprit isolation end to end, with real git, python3 and pytest: eight
 * modules, each with its own test; the fixes of some of them change what
 * their test asserts (a fresh object per call becomes the shared instance).
 * `ssot fix --phase` finds them, commits the other files, records each with
 * its failing test ids (status and plan list them), skips them on later runs
 * and tries them again with --retry-culprits. The trial bound is reported.
 * A `kill -9` during a trial leaves a tree `ssot recover` puts back byte for
 * byte.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { CLI, filesOf, git, GIT_ENV, gitStatus, hashTree, head, makeRepo, removeRepo, runCli, stateOf, tempFile, treeDiff, waitFor } from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

const MODULES = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8'];

function config(gateExtra = ''): string {
  return `version: 1
language: python
sourceRoots: ["."]
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated: ["from legacy.redis import RedisManager"]
    replaceWith: manager
    allowIn: ["legacy/**"]
phases:
  - { id: "1", include: ["pkg/**"] }
gates:
  - name: unit
    run: "python3 trial_hook.py && python3 -m pytest -q -p no:cacheprovider {affected}"
    when: after
    timeout: 120
    onFailure: isolate
${gateExtra}`;
}

/** Stops the gate of the trial named by $HANG_TRIAL (writes its process group to $HANG_PIDFILE) so a test can kill ssot mid-trial. */
const TRIAL_HOOK = `import os, time
if os.environ.get("HANG_TRIAL") and os.environ.get("HANG_TRIAL") == os.environ.get("SSOT_ISOLATION_TRIAL"):
    with open(os.environ["HANG_PIDFILE"], "w") as f:
        f.write(str(os.getpgid(0)))
    time.sleep(120)
`;

/** A repo where the modules in `culprits` have a test their fix breaks. */
function repo(culprits: readonly string[], gateExtra = ''): string {
  const files: Record<string, string> = { 'ssot.config.yaml': config(gateExtra), 'trial_hook.py': TRIAL_HOOK, 'pkg/__init__.py': '' };
  for (const m of MODULES) {
    files[`pkg/${m}.py`] = 'from legacy.redis import RedisManager\n\n\ndef make():\n    return RedisManager()\n';
    files[`tests/test_${m}.py`] = culprits.includes(m)
      ? `from pkg import ${m}\n\n\ndef test_fresh_per_call():\n    assert ${m}.make() is not ${m}.make()\n\n\ndef test_made():\n    assert ${m}.make() is not None\n`
      : `from pkg import ${m}\n\n\ndef test_made():\n    assert ${m}.make() is not None\n`;
  }
  const dir = makeRepo({ files });
  dirs.push(dir);
  return dir;
}

interface Culprit {
  file: string;
  gate: string;
  tests: string[];
  with: string[];
}

function culpritsOf(dir: string): Culprit[] {
  const applied = stateOf(dir).events.filter((e) => e.type === 'phase-applied');
  return (applied.at(-1)?.culprits as Culprit[] | undefined) ?? [];
}

describe('culprit isolation', () => {
  it('finds one culprit among eight, commits the seven others, lists it with its failing test in status and plan, and skips it later', async () => {
    const dir = repo(['m3']);
    const baseline = head(dir);
    const run = await runCli(['fix', dir, '--phase', '1']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(filesOf(dir, 'HEAD'), MODULES.filter((m) => m !== 'm3').map((m) => `pkg/${m}.py`));
    assert.notEqual(head(dir), baseline);
    assert.match(readFileSync(path.join(dir, 'pkg/m3.py'), 'utf8'), /from legacy\.redis import RedisManager/, 'the culprit is back as it was');
    assert.equal(gitStatus(dir).split('\n').filter((l) => l && !l.startsWith('??')).length, 0);
    const culprits = culpritsOf(dir);
    assert.deepEqual(
      culprits.map((c) => [c.file, c.gate, c.tests, c.with]),
      [['pkg/m3.py', 'unit', ['tests/test_m3.py::test_fresh_per_call'], []]],
    );
    assert.match(run.stdout, /held back 1 file: their fixes make gate unit fail \(isolated in \d+ trials? of at most 12/);
    assert.match(run.stdout, /pkg\/m3\.py — gate unit; failing tests:\n\s+tests\/test_m3\.py::test_fresh_per_call/);

    for (const command of ['status', 'plan']) {
      const shown = await runCli([command, dir]);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /phase 1 holds back 1 file[^\n]*--retry-culprits/, command);
      assert.match(shown.stdout, /pkg\/m3\.py — gate unit; failing tests:\n\s+tests\/test_m3\.py::test_fresh_per_call/, command);
    }

    const again = await runCli(['fix', dir, '--all']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /^1\s+done earlier/m);
    const retried = await runCli(['fix', dir, '--phase', '1', '--retry-culprits']);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.match(retried.stderr, /trial 1\//, 'the culprit is tried again');
    assert.deepEqual(culpritsOf(dir).map((c) => c.file), ['pkg/m3.py'], 'and held back again, its test still failing');
  });

  it('finds two culprits among eight', async () => {
    const dir = repo(['m2', 'm7']);
    const run = await runCli(['fix', dir, '--phase', '1']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(filesOf(dir, 'HEAD'), ['pkg/m1.py', 'pkg/m3.py', 'pkg/m4.py', 'pkg/m5.py', 'pkg/m6.py', 'pkg/m8.py']);
    assert.deepEqual(
      culpritsOf(dir).map((c) => [c.file, c.tests]).sort(),
      [
        ['pkg/m2.py', ['tests/test_m2.py::test_fresh_per_call']],
        ['pkg/m7.py', ['tests/test_m7.py::test_fresh_per_call']],
      ],
    );
    const isolation = stateOf(dir).events.at(-1)!.isolation as { trials: number; boundHit: boolean };
    assert.equal(isolation.boundHit, false);
    assert.ok(isolation.trials <= 12, `${isolation.trials} trials`);
  });

  it('says when the trial bound was hit, and holds back what it could not clear', async () => {
    const dir = repo(['m2', 'm7'], '    maxTrials: 2\n');
    const run = await runCli(['fix', dir, '--phase', '1']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /the isolation hit its bound of 2 trials: \d+ files? held back unresolved/);
    const event = stateOf(dir).events.at(-1)!;
    assert.equal(event.type, 'phase-applied');
    assert.deepEqual(event.isolation, { gate: 'unit', trials: 2, maxTrials: 2, boundHit: true });
    const committed = (event.files as string[]) ?? [];
    assert.ok(!committed.includes('pkg/m2.py') && !committed.includes('pkg/m7.py'), `no culprit committed: ${committed.join(', ')}`);
  });

  it('kill -9 during a trial, then ssot recover: the tree and HEAD as before, byte for byte', async () => {
    const dir = repo(['m3']);
    const original = hashTree(dir);
    const baseline = head(dir);
    const pidfile = tempFile('gate.pid');
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1'], {
      env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', HANG_TRIAL: '1', HANG_PIDFILE: pidfile },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'utf8').length > 0, 60_000, 'trial 1 to start');
    assert.notDeepEqual(treeDiff(original, hashTree(dir)), [], 'a trial holds some fixes');
    child.kill('SIGKILL');
    await exited;
    // the gate's own process group outlives ssot; a real kill -9 of a machine takes it too
    process.kill(-Number(readFileSync(pidfile, 'utf8')), 'SIGKILL');

    const refused = await runCli(['fix', dir, '--phase', '1']);
    assert.notEqual(refused.code, 0, 'an interrupted phase must be recovered first');
    const recovered = await runCli(['recover', dir]);
    assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
    assert.deepEqual(treeDiff(original, hashTree(dir)), []);
    assert.equal(head(dir), baseline);
    assert.equal(git(dir, 'status', '--porcelain', '--untracked-files=no'), '');
  });
});

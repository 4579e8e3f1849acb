/**
 * Phases under people, pipes, branches, hooks and kills (sweep defects 4, 5,
 * 8, 11, 18, 22, 23, 24). Gates are small shell scripts that wait on marker
 * files instead of sleeping, so "edit the file while the after gate runs"
 * happens exactly then, on any machine load.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runGate } from '../../src/phases/gates.js';
import { commitFiles } from '../../src/workspace/git.js';
import { liveMembersOf } from '../phases/helpers.js';
import { assertNoTrace, assertOneLineError, CLI, cleanUp, cli, git, GIT_ENV, gitInit, GOOD, tree, waitFor, type Run } from './helpers.js';

after(cleanUp);

const FIXED = 'from app.shared import shared_client\n\nclient = shared_client\n';

const CONFIG = `version: 1
canonical:
  shared: "from app.shared import shared_client"
rules:
  - id: r
    deprecated: ["from legacy.client import OldClient"]
    replaceWith: shared
phases:
  - { id: "1a", include: ["a/**"] }
gates:
  - { name: g, run: "sh gate.sh", timeout: 60 }
`;

/** Marks each moment it runs at; holds at $HOLD_AT until $MARKS/go exists; fails at $FAIL_AT. */
const GATE_SH = `[ -n "$MARKS" ] && touch "$MARKS/$SSOT_GATE_MOMENT"
if [ -n "$HOLD_AT" ] && [ "$SSOT_GATE_MOMENT" = "$HOLD_AT" ]; then
  i=0; while [ ! -e "$MARKS/go" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done
fi
[ "$SSOT_GATE_MOMENT" = "$FAIL_AT" ] && exit 1
exit 0
`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function repo(name: string, config = CONFIG): { dir: string; marks: string; head: string } {
  const dir = tree(name, { 'a/x.py': GOOD, 'a/y.py': GOOD, 'app/__init__.py': '', 'app/shared.py': 'shared_client = object()\n', 'gate.sh': GATE_SH }, config);
  gitInit(dir);
  const marks = tree(`${name}-marks`, {}, null);
  return { dir, marks, head: git(dir, 'rev-parse', 'HEAD') };
}

/** Starts `ssot fix --phase 1a` that holds in its after gate; resolves (with the run, wrapped: not awaited) once the gate is there. */
async function phaseHeldAfter(dir: string, marks: string, env: Record<string, string> = {}): Promise<{ running: Promise<Run> }> {
  const running = cli(['fix', dir, '--phase', '1a'], { env: { MARKS: marks, HOLD_AT: 'after', ...env } });
  await waitFor(() => existsSync(path.join(marks, 'after')), 60_000, 'the after gate');
  return { running };
}

describe('hand edits while the after gate runs (defects 4, 5)', () => {
  it('defect 4: the gate fails — the edited file is kept as the person left it, ssot\'s version is named, the rest restored', async () => {
    const { dir, marks, head } = repo('edit-fail');
    const { running } = await phaseHeldAfter(dir, marks, { FAIL_AT: 'after' });
    appendFileSync(path.join(dir, 'a/x.py'), '# HAND EDIT\n');
    writeFileSync(path.join(marks, 'go'), '');
    const run = await running;
    assertNoTrace(run);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.equal(readFileSync(path.join(dir, 'a/x.py'), 'utf8'), `${FIXED}# HAND EDIT\n`, `the edit is there, on top of what ssot wrote\n${run.stdout}${run.stderr}`);
    assert.equal(readFileSync(path.join(dir, 'a/y.py'), 'utf8'), GOOD, 'the other file is restored');
    const copy = /a\/x\.py was changed while ssot ran: kept as it is now \(not restored, not committed\); ssot's version is in (\S+)/.exec(run.stdout)?.[1];
    assert.ok(copy, run.stdout);
    assert.equal(readFileSync(path.join(dir, copy), 'utf8'), FIXED);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'status', '--porcelain'), ' M a/x.py');
  });

  it('defect 5: the gate passes — nothing is committed as ssot\'s, the edit stays, the phase says which file', async () => {
    const { dir, marks, head } = repo('edit-pass');
    const { running } = await phaseHeldAfter(dir, marks);
    appendFileSync(path.join(dir, 'a/y.py'), '# HAND EDIT\n');
    writeFileSync(path.join(marks, 'go'), '');
    const run = await running;
    assertNoTrace(run);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /phase 1a failed: 1 file changed while the phase ran \(a\/y\.py\); kept as changed, nothing committed/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head, 'no commit');
    assert.equal(readFileSync(path.join(dir, 'a/y.py'), 'utf8'), `${FIXED}# HAND EDIT\n`);
    assert.equal(readFileSync(path.join(dir, 'a/x.py'), 'utf8'), GOOD);
  });
});

describe('branches (defect 8)', () => {
  it('a phase committed on a detached HEAD warns, is not in force after switching back, and rollback works after a rerun', async () => {
    const { dir } = repo('detached');
    git(dir, 'checkout', '-q', '--detach');
    const detached = await cli(['fix', dir, '--phase', '1a']);
    assert.equal(detached.code, 0, detached.stderr);
    assert.match(detached.stdout, /warning: committed on a detached HEAD/);
    const away = git(dir, 'rev-parse', '--short', 'HEAD');
    git(dir, 'checkout', '-q', 'main');
    const status = await cli(['status', dir]);
    assert.match(status.stdout, new RegExp(`1a +pending \\(done in ${away}, which HEAD does not contain\\)`));
    const again = await cli(['fix', dir, '--phase', '1a']);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /detached/);
    const rollback = await cli(['rollback', dir, '--phase', '1a']);
    assertNoTrace(rollback);
    assert.equal(rollback.code, 0, rollback.stdout + rollback.stderr);
    assert.equal(readFileSync(path.join(dir, 'a/x.py'), 'utf8'), GOOD);
  });
});

describe('late refusals are early now (defects 23, 24), and hooks (defect 22)', () => {
  it('defect 23: a corrupt state file stops the phase before any gate runs', async () => {
    const { dir, marks } = repo('corrupt-state');
    mkdirSync(path.join(dir, '.ssot'));
    writeFileSync(path.join(dir, '.ssot/.gitignore'), '*\n');
    writeFileSync(path.join(dir, '.ssot/state.json'), '{bad');
    const run = await cli(['fix', dir, '--phase', '1a'], { env: { MARKS: marks } });
    assert.match(assertOneLineError(run), /\.ssot\/state\.json: unreadable ssot state/);
    assert.ok(!existsSync(path.join(marks, 'before')), 'no gate ran');
  });

  it('defect 24: a merge in progress and a missing committer identity stop the phase before any gate runs', async () => {
    const { dir, marks } = repo('merge');
    git(dir, 'checkout', '-q', '-b', 'side');
    writeFileSync(path.join(dir, 'side.txt'), 'side\n');
    git(dir, 'add', 'side.txt');
    git(dir, 'commit', '-q', '-m', 'side');
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'merge', '-q', '--no-commit', '--no-ff', 'side');
    const merging = await cli(['fix', dir, '--phase', '1a', '--allow-dirty'], { env: { MARKS: marks } });
    assert.match(assertOneLineError(merging), /a merge is in progress in this repository/);
    assert.ok(!existsSync(path.join(marks, 'before')));
    git(dir, 'merge', '--abort');

    git(dir, 'config', 'user.useConfigOnly', 'true');
    const nobody = { GIT_AUTHOR_NAME: '', GIT_AUTHOR_EMAIL: '', GIT_COMMITTER_NAME: '', GIT_COMMITTER_EMAIL: '', GIT_CONFIG_GLOBAL: '/dev/null', MARKS: marks };
    const anonymous = await cli(['fix', dir, '--phase', '1a'], { env: nobody });
    assert.match(assertOneLineError(anonymous), /git has no committer identity here/);
    assert.ok(!existsSync(path.join(marks, 'before')));
  });

  it('defect 22: a commit-msg hook that refuses silently still gets a reason; the tree is restored', async () => {
    const { dir, head } = repo('hook-silent');
    writeFileSync(path.join(dir, '.git/hooks/commit-msg'), '#!/bin/sh\nexit 1\n');
    chmodSync(path.join(dir, '.git/hooks/commit-msg'), 0o755);
    const run = await cli(['fix', dir, '--phase', '1a']);
    assertNoTrace(run);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /git commit failed: a git hook \(pre-commit, commit-msg\) refused the commit without saying why/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('defect 22: a post-commit hook that hangs is stopped by SIGTERM, and the phase is undone', async () => {
    const { dir, marks, head } = repo('hook-hang');
    writeFileSync(path.join(dir, '.git/hooks/post-commit'), `#!/bin/sh\ntouch "${marks}/hook"\nexec sleep 600\n`);
    chmodSync(path.join(dir, '.git/hooks/post-commit'), 0o755);
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1a'], { env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(() => existsSync(path.join(marks, 'hook')), 60_000, 'the post-commit hook');
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    assert.equal(await closed, 130);
    assert.ok(Date.now() - stoppedAt < 20_000, 'not the hook\'s 600 s');
    assert.match(stdout, /phase 1a interrupted: interrupted while git committed/);
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head, 'the commit the hook sat on is undone');
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });

  it('defect 22: a hook that hangs past the commit timeout is stopped with its process group, and the commit fails saying why', { timeout: 30_000 }, async () => {
    const { dir, marks, head } = repo('hook-timeout');
    writeFileSync(path.join(dir, '.git/hooks/pre-commit'), `#!/bin/sh\necho $$ > "${marks}/hook.pid"\nexec sleep 600\n`);
    chmodSync(path.join(dir, '.git/hooks/pre-commit'), 0o755);
    for (const [k, v] of Object.entries({ 'user.name': 'ssot test', 'user.email': 'ssot@test.invalid' })) git(dir, 'config', k, v);
    appendFileSync(path.join(dir, 'a/x.py'), 'x = 1\n');
    const result = await commitFiles(dir, ['a/x.py'], 'msg', { timeoutMs: 1000 });
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.output, /^git commit timed out after 1s \(a hook that hangs\?\)/);
    const pid = Number(readFileSync(path.join(marks, 'hook.pid'), 'utf8'));
    await waitFor(() => !alive(pid), 10_000, 'the hook to be ended');
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
  });
});

describe('pipes and gate processes (defects 11, 18)', () => {
  it('defect 11: a reader that goes away (| head) does not interrupt the phase: it commits, no journal is left', async () => {
    const { dir, head } = repo('epipe');
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1a'], { env: { ...process.env, ...GIT_ENV, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // like `2>&1 | head -1`: both ends closed after the first line
    child.stderr.once('data', () => {
      child.stdout.destroy();
      child.stderr.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0);
    assert.notEqual(git(dir, 'rev-parse', 'HEAD'), head, 'the phase committed');
    assert.match(git(dir, 'log', '-1', '--format=%s'), /^ssot\(1a\): 4 fixes in 2 files/);
    assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')));
    assert.equal(git(dir, 'status', '--porcelain'), '');

    const scan = spawn(process.execPath, [CLI, 'scan', dir, '--format', 'json', '--no-cache'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    scan.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    scan.stdout.once('data', () => scan.stdout.destroy());
    assert.equal(await new Promise((resolve) => scan.on('close', resolve)), 0);
    assert.equal(stderr, '', 'no EPIPE trace');
  });

  it('defect 18: a gate whose group ignores SIGTERM gets SIGKILL after the grace period, and the report says so', async () => {
    const root = tree('gate-term', {}, null);
    const pidFile = path.join(root, 'pgid');
    const result = await runGate(root, { name: 'stubborn', run: `echo $$ > ${pidFile}; sh -c "trap '' TERM; sleep 1000"`, timeout: 0.3, when: 'both' }, { moment: 'after' });
    assert.equal(result.timedOut, true);
    assert.match(result.tail.at(-1)!, /timed out after 0\.3s; its process group was sent SIGTERM, then SIGKILL after 3s \(something in it ignored SIGTERM\)$/);
    const pgid = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => liveMembersOf(pgid).length === 0, 3000, 'the group to be gone');
  });

  it('defect 18: a gate left running by a kill -9 of ssot is ended by `ssot recover`, which says so', async () => {
    const { dir, marks, head } = repo('orphan');
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--phase', '1a'], { env: { ...process.env, ...GIT_ENV, MARKS: marks, HOLD_AT: 'after' }, stdio: 'ignore' });
    await waitFor(() => existsSync(path.join(marks, 'after')), 60_000, 'the after gate');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('close', resolve));
    const record = readFileSync(path.join(dir, '.ssot/gates', readdirSync(path.join(dir, '.ssot/gates'))[0]!), 'utf8');
    const pgid = (JSON.parse(record) as { pgid: number }).pgid;
    assert.ok(liveMembersOf(pgid).length > 0, 'the orphaned gate still runs');
    const recover = await cli(['recover', dir]);
    assertNoTrace(recover);
    assert.equal(recover.code, 0, recover.stderr);
    assert.match(recover.stdout, new RegExp(`ended gate "g" \\(process group ${pgid}\\), left running by ssot pid \\d+`));
    assert.match(recover.stderr, /warning: took over the lock left by `ssot fix --phase 1a`/);
    await waitFor(() => liveMembersOf(pgid).length === 0, 3000, 'the orphan to be gone');
    assert.equal(git(dir, 'rev-parse', 'HEAD'), head);
    assert.equal(git(dir, 'status', '--porcelain'), '');
  });
});

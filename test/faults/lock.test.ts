/**
 * One writer per tree (sweep defects 3 and 12). The lock itself is hammered
 * by real processes that hold it in turn and log when they enter and leave
 * (any overlap fails), including a crowd that all find the same stale lock;
 * then real `fix --phase` runs on two phases started together, repeated:
 * never a half-applied phase, never an internal error, the loser exits 2
 * naming the holder.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { acquireTreeLock, lockPath } from '../../src/workspace/lock.js';
import { UserError } from '../../src/model/errors.js';
import { assertNoTrace, cleanUp, cli, git, gitInit, GOOD, REPO, tree } from './helpers.js';

after(cleanUp);

const LOCK_MODULE = pathToFileURL(path.join(REPO, 'dist/src/workspace/lock.js')).href;

/** A child that takes the lock `rounds` times (retrying while it is held), logging enter/leave around a short hold. */
function contender(root: string, log: string, rounds: number): Promise<number | null> {
  const script = `
    const { acquireTreeLock } = await import(${JSON.stringify(LOCK_MODULE)});
    const { appendFileSync } = await import('node:fs');
    const wait = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    for (let done = 0; done < ${rounds}; ) {
      let lock;
      try { lock = acquireTreeLock(${JSON.stringify(root)}, 'test ' + process.pid); } catch (e) { if (e.name !== 'UserError') throw e; wait(2); continue; }
      appendFileSync(${JSON.stringify(log)}, 'enter ' + process.pid + '\\n');
      wait(3);
      appendFileSync(${JSON.stringify(log)}, 'leave ' + process.pid + '\\n');
      lock.release();
      done++;
    }`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', resolve);
  });
}

/** Fails when two holders were ever inside at once. */
function assertExclusive(log: string, expectedEntries: number): void {
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  let inside: string | null = null;
  let entries = 0;
  for (const line of lines) {
    const [what, pid] = line.split(' ');
    if (what === 'enter') {
      assert.equal(inside, null, `${pid} entered while ${inside} held the lock`);
      inside = pid!;
      entries++;
    } else {
      assert.equal(inside, pid, `${pid} left without holding`);
      inside = null;
    }
  }
  assert.equal(entries, expectedEntries);
}

describe('the tree lock', () => {
  it('is exclusive across processes: 4 processes × 15 turns, never two inside', async () => {
    const root = tree('lock-hammer', {}, null);
    const log = path.join(root, 'log');
    writeFileSync(log, '');
    const codes = await Promise.all([1, 2, 3, 4].map(() => contender(root, log, 15)));
    assert.deepEqual(codes, [0, 0, 0, 0]);
    assertExclusive(log, 60);
    assert.ok(!existsSync(lockPath(root)), 'released');
  });

  it('a stale lock (its pid is gone) is taken over exactly once, even by a crowd that finds it together', async () => {
    for (let repeat = 0; repeat < 3; repeat++) {
      const root = tree('lock-stale', {}, null);
      const log = path.join(root, 'log');
      writeFileSync(log, '');
      mkdirSync(path.join(root, '.ssot'));
      // a lock left by a kill -9: a pid that does not run
      writeFileSync(lockPath(root), `${JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'ssot fix --phase 1a', startedAt: '2026-01-01T00:00:00Z' })}\n`);
      const codes = await Promise.all([1, 2, 3, 4, 5].map(() => contender(root, log, 3)));
      assert.deepEqual(codes, [0, 0, 0, 0, 0]);
      assertExclusive(log, 15);
    }
  });

  it('says who holds it, and is taken again by its own process (nested use)', () => {
    const root = tree('lock-held', {}, null);
    const outer = acquireTreeLock(root, 'ssot fix --phase 1a');
    const inner = acquireTreeLock(root, 'ssot fix --phase 1a');
    inner.release();
    assert.ok(existsSync(lockPath(root)), 'the outer hold stays');
    // another process's live lock: this process's parent pid stands in for it
    outer.release();
    assert.ok(!existsSync(path.join(root, '.ssot')), 'a lock alone leaves no .ssot/ behind');
    mkdirSync(path.dirname(lockPath(root)));
    writeFileSync(lockPath(root), `${JSON.stringify({ pid: process.ppid, host: hostname(), command: 'ssot rollback --all', startedAt: 'T' })}\n`);
    assert.throws(
      () => acquireTreeLock(root, 'ssot fix'),
      (e: unknown) => e instanceof UserError && /^`ssot rollback --all` is running in .* \(pid \d+, since T\); one ssot command writes a tree at a time$/.test(e.message) && /delete .*\.ssot\/lock/.test(e.hint ?? ''),
    );
  });

  it('leaves .ssot/ as it found it: removed when the lock made it for nothing else, kept when it held state', async () => {
    const bare = tree('lock-bare', { 'a.py': GOOD });
    assert.equal((await cli(['fix', bare])).code, 0);
    assert.ok(!existsSync(path.join(bare, '.ssot')), 'an unphased fix leaves no .ssot/ in a tree that had none');
    const kept = tree('lock-kept', {}, null);
    mkdirSync(path.join(kept, '.ssot'));
    writeFileSync(path.join(kept, '.ssot/state.json'), '{}');
    acquireTreeLock(kept, 'ssot fix').release();
    assert.ok(existsSync(path.join(kept, '.ssot/state.json')) && !existsSync(lockPath(kept)));
  });
});

const PHASES_CONFIG = `version: 1
canonical:
  shared: "from app.shared import shared_client"
rules:
  - id: r
    deprecated: ["from legacy.client import OldClient"]
    replaceWith: shared
phases:
  - { id: "1a", include: ["a/**"] }
  - { id: "1b", include: ["b/**"] }
gates:
  - { name: g, run: "sleep 0.2" }
`;

describe('two phases started together (defects 3, 12)', () => {
  it('never leave a phase half applied; one runs, the other exits 2 naming it (4 repeats)', async () => {
    for (let repeat = 0; repeat < 4; repeat++) {
      const dir = tree('race', { 'a/x.py': GOOD, 'a/y.py': GOOD, 'b/z.py': GOOD, 'app/shared.py': 'shared_client = object()\n' }, PHASES_CONFIG);
      gitInit(dir);
      const [one, two] = await Promise.all([cli(['fix', dir, '--phase', '1a']), cli(['fix', dir, '--phase', '1b'])]);
      for (const run of [one, two]) {
        assertNoTrace(run);
        assert.ok(run.code === 0 || run.code === 2, `exit ${run.code}: ${run.stderr}`);
        if (run.code === 2) assert.match(run.stderr, /^error: `ssot fix --phase 1[ab]` is (running|in progress) in /m);
      }
      assert.ok(one.code === 0 || two.code === 0, 'one of them ran');
      // consistent: clean tree, no journal, no lock; each phase either committed or untouched
      assert.equal(git(dir, 'status', '--porcelain'), '', 'no half-applied phase');
      assert.ok(!existsSync(path.join(dir, '.ssot/journal.json')) && !existsSync(path.join(dir, '.ssot/lock')));
      const subjects = git(dir, 'log', '--format=%s').split('\n');
      assert.equal(subjects.filter((s) => s.startsWith('ssot(')).length, [one, two].filter((r) => r.code === 0).length);
    }
  });
});

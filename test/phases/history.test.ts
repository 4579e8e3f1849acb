/**
 * The phase history lives in git (commit trailers + refs/notes/ssot): a clone
 * sees what the original sees and can roll back; `.ssot/` can go; another
 * branch's phases are not this branch's; a plain `git revert` counts; an old
 * `.ssot/state.json` is moved into the notes once; two clones' notes merge.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, gitStatus, head, makeRepo, removeRepo, runCli, SOURCES, stateOf } from './helpers.js';

const dirs: string[] = [];
after(() => dirs.forEach(removeRepo));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ssot-${prefix}-`));
  dirs.push(dir);
  return dir;
}

interface StatusJson {
  phases: { id: string; state: { status: string; applications: { commitAfter: string | null; event: { counts: { fixes: number }; gates: unknown[] } }[] } }[];
  history: { commits: number; withoutRecord: string[]; unreadable: number };
}

async function status(dir: string): Promise<StatusJson> {
  const result = await runCli(['status', dir, '--format', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as StatusJson;
}

/** What two clones must agree on: each phase's state and the commits in force. */
function summary(s: StatusJson): string[] {
  return s.phases.map((p) => `${p.id} ${p.state.status} ${p.state.applications.map((a) => a.commitAfter ?? '-').join(',')}`);
}

/** A repository with phases 1a and 1b applied, pushed with its notes to a bare remote. */
let origin: { work: string; bare: string; statusBefore: StatusJson } | undefined;
before(async () => {
  const work = makeRepo();
  dirs.push(work);
  for (const phase of ['1a', '1b']) {
    const result = await runCli(['fix', work, '--phase', phase]);
    assert.equal(result.code, 0, result.stderr + result.stdout);
  }
  const bare = tempDir('bare');
  git(bare, 'init', '-q', '--bare', '-b', 'main');
  git(work, 'remote', 'add', 'origin', bare);
  git(work, 'push', '-q', 'origin', 'main', 'refs/notes/ssot');
  origin = { work, bare, statusBefore: await status(work) };
});

/** Gate durations differ from run to run. */
function stripTimes(text: string): string {
  return text.replace(/\d+(\.\d+)?\s?m?s\b/g, 'T');
}

function cloneOf(bare: string): string {
  const parent = tempDir('clone');
  git(parent, 'clone', '-q', bare, 'repo');
  return path.join(parent, 'repo');
}

describe('phase history in git', () => {
  it('keeps nothing the history needs in .ssot/: the records are in refs/notes/ssot', async () => {
    const { work, statusBefore } = origin!;
    assert.deepEqual(summary(statusBefore), [`1a done ${git(work, 'rev-parse', 'HEAD^')}`, `1b done ${head(work)}`, '2 pending ']);
    assert.deepEqual(statusBefore.history.withoutRecord, []);
    assert.ok(!existsSync(path.join(work, '.ssot/state.json')));
    const note = git(work, 'notes', '--ref=ssot', 'show', 'HEAD');
    assert.equal(JSON.parse(note.split('\n')[0]!).type, 'phase-applied');
    assert.match(git(work, 'log', '-1', '--format=%B'), /^Ssot-Counts: fixes=2 safe=2 unsafe=0 files=1 refused=0 skipped=0 left=0$/m);

    rmSync(path.join(work, '.ssot'), { recursive: true, force: true });
    const again = await status(work);
    assert.deepEqual(summary(again), summary(statusBefore));
    assert.deepEqual(again.phases[0]!.state.applications[0]!.event.gates, statusBefore.phases[0]!.state.applications[0]!.event.gates, 'gate records too');
  });

  it('a fresh clone without the notes sees the phases from the trailers, says what it lacks, and can roll back', async () => {
    const { bare, statusBefore } = origin!;
    const clone = cloneOf(bare);
    assert.throws(() => git(clone, 'rev-parse', '-q', '--verify', 'refs/notes/ssot'), 'git clone does not fetch notes');
    const s = await status(clone);
    assert.deepEqual(summary(s), summary(statusBefore));
    assert.equal(s.history.withoutRecord.length, 2);
    assert.equal(s.phases[1]!.state.applications[0]!.event.counts.fixes, 2, 'counts from the Ssot-Counts trailer');
    const text = await runCli(['status', clone]);
    assert.match(text.stdout, /2 ssot commits of 2 have no record in refs\/notes\/ssot here/);
    assert.match(text.stdout, /git fetch origin refs\/notes\/ssot:refs\/notes\/ssot/);

    const rolled = await runCli(['rollback', clone, '--phase', '1b']);
    assert.equal(rolled.code, 0, rolled.stderr + rolled.stdout);
    assert.equal(readFileSync(path.join(clone, 'auth/c.py'), 'utf8'), SOURCES['auth/c.py']);
    assert.match(git(clone, 'log', '-1', '--format=%B'), new RegExp(`^Ssot-Reverts: ${statusBefore.phases[1]!.state.applications[0]!.commitAfter}$`, 'm'));
    const [a, b] = statusBefore.phases.slice(0, 2).map((p) => p.state.applications[0]!.commitAfter);
    assert.deepEqual(summary(await status(clone)).slice(0, 2), [`1a done ${a}`, `1b rolled-back ${b}`]);
    assert.equal(gitStatus(clone), '');
  });

  it('a clone that fetched the notes sees the same status, records included, and rolls back', async () => {
    const { bare, statusBefore } = origin!;
    const clone = cloneOf(bare);
    git(clone, 'fetch', '-q', 'origin', 'refs/notes/ssot:refs/notes/ssot');
    const s = await status(clone);
    assert.deepEqual(summary(s), summary(statusBefore));
    assert.deepEqual(s.history.withoutRecord, []);
    assert.deepEqual(s.phases.map((p) => p.state.applications.map((a) => a.event)), statusBefore.phases.map((p) => p.state.applications.map((a) => a.event)));
    // plan and verify read the same history: the same output as in the original
    for (const command of ['plan', 'verify']) {
      const [here, there] = await Promise.all([runCli([command, clone]), runCli([command, origin!.work])]);
      assert.equal(here.code, there.code, `${command}: ${here.stderr}`);
      assert.equal(stripTimes(here.stdout), stripTimes(there.stdout), command);
    }
    const rolled = await runCli(['rollback', clone, '--phase', '1a']);
    assert.equal(rolled.code, 0, rolled.stderr + rolled.stdout);
    assert.equal((await status(clone)).phases[0]!.state.status, 'rolled-back');
  });

  it("another branch's phase does not count on this one; a plain `git revert` of a phase commit rolls it back", async () => {
    const { bare } = origin!;
    const clone = cloneOf(bare);
    git(clone, 'checkout', '-q', '-b', 'side');
    const onSide = await runCli(['fix', clone, '--phase', '2']);
    assert.equal(onSide.code, 0, onSide.stderr + onSide.stdout);
    assert.equal((await status(clone)).phases[2]!.state.status, 'done');
    git(clone, 'checkout', '-q', 'main');
    assert.equal((await status(clone)).phases[2]!.state.status, 'pending', 'the phase commit is on `side` only');

    git(clone, 'revert', '--no-edit', 'HEAD');
    const s = await status(clone);
    assert.equal(s.phases[1]!.state.status, 'rolled-back');
    assert.equal(s.phases[0]!.state.status, 'done');
  });

  it('moves an old .ssot/state.json into the notes once, with a message, and reads the same history', async () => {
    const dir = cloneOf(origin!.bare);
    git(dir, 'fetch', '-q', 'origin', 'refs/notes/ssot:refs/notes/ssot');
    const before = summary(await status(dir));
    // the log an older ssot kept: the same events, in a local file, and no notes
    const events = stateOf(dir).events;
    git(dir, 'update-ref', '-d', 'refs/notes/ssot');
    const ssotDir = path.join(dir, '.ssot');
    mkdirSync(ssotDir, { recursive: true });
    writeFileSync(path.join(ssotDir, 'state.json'), `${JSON.stringify({ version: 1, events }, null, 2)}\n`);

    const migrated = await runCli(['status', dir]);
    assert.equal(migrated.code, 0, migrated.stderr);
    assert.match(migrated.stderr, /^ssot: moved 2 records from \.ssot\/state\.json into git notes \(refs\/notes\/ssot\); the old file is kept as \.ssot\/state\.json\.migrated$/m);
    assert.ok(!existsSync(path.join(ssotDir, 'state.json')));
    assert.ok(existsSync(path.join(ssotDir, 'state.json.migrated')));
    assert.deepEqual(summary(await status(dir)), before);
    assert.deepEqual((await status(dir)).history.withoutRecord, []);
    const second = await runCli(['status', dir]);
    assert.doesNotMatch(second.stderr, /moved/, 'once');
  });

  it("two clones' records merge without conflict (git notes merge -s cat_sort_uniq)", async () => {
    const { bare } = origin!;
    const a = cloneOf(bare);
    const b = cloneOf(bare);
    for (const clone of [a, b]) git(clone, 'fetch', '-q', 'origin', 'refs/notes/ssot:refs/notes/ssot');
    // both record a verify run on the same commit
    for (const clone of [a, b]) assert.equal((await runCli(['verify', clone])).code, 0);
    git(a, 'push', '-q', 'origin', 'refs/notes/ssot');
    git(b, 'fetch', '-q', 'origin', 'refs/notes/ssot:refs/notes/ssot-origin');
    git(b, 'notes', '--ref=ssot', 'merge', '-q', '-s', 'cat_sort_uniq', 'refs/notes/ssot-origin');
    const verified = stateOf(b).events.filter((e) => e.type === 'verified');
    assert.equal(verified.length, 2, 'both verify runs are kept');
    const s = await status(b);
    assert.equal(s.history.unreadable, 0);
    assert.deepEqual(summary(s), summary(origin!.statusBefore));
  });
});

/**
 * Gates run with real `sh`: output tail, cwd and env, timeouts and interrupts
 * that take the whole process group down, and a gate that leaves a background
 * process behind. Plus the pure derivation of phase states from the log.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../../src/model/errors.js';
import { checkGates, expandPlaceholders, gatesFor, runGate, shellQuote } from '../../src/phases/gates.js';
import { phaseStates, type PhaseAppliedEvent, type StateEvent } from '../../src/phases/state.js';
import { waitFor } from './helpers.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'ssot-gates-'));
mkdirSync(path.join(root, 'sub'));
after(() => rmSync(root, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

describe('runGate', () => {
  it('runs the command line with sh -c in cwd with env, and keeps the last 40 lines of stdout and stderr', async () => {
    const result = await runGate(
      root,
      { name: 'g', run: 'pwd; echo "$GREETING"; for i in $(seq 1 50); do echo "line $i"; done; echo oops >&2; exit 4', cwd: 'sub', env: { GREETING: 'hi' }, when: 'both' },
      { moment: 'after', phase: '1a' },
    );
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 4);
    assert.equal(result.tail.length, 40);
    assert.equal(result.tail.at(-1), 'oops');
    assert.equal(result.tail[0], 'line 12');
    const full = await runGate(root, { name: 'g', run: 'pwd; echo "$GREETING"', cwd: 'sub', env: { GREETING: 'hi' }, when: 'both' }, { moment: 'after' });
    assert.deepEqual(full.tail, [path.join(root, 'sub'), 'hi']);
    assert.equal(full.ok, true);
  });

  it('passes context through the environment, never into the command line', async () => {
    const phase = '$(touch pwned); `touch pwned2`';
    const result = await runGate(root, { name: 'g', run: 'printf "%s|%s" "$SSOT_PHASE" "$SSOT_GATE_MOMENT"', when: 'both' }, { moment: 'before', phase });
    assert.deepEqual(result.tail, [`${phase}|before`]);
    assert.ok(!existsSync(path.join(root, 'pwned')) && !existsSync(path.join(root, 'pwned2')));
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const pidFile = path.join(root, 'grandchild.pid');
    const started = Date.now();
    const result = await runGate(root, { name: 'slow', run: `sleep 30 & echo $! > ${pidFile}; sleep 30`, timeout: 0.5, when: 'both' }, { moment: 'after' });
    assert.ok(Date.now() - started < 5000, 'does not wait for the sleeps');
    assert.equal(result.ok, false);
    assert.equal(result.timedOut, true);
    assert.match(result.tail.at(-1)!, /timed out after 0.5s; its process group was sent SIGTERM$/);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(grandchild), 2000, 'the grandchild to die');
  });

  it('stops at once when aborted (Ctrl-C), marking the result interrupted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await runGate(root, { name: 'slow', run: 'sleep 30', when: 'both' }, { moment: 'after', signal: controller.signal });
    assert.ok(Date.now() - started < 4000);
    assert.equal(result.interrupted, true);
    assert.equal(result.ok, false);
  });

  it('does not hang on a background process that keeps the output pipe open, and cleans it up', async () => {
    const pidFile = path.join(root, 'daemon.pid');
    const started = Date.now();
    const result = await runGate(root, { name: 'leaves', run: `sleep 30 & echo $! > ${pidFile}; echo done`, when: 'both' }, { moment: 'after' });
    assert.ok(Date.now() - started < 4000);
    assert.equal(result.ok, true);
    // the report says what ssot did to what the gate left behind
    assert.deepEqual(result.tail, ['done', 'ssot: gate "leaves" left processes running in its group; they were sent SIGTERM']);
    const daemon = Number(readFileSync(pidFile, 'utf8'));
    await waitFor(() => !alive(daemon), 2000, 'the leftover to be stopped');
  });

  it('reports a command that cannot run as a failing gate, and a missing cwd as a config error', async () => {
    const result = await runGate(root, { name: 'nope', run: 'definitely-not-a-command-ssot', when: 'both' }, { moment: 'before' });
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 127);
    assert.throws(() => checkGates(root, [{ name: 'x', run: 'true', cwd: 'missing', when: 'both' }]), (e: unknown) => e instanceof UserError && /gate "x": cwd "missing"/.test(e.message));
  });

  it('selects gates by moment (both runs at each)', () => {
    const gates = [
      { name: 'a', run: 'true', when: 'before' as const },
      { name: 'b', run: 'true', when: 'after' as const },
      { name: 'c', run: 'true', when: 'both' as const },
    ];
    assert.deepEqual(gatesFor(gates, 'before').map((g) => g.name), ['a', 'c']);
    assert.deepEqual(gatesFor(gates, 'after').map((g) => g.name), ['b', 'c']);
  });
});

describe('gates told the change', () => {
  const selection = { changed: ['sub/a b.py', "sub/it's.py", '-x.py'], affected: ['tests/test_a.py'] };

  it('expands {changed} and {affected} as shell-quoted words relative to the gate cwd, and lists them in SSOT_CHANGED_FILES / SSOT_AFFECTED_TESTS', async () => {
    const run = 'for w in {changed}; do echo "word:$w"; done; echo "aff:"{affected}; echo "--"; cat "$SSOT_CHANGED_FILES"; echo "--"; cat "$SSOT_AFFECTED_TESTS"; echo "trial:$SSOT_ISOLATION_TRIAL"';
    const result = await runGate(root, { name: 'g', run, cwd: 'sub' }, { moment: 'after', selection, env: { SSOT_ISOLATION_TRIAL: '3' } });
    assert.equal(result.ok, true, result.tail.join('\n'));
    assert.deepEqual(result.tail, ['word:a b.py', "word:it's.py", 'word:../-x.py', 'aff:../tests/test_a.py', '--', 'a b.py', "it's.py", '../-x.py', '--', '../tests/test_a.py', 'trial:3']);
    assert.deepEqual(result.selection, { changed: 3, affected: 1 });
  });

  it('quotes what the shell would read otherwise, and keeps a leading dash from reading as an option', () => {
    assert.equal(shellQuote('pkg/a.py'), 'pkg/a.py');
    assert.equal(shellQuote('a b$(x).py'), "'a b$(x).py'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote('-rf'), './-rf');
    assert.equal(expandPlaceholders('pytest {affected} # {changed}', { changed: ['x y'], affected: ['t.py', 'u.py'] }), "pytest t.py u.py # 'x y'");
  });

  it('skips an affected gate with no affected test (ok, saying why) and without an import graph', async () => {
    const gate = { name: 'aff', run: 'exit 1', affected: true };
    const none = await runGate(root, gate, { moment: 'after', selection: { changed: ['a.py', 'b.py'], affected: [] } });
    assert.equal(none.ok, true);
    assert.equal(none.skipped, 'no test is affected by the 2 changed files');
    const noGraph = await runGate(root, gate, { moment: 'after', selection: { changed: ['a.py'], affected: null } });
    assert.match(noGraph.skipped ?? '', /no import graph/);
    const plain = await runGate(root, { name: 'plain', run: 'exit 1' }, { moment: 'after', selection: { changed: ['a.py'], affected: [] } });
    assert.equal(plain.ok, false, 'a gate that is not an affected gate runs anyway');
  });

  it('reads the failing test ids from the output with the language\'s reader', async () => {
    const run = 'echo "FAILED tests/test_a.py::test_one - assert 1 == 2"; echo "FAILED tests/test_a.py::test_two"; exit 1';
    const failedTestOf = (line: string) => /^FAILED (\S+)/.exec(line)?.[1] ?? null;
    const result = await runGate(root, { name: 'g', run }, { moment: 'after', failedTestOf });
    assert.deepEqual(result.failedTests, ['tests/test_a.py::test_one', 'tests/test_a.py::test_two']);
  });
});

describe('phaseStates', () => {
  const applied = (phase: string, at: string, commit: string | null, files: string[]): PhaseAppliedEvent => ({
    type: 'phase-applied',
    at,
    phase,
    rules: ['r'],
    commitBefore: `before-${commit}`,
    commitAfter: commit,
    files,
    refused: [],
    skipped: [],
    counts: { fixes: 1, safe: 1, unsafe: 0, files: files.length, refused: 0, skipped: 0, left: 0 },
    gates: [],
  });
  const config = { phases: [{ id: '1a' }, { id: '1b' }, { id: '2' }] as never };

  it('derives pending / done / rolled back, file rollbacks and failures from the log', () => {
    const events: StateEvent[] = [
      { type: 'phase-failed', at: 't0', phase: '1a', rules: [], commitBefore: 'x', stage: 'after-gates', reason: 'red', restored: [], gates: [] },
      applied('1a', 't1', 'c1', ['a.py', 'b.py']),
      applied('1b', 't2', 'c2', ['c.py']),
      { type: 'file-rolled-back', at: 't3', phase: '1a', file: 'a.py', of: 'c1', commit: 'r1', gates: [] },
      { type: 'phase-rolled-back', at: 't4', phase: '1b', reverted: ['c2'], commits: ['r2'], gates: [] },
      { type: 'phase-failed', at: 't5', phase: '2', rules: [], commitBefore: 'x', stage: 'before-gates', reason: 'red', restored: [], gates: [] },
    ];
    const states = phaseStates(config, { version: 1, events });
    const [a, b, c] = states;
    assert.equal(a!.status, 'done');
    assert.equal(a!.lastFailure, undefined, 'a success clears the earlier failure');
    assert.deepEqual(a!.rolledBackFiles, ['a.py']);
    assert.equal(b!.status, 'rolled-back');
    assert.equal(c!.status, 'pending');
    assert.equal(c!.lastFailure?.stage, 'before-gates');
  });

  it('accumulates applications of a phase run again, and starts afresh after a rollback', () => {
    const events: StateEvent[] = [
      applied('1a', 't1', 'c1', ['a.py']),
      { type: 'file-rolled-back', at: 't2', phase: '1a', file: 'a.py', of: 'c1', commit: 'r1', gates: [] },
      applied('1a', 't3', 'c3', ['a.py']),
    ];
    let [a] = phaseStates(config, { version: 1, events });
    assert.deepEqual(a!.applications.map((x) => x.commitAfter), ['c1', 'c3']);
    assert.deepEqual(a!.rolledBackFiles, [], 're-fixed');
    events.push({ type: 'phase-rolled-back', at: 't4', phase: '1a', reverted: ['c1', 'c3'], commits: [], gates: [] }, applied('1a', 't5', 'c5', ['a.py']));
    [a] = phaseStates(config, { version: 1, events });
    assert.deepEqual(a!.applications.map((x) => x.commitAfter), ['c5']);
  });
});

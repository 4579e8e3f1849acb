/**
 * Gates: the user's own checks (golden-path tests, a compile step), run before
 * and after a phase. `run` is the user's trusted command line, executed with
 * `sh -c` from the ssot root. Nothing a file or a phase id holds is ever
 * pasted into it as code: ssot passes context through the environment
 * (SSOT_GATE_MOMENT, SSOT_PHASE, and SSOT_CHANGED_FILES / SSOT_AFFECTED_TESTS,
 * the paths of files listing one path per line), and the `{changed}` and
 * `{affected}` placeholders expand to those paths as shell-quoted words.
 *
 * Each gate runs in its own process group, so a timeout or a Ctrl-C kills the
 * whole tree of processes it started, not just `sh`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AFFECTED_PLACEHOLDER, type Gate } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { clearGateGroup, recordGateGroup } from './orphans.js';

/** The placeholder a gate's `run` lists the changed files with. */
export const CHANGED_PLACEHOLDER = '{changed}';

/** What `gatesFor`, `checkGates` and `runGate` read of a gate (tests build them by hand). */
export type GateSpec = Pick<Gate, 'name' | 'run'> & Partial<Pick<Gate, 'cwd' | 'timeout' | 'env' | 'when' | 'affected'>>;

/**
 * What a gate is told about the change it checks: root-relative posix
 * paths. `affected` null: no import graph for the language (an affected gate
 * is then skipped, saying so).
 */
export interface GateSelection {
  readonly changed: readonly string[];
  readonly affected: readonly string[] | null;
}

/** When a gate runs: around a phase, after a rollback, or in `ssot verify`. */
export type GateMoment = 'before' | 'after' | 'rollback' | 'verify';

/** Lines of output kept for a failing gate (the rest is dropped as it streams). */
export const GATE_TAIL_LINES = 40;
export const DEFAULT_GATE_TIMEOUT_SECONDS = 600;
/** After SIGTERM to a timed-out or interrupted gate, SIGKILL follows after this many ms. */
const KILL_GRACE_MS = 3000;
/** Output bytes kept while streaming (enough for 40 long lines). */
const TAIL_BYTES = 64 * 1024;

export interface GateResult {
  readonly name: string;
  readonly moment: GateMoment;
  readonly ok: boolean;
  /** Exit code of `sh`, null when killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Killed because ssot itself was interrupted (Ctrl-C, SIGTERM). */
  readonly interrupted: boolean;
  readonly durationMs: number;
  /** ISO time the gate started. */
  readonly startedAt: string;
  /** The last GATE_TAIL_LINES lines of stdout and stderr, interleaved as they came. */
  readonly tail: readonly string[];
  /** Set when the gate did not run its own checks but reused a pass on the same tree (see runPhases). */
  readonly reusedFrom?: string;
  /** Set when the gate did not run because it had nothing to check (an affected gate with no affected test): why. Such a result is ok. */
  readonly skipped?: string;
  /** Ids of the tests its output names as failing (pytest's summary), at most MAX_FAILED_TESTS. */
  readonly failedTests?: readonly string[];
  /** How many changed files and affected tests it was told about. */
  readonly selection?: { readonly changed: number; readonly affected: number | null };
}

/** Failing test ids kept per gate run. */
export const MAX_FAILED_TESTS = 200;
/** Longest command line `sh -c` is given: Linux refuses a single argument over 128 KiB. */
const MAX_COMMAND_BYTES = 100 * 1024;

/** Gates that run at `moment` around a phase (`both` runs at each). Rollbacks re-run the `after` gates. */
export function gatesFor<G extends GateSpec>(gates: readonly G[], moment: 'before' | 'after'): G[] {
  return gates.filter((g) => (g.when ?? 'both') === 'both' || g.when === moment);
}

/** Config problems a gate would only reveal mid-phase are reported before anything runs. */
export function checkGates(root: string, gates: readonly GateSpec[]): void {
  for (const gate of gates) {
    if (gate.cwd === undefined) continue;
    const dir = path.resolve(root, gate.cwd);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError(`gate "${gate.name}": cwd "${gate.cwd}" is not a directory under ${root}`, {
        hint: 'gate cwd is relative to the directory holding ssot.config.yaml',
      });
    }
  }
}

export interface RunGateOptions {
  readonly moment: GateMoment;
  readonly phase?: string;
  readonly signal?: AbortSignal;
  /** Record the running gate's process group under this root's `.ssot/gates/` (see orphans.ts). */
  readonly recordIn?: string;
  /** The change the gate checks (default: nothing changed, nothing affected). */
  readonly selection?: GateSelection;
  /** Extra environment (an isolation trial's number). */
  readonly env?: Readonly<Record<string, string>>;
  /** Reads a failing test's id from a line of output (the language's test runner), for `failedTests`. */
  readonly failedTestOf?: (line: string) => string | null;
}

/** A gate whose outcome depends on the change it is told about: its pass on one tree says nothing about another change. */
export function dependsOnSelection(gate: GateSpec): boolean {
  return Boolean(gate.affected) || [CHANGED_PLACEHOLDER, AFFECTED_PLACEHOLDER, 'SSOT_CHANGED_FILES', 'SSOT_AFFECTED_TESTS'].some((s) => gate.run.includes(s));
}

/** A path as one shell word: bare when it holds only safe characters, else single-quoted (`'` as `'\''`); `./` before a leading `-`. */
export function shellQuote(word: string): string {
  const safe = word.startsWith('-') ? `./${word}` : word;
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(safe) ? safe : `'${safe.replace(/'/g, "'\\''")}'`;
}

/** `{changed}` and `{affected}` in `run` replaced by the quoted paths (relative to the gate's cwd), space-separated. */
export function expandPlaceholders(run: string, lists: { readonly changed: readonly string[]; readonly affected: readonly string[] }): string {
  const words = (list: readonly string[]) => list.map(shellQuote).join(' ');
  return run.split(CHANGED_PLACEHOLDER).map((part) => part.split(AFFECTED_PLACEHOLDER).join(words(lists.affected))).join(words(lists.changed));
}

/** A result for a gate that did not start: skipped (ok, with why) or refused (failing, `lines` say why). */
function notRun(gate: GateSpec, options: RunGateOptions, outcome: { readonly skipped: string } | { readonly refused: readonly string[] }): GateResult {
  const selection = options.selection;
  return {
    name: gate.name,
    moment: options.moment,
    ok: 'skipped' in outcome,
    exitCode: null,
    signal: null,
    timedOut: false,
    interrupted: false,
    durationMs: 0,
    startedAt: new Date().toISOString(),
    tail: 'refused' in outcome ? outcome.refused : [],
    ...('skipped' in outcome ? { skipped: outcome.skipped } : {}),
    ...(selection ? { selection: { changed: selection.changed.length, affected: selection.affected?.length ?? null } } : {}),
  };
}

/** Runs one gate to completion (or timeout/interrupt). Never throws for the gate's own failure. */
export async function runGate(root: string, gate: GateSpec, options: RunGateOptions): Promise<GateResult> {
  const selection = options.selection ?? { changed: [], affected: [] };
  if (gate.affected) {
    if (selection.affected === null) return notRun(gate, options, { skipped: 'no import graph for this language, so no affected tests' });
    if (!selection.affected.length) {
      const n = selection.changed.length;
      return notRun(gate, options, { skipped: `no test is affected by ${n === 0 ? 'the change (no file changed)' : n === 1 ? 'the 1 changed file' : `the ${n} changed files`}` });
    }
  }
  const cwd = path.resolve(root, gate.cwd ?? '.');
  const relative = (list: readonly string[]) => list.map((rel) => path.relative(cwd, path.join(root, rel)).split(path.sep).join('/'));
  const lists = { changed: relative(selection.changed), affected: relative(selection.affected ?? []) };
  const command = expandPlaceholders(gate.run, lists);
  if (Buffer.byteLength(command) > MAX_COMMAND_BYTES) {
    return notRun(gate, options, {
      refused: [
        `ssot: gate "${gate.name}": its command line is ${Buffer.byteLength(command)} bytes once {changed}/{affected} are expanded, more than one argument may hold`,
        'ssot: read the list from its file instead: xargs -d \'\\n\' -a "$SSOT_AFFECTED_TESTS" <your test command>',
      ],
    });
  }
  const listDir = mkdtempSync(path.join(os.tmpdir(), 'ssot-gate-'));
  const changedFile = path.join(listDir, 'changed-files.txt');
  const affectedFile = path.join(listDir, 'affected-tests.txt');
  const lines = (list: readonly string[]) => (list.length ? `${list.join('\n')}\n` : '');
  writeFileSync(changedFile, lines(lists.changed));
  writeFileSync(affectedFile, lines(lists.affected));
  try {
    return await spawnGate(gate, command, cwd, options, { SSOT_CHANGED_FILES: changedFile, SSOT_AFFECTED_TESTS: affectedFile }, selection);
  } finally {
    rmSync(listDir, { recursive: true, force: true });
  }
}

function spawnGate(
  gate: GateSpec,
  command: string,
  cwd: string,
  options: RunGateOptions,
  listEnv: Record<string, string>,
  selection: GateSelection,
): Promise<GateResult> {
  const startedAt = new Date();
  const started = process.hrtime.bigint();
  const timeoutMs = Math.round((gate.timeout ?? DEFAULT_GATE_TIMEOUT_SECONDS) * 1000);
  return new Promise((resolve) => {
    let tail = Buffer.alloc(0);
    const failedTests = new Set<string>();
    const partial = { stdout: '', stderr: '' };
    const readLines = (stream: 'stdout' | 'stderr', chunk: Buffer, flush = false) => {
      if (!options.failedTestOf) return;
      const text = partial[stream] + chunk.toString('utf8');
      const lines = text.split('\n');
      partial[stream] = flush ? '' : lines.pop()!;
      for (const line of lines) {
        if (failedTests.size >= MAX_FAILED_TESTS) break;
        const id = options.failedTestOf(line.replace(/\r$/, ''));
        if (id !== null) failedTests.add(id);
      }
    };
    const keep = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL_BYTES * 2) tail = tail.subarray(tail.length - TAIL_BYTES);
      readLines(stream, chunk);
    };
    const child = spawn('sh', ['-c', command], {
      cwd,
      env: {
        ...process.env,
        ...gate.env,
        ...options.env,
        ...listEnv,
        SSOT_GATE_MOMENT: options.moment,
        ...(options.phase !== undefined ? { SSOT_PHASE: options.phase } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    if (options.recordIn && child.pid !== undefined) {
      recordGateGroup(options.recordIn, { pgid: child.pid, gate: gate.name, run: gate.run, ssotPid: process.pid, startedAt: startedAt.toISOString() });
    }
    let timedOut = false;
    let interrupted = false;
    let finished = false;
    /** When SIGTERM went to the group (timeout or interrupt): the grace period runs from here. */
    let termSentAt: number | null = null;
    const stop = () => {
      if (termSentAt !== null || child.pid === undefined) return;
      termSentAt = Date.now();
      signalGroup(child.pid, 'SIGTERM');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => {
      interrupted = true;
      stop();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdout.on('data', keep('stdout'));
    child.stderr.on('data', keep('stderr'));

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null, extra?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      readLines('stdout', Buffer.alloc(0), true);
      readLines('stderr', Buffer.alloc(0), true);
      // a gate is a check, not a service launcher: whatever it left running in its group goes too —
      // SIGTERM, then SIGKILL once the grace period is over, even when `sh` itself is gone
      void endGroup(child.pid, termSentAt).then((ended) => {
        if (options.recordIn && child.pid !== undefined) clearGateGroup(options.recordIn, child.pid);
        const lines = tailLines(tail.toString('utf8'), GATE_TAIL_LINES);
        if (extra) lines.push(extra);
        const limit = gate.timeout ?? DEFAULT_GATE_TIMEOUT_SECONDS;
        const how = ended === 'sigkill' ? `SIGTERM, then SIGKILL after ${KILL_GRACE_MS / 1000}s (something in it ignored SIGTERM)` : 'SIGTERM';
        if (timedOut) lines.push(`ssot: gate "${gate.name}" timed out after ${limit}s; its process group was sent ${how}`);
        else if (ended !== 'none' && !interrupted) lines.push(`ssot: gate "${gate.name}" left processes running in its group; they were sent ${how}`);
        resolve({
          name: gate.name,
          moment: options.moment,
          ok: exitCode === 0 && !timedOut && !interrupted,
          exitCode,
          signal,
          timedOut,
          interrupted,
          durationMs: Number((process.hrtime.bigint() - started) / 1_000_000n),
          startedAt: startedAt.toISOString(),
          tail: lines.slice(-GATE_TAIL_LINES),
          ...(failedTests.size ? { failedTests: [...failedTests] } : {}),
          selection: { changed: selection.changed.length, affected: selection.affected?.length ?? null },
        });
      });
    };
    child.on('error', (error) => finish(null, null, `ssot: cannot start sh: ${error.message}`));
    child.on('exit', (code, signal) => {
      // Descendants may still hold the pipes open; give the output a moment to drain, then stop waiting.
      const drained = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, 1000);
      child.once('close', () => {
        clearTimeout(drained);
        finish(code, signal);
      });
    });
  });
}

/** Sends `signal` to the process group `pgid`; false when the group is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Ends what is left of a gate's process group: nothing (`none`), gone on
 * SIGTERM within the grace period (`sigterm`), or SIGKILLed after it
 * (`sigkill`). `termSentAt`: when SIGTERM already went (the grace runs from
 * then), null when it has not.
 */
async function endGroup(pgid: number | undefined, termSentAt: number | null): Promise<'none' | 'sigterm' | 'sigkill'> {
  if (pgid === undefined || !signalGroup(pgid, 0)) return 'none';
  const since = termSentAt ?? Date.now();
  if (termSentAt === null) signalGroup(pgid, 'SIGTERM');
  while (Date.now() - since < KILL_GRACE_MS) {
    await sleepMs(25);
    if (!signalGroup(pgid, 0)) return 'sigterm';
  }
  signalGroup(pgid, 'SIGKILL');
  for (let i = 0; i < 40 && signalGroup(pgid, 0); i++) await sleepMs(25);
  return 'sigkill';
}

export function tailLines(text: string, n: number): string[] {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.slice(Math.max(0, lines.length - n));
}

export interface RunGatesOptions<G extends GateSpec = Gate> extends RunGateOptions {
  /** Stop at the first failing gate (phases); verify runs them all. */
  readonly stopOnFailure: boolean;
  readonly onStart?: (gate: G, moment: GateMoment) => void;
  readonly onEnd?: (result: GateResult) => void;
  /** Gates already known to pass on this exact tree: name → where that pass came from. */
  readonly reuse?: ReadonlyMap<string, string>;
}

/** Runs gates in config order. */
export async function runGates<G extends GateSpec>(root: string, gates: readonly G[], options: RunGatesOptions<G>): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const gate of gates) {
    const reusedFrom = options.reuse?.get(gate.name);
    if (reusedFrom !== undefined) {
      const reused: GateResult = {
        name: gate.name,
        moment: options.moment,
        ok: true,
        exitCode: 0,
        signal: null,
        timedOut: false,
        interrupted: false,
        durationMs: 0,
        startedAt: new Date().toISOString(),
        tail: [],
        reusedFrom,
      };
      results.push(reused);
      options.onEnd?.(reused);
      continue;
    }
    if (options.signal?.aborted) break;
    const willSkip = gate.affected && (options.selection?.affected ?? []).length === 0;
    if (!willSkip) options.onStart?.(gate, options.moment);
    const result = await runGate(root, gate, { ...options, recordIn: options.recordIn ?? root });
    results.push(result);
    options.onEnd?.(result);
    if (!result.ok && options.stopOnFailure) break;
  }
  return results;
}

export function firstFailure(results: readonly GateResult[]): GateResult | undefined {
  return results.find((r) => !r.ok);
}

/**
 * `ssot fix --phase ID`: one atomic phase of the migration (seed §2, §4.2).
 *
 *   preflight (git work tree, no interrupted run, clean tracked tree)
 *   → `before` gates: a red baseline stops here, nothing touched
 *   → plan the phase's fixes (the fix engine writes nothing), account for them
 *   → write, `after` gates, commit (./transaction.ts), state recorded.
 *
 * A file the engine refuses (validation) is left untouched and reported; it
 * does not fail the phase. Untracked files are never written: without a
 * committed version there is no rollback point for them.
 *
 * Returns data; the CLI prints it and picks the exit code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Gate, Phase } from '../config/compile.js';
import { requirePhaseFilesExist } from '../config/grouping.js';
import { findPhase, findRule } from '../config/select.js';
import { UserError } from '../model/errors.js';
import type { CompileCheck } from '../model/outcome.js';
import { computeFixes } from '../engine/fix.js';
import { commitBlocker, headDetached, requireGitWorkTree, trackedAmong, trackedChanges } from '../workspace/git.js';
import { accountPhase, type PerFileFixes } from './accounting.js';
import { phaseCommitMessage, phaseCommitSubject } from './commitMessage.js';
import { checkGates, firstFailure, gatesFor, runGates, type GateMoment, type GateResult } from './gates.js';
import { requireNoJournal } from './journal.js';
import { describeOrphans, endOrphanedGates } from './orphans.js';
import { appendEvent, gateRecords, readState, type FailedStage, type FileNote, type PhaseCounts } from './state.js';
import { finishTransaction, writeCheckCommit } from './transaction.js';

export type PhaseProgress =
  | { readonly type: 'gate-start'; readonly gate: Gate; readonly moment: GateMoment }
  | { readonly type: 'gate-end'; readonly result: GateResult }
  | { readonly type: 'step'; readonly message: string };

export interface RunPhaseOptions {
  readonly root: string;
  readonly config: Config;
  readonly phase: string;
  readonly rule?: string;
  /** Apply unsafe fixes too. */
  readonly unsafe?: boolean;
  /** The language's compile check (false skips it; `interpreter`: the CLI's --python). */
  readonly compileCheck?: false | { readonly interpreter?: string };
  /** Run with uncommitted tracked changes; files that have them are left out of the phase. */
  readonly allowDirty?: boolean;
  /** Aborting (Ctrl-C) stops the running gate and undoes the phase. */
  readonly signal?: AbortSignal;
  /** `before` gates already passed on this exact tree (by --all, from the previous phase's `after`): name → where. */
  readonly reuseBeforeGates?: ReadonlyMap<string, string>;
  readonly onProgress?: (event: PhaseProgress) => void;
}

export type PhaseRunStatus = 'done' | 'failed' | 'interrupted';

export interface PhaseOutcome {
  readonly phase: Phase;
  readonly status: PhaseRunStatus;
  readonly stage?: FailedStage;
  /** For a failure: one line saying what went wrong. */
  readonly reason?: string;
  readonly failedGate?: GateResult;
  readonly commitBefore: string;
  /** The phase commit; null when nothing was written (or on failure). */
  readonly commitAfter: string | null;
  /** The commit subject (also for a failure: what it would have been). */
  readonly subject: string | null;
  readonly rules: readonly string[];
  readonly written: readonly string[];
  /** Per written file: fixes applied. */
  readonly perFile: readonly PerFileFixes[];
  readonly refused: readonly FileNote[];
  readonly skipped: readonly FileNote[];
  readonly counts: PhaseCounts;
  readonly leftByReason: Readonly<Record<string, number>>;
  readonly gates: readonly GateResult[];
  /** Files put back after a failure. */
  readonly restored: readonly string[];
  /** Files someone changed while the phase ran: kept as they were left; `ssotVersion`: where ssot's bytes are. */
  readonly kept: readonly { readonly file: string; readonly ssotVersion: string | null }[];
  readonly compileCheck: CompileCheck;
  /** Said with a successful phase: it was committed on a detached HEAD. */
  readonly warning?: string;
}

/** The rule filter the engine gets for a phase: --rule, else the phase's single rule, else all. */
export function ruleFilterFor(config: Config, phase: Phase, rule: string | undefined): { filter: string | undefined; rules: readonly string[] } {
  if (rule) {
    findRule(config, rule);
    if (phase.rules && !phase.rules.includes(rule)) {
      throw new UserError(`--rule ${rule}: phase ${phase.id} does not fix that rule (it fixes ${phase.rules.join(', ')})`);
    }
    return { filter: rule, rules: [rule] };
  }
  const all = config.rules.map((r) => r.id);
  const rules = phase.rules ?? all;
  if (rules.length === all.length) return { filter: undefined, rules: all };
  if (rules.length === 1) return { filter: rules[0], rules };
  // The engine takes one rule filter; a phase naming several (but not all) rules is planned with all of them.
  throw new UserError(`phase ${phase.id} names ${rules.length} of ${all.length} rules; a phase can fix one rule or all of them`, {
    hint: `split it into one phase per rule, or pass --rule (one of ${rules.join(', ')})`,
  });
}

interface Preflight {
  readonly head: string;
  readonly dirty: ReadonlySet<string>;
  readonly detached: boolean;
}

async function preflight(options: RunPhaseOptions, phase: Phase): Promise<Preflight> {
  const { root, config } = options;
  requireNoJournal(root);
  // everything that would only fail after the gates, the writes or the commit is checked now
  readState(root);
  const head = await requireGitWorkTree(root, `ssot fix --phase ${phase.id}`);
  checkGates(root, config.gates);
  requirePhaseFilesExist(root, config);
  const blocker = await commitBlocker(root);
  if (blocker) throw new UserError(blocker.message, { hint: blocker.hint });
  const dirty = await trackedChanges(root);
  if (dirty.length && !options.allowDirty) {
    const shown = dirty.slice(0, 3).join(', ') + (dirty.length > 3 ? `, … (${dirty.length - 3} more)` : '');
    throw new UserError(`the work tree has uncommitted changes to ${dirty.length} tracked file${dirty.length === 1 ? '' : 's'}: ${shown}`, {
      hint: 'commit or stash them so the phase commit holds only ssot\'s changes, or pass --allow-dirty (files with changes are then left out of the phase)',
    });
  }
  return { head, dirty: new Set(dirty), detached: await headDetached(root) };
}

function emptyCounts(): PhaseCounts {
  return { fixes: 0, safe: 0, unsafe: 0, files: 0, refused: 0, skipped: 0, left: 0 };
}

export async function runPhase(options: RunPhaseOptions): Promise<PhaseOutcome> {
  const { root, config } = options;
  const phase = findPhase(config, options.phase);
  const { filter, rules } = ruleFilterFor(config, phase, options.rule);
  const { head, dirty, detached } = await preflight(options, phase);
  const progress = options.onProgress ?? (() => {});
  // a gate a killed ssot left running would test (or change) the tree under this phase
  for (const line of describeOrphans(endOrphanedGates(root))) progress({ type: 'step', message: line });
  const gates: GateResult[] = [];
  const base = { phase, commitBefore: head, rules, gates };

  let outcome: Omit<PhaseOutcome, keyof typeof base> = {
    status: 'failed',
    commitAfter: null,
    subject: null,
    written: [],
    perFile: [],
    refused: [],
    skipped: [],
    counts: emptyCounts(),
    leftByReason: {},
    restored: [],
    kept: [],
    compileCheck: { ran: true },
  };
  const fail = (stage: FailedStage, reason: string, restored: readonly string[] = [], failedGate?: GateResult): PhaseOutcome => {
    const status: PhaseRunStatus = stage === 'interrupted' ? 'interrupted' : 'failed';
    appendEvent(root, {
      type: 'phase-failed',
      at: new Date().toISOString(),
      phase: phase.id,
      rules,
      commitBefore: head,
      stage,
      reason,
      restored,
      gates: gateRecords(gates),
    });
    return { ...base, ...outcome, status, stage, reason, restored, ...(failedGate ? { failedGate } : {}) };
  };
  const gateHooks = {
    phase: phase.id,
    signal: options.signal,
    onStart: (gate: Gate, moment: GateMoment) => progress({ type: 'gate-start', gate, moment }),
    onEnd: (result: GateResult) => progress({ type: 'gate-end', result }),
  };

  // baseline: nothing has changed yet, so a failure here needs no undo
  const before = await runGates(root, gatesFor(config.gates, 'before'), {
    ...gateHooks,
    moment: 'before',
    stopOnFailure: true,
    reuse: options.reuseBeforeGates,
  });
  gates.push(...before);
  if (options.signal?.aborted) return fail('interrupted', 'interrupted before any file changed');
  const redBaseline = firstFailure(before);
  if (redBaseline) {
    return fail('before-gates', `gate "${redBaseline.name}" fails before the phase (baseline is red); nothing was changed`, [], redBaseline);
  }

  progress({ type: 'step', message: `planning phase ${phase.id}` });
  const run = await computeFixes({ root, config, phase: phase.id, rule: filter, unsafe: options.unsafe, compileCheck: options.compileCheck });
  const changed = run.files.filter((f) => f.status === 'changed' && f.updated);
  const tracked = await trackedAmong(
    root,
    changed.map((f) => f.file),
  );
  const changedOnDisk = new Set(changed.filter((f) => !readFileSync(path.join(root, f.file)).equals(f.original)).map((f) => f.file));
  const account = accountPhase(run, { tracked, dirty, changedOnDisk });
  const { toWrite, counts, perFile, refused, skipped, leftByReason } = account;
  const subject = toWrite.length ? phaseCommitSubject(phase.id, counts, rules) : null;
  outcome = { ...outcome, subject, perFile, refused, skipped, counts, leftByReason, compileCheck: run.compileCheck };

  if (options.signal?.aborted) return fail('interrupted', 'interrupted before any file changed');

  const applied = (commitAfter: string | null, files: readonly string[]) =>
    appendEvent(root, {
      type: 'phase-applied',
      at: new Date().toISOString(),
      phase: phase.id,
      rules,
      commitBefore: head,
      commitAfter,
      files,
      refused,
      skipped,
      counts,
      gates: gateRecords(gates),
    });

  if (!toWrite.length) {
    // nothing to write: the tree is what the baseline gates just checked, so there is no `after` to run
    applied(null, []);
    return { ...base, ...outcome, status: 'done' };
  }

  const result = await writeCheckCommit({
    root,
    command: `ssot fix --phase ${phase.id}`,
    phase: phase.id,
    head,
    files: toWrite,
    signal: options.signal,
    onStep: (message) => progress({ type: 'step', message }),
    check: async () => {
      const after = await runGates(root, gatesFor(config.gates, 'after'), { ...gateHooks, moment: 'after', stopOnFailure: true });
      gates.push(...after);
      const red = firstFailure(after);
      return red ? { failed: { reason: `gate "${red.name}" fails after the phase; every file was restored`, gate: red } } : {};
    },
    message: (journalId) => phaseCommitMessage({ phase, subject: subject!, perFile, refused, skipped, left: counts.left, gates, rules, journalId }),
  });
  outcome = { ...outcome, written: result.written };
  if (result.status === 'undone') {
    outcome = { ...outcome, kept: result.kept };
    return fail(result.stage, result.reason, result.restored, result.failedGate);
  }
  applied(result.commit, result.written);
  finishTransaction(root, result);
  const warning = detached
    ? `committed on a detached HEAD: \`git switch -c NAME\` keeps it on a branch; once HEAD moves away the phase is no longer in force there`
    : undefined;
  return { ...base, ...outcome, status: 'done', commitAfter: result.commit, ...(warning ? { warning } : {}) };
}

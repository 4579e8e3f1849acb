/**
 * The steps ssot runs as phases of their own (`ssot shim`, `ssot prune
 * --apply`): what each checks before it touches the tree (its phase id is
 * not taken by the config, no crash journal is pending, the root is a git
 * work tree, the gates are runnable, no tracked file has uncommitted
 * changes: the step's commit must hold only ssot's changes), and the gated
 * write they share — before gates, the write, after gates, one commit, the
 * record in the phase history (applied or failed) — once each step has
 * planned its files.
 */
import path from 'node:path';
import type { Config, Gate } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import type { FileFix } from '../model/outcome.js';
import { oneLine, plural } from '../text/plural.js';
import { readIfExists } from '../workspace/files.js';
import { requireGitWorkTree, trackedChanges } from '../workspace/git.js';
import { gateSelection } from './affected.js';
import { checkGates, firstFailure, gatesFor, runGates, type GateMoment, type GateResult } from './gates.js';
import { JOURNAL_TRAILER, requireNoJournal } from './journal.js';
import type { PhaseProgress } from './runPhase.js';
import { appendEvent, gateRecords, type FailedStage, type StateEvent } from './state.js';
import { finishTransaction, writeCheckCommit } from './transaction.js';

/** The checks above, for the step recorded under `phaseId` and run as `command`; returns HEAD. */
export async function prepareStepPhase(root: string, config: Config, phaseId: string, command: string): Promise<string> {
  if (config.phases.some((p) => p.id === phaseId)) {
    throw new UserError(`a configured phase is called "${phaseId}": ssot records the ${phaseId} step under that id`, { hint: 'rename that phase' });
  }
  requireNoJournal(root);
  const head = await requireGitWorkTree(root, command);
  checkGates(root, config.gates);
  const dirty = await trackedChanges(root);
  if (dirty.length) {
    throw new UserError(`the work tree has uncommitted changes to ${plural(dirty.length, 'tracked file')}: ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}`, {
      hint: `commit or stash them so the ${phaseId} commit holds only ssot's changes`,
    });
  }
  return head;
}

/** A step's phase in the history: its id, the commit it starts from, the rules it serves, the gates run so far (appended to). */
export interface StepRecord {
  readonly root: string;
  readonly phaseId: string;
  readonly head: string;
  readonly rules: readonly string[];
  readonly gates: GateResult[];
}

export interface StepFailure {
  readonly status: 'failed' | 'interrupted';
  readonly reason: string;
  readonly failedGate?: GateResult;
}

/** Records the step as failed (`phase-failed`: the stage from the gate, or `undone`'s when the write was undone) and returns the failure. */
export async function recordStepFailure(
  step: StepRecord,
  reason: string,
  status: StepFailure['status'] = 'failed',
  failedGate?: GateResult,
  undone?: { readonly stage: FailedStage; readonly restored: readonly string[] },
): Promise<StepFailure> {
  await appendEvent(step.root, {
    type: 'phase-failed',
    at: new Date().toISOString(),
    phase: step.phaseId,
    rules: [...step.rules],
    commitBefore: step.head,
    stage: undone?.stage ?? (status === 'interrupted' ? 'interrupted' : failedGate ? (failedGate.moment === 'before' ? 'before-gates' : 'after-gates') : 'commit'),
    reason,
    restored: [...(undone?.restored ?? [])],
    gates: gateRecords(step.gates),
  });
  return { status, reason, ...(failedGate ? { failedGate } : {}) };
}

export interface GatedStep {
  readonly config: Config;
  /** The command in words, for the journal. */
  readonly command: string;
  readonly signal?: AbortSignal;
  readonly progress: (event: PhaseProgress) => void;
  readonly files: readonly FileFix[];
  /** Of `files`, those the step creates. */
  readonly created?: ReadonlySet<string>;
  /** Files the step deletes, with their bytes. */
  readonly removed?: readonly { readonly file: string; readonly original: Buffer }[];
  /** The files whose tests the gates are told about (an `affected` gate). */
  readonly changed: readonly string[];
  /** The commit: its subject, a sentence on what the step did, a line per file; the rules of its trailer. */
  readonly subject: string;
  readonly description: string;
  readonly lines: readonly string[];
  readonly commitRules: readonly string[];
  /** What the `phase-applied` record says besides the files and gates. */
  readonly applied: {
    readonly fixes: number;
    readonly refused: Extract<StateEvent, { type: 'phase-applied' }>['refused'];
    readonly serviceImports?: Extract<StateEvent, { type: 'phase-applied' }>['serviceImports'];
  };
}

/**
 * Before gates (a red baseline, or a gate that edited a file the step is
 * about to write or delete, stops it before anything changes), the write,
 * after gates (red: everything restored), one commit carrying the phase's
 * trailers, and its record.
 */
export async function runGatedStep(step: StepRecord, run: GatedStep): Promise<StepFailure | { readonly status: 'done'; readonly commit: string | null; readonly written: readonly string[] }> {
  const { root, phaseId, gates } = step;
  const { config, progress } = run;
  const fail = (reason: string, status?: StepFailure['status'], failedGate?: GateResult, undone?: { readonly stage: FailedStage; readonly restored: readonly string[] }) =>
    recordStepFailure(step, reason, status, failedGate, undone);
  const hooks = {
    phase: phaseId,
    signal: run.signal,
    onStart: (gate: Gate, moment: GateMoment) => progress({ type: 'gate-start', gate, moment }),
    onEnd: (result: GateResult) => progress({ type: 'gate-end', result }),
  };
  // gates told the change, as a fix phase's: an `affected` gate runs the tests that import a changed module
  progress({ type: 'step', message: 'finding the tests the change affects' });
  const selection = await gateSelection(root, config, run.changed);
  gates.push(...(await runGates(root, gatesFor(config.gates, 'before'), { ...hooks, moment: 'before', stopOnFailure: true, selection })));
  if (run.signal?.aborted) return fail('interrupted before any file changed', 'interrupted');
  const red = firstFailure(gates);
  if (red) return fail(`gate "${red.name}" fails before the ${phaseId} (baseline is red); nothing was changed`, 'failed', red);
  // a gate is a check: one that edited a file the step is about to write or delete would lose the edit
  const editedByGates = [...run.files, ...(run.removed ?? [])]
    .filter((f) => {
      const now = readIfExists(path.join(root, f.file));
      return run.created?.has(f.file) ? now !== null : !now?.equals(f.original);
    })
    .map((f) => f.file);
  if (editedByGates.length) return fail(`the before gates changed ${editedByGates.join(', ')}; nothing was changed by ssot`, 'failed', undefined, { stage: 'before-gates', restored: [] });

  const result = await writeCheckCommit({
    root,
    command: run.command,
    phase: phaseId,
    head: step.head,
    files: run.files,
    ...(run.created ? { created: run.created } : {}),
    ...(run.removed ? { removed: run.removed } : {}),
    signal: run.signal,
    onStep: (message) => progress({ type: 'step', message }),
    check: async () => {
      const after = await runGates(root, gatesFor(config.gates, 'after'), { ...hooks, moment: 'after', stopOnFailure: true, selection });
      gates.push(...after);
      const failed = firstFailure(after);
      return failed ? { failed: { reason: `gate "${failed.name}" fails after the ${phaseId}; every file was restored`, gate: failed } } : {};
    },
    message: (journalId) =>
      [
        run.subject,
        '',
        run.description,
        '',
        ...run.lines,
        ...(gates.some((g) => g.ok) ? ['', `Gates passed: ${gates.filter((g) => g.ok).map((g) => `${g.name} (${g.moment})`).join(', ')}.`] : []),
        '',
        `Ssot-Phase: ${phaseId}`,
        `Ssot-Rules: ${run.commitRules.join(', ')}`,
        `${JOURNAL_TRAILER}: ${journalId}`,
        '',
      ].join('\n'),
  });
  if (result.status === 'undone') return fail(oneLine(result.reason), result.stage === 'interrupted' ? 'interrupted' : 'failed', result.failedGate, result);
  const { fixes, refused, serviceImports } = run.applied;
  await appendEvent(root, {
    type: 'phase-applied',
    at: new Date().toISOString(),
    phase: phaseId,
    rules: [...run.commitRules],
    commitBefore: step.head,
    commitAfter: result.commit,
    files: result.written,
    refused,
    skipped: [],
    counts: { fixes, safe: fixes, unsafe: 0, files: result.written.length, refused: refused.length, skipped: 0, left: 0 },
    gates: gateRecords(gates),
    ...(serviceImports?.length ? { serviceImports } : {}),
  });
  finishTransaction(root, result);
  return { status: 'done', commit: result.commit, written: result.written };
}

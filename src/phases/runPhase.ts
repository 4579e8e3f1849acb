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
import picomatch from 'picomatch';
import type { Config, Gate, Phase } from '../config/compile.js';
import { requirePhaseFilesExist } from '../config/grouping.js';
import { findPhase, findRule } from '../config/select.js';
import { UserError } from '../model/errors.js';
import type { CompileCheck } from '../model/outcome.js';
import { addedImportLine, addedServiceImports, type AddedServiceImport } from '../engine/boundaries.js';
import { computeFixes } from '../engine/fix.js';
import { commitBlocker, headDetached, requireGitWorkTree, trackedAmong, trackedChanges } from '../workspace/git.js';
import { adapterFor } from '../languages/registry.js';
import { accountPhase, type LeftLocation, type PerFileFixes, type PhaseAccount } from './accounting.js';
import { gateSelection } from './affected.js';
import { phaseCommitMessage, phaseCommitSubject } from './commitMessage.js';
import { checkGates, firstFailure, gatesFor, runGates, type GateMoment, type GateResult } from './gates.js';
import { requireNoJournal } from './journal.js';
import { isolateCulprits, type TrialRecord } from './isolate.js';
import { describeOrphans, endOrphanedGates } from './orphans.js';
import { appendEvent, gateRecords, phaseStates, readState, type CulpritRecord, type FailedStage, type FileNote, type IsolationRecord, type PhaseCounts, type PhasePart, type PhaseState, type ServiceImportRecord } from './state.js';
import { finishTransaction, writeCheckCommit } from './transaction.js';

export type PhaseProgress =
  | { readonly type: 'gate-start'; readonly gate: Gate; readonly moment: GateMoment }
  | { readonly type: 'gate-end'; readonly result: GateResult }
  | { readonly type: 'trial-start'; readonly gate: string; readonly trial: number; readonly maxTrials: number; readonly files: number; readonly of: number }
  | { readonly type: 'trial-end'; readonly trial: TrialRecord; readonly result: GateResult }
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
  /** Isolate the culprits of every failing `after` gate, as `onFailure: isolate` does for one (`--isolate`). */
  readonly isolate?: boolean;
  /** Try the files earlier runs held back as culprits again (`--retry-culprits`). */
  readonly retryCulprits?: boolean;
  /** Aborting (Ctrl-C) stops the running gate and undoes the phase. */
  readonly signal?: AbortSignal;
  /** `--files`: only the phase's files these globs match (root-relative); the rest stays pending. */
  readonly files?: readonly string[];
  /** `--limit`: write at most this many files (the first in path order); the rest stays pending. */
  readonly limit?: number;
  /** `--unpin`: pinned files (by `rollback --file`) this run may fix again. */
  readonly unpin?: readonly string[];
  /** `before` gates already passed on this exact tree (by --all, from the previous phase's `after`): name → where. */
  readonly reuseBeforeGates?: ReadonlyMap<string, string>;
  readonly onProgress?: (event: PhaseProgress) => void;
}

export type PhaseRunStatus = 'done' | 'failed' | 'interrupted';

/** What culprit isolation did in a phase run. */
export interface PhaseIsolation extends IsolationRecord {
  /** Files held back: their fixes make the gate fail. */
  readonly culprits: readonly CulpritRecord[];
  /** Files held back because the bound stopped the search before they were cleared (the next run tries them again). */
  readonly unresolved: readonly string[];
  readonly trialRecords: readonly TrialRecord[];
}

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
  /** Files with fixes left for a later run by `--limit`. */
  readonly deferred: readonly string[];
  /** Set when the run applied part of the phase. */
  readonly part?: PhasePart;
  readonly counts: PhaseCounts;
  readonly leftByReason: Readonly<Record<string, number>>;
  /** The findings left for a person in the phase's files, with where they are. */
  readonly left: readonly LeftLocation[];
  readonly gates: readonly GateResult[];
  /** Files put back after a failure. */
  readonly restored: readonly string[];
  /** Files someone changed while the phase ran: kept as they were left; `ssotVersion`: where ssot's bytes are. */
  readonly kept: readonly { readonly file: string; readonly ssotVersion: string | null }[];
  readonly compileCheck: CompileCheck;
  /** Said with a successful phase: it was committed on a detached HEAD. */
  readonly warning?: string;
  /** Set when a failing gate was isolated. */
  readonly isolation?: PhaseIsolation;
  /** Culprits found by earlier runs and held back from this one (see --retry-culprits). */
  readonly heldBack: readonly CulpritRecord[];
  /**
   * Imports between services the phase's fixes add (before any write): on
   * success those of the committed files, each allowed by the boundaries; on
   * a `boundaries` refusal all of them, the forbidden ones with their contracts.
   */
  readonly serviceImports: readonly AddedServiceImport[];
  /** How many files changed and tests were affected, as the gates were told (affected null: no import graph). */
  readonly selection?: { readonly changed: number; readonly affected: number | null };
}

/**
 * The rules a phase run fixes: --rule (which the phase must list), else the
 * phase's `rules`, else all. `filter` is what the engine gets: undefined for
 * every rule, else the ids.
 */
export function ruleFilterFor(config: Config, phase: Phase, rule: string | undefined): { filter: readonly string[] | undefined; rules: readonly string[] } {
  if (rule) {
    findRule(config, rule);
    if (phase.rules && !phase.rules.includes(rule)) {
      throw new UserError(`--rule ${rule}: phase ${phase.id} does not fix that rule (it fixes ${phase.rules.join(', ')})`);
    }
    return { filter: [rule], rules: [rule] };
  }
  const all = config.rules.map((r) => r.id);
  const rules = phase.rules ? all.filter((id) => phase.rules!.includes(id)) : all;
  return { filter: rules.length === all.length ? undefined : rules, rules };
}

interface Preflight {
  readonly head: string;
  readonly dirty: ReadonlySet<string>;
  readonly detached: boolean;
  /** Pinned files of the phase this run leaves alone. */
  readonly pinned: ReadonlySet<string>;
  /** The phase's state before this run. */
  readonly state: PhaseState | undefined;
}

async function preflight(options: RunPhaseOptions, phase: Phase): Promise<Preflight> {
  const { root, config } = options;
  requireNoJournal(root);
  // everything that would only fail after the gates, the writes or the commit is checked now
  // (the history too: an unreadable one stops here, not after the commit)
  const state = phaseStates(config, await readState(root)).find((s) => s.id === phase.id);
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
  const pinned = new Set(state?.pinned ?? []);
  for (const file of options.unpin ?? []) {
    if (!pinned.delete(file)) {
      throw new UserError(`--unpin ${file}: not pinned in phase ${phase.id}${state?.pinned.length ? ` (pinned: ${state.pinned.join(', ')})` : ' (no file is)'}`, {
        hint: 'paths are relative to the ssot root; `ssot status` lists pinned files',
      });
    }
  }
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new UserError(`--limit ${options.limit}: must be a whole number of files, at least 1`);
  }
  return { head, dirty: new Set(dirty), detached: await headDetached(root), pinned, state };
}

function emptyCounts(): PhaseCounts {
  return { fixes: 0, safe: 0, unsafe: 0, files: 0, refused: 0, skipped: 0, left: 0 };
}

/** Why a file a gate's isolation blamed is held back (commit message, phase record, later runs). */
export function heldBackReason(culprit: CulpritRecord): string {
  const tests = culprit.tests.length ? `: ${culprit.tests.slice(0, 3).join(', ')}${culprit.tests.length > 3 ? `, … (${culprit.tests.length} tests)` : ''}` : '';
  const together = culprit.with.length ? ` (together with ${culprit.with.join(', ')})` : '';
  return `held back: its fixes make gate "${culprit.gate}" fail${together}${tests}; \`ssot fix --phase … --retry-culprits\` tries it again`;
}

export async function runPhase(options: RunPhaseOptions): Promise<PhaseOutcome> {
  const { root, config } = options;
  const phase = findPhase(config, options.phase);
  const { filter, rules } = ruleFilterFor(config, phase, options.rule);
  const { head, dirty, detached, pinned, state } = await preflight(options, phase);
  const part: PhasePart | undefined =
    options.files?.length || options.limit !== undefined
      ? { ...(options.files?.length ? { files: options.files } : {}), ...(options.limit !== undefined ? { limit: options.limit } : {}) }
      : undefined;
  const unpinned = options.unpin?.length ? options.unpin : undefined;
  const progress = options.onProgress ?? (() => {});
  // a gate a killed ssot left running would test (or change) the tree under this phase
  for (const line of describeOrphans(endOrphanedGates(root))) progress({ type: 'step', message: line });
  const gates: GateResult[] = [];
  const base = { phase, commitBefore: head, rules, gates };
  const heldBack = options.retryCulprits ? [] : (state?.culprits ?? []);

  let outcome: Omit<PhaseOutcome, keyof typeof base> = {
    status: 'failed',
    commitAfter: null,
    subject: null,
    written: [],
    perFile: [],
    refused: [],
    skipped: [],
    deferred: [],
    counts: emptyCounts(),
    leftByReason: {},
    left: [],
    restored: [],
    kept: [],
    compileCheck: { ran: true },
    heldBack,
    serviceImports: [],
  };
  const fail = async (stage: FailedStage, reason: string, restored: readonly string[] = [], failedGate?: GateResult): Promise<PhaseOutcome> => {
    const status: PhaseRunStatus = stage === 'interrupted' ? 'interrupted' : 'failed';
    await appendEvent(root, {
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
  const failedTestOf = adapterFor(config.language).imports?.failedTestOf;
  const gateHooks = {
    phase: phase.id,
    signal: options.signal,
    failedTestOf,
    onStart: (gate: Gate, moment: GateMoment) => progress({ type: 'gate-start', gate, moment }),
    onEnd: (result: GateResult) => progress({ type: 'gate-end', result }),
  };

  // plan first (nothing is written): the gates are told which files the phase changes
  progress({ type: 'step', message: `planning phase ${phase.id}` });
  const only = options.files?.length ? picomatch([...options.files], { dot: true }) : undefined;
  const run = await computeFixes({
    root,
    config,
    phase: phase.id,
    ...(filter ? { rules: filter } : {}),
    ...(only ? { only } : {}),
    unsafe: options.unsafe,
    compileCheck: options.compileCheck,
  });
  const changed = run.files.filter((f) => f.status === 'changed' && f.updated);
  const tracked = await trackedAmong(
    root,
    changed.map((f) => f.file),
  );
  const changedOnDisk = new Set(changed.filter((f) => !readFileSync(path.join(root, f.file)).equals(f.original)).map((f) => f.file));
  const fileStates = {
    tracked,
    dirty,
    changedOnDisk,
    pinned,
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
    heldBack: new Map(heldBack.map((c) => [c.file, heldBackReason(c)])),
  };
  let account = accountPhase(run, fileStates);
  const setAccount = (next: PhaseAccount) => {
    account = next;
    const subject = next.toWrite.length ? phaseCommitSubject(phase.id, next.counts, rules) : null;
    const { perFile, refused, skipped, deferred, counts, leftByReason, left } = next;
    // `--limit` alone is a part only when it left files for later
    const ranPart = part && (part.files || deferred.length) ? part : undefined;
    const { part: _previous, ...rest } = outcome;
    outcome = { ...rest, subject, perFile, refused, skipped, deferred, counts, leftByReason, left, compileCheck: run.compileCheck, ...(ranPart ? { part: ranPart } : {}) };
  };
  setAccount(account);
  const toWrite = account.toWrite;
  if (options.signal?.aborted) return fail('interrupted', 'interrupted before any file changed');

  // the imports between services the fixes add, judged by the boundaries before anything is written
  if (toWrite.length && config.services.length) {
    progress({ type: 'step', message: 'checking the imports between services the phase adds' });
    const added = await addedServiceImports(root, config, toWrite.map((f) => ({ file: f.file, original: f.original, updated: f.updated! })));
    outcome = { ...outcome, serviceImports: added };
    const forbidden = added.filter((a) => a.forbiddenBy.length);
    if (forbidden.length) {
      const more = forbidden.length > 1 ? ` (and ${forbidden.length - 1} more)` : '';
      return fail('boundaries', `${addedImportLine(forbidden[0]!)}${more}; nothing was changed`);
    }
  }

  progress({ type: 'step', message: 'finding the tests the change affects' });
  const selection = await gateSelection(root, config, toWrite.map((f) => f.file));
  outcome = { ...outcome, selection: { changed: selection.changed.length, affected: selection.affected?.length ?? null } };

  // baseline: nothing has changed yet, so a failure here needs no undo
  const before = await runGates(root, gatesFor(config.gates, 'before'), {
    ...gateHooks,
    moment: 'before',
    stopOnFailure: true,
    reuse: options.reuseBeforeGates,
    selection,
  });
  gates.push(...before);
  if (options.signal?.aborted) return fail('interrupted', 'interrupted before any file changed');
  const redBaseline = firstFailure(before);
  if (redBaseline) {
    return fail('before-gates', `gate "${redBaseline.name}" fails before the phase (baseline is red); nothing was changed`, [], redBaseline);
  }
  // a gate is a check: one that edited a file the phase is about to write would lose the edit
  const editedByGates = toWrite.filter((f) => !readFileSync(path.join(root, f.file)).equals(f.original)).map((f) => f.file);
  if (editedByGates.length) return fail('before-gates', `the before gates changed ${editedByGates.join(', ')}; nothing was changed by ssot`);

  const record = (commitAfter: string | null, files: readonly string[]) => {
    const serviceImports = serviceImportRecords(outcome.serviceImports, files);
    return appendEvent(root, {
      type: 'phase-applied',
      at: new Date().toISOString(),
      phase: phase.id,
      rules,
      commitBefore: head,
      commitAfter,
      files,
      refused: outcome.refused,
      skipped: outcome.skipped,
      counts: outcome.counts,
      gates: gateRecords(gates),
      ...(outcome.part ? { part: outcome.part } : {}),
      ...(unpinned ? { unpinned } : {}),
      ...(outcome.isolation?.culprits.length ? { culprits: outcome.isolation.culprits } : {}),
      ...(outcome.isolation ? { isolation: isolationRecord(outcome.isolation) } : {}),
      ...(serviceImports.length ? { serviceImports } : {}),
    });
  };

  if (!toWrite.length) {
    // nothing to write: the tree is what the baseline gates just checked, so there is no `after` to run
    await record(null, []);
    return { ...base, ...outcome, status: 'done' };
  }

  const afterGates = gatesFor(config.gates, 'after');
  const result = await writeCheckCommit({
    root,
    command: `ssot fix --phase ${phase.id}`,
    phase: phase.id,
    head,
    files: toWrite,
    signal: options.signal,
    onStep: (message) => progress({ type: 'step', message }),
    check: async () => {
      const after = await runGates(root, afterGates, { ...gateHooks, moment: 'after', stopOnFailure: true, selection });
      gates.push(...after);
      const red = firstFailure(after);
      if (!red) return {};
      const gate = afterGates.find((g) => g.name === red.name)!;
      if (red.interrupted || !(options.isolate || gate.onFailure === 'isolate')) {
        return { failed: { reason: `gate "${red.name}" fails after the phase; every file was restored`, gate: red } };
      }
      return isolateAndRecheck(gate, red);
    },
    message: (journalId) =>
      phaseCommitMessage({
        phase,
        subject: outcome.subject!,
        perFile: outcome.perFile,
        refused: outcome.refused,
        skipped: outcome.skipped,
        left: outcome.counts.left,
        counts: outcome.counts,
        ...(outcome.part ? { part: outcome.part } : {}),
        ...(unpinned ? { unpinned } : {}),
        serviceImports: serviceImportRecords(outcome.serviceImports, account.toWrite.map((f) => f.file)),
        gates,
        rules,
        journalId,
      }),
  });

  /** Finds the culprits of `gate`, re-accounts the phase without them, and runs the other after gates on what is left. */
  async function isolateAndRecheck(gate: Gate, red: GateResult): Promise<Awaited<ReturnType<Parameters<typeof writeCheckCommit>[0]['check']>>> {
    const files = account.toWrite;
    progress({ type: 'step', message: `gate ${gate.name} failed: isolating the files whose fixes make it fail (at most ${gate.maxTrials} trials)` });
    const isolated = await isolateCulprits({
      root,
      config,
      gate,
      phase: phase.id,
      files,
      failed: red,
      selection,
      maxTrials: gate.maxTrials,
      signal: options.signal,
      onTrialStart: (trial, subset) => progress({ type: 'trial-start', gate: gate.name, trial, maxTrials: gate.maxTrials, files: subset.length, of: files.length }),
      onTrialEnd: (trial, trialResult) => progress({ type: 'trial-end', trial, result: trialResult }),
    });
    const isolation: PhaseIsolation = {
      gate: gate.name,
      trials: isolated.trials.length,
      maxTrials: gate.maxTrials,
      boundHit: isolated.boundHit,
      culprits: isolated.culprits,
      unresolved: isolated.unresolved,
      trialRecords: isolated.trials,
    };
    outcome = { ...outcome, isolation };
    if (isolated.status === 'interrupted') return { failed: { reason: 'interrupted while isolating culprits; every file was restored', gate: red, stage: 'interrupted' } };
    if (isolated.status === 'baseline-red') {
      return { failed: { reason: `gate "${gate.name}" fails without any of the phase's fixes too (its baseline is red); every file was restored`, gate: isolated.result ?? red } };
    }
    const held = new Map(fileStates.heldBack);
    for (const culprit of isolated.culprits) held.set(culprit.file, heldBackReason(culprit));
    const bound = `held back unresolved: the isolation of gate "${gate.name}" hit its bound of ${gate.maxTrials} trials before this file was cleared; the next run tries it again`;
    for (const file of isolated.unresolved) held.set(file, bound);
    setAccount(accountPhase(run, { ...fileStates, heldBack: held }));
    const kept = account.toWrite.map((f) => f.file);
    if (!kept.length) return { commitOnly: [] };
    // the other after gates on what is left; the isolated one passed on exactly this tree in a trial
    const recheck = await runGates(root, afterGates, {
      ...gateHooks,
      moment: 'after',
      stopOnFailure: true,
      selection: { changed: kept, affected: selection.affected },
      reuse: new Map([[gate.name, `isolation trial ${isolated.trials.find((t) => t.ok && sameFiles(t.files, kept))?.trial ?? '?'}`]]),
    });
    gates.push(...recheck);
    const stillRed = firstFailure(recheck);
    if (stillRed) return { failed: { reason: `gate "${stillRed.name}" fails on the files left after isolating gate "${gate.name}"; every file was restored`, gate: stillRed } };
    return { commitOnly: kept };
  }

  outcome = { ...outcome, written: result.written };
  if (result.status === 'undone') {
    outcome = { ...outcome, kept: result.kept };
    return fail(result.stage, result.reason, result.restored, result.failedGate);
  }
  await record(result.commit, result.written);
  finishTransaction(root, result);
  const written = new Set(result.written);
  outcome = { ...outcome, serviceImports: outcome.serviceImports.filter((s) => written.has(s.file)) };
  const warning = detached
    ? `committed on a detached HEAD: \`git switch -c NAME\` keeps it on a branch; once HEAD moves away the phase is no longer in force there`
    : undefined;
  return { ...base, ...outcome, status: 'done', commitAfter: result.commit, ...(warning ? { warning } : {}) };
}

/** The added imports of the files a phase wrote, as its record keeps them. */
function serviceImportRecords(added: readonly AddedServiceImport[], files: readonly string[]): ServiceImportRecord[] {
  const written = new Set(files);
  return added.filter((a) => written.has(a.file)).map((a) => ({ file: a.file, line: a.line, module: a.module, fromService: a.fromService, toService: a.toService }));
}

function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f) => b.includes(f));
}

function isolationRecord(isolation: PhaseIsolation): IsolationRecord {
  return { gate: isolation.gate, trials: isolation.trials, maxTrials: isolation.maxTrials, boundHit: isolation.boundHit };
}

/**
 * `ssot fix --phase ID`: one atomic phase of the migration (seed §2, §4.2).
 *
 *   preflight (git work tree, no interrupted run, clean tracked tree)
 *   → `before` gates: a red baseline stops here, nothing touched
 *   → plan the phase's fixes (the fix engine writes nothing)
 *   → journal + backups on disk, then write the files
 *   → `after` gates
 *   → one commit of exactly those files, state recorded, journal removed.
 *
 * Any failure or interruption after the first write goes through
 * recoverFromJournal: HEAD where it was, every file byte for byte as before.
 * A file the engine refuses (validation) is left untouched and reported; it
 * does not fail the phase. Untracked files are never written: without a
 * committed version there is no rollback point for them.
 *
 * Returns data; the CLI prints it and picks the exit code.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Gate, Phase } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { computeFixes, writeFileFixes } from '../engine/fix.js';
import type { FileFix, FixRun } from '../engine/types.js';
import { fileMode } from '../workspace/files.js';
import { checkGates, firstFailure, gatesFor, runGates, type GateMoment, type GateResult } from './gates.js';
import { commitFiles, requireGitWorkTree, trackedAmong, trackedChanges } from '../workspace/git.js';
import { clearJournal, JOURNAL_TRAILER, requireNoJournal, writeJournal, type Journal } from './journal.js';
import { recoverFromJournal } from './recover.js';
import { plural } from '../report/phases.js';
import {
  appendEvent,
  gateRecords,
  phaseStates,
  readState,
  type FailedStage,
  type FileNote,
  type PhaseCounts,
} from './state.js';

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
  /** Interpreter for compile validation (default python3; null skips it). */
  readonly python?: string | null;
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
  readonly perFile: readonly { readonly file: string; readonly safe: number; readonly unsafe: number }[];
  readonly refused: readonly FileNote[];
  readonly skipped: readonly FileNote[];
  readonly counts: PhaseCounts;
  readonly leftByReason: Readonly<Record<string, number>>;
  readonly gates: readonly GateResult[];
  /** Files put back after a failure. */
  readonly restored: readonly string[];
  readonly pythonAvailable: boolean;
}

export function findPhase(config: Config, id: string): Phase {
  const phase = config.phases.find((p) => p.id === id);
  if (!phase) {
    throw new UserError(`--phase ${id}: no such phase (known: ${config.phases.map((p) => p.id).join(', ') || 'none'})`, {
      hint: config.phases.length ? undefined : 'declare phases in ssot.config.yaml (`phases:`), or run `ssot fix` without --phase',
    });
  }
  return phase;
}

/** The rule filter the engine gets for a phase: --rule, else the phase's single rule, else all. */
export function ruleFilterFor(config: Config, phase: Phase, rule: string | undefined): { filter: string | undefined; rules: readonly string[] } {
  if (rule) {
    if (!config.rules.some((r) => r.id === rule)) {
      throw new UserError(`--rule ${rule}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
    }
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
}

async function preflight(options: RunPhaseOptions, phase: Phase): Promise<Preflight> {
  const { root, config } = options;
  requireNoJournal(root);
  const head = await requireGitWorkTree(root, `ssot fix --phase ${phase.id}`);
  checkGates(root, config.gates);
  const dirty = await trackedChanges(root);
  if (dirty.length && !options.allowDirty) {
    const shown = dirty.slice(0, 3).join(', ') + (dirty.length > 3 ? `, … (${dirty.length - 3} more)` : '');
    throw new UserError(`the work tree has uncommitted changes to ${dirty.length} tracked file${dirty.length === 1 ? '' : 's'}: ${shown}`, {
      hint: 'commit or stash them so the phase commit holds only ssot\'s changes, or pass --allow-dirty (files with changes are then left out of the phase)',
    });
  }
  return { head, dirty: new Set(dirty) };
}

function emptyCounts(): PhaseCounts {
  return { fixes: 0, safe: 0, unsafe: 0, files: 0, refused: 0, skipped: 0, left: 0 };
}

export function phaseCommitSubject(phaseId: string, counts: Pick<PhaseCounts, 'fixes' | 'files'>, rules: readonly string[]): string {
  return `ssot(${phaseId}): ${plural(counts.fixes, 'fix', 'fixes')} in ${plural(counts.files, 'file')} [${rules.join(', ')}]`;
}

/** The commit message: subject, per-file list, refused/skipped files, gates, and trailers recovery relies on. */
export function phaseCommitMessage(input: {
  phase: Phase;
  subject: string;
  perFile: PhaseOutcome['perFile'];
  refused: readonly FileNote[];
  skipped: readonly FileNote[];
  left: number;
  gates: readonly GateResult[];
  rules: readonly string[];
  journalId: string;
}): string {
  const lines = [input.subject, ''];
  const title = input.phase.title ? ` — ${input.phase.title}` : '';
  const risk = input.phase.risk ? ` (risk: ${input.phase.risk})` : '';
  lines.push(`Phase ${input.phase.id}${title}${risk}, applied by ssot.`, '', 'Files:');
  for (const f of input.perFile) {
    const how = f.unsafe ? ` (${f.safe} safe, ${f.unsafe} unsafe)` : '';
    lines.push(`- ${f.file}: ${plural(f.safe + f.unsafe, 'fix', 'fixes')}${how}`);
  }
  if (input.refused.length) {
    lines.push('', 'Refused by validation (left untouched):');
    for (const r of input.refused) lines.push(`- ${r.file}: ${oneLine(r.reason)}`);
  }
  if (input.skipped.length) {
    lines.push('', 'Skipped:');
    for (const s of input.skipped) lines.push(`- ${s.file}: ${s.reason}`);
  }
  if (input.left) lines.push('', `Left for a person: ${plural(input.left, 'finding')} (see \`ssot scan --phase ${input.phase.id}\`).`);
  const gates = input.gates.filter((g) => g.ok);
  if (gates.length) {
    lines.push('', `Gates passed: ${gates.map((g) => `${g.name} (${g.moment})`).join(', ')}.`);
  }
  lines.push('', `Ssot-Phase: ${input.phase.id}`, `Ssot-Rules: ${input.rules.join(', ')}`, `${JOURNAL_TRAILER}: ${input.journalId}`);
  return `${lines.join('\n')}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export async function runPhase(options: RunPhaseOptions): Promise<PhaseOutcome> {
  const { root, config } = options;
  const phase = findPhase(config, options.phase);
  const { filter, rules } = ruleFilterFor(config, phase, options.rule);
  const { head, dirty } = await preflight(options, phase);
  const progress = options.onProgress ?? (() => {});
  const gates: GateResult[] = [];
  const base = {
    phase,
    commitBefore: head,
    rules,
    gates,
  };

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
    pythonAvailable: true,
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

  // 1. baseline: nothing has changed yet, so a failure here needs no undo
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

  // 2. plan (writes nothing)
  progress({ type: 'step', message: `planning phase ${phase.id}` });
  const run: FixRun = await computeFixes({ root, config, phase: phase.id, rule: filter, unsafe: options.unsafe, python: options.python });
  const changed = run.files.filter((f) => f.status === 'changed' && f.updated);
  const tracked = await trackedAmong(
    root,
    changed.map((f) => f.file),
  );
  const skipped: FileNote[] = [];
  const toWrite: FileFix[] = [];
  for (const f of changed) {
    if (!tracked.has(f.file)) skipped.push({ file: f.file, reason: 'not tracked by git, so it has no rollback point; commit it first' });
    else if (dirty.has(f.file)) skipped.push({ file: f.file, reason: 'has uncommitted changes (--allow-dirty); commit them first' });
    else if (!readFileSync(path.join(root, f.file)).equals(f.original)) skipped.push({ file: f.file, reason: 'changed on disk while the phase was planned' });
    else toWrite.push(f);
  }
  const refused: FileNote[] = run.files.filter((f) => f.status === 'refused').map((f) => ({ file: f.file, reason: f.reason ?? 'refused by validation' }));
  const perFile = toWrite.map((f) => ({ file: f.file, safe: f.applied.safe, unsafe: f.applied.unsafe }));
  const safe = perFile.reduce((n, f) => n + f.safe, 0);
  const unsafe = perFile.reduce((n, f) => n + f.unsafe, 0);
  const leftByReason: Record<string, number> = {};
  for (const f of run.files) {
    if (f.status === 'changed' && !toWrite.includes(f)) continue; // a skipped file's findings all stay; counted below
    for (const l of f.left) leftByReason[l.reason] = (leftByReason[l.reason] ?? 0) + 1;
  }
  for (const s of skipped) {
    const f = changed.find((c) => c.file === s.file)!;
    const n = f.applied.safe + f.applied.unsafe + f.left.length;
    leftByReason[`file skipped: ${s.reason}`] = (leftByReason[`file skipped: ${s.reason}`] ?? 0) + n;
  }
  const counts: PhaseCounts = {
    fixes: safe + unsafe,
    safe,
    unsafe,
    files: toWrite.length,
    refused: refused.length,
    skipped: skipped.length,
    left: Object.values(leftByReason).reduce((a, b) => a + b, 0),
  };
  const subject = toWrite.length ? phaseCommitSubject(phase.id, counts, rules) : null;
  outcome = { ...outcome, subject, perFile, refused, skipped, counts, leftByReason, pythonAvailable: run.pythonAvailable };

  if (options.signal?.aborted) return fail('interrupted', 'interrupted before any file changed');

  if (!toWrite.length) {
    // nothing to write: the tree is what the baseline gates just checked, so there is no `after` to run
    appendEvent(root, {
      type: 'phase-applied',
      at: new Date().toISOString(),
      phase: phase.id,
      rules,
      commitBefore: head,
      commitAfter: null,
      files: [],
      refused,
      skipped,
      counts,
      gates: gateRecords(gates),
    });
    return { ...base, ...outcome, status: 'done' };
  }

  // 3. journal first, then the files
  const journal: Journal = writeJournal(root, {
    op: 'fix-phase',
    command: `ssot fix --phase ${phase.id}`,
    phase: phase.id,
    head,
    files: toWrite.map((f) => ({ file: f.file, original: f.original, planned: f.updated, mode: fileMode(path.join(root, f.file)) })),
  });
  let settled = false;
  const undo = async (stage: FailedStage, reason: string, failedGate?: GateResult): Promise<PhaseOutcome> => {
    settled = true;
    progress({ type: 'step', message: `restoring ${plural(toWrite.length, 'file')}` });
    const recovered = await recoverFromJournal(root, journal);
    return fail(stage, reason, recovered.restored, failedGate);
  };
  try {
    try {
      progress({ type: 'step', message: `writing ${plural(toWrite.length, 'file')}` });
      writeFileFixes(root, toWrite);
    } catch (error) {
      return await undo('fix', `writing the fixed files failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    outcome = { ...outcome, written: toWrite.map((f) => f.file) };
    if (options.signal?.aborted) return await undo('interrupted', 'interrupted after writing; every file was restored');

    // 4. the same gates on the changed tree
    const after = await runGates(root, gatesFor(config.gates, 'after'), { ...gateHooks, moment: 'after', stopOnFailure: true });
    gates.push(...after);
    if (options.signal?.aborted) return await undo('interrupted', 'interrupted while the after gates ran; every file was restored');
    const red = firstFailure(after);
    if (red) return await undo('after-gates', `gate "${red.name}" fails after the phase; every file was restored`, red);

    // 5. one commit of exactly these files
    const message = phaseCommitMessage({
      phase,
      subject: subject!,
      perFile,
      refused,
      skipped,
      left: counts.left,
      gates,
      rules,
      journalId: journal.id,
    });
    progress({ type: 'step', message: 'committing' });
    const committed = await commitFiles(
      root,
      toWrite.map((f) => f.file),
      message,
    );
    if (!committed.ok) {
      return await undo('commit', `git commit failed: ${oneLine(committed.output).slice(0, 300)}`);
    }
    settled = true;
    appendEvent(root, {
      type: 'phase-applied',
      at: new Date().toISOString(),
      phase: phase.id,
      rules,
      commitBefore: head,
      commitAfter: committed.commit,
      files: toWrite.map((f) => f.file),
      refused,
      skipped,
      counts,
      gates: gateRecords(gates),
    });
    clearJournal(root, journal);
    return { ...base, ...outcome, status: 'done', commitAfter: committed.commit };
  } finally {
    if (!settled) {
      // a bug surfaced mid-phase: still put the user's files back before it propagates
      try {
        await recoverFromJournal(root, journal);
      } catch {
        // the journal stays; `ssot recover` will say what is left
      }
    }
  }
}

export interface RunAllOptions extends Omit<RunPhaseOptions, 'phase' | 'reuseBeforeGates'> {
  readonly onPhaseStart?: (phase: Phase) => void;
  readonly onPhaseEnd?: (outcome: PhaseOutcome) => void;
}

export interface RunAllResult {
  readonly outcomes: PhaseOutcome[];
  /** Phases not run because they are done already. */
  readonly alreadyDone: { readonly phase: string; readonly commit: string | null }[];
  /** Phases not reached because an earlier one failed. */
  readonly notReached: string[];
}

/**
 * `ssot fix --all`: pending (and rolled-back) phases in config order, stopping
 * at the first failure. A phase's passing `after` gates stand in for the next
 * phase's `before` gates: between the two, only the commit happened, so the
 * tree they check is the same.
 */
export async function runAllPhases(options: RunAllOptions): Promise<RunAllResult> {
  const states = phaseStates(options.config, readState(options.root));
  // a --rule no phase can take is a usage error before any phase runs, not after the first commits
  for (const phase of options.config.phases) ruleFilterFor(options.config, phase, options.rule);
  const outcomes: PhaseOutcome[] = [];
  const alreadyDone: RunAllResult['alreadyDone'] = [];
  const notReached: string[] = [];
  let reuse = new Map<string, string>();
  let stopped = false;
  for (const phase of options.config.phases) {
    const state = states.find((s) => s.id === phase.id);
    if (state?.status === 'done') {
      alreadyDone.push({ phase: phase.id, commit: state.applications.at(-1)?.commitAfter ?? null });
      reuse = new Map();
      continue;
    }
    if (stopped) {
      notReached.push(phase.id);
      continue;
    }
    options.onPhaseStart?.(phase);
    const outcome = await runPhase({ ...options, phase: phase.id, reuseBeforeGates: reuse });
    outcomes.push(outcome);
    options.onPhaseEnd?.(outcome);
    if (outcome.status !== 'done') {
      stopped = true;
      continue;
    }
    reuse = new Map();
    const beforeNames = new Set(gatesFor(options.config.gates, 'before').map((g) => g.name));
    const wrote = outcome.commitAfter !== null;
    for (const result of outcome.gates) {
      if (!result.ok || !beforeNames.has(result.name)) continue;
      if (wrote && result.moment === 'after') reuse.set(result.name, `after ${phase.id}`);
      if (!wrote && result.moment === 'before') reuse.set(result.name, result.reusedFrom ?? `before ${phase.id}`);
    }
  }
  return { outcomes, alreadyDone, notReached };
}

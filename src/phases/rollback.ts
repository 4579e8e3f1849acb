/**
 * `ssot rollback --phase ID | --file PATH | --all` (seed §5.2). History is
 * kept: a phase is undone with `git revert` of its commit(s), a file by a
 * commit restoring its content from before its phase, everything by reverting
 * every done phase, newest first. Each rollback then re-runs the `after`
 * gates (the seed's `--validate-rollback`) and is recorded in the state.
 *
 * Nothing is left half-done: the same journal as a phase covers the tree, so
 * a conflict, a failed commit or a Ctrl-C puts HEAD and every file back where
 * the rollback started. A gate that fails *after* a completed rollback does
 * not undo it (that would re-apply the change being rolled back); it is
 * reported and the command exits non-zero.
 */
import path from 'node:path';
import type { Config, Gate } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { fileMode, readIfExists, writeFileAtomic } from '../workspace/files.js';
import { adapterFor } from '../languages/registry.js';
import { gateSelection } from './affected.js';
import { checkGates, firstFailure, gatesFor, runGates, type GateMoment, type GateResult, type GateSelection } from './gates.js';
import {
  applyReverse,
  blobAt,
  commitBlocker,
  commitFiles,
  commitIndex,
  commitMessage,
  diffOfFile,
  filesOfCommit,
  hasStagedChanges,
  isAncestor,
  requireGitWorkTree,
  revertNoCommit,
  shortCommit,
  showFile,
  trackedChanges,
} from '../workspace/git.js';
import { clearJournal, JOURNAL_TRAILER, requireNoJournal, writeJournal, type Journal } from './journal.js';
import { recoverFromJournal } from './recover.js';
import type { PhaseProgress } from './runPhase.js';
import { appendEvent, applicationOfFile, gateRecords, phaseStatesAtHead, type PhaseApplication, type PhaseState } from './state.js';

export type RollbackTarget =
  | { readonly kind: 'phase'; readonly phase: string }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'all' };

export interface RollbackOptions {
  readonly root: string;
  readonly config: Config;
  readonly target: RollbackTarget;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PhaseProgress) => void;
}

export type RollbackStatus = 'done' | 'conflict' | 'failed' | 'gates-failed' | 'interrupted';

export interface RollbackOutcome {
  readonly target: RollbackTarget;
  readonly status: RollbackStatus;
  /** One line for anything but `done`. */
  readonly reason?: string;
  /** Paths git could not merge (status `conflict`). */
  readonly conflicts: readonly string[];
  /** Phases rolled back (for --file: the file's phase). */
  readonly phases: readonly string[];
  /** Commits made: reverts, or the file restore. */
  readonly commits: readonly { readonly phase: string; readonly undid: string; readonly commit: string }[];
  /** Phase commits whose changes were gone already (files rolled back one by one): nothing to commit. */
  readonly alreadyUndone: readonly { readonly phase: string; readonly commit: string }[];
  readonly files: readonly string[];
  readonly gates: readonly GateResult[];
  readonly failedGate?: GateResult;
}

function describeTarget(target: RollbackTarget): string {
  switch (target.kind) {
    case 'phase':
      return `ssot rollback --phase ${target.phase}`;
    case 'file':
      return `ssot rollback --file ${target.file}`;
    default:
      return 'ssot rollback --all';
  }
}

async function preflight(options: RollbackOptions): Promise<string> {
  const { root, config } = options;
  requireNoJournal(root);
  const head = await requireGitWorkTree(root, describeTarget(options.target));
  checkGates(root, config.gates);
  const dirty = await trackedChanges(root);
  if (dirty.length) {
    throw new UserError(`the work tree has uncommitted changes to ${dirty.length} tracked file${dirty.length === 1 ? '' : 's'}: ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ', …' : ''}`, {
      hint: 'commit or stash them first; a rollback is a commit and must not sweep them in',
    });
  }
  if (await hasStagedChanges(root)) {
    throw new UserError('changes are staged in the repository', { hint: 'commit or unstage them first (`git restore --staged .`); a rollback is a commit of its own' });
  }
  const blocker = await commitBlocker(root);
  if (blocker) throw new UserError(blocker.message, { hint: blocker.hint });
  return head;
}

export async function rollback(options: RollbackOptions): Promise<RollbackOutcome> {
  const head = await preflight(options);
  const states = await phaseStatesAtHead(options.root, options.config);
  const { target } = options;
  if (target.kind === 'file') return rollbackFile(options, head, states, target.file);
  let phases: PhaseState[];
  if (target.kind === 'phase') {
    const state = states.find((s) => s.id === target.phase);
    if (!state) {
      throw new UserError(`--phase ${target.phase}: no such phase (known: ${options.config.phases.map((p) => p.id).join(', ') || 'none'})`);
    }
    if (state.status !== 'done') {
      throw new UserError(`phase ${target.phase} is ${state.status === 'pending' ? 'not done' : 'rolled back already'}; nothing to roll back`, {
        hint: '`ssot status` shows which phases are done',
      });
    }
    phases = [state];
  } else {
    phases = states.filter((s) => s.status === 'done');
    if (!phases.length) throw new UserError('no phase is done; nothing to roll back', { hint: '`ssot status` shows the phases and their state' });
  }
  return rollbackPhases(options, head, phases);
}

function gateRunner(options: RollbackOptions, signal: AbortSignal | undefined, selection: GateSelection) {
  const progress = options.onProgress ?? (() => {});
  return (gates: readonly Gate[]) =>
    runGates(options.root, gates, {
      moment: 'rollback',
      stopOnFailure: true,
      signal,
      selection,
      failedTestOf: adapterFor(options.config.language).imports?.failedTestOf,
      onStart: (gate: Gate, moment: GateMoment) => progress({ type: 'gate-start', gate, moment }),
      onEnd: (result: GateResult) => progress({ type: 'gate-end', result }),
    });
}

async function rollbackPhases(options: RollbackOptions, head: string, phases: PhaseState[]): Promise<RollbackOutcome> {
  const { root, config, target } = options;
  const progress = options.onProgress ?? (() => {});
  // every application in force, newest first: later phases are undone before the ones they built on
  const applications: { phase: string; application: PhaseApplication }[] = phases
    .flatMap((p) => p.applications.map((application) => ({ phase: p.id, application })))
    .sort((a, b) => (a.application.event.at < b.application.event.at ? 1 : a.application.event.at > b.application.event.at ? -1 : 0));
  const withCommits = applications.filter((a) => a.application.commitAfter !== null);
  for (const { phase, application } of withCommits) {
    if (!(await isAncestor(root, application.commitAfter!, head))) {
      throw new UserError(`commit ${await shortCommit(root, application.commitAfter!)} of phase ${phase} is not in the history of HEAD`, {
        hint: 'check out the branch the phase was committed on, then roll back',
      });
    }
  }
  const files = [...new Set((await Promise.all(withCommits.map((a) => filesOfCommit(root, a.application.commitAfter!)))).flat())].sort();
  const alreadyUndone: { phase: string; commit: string }[] = [];
  const base = { target, conflicts: [] as string[], phases: phases.map((p) => p.id), files, gates: [] as GateResult[], alreadyUndone };
  const record = (commits: RollbackOutcome['commits'], gates: readonly GateResult[]) => {
    for (const p of [...phases].reverse()) {
      appendEvent(root, {
        type: 'phase-rolled-back',
        at: new Date().toISOString(),
        phase: p.id,
        reverted: p.applications.flatMap((a) => (a.commitAfter ? [a.commitAfter] : [])),
        commits: commits.filter((c) => c.phase === p.id).map((c) => c.commit),
        gates: gateRecords(gates),
      });
    }
  };
  if (!withCommits.length) {
    record([], []);
    return { ...base, status: 'done', commits: [] };
  }

  const journal = writeJournal(root, {
    op: 'rollback',
    command: describeTarget(target),
    phase: target.kind === 'phase' ? target.phase : null,
    head,
    files: files.map((file) => ({ file, original: readIfExists(path.join(root, file)), planned: null, mode: fileMode(path.join(root, file)) })),
  });
  return underJournal(options, journal, async (undo) => {
    const commits: { phase: string; undid: string; commit: string }[] = [];
    for (const { phase, application } of withCommits) {
      const commit = application.commitAfter!;
      const short = await shortCommit(root, commit);
      progress({ type: 'step', message: `reverting ${short} (phase ${phase})` });
      const reverted = await revertNoCommit(root, commit);
      if (!reverted.ok) {
        const outcome = await undo('conflict', `reverting ${short} (phase ${phase}) conflicts with later changes${reverted.conflicts.length ? ` in ${reverted.conflicts.join(', ')}` : ''}; nothing was changed`);
        return { ...outcome, conflicts: reverted.conflicts };
      }
      if (!(await hasStagedChanges(root))) {
        alreadyUndone.push({ phase, commit }); // its changes are gone already (files rolled back one by one)
        continue;
      }
      const subject = (await commitMessage(root, commit)).split('\n')[0] ?? '';
      const message = [
        `Revert "${subject}"`,
        '',
        `This reverts commit ${commit}: phase ${phase} rolled back by \`${describeTarget(target)}\`.`,
        '',
        `Ssot-Rollback: ${phase}`,
        `${JOURNAL_TRAILER}: ${journal.id}`,
        '',
      ].join('\n');
      const made = await commitIndex(root, message, { signal: options.signal });
      if (!made.ok) return undo('failed', `git commit failed: ${made.output.trim().split('\n')[0] ?? ''}`);
      commits.push({ phase, undid: commit, commit: made.commit });
      if (options.signal?.aborted) return undo('interrupted', 'interrupted; the rollback was undone');
    }
    return { commits };
  }, base, record);
}

async function rollbackFile(options: RollbackOptions, head: string, states: PhaseState[], fileArg: string): Promise<RollbackOutcome> {
  const { root, target } = options;
  const progress = options.onProgress ?? (() => {});
  const file = resolveFileArg(root, fileArg, states);
  const found = applicationOfFile(states, file);
  if (!found) {
    throw new UserError(`${fileArg}: no phase that is done changed this file`, { hint: '`ssot status` lists done phases; paths are relative to the ssot root' });
  }
  if (found.phase.rolledBackFiles.includes(file)) {
    throw new UserError(`${file} is rolled back already (phase ${found.phase.id})`);
  }
  const { commitBefore } = found.application;
  const commitAfter = found.application.commitAfter!;
  const short = await shortCommit(root, commitAfter);
  const current = readIfExists(path.join(root, file));
  const base = { target, conflicts: [] as string[], phases: [found.phase.id], files: [file], gates: [] as GateResult[], alreadyUndone: [] };
  const journal = writeJournal(root, {
    op: 'rollback',
    command: describeTarget(target),
    phase: found.phase.id,
    head,
    files: [{ file, original: current, planned: null, mode: fileMode(path.join(root, file)) }],
  });
  const record = (commits: RollbackOutcome['commits'], gates: readonly GateResult[]) => {
    const made = commits[0];
    if (!made) return;
    appendEvent(root, {
      type: 'file-rolled-back',
      at: new Date().toISOString(),
      phase: found.phase.id,
      file,
      of: commitAfter,
      commit: made.commit,
      gates: gateRecords(gates),
    });
  };
  return underJournal(options, journal, async (undo) => {
    const unchangedSince = (await blobAt(root, 'HEAD', file)) === (await blobAt(root, commitAfter, file));
    if (unchangedSince) {
      const original = await showFile(root, commitBefore, file);
      if (!original) return undo('failed', `${file} did not exist before phase ${found.phase.id}`);
      progress({ type: 'step', message: `restoring ${file} from before ${short}` });
      writeFileAtomic(path.join(root, file), original);
    } else {
      // changed since the phase: undo only the phase's own edit to it
      progress({ type: 'step', message: `reversing the change ${short} made to ${file}` });
      const applied = await applyReverse(root, await diffOfFile(root, commitBefore, commitAfter, file));
      if (!applied.ok) {
        const outcome = await undo('conflict', `${file} changed since phase ${found.phase.id} (${short}) where its fix was; nothing was changed`);
        return { ...outcome, conflicts: [file] };
      }
    }
    const message = [
      `ssot rollback(${found.phase.id}): restore ${file}`,
      '',
      `Undoes the change commit ${commitAfter} (phase ${found.phase.id}) made to ${file}, by \`${describeTarget(target)}\`.`,
      '',
      `Ssot-Rollback: ${found.phase.id}`,
      `Ssot-File: ${file}`,
      `${JOURNAL_TRAILER}: ${journal.id}`,
      '',
    ].join('\n');
    const made = await commitFiles(root, [file], message, { signal: options.signal });
    if (!made.ok) return undo('failed', `git commit failed: ${made.output.trim().split('\n')[0] ?? ''}`);
    if (options.signal?.aborted) return undo('interrupted', 'interrupted; the rollback was undone');
    return { commits: [{ phase: found.phase.id, undid: commitAfter, commit: made.commit }] };
  }, base, record);
}

/** A path as the user typed it (relative to the cwd or to the root) → the root-relative posix path the state uses. */
function resolveFileArg(root: string, fileArg: string, states: PhaseState[]): string {
  const known = new Set(states.flatMap((s) => s.applications.flatMap((a) => a.files)));
  const asGiven = fileArg.split(path.sep).join('/').replace(/^\.\//, '');
  if (known.has(asGiven)) return asGiven;
  const fromCwd = path.relative(root, path.resolve(fileArg)).split(path.sep).join('/');
  if (known.has(fromCwd)) return fromCwd;
  return asGiven;
}

type Undo = (status: RollbackStatus, reason: string) => Promise<RollbackOutcome>;

/**
 * Runs the git part of a rollback under its journal, then the gates. Every
 * exit before the gates either completes or restores; after the commits,
 * only an interrupt undoes (a red gate is reported, the rollback stays).
 */
async function underJournal(
  options: RollbackOptions,
  journal: Journal,
  work: (undo: Undo) => Promise<RollbackOutcome | { commits: RollbackOutcome['commits'] }>,
  base: Omit<RollbackOutcome, 'status' | 'commits'>,
  record: (commits: RollbackOutcome['commits'], gates: readonly GateResult[]) => void,
): Promise<RollbackOutcome> {
  const { root } = options;
  let settled = false;
  const gates: GateResult[] = [];
  const undo: Undo = async (status, reason) => {
    settled = true;
    await recoverFromJournal(root, journal);
    appendEvent(root, { type: 'rollback-failed', at: new Date().toISOString(), scope: describeTarget(options.target), reason, gates: gateRecords(gates) });
    return { ...base, status, reason, commits: [], gates };
  };
  try {
    const done = await work(undo);
    if ('status' in done) return done;
    // the gates are told which files the rollback changed, and the tests those affect
    const selection = await gateSelection(root, options.config, base.files);
    const after = await gateRunner(options, options.signal, selection)(gatesFor(options.config.gates, 'after'));
    gates.push(...after);
    if (options.signal?.aborted) return await undo('interrupted', 'interrupted while the gates ran; the rollback was undone');
    settled = true;
    record(done.commits, gates);
    clearJournal(root, journal);
    const red = firstFailure(after);
    if (red) {
      return {
        ...base,
        status: 'gates-failed',
        reason: `rolled back, but gate "${red.name}" fails on the rolled-back tree`,
        commits: done.commits,
        gates,
        failedGate: red,
      };
    }
    return { ...base, status: 'done', commits: done.commits, gates };
  } finally {
    if (!settled) {
      try {
        await recoverFromJournal(root, journal);
      } catch {
        // the journal stays; `ssot recover` will say what is left
      }
    }
  }
}

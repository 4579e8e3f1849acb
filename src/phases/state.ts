/**
 * `.ssot/state.json`: an append-only log of what ssot did to this tree —
 * phases applied (with the commit before and after), failed attempts,
 * rollbacks, recoveries, verify runs — each with its gate results. The state
 * of a phase (pending / done / rolled back) is derived from the log, never
 * stored, so it cannot disagree with the history that produced it.
 *
 * Not committed (see files.ts): it must survive `git revert` of the commits it
 * describes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { ensureSsotDir, SSOT_DIR, writeFileAtomic } from '../workspace/files.js';
import { headCommit, isAncestor } from '../workspace/git.js';
import type { GateResult } from './gates.js';

export const STATE_FILE = 'state.json';
export const STATE_VERSION = 1;

/** A gate result as stored: output kept only for failures. */
export type GateRecord = Omit<GateResult, 'tail'> & { readonly tail?: readonly string[] };

export interface FileNote {
  readonly file: string;
  readonly reason: string;
}

export interface PhaseCounts {
  /** Fixes applied (safe + unsafe). */
  readonly fixes: number;
  readonly safe: number;
  readonly unsafe: number;
  /** Files written and committed. */
  readonly files: number;
  readonly refused: number;
  readonly skipped: number;
  /** Findings left for a person (manual, or unsafe without --unsafe). */
  readonly left: number;
}

/**
 * A file a phase held back because its fixes make a gate fail (found by
 * culprit isolation): later runs of the phase skip it until
 * `--retry-culprits`.
 */
export interface CulpritRecord {
  readonly file: string;
  readonly gate: string;
  /** Ids of the tests the gate's output named as failing with this file's fixes (empty when it named none). */
  readonly tests: readonly string[];
  /** The last lines of the gate's output in the trial that showed it. */
  readonly tail: readonly string[];
  /** Files whose fixes fail only together with this one's (empty for a culprit on its own). */
  readonly with: readonly string[];
  /** ISO time it was found. */
  readonly at: string;
}

/** How culprit isolation went in a phase run. */
export interface IsolationRecord {
  readonly gate: string;
  /** Gate runs spent (the baseline included). */
  readonly trials: number;
  readonly maxTrials: number;
  /** The bound stopped the search: files it could not clear are held back unresolved (see `skipped`). */
  readonly boundHit: boolean;
}

export interface PhaseAppliedEvent {
  readonly type: 'phase-applied';
  readonly at: string;
  readonly phase: string;
  readonly rules: readonly string[];
  readonly commitBefore: string;
  /** Null when the phase had nothing to write (no commit made). */
  readonly commitAfter: string | null;
  readonly files: readonly string[];
  readonly refused: readonly FileNote[];
  readonly skipped: readonly FileNote[];
  readonly counts: PhaseCounts;
  readonly gates: readonly GateRecord[];
  /** Files held back because their fixes make a gate fail (absent when none were found in this run). */
  readonly culprits?: readonly CulpritRecord[];
  /** Set when a failing gate was isolated in this run. */
  readonly isolation?: IsolationRecord;
}

/** Where a phase stopped; `hand-edit`: someone changed a file ssot had written while the phase ran. */
export type FailedStage = 'before-gates' | 'fix' | 'after-gates' | 'hand-edit' | 'commit' | 'interrupted';

export interface PhaseFailedEvent {
  readonly type: 'phase-failed';
  readonly at: string;
  readonly phase: string;
  readonly rules: readonly string[];
  readonly commitBefore: string;
  readonly stage: FailedStage;
  readonly reason: string;
  readonly restored: readonly string[];
  readonly gates: readonly GateRecord[];
}

export interface PhaseRolledBackEvent {
  readonly type: 'phase-rolled-back';
  readonly at: string;
  readonly phase: string;
  /** The phase commits reverted, oldest first. */
  readonly reverted: readonly string[];
  /** The revert commits made, in order. */
  readonly commits: readonly string[];
  readonly gates: readonly GateRecord[];
}

export interface FileRolledBackEvent {
  readonly type: 'file-rolled-back';
  readonly at: string;
  readonly phase: string;
  readonly file: string;
  /** The phase commit whose change to the file was undone. */
  readonly of: string;
  readonly commit: string;
  readonly gates: readonly GateRecord[];
}

export interface RollbackFailedEvent {
  readonly type: 'rollback-failed';
  readonly at: string;
  readonly scope: string;
  readonly reason: string;
  readonly gates: readonly GateRecord[];
}

export interface RecoveredEvent {
  readonly type: 'recovered';
  readonly at: string;
  /** What was interrupted, in words (`fix --phase 1b`). */
  readonly interrupted: string;
  readonly restored: readonly string[];
  readonly headReset: string | null;
}

export interface VerifiedEvent {
  readonly type: 'verified';
  readonly at: string;
  readonly ok: boolean;
  readonly gates: readonly GateRecord[];
}

export type StateEvent =
  | PhaseAppliedEvent
  | PhaseFailedEvent
  | PhaseRolledBackEvent
  | FileRolledBackEvent
  | RollbackFailedEvent
  | RecoveredEvent
  | VerifiedEvent;

export interface SsotState {
  readonly version: typeof STATE_VERSION;
  readonly events: StateEvent[];
}

export function statePath(root: string): string {
  return path.join(root, SSOT_DIR, STATE_FILE);
}

export function readState(root: string): SsotState {
  const file = statePath(root);
  if (!existsSync(file)) return { version: STATE_VERSION, events: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${path.relative(process.cwd(), file) || file}: unreadable ssot state (${(error as Error).message})`, {
      hint: 'it is written only by ssot; restore it from a backup or move it away to start a fresh record',
    });
  }
  const state = parsed as Partial<SsotState>;
  if (state.version !== STATE_VERSION || !Array.isArray(state.events)) {
    throw new UserError(`${file}: unknown ssot state format (version ${String(state.version)})`, {
      hint: 'it was written by a different ssot version',
    });
  }
  return state as SsotState;
}

export function appendEvent(root: string, event: StateEvent): void {
  const state = readState(root);
  ensureSsotDir(root);
  const next: SsotState = { version: STATE_VERSION, events: [...state.events, event] };
  writeFileAtomic(statePath(root), Buffer.from(`${JSON.stringify(next, null, 2)}\n`));
}

export function gateRecords(results: readonly GateResult[]): GateRecord[] {
  return results.map(({ tail, ...rest }) => (rest.ok ? rest : { ...rest, tail }));
}

/** One commit (or no-op) that applied a phase. */
export interface PhaseApplication {
  readonly commitBefore: string;
  readonly commitAfter: string | null;
  readonly files: readonly string[];
  readonly event: PhaseAppliedEvent;
}

export type PhaseStatus = 'pending' | 'done' | 'rolled-back';

export interface PhaseState {
  readonly id: string;
  readonly status: PhaseStatus;
  /** The applications in force (several when a done phase was run again), oldest first. */
  readonly applications: readonly PhaseApplication[];
  /** Files of the applications in force that were rolled back one by one. */
  readonly rolledBackFiles: readonly string[];
  /** The last failed attempt, when it came after the last success. */
  readonly lastFailure: PhaseFailedEvent | undefined;
  readonly lastRollback: PhaseRolledBackEvent | undefined;
  /** Applications whose commit HEAD cannot reach (made on another branch or a detached HEAD): not in force here (see phaseStatesAtHead). */
  readonly elsewhere?: readonly PhaseApplication[];
  /** Files held back as culprits and not applied since (cleared by a rollback of the phase), in the order found. */
  readonly culprits: readonly CulpritRecord[];
}

/** Phase states in config order (plus any phase the log knows that the config no longer has). */
export function phaseStates(config: Pick<Config, 'phases'>, state: SsotState): PhaseState[] {
  interface Mutable {
    status: PhaseStatus;
    applications: PhaseApplication[];
    rolledBackFiles: string[];
    lastFailure: PhaseFailedEvent | undefined;
    lastRollback: PhaseRolledBackEvent | undefined;
    culprits: Map<string, CulpritRecord>;
  }
  const byId = new Map<string, Mutable>();
  const get = (id: string): Mutable => {
    let entry = byId.get(id);
    if (!entry) {
      entry = { status: 'pending', applications: [], rolledBackFiles: [], lastFailure: undefined, lastRollback: undefined, culprits: new Map() };
      byId.set(id, entry);
    }
    return entry;
  };
  for (const phase of config.phases) get(phase.id);
  for (const event of state.events) {
    switch (event.type) {
      case 'phase-applied': {
        const entry = get(event.phase);
        if (entry.status !== 'done') {
          entry.applications = [];
          entry.rolledBackFiles = [];
        }
        entry.status = 'done';
        entry.applications.push({ commitBefore: event.commitBefore, commitAfter: event.commitAfter, files: event.files, event });
        entry.rolledBackFiles = entry.rolledBackFiles.filter((f) => !event.files.includes(f));
        entry.lastFailure = undefined;
        for (const file of event.files) entry.culprits.delete(file);
        for (const culprit of event.culprits ?? []) entry.culprits.set(culprit.file, culprit);
        break;
      }
      case 'phase-failed':
        get(event.phase).lastFailure = event;
        break;
      case 'phase-rolled-back': {
        const entry = get(event.phase);
        entry.status = 'rolled-back';
        entry.lastRollback = event;
        entry.lastFailure = undefined;
        entry.culprits.clear();
        break;
      }
      case 'file-rolled-back': {
        const entry = get(event.phase);
        if (!entry.rolledBackFiles.includes(event.file)) entry.rolledBackFiles.push(event.file);
        break;
      }
      default:
        break;
    }
  }
  const order = [...config.phases.map((p) => p.id), ...[...byId.keys()].filter((id) => !config.phases.some((p) => p.id === id))];
  return order.map((id) => {
    const entry = byId.get(id)!;
    return { id, ...entry, culprits: [...entry.culprits.values()] };
  });
}

/** The latest application in force that changed `file`, with its phase. */
export function applicationOfFile(states: readonly PhaseState[], file: string): { phase: PhaseState; application: PhaseApplication } | undefined {
  let found: { phase: PhaseState; application: PhaseApplication; at: string } | undefined;
  for (const phase of states) {
    if (phase.status !== 'done') continue;
    for (const application of phase.applications) {
      if (application.commitAfter && application.files.includes(file) && (!found || application.event.at >= found.at)) {
        found = { phase, application, at: application.event.at };
      }
    }
  }
  return found && { phase: found.phase, application: found.application };
}

/** The most recent event carrying gate results, for `ssot status`. */
export function lastGateEvent(state: SsotState): Extract<StateEvent, { gates: readonly GateRecord[] }> | undefined {
  for (let i = state.events.length - 1; i >= 0; i--) {
    const event = state.events[i]!;
    if ('gates' in event && event.gates.length) return event;
  }
  return undefined;
}

/**
 * Phase states as seen from HEAD: an application whose commit HEAD cannot
 * reach (it was made on another branch, or on a detached HEAD since left) is
 * not in force here — it moves to `elsewhere`, and a done phase left with no
 * application in force is pending again. Outside git (or before the first
 * commit) the log is taken as it is. `reachable` answers whether HEAD
 * reaches a commit.
 */
export function statesInForce(states: readonly PhaseState[], reachable: (commit: string) => boolean): PhaseState[] {
  return states.map((state) => {
    if (!state.applications.length) return state;
    const inForce = state.applications.filter((a) => reachable(a.commitAfter ?? a.commitBefore));
    if (inForce.length === state.applications.length) return state;
    const elsewhere = state.applications.filter((a) => !inForce.includes(a));
    const status: PhaseStatus = state.status === 'done' && !inForce.length ? 'pending' : state.status;
    return { ...state, status, applications: inForce, elsewhere };
  });
}

/** phaseStates of the recorded log, then statesInForce against HEAD (one `git merge-base --is-ancestor` per application). */
export async function phaseStatesAtHead(root: string, config: Pick<Config, 'phases'>, state: SsotState = readState(root)): Promise<PhaseState[]> {
  const states = phaseStates(config, state);
  const head = await headCommit(root).catch(() => null);
  if (!head) return states;
  const commits = [...new Set(states.flatMap((s) => s.applications.map((a) => a.commitAfter ?? a.commitBefore)))];
  const reachable = new Set<string>();
  await Promise.all(commits.map(async (c) => (await isAncestor(root, c, head)) && reachable.add(c)));
  return statesInForce(states, (c) => reachable.has(c));
}

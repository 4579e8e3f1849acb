/**
 * The phase history: what ssot did to this repository — phases applied (with
 * the commit before and after), failed attempts, rollbacks, recoveries,
 * verify runs — each with its gate results. It lives in git, so every clone
 * sees the same history:
 *
 *   - the commits carry trailers (./trailers.ts): `Ssot-Phase` on a phase
 *     commit, `Ssot-Rollback` (+ `Ssot-Reverts`, or `Ssot-File` +
 *     `Ssot-Undoes`) on a rollback commit. They alone say which phases are
 *     applied or rolled back in HEAD's history;
 *   - the notes ref `refs/notes/ssot` holds each event's full record (gate
 *     results, counts, refused and skipped files, …) as one JSON line in the
 *     note of the commit it belongs to: the commit it made, else HEAD when it
 *     happened. One line per event, so `git notes merge -s cat_sort_uniq`
 *     joins two clones' notes without conflict.
 *
 * The history is HEAD's: commits (and notes on commits) not reachable from
 * HEAD do not count, so another branch's phases are not this branch's. The
 * state of a phase (pending / partial / done / rolled back) is derived from
 * the events, never stored. `.ssot/state.json`, where older versions kept a
 * local log, is moved into the notes once (`migrateLegacyState`).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import { SSOT_DIR } from '../workspace/files.js';
import { appendNote, headCommit, listNotes, logMatching, readBlobs, resolveCommit, revList, type LoggedCommit } from '../workspace/git.js';
import type { GateResult } from './gates.js';
import { parseCounts, parseTrailers, revertedByMessage, TRAILER } from './trailers.js';

/** The notes ref holding the records. */
export const NOTES_REF = 'refs/notes/ssot';
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
  /** Set when the run applied part of the phase (`--files`, `--limit`): the rest stays pending. */
  readonly part?: PhasePart;
  /** Pinned files this run was allowed to fix again (`--unpin`). */
  readonly unpinned?: readonly string[];
  /** Imports between services the phase added (every one allowed by the boundaries; absent when it added none). */
  readonly serviceImports?: readonly ServiceImportRecord[];
  /** Rebuilt from the commit's trailers: the record (note) is not in this clone; gates and notes are unknown. */
  readonly fromTrailers?: true;
}

/** An import between services a phase added: where, what, from which service into which. */
export interface ServiceImportRecord {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly module: string;
  readonly fromService: string;
  readonly toService: string;
}

/** Which part of a phase a run applied. */
export interface PhasePart {
  /** `--files` globs (root-relative). */
  readonly files?: readonly string[];
  /** `--limit`: at most this many files. */
  readonly limit?: number;
}

/** Where a phase stopped; `hand-edit`: someone changed a file ssot had written while the phase ran. */
/** `boundaries`: the phase would add an import between services that a contract of `boundaries:` forbids (refused before any write). */
export type FailedStage = 'before-gates' | 'boundaries' | 'fix' | 'after-gates' | 'hand-edit' | 'commit' | 'interrupted';

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
  /** Rebuilt from the commit's trailers (or a plain `git revert` of a phase commit): no record in this clone. */
  readonly fromTrailers?: true;
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
  /** Rebuilt from the commit's trailers: no record in this clone. */
  readonly fromTrailers?: true;
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
  /** Oldest first: commits in topological order, a commit's own event before the others noted on it. */
  readonly events: StateEvent[];
  /** Where the events came from (absent for a log built in memory). */
  readonly history?: HistoryInfo;
  /**
   * Phase applications recorded in the notes on commits HEAD does not reach
   * (made on another branch, or on a detached HEAD since left): not in force
   * here, only said (`pending (done in …, which HEAD does not contain)`).
   */
  readonly elsewhere?: readonly PhaseAppliedEvent[];
}

/** What the history was derived from, so `status` can say what a clone lacks. */
export interface HistoryInfo {
  readonly notesRef: string;
  /** HEAD when it was read; null outside a git work tree or before the first commit. */
  readonly head: string | null;
  /** ssot commits (phase and rollback commits) in HEAD's history. */
  readonly commits: number;
  /** ssot commits whose record is not in the notes (not fetched, or lost): rebuilt from their trailers. */
  readonly withoutRecord: readonly string[];
  /** Note lines that are not ssot records, skipped. */
  readonly unreadable: number;
}

export function statePath(root: string): string {
  return path.join(root, SSOT_DIR, STATE_FILE);
}

const EVENT_TYPES = new Set<StateEvent['type']>([
  'phase-applied',
  'phase-failed',
  'phase-rolled-back',
  'file-rolled-back',
  'rollback-failed',
  'recovered',
  'verified',
]);

/** Messages of the commits the history is built from: ssot's own, and plain `git revert`s (of a phase commit). */
const HISTORY_PATTERNS = [`^(${TRAILER.phase}|${TRAILER.rollback}):`, '^This reverts commit [0-9a-f]{40}'];

function emptyState(head: string | null): SsotState {
  return { version: STATE_VERSION, events: [], history: { notesRef: NOTES_REF, head, commits: 0, withoutRecord: [], unreadable: 0 } };
}

/** An ssot commit's part in the history, from its trailers. */
type CommitRole =
  | { readonly kind: 'applied'; readonly phase: string }
  | { readonly kind: 'phase-rollback'; readonly phase: string; readonly reverts: string | undefined }
  | { readonly kind: 'file-rollback'; readonly phase: string; readonly file: string; readonly undoes: string | undefined };

function roleOf(commit: LoggedCommit, trailers: Map<string, string[]>): CommitRole | undefined {
  const phase = trailers.get(TRAILER.phase)?.[0];
  if (phase) return { kind: 'applied', phase };
  const rolledBack = trailers.get(TRAILER.rollback)?.[0];
  if (!rolledBack) return undefined;
  const file = trailers.get(TRAILER.file)?.[0];
  if (file) {
    const undoes = trailers.get(TRAILER.undoes)?.[0] ?? /^Undoes the change commit ([0-9a-f]{40})\b/m.exec(commit.message)?.[1];
    return { kind: 'file-rollback', phase: rolledBack, file, undoes };
  }
  return { kind: 'phase-rollback', phase: rolledBack, reverts: trailers.get(TRAILER.reverts)?.[0] ?? revertedByMessage(commit.message) };
}

/** The events recorded in one note: one JSON object per line (blank lines, from `git notes append`, skipped). */
function parseNote(text: string): { events: StateEvent[]; unreadable: number } {
  const events: StateEvent[] = [];
  const seen = new Set<string>();
  let unreadable = 0;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || seen.has(trimmed)) continue; // an interrupted migration may have written a line twice
    seen.add(trimmed);
    try {
      const value = JSON.parse(trimmed) as Partial<StateEvent> | null;
      if (value && typeof value === 'object' && typeof value.at === 'string' && EVENT_TYPES.has(value.type as StateEvent['type'])) {
        events.push(value as StateEvent);
        continue;
      }
    } catch {
      // counted below
    }
    unreadable++;
  }
  return { events, unreadable };
}

/**
 * The history of HEAD, from git: ssot's commits (trailers), plain reverts of
 * phase commits, and the records in `refs/notes/ssot` of every commit
 * reachable from HEAD. An ssot commit without a record is rebuilt from its
 * trailers (`fromTrailers`) and listed in `history.withoutRecord`.
 */
export async function readState(root: string): Promise<SsotState> {
  await migrateLegacyState(root);
  const head = await headCommit(root);
  if (!head) return emptyState(null);
  const [logged, notes] = await Promise.all([logMatching(root, head, HISTORY_PATTERNS), listNotes(root, NOTES_REF)]);
  const loggedIds = new Set(logged.map((c) => c.commit));
  // position of every commit that matters, oldest first (`git log --topo-order` is newest first)
  let position: Map<string, number>;
  if ([...notes.keys()].some((c) => !loggedIds.has(c))) {
    const all = await revList(root, head);
    position = new Map(all.map((c, i) => [c, all.length - i]));
  } else {
    position = new Map(logged.map((c, i) => [c.commit, logged.length - i]));
  }
  const noted = [...notes].filter(([commit]) => position.has(commit));
  const away = [...notes].filter(([commit]) => !position.has(commit));
  const blobs = await readBlobs(root, [...noted, ...away].map(([, blob]) => blob));
  const elsewhere: PhaseAppliedEvent[] = [];
  for (const [commit, blob] of away) {
    for (const event of parseNote(blobs.get(blob)?.toString('utf8') ?? '').events) {
      if (event.type === 'phase-applied' && event.commitAfter === commit) elsewhere.push(event);
    }
  }
  elsewhere.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  let unreadable = 0;
  const noteEvents = new Map<string, StateEvent[]>();
  for (const [commit, blob] of noted) {
    const parsed = parseNote(blobs.get(blob)?.toString('utf8') ?? '');
    unreadable += parsed.unreadable;
    noteEvents.set(commit, parsed.events);
  }

  // which ssot commits the records cover (a rollback's record sits on its last revert commit)
  const covered = new Set<string>();
  for (const [anchor, events] of noteEvents) {
    for (const event of events) {
      if (event.type === 'phase-applied' && event.commitAfter !== null) covered.add(anchor);
      else if (event.type === 'phase-rolled-back') for (const c of event.commits) covered.add(c);
      else if (event.type === 'file-rolled-back') covered.add(event.commit);
    }
  }

  const roles = new Map<string, { commit: LoggedCommit; role: CommitRole; trailers: Map<string, string[]> }>();
  const phaseCommits = new Map<string, string>(); // phase commit → phase
  for (const commit of [...logged].reverse()) {
    const trailers = parseTrailers(commit.message);
    let role = roleOf(commit, trailers);
    if (!role) {
      // a plain `git revert` of a phase commit rolls the phase back as surely as `ssot rollback`
      const reverted = revertedByMessage(commit.message);
      const phase = reverted && phaseCommits.get(reverted);
      if (!phase) continue;
      role = { kind: 'phase-rollback', phase, reverts: reverted };
    }
    if (role.kind === 'applied') phaseCommits.set(commit.commit, role.phase);
    roles.set(commit.commit, { commit, role, trailers });
  }

  const anchors = [...new Set([...roles.keys(), ...noteEvents.keys()])].sort((a, b) => position.get(a)! - position.get(b)!);
  const events: StateEvent[] = [];
  const withoutRecord: string[] = [];
  for (const anchor of anchors) {
    const own = roles.get(anchor);
    const onCommit = [...(noteEvents.get(anchor) ?? [])];
    const isOwn = (event: StateEvent) =>
      own !== undefined &&
      ((own.role.kind === 'applied' && event.type === 'phase-applied' && event.commitAfter !== null) ||
        (own.role.kind === 'file-rollback' && event.type === 'file-rolled-back') ||
        (own.role.kind === 'phase-rollback' && event.type === 'phase-rolled-back' && event.commits.includes(anchor)));
    onCommit.sort((a, b) => Number(isOwn(b)) - Number(isOwn(a)) || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    if (own && !covered.has(anchor)) {
      events.push(fromTrailers(own.commit, own.role, own.trailers));
      withoutRecord.push(anchor);
    }
    for (const event of onCommit) {
      if (own?.role.kind === 'applied' && isOwn(event) && event.type === 'phase-applied') {
        // git is the truth for what the commit is and changed (a rebase moves the note, not the hashes in it)
        events.push({ ...event, commitAfter: anchor, commitBefore: own.commit.parents[0] ?? event.commitBefore, files: [...own.commit.files].sort() });
      } else {
        events.push(event);
      }
    }
  }
  return {
    version: STATE_VERSION,
    events,
    history: { notesRef: NOTES_REF, head, commits: roles.size, withoutRecord, unreadable },
    ...(elsewhere.length ? { elsewhere } : {}),
  };
}

/** An event rebuilt from an ssot commit's trailers and files, for a clone without the record. */
function fromTrailers(commit: LoggedCommit, role: CommitRole, trailers: Map<string, string[]>): StateEvent {
  const at = commit.committedAt;
  switch (role.kind) {
    case 'applied': {
      const files = [...commit.files].sort();
      const counts = parseCounts(trailers.get(TRAILER.counts)?.[0]) ?? { fixes: 0, safe: 0, unsafe: 0, files: files.length, refused: 0, skipped: 0, left: 0 };
      const part = trailers.get(TRAILER.part)?.[0];
      const unpinned = trailers.get(TRAILER.unpin) ?? [];
      return {
        type: 'phase-applied',
        at,
        phase: role.phase,
        rules: (trailers.get(TRAILER.rules)?.[0] ?? '').split(',').map((r) => r.trim()).filter(Boolean),
        commitBefore: commit.parents[0] ?? commit.commit,
        commitAfter: commit.commit,
        files,
        refused: [],
        skipped: [],
        counts,
        gates: [],
        ...(part ? { part: parsePart(part) } : {}),
        ...(unpinned.length ? { unpinned } : {}),
        fromTrailers: true,
      };
    }
    case 'phase-rollback':
      return { type: 'phase-rolled-back', at, phase: role.phase, reverted: role.reverts ? [role.reverts] : [], commits: [commit.commit], gates: [], fromTrailers: true };
    default:
      return { type: 'file-rolled-back', at, phase: role.phase, file: role.file, of: role.undoes ?? '', commit: commit.commit, gates: [], fromTrailers: true };
  }
}

/** `Ssot-Part: files=a/**,b/** limit=5` → the part. */
export function formatPart(part: PhasePart): string {
  return [part.files?.length ? `files=${part.files.join(',')}` : '', part.limit !== undefined ? `limit=${part.limit}` : ''].filter(Boolean).join(' ');
}

function parsePart(text: string): PhasePart {
  const files = /(?:^|\s)files=(\S+)/.exec(text)?.[1];
  const limit = /(?:^|\s)limit=(\d+)/.exec(text)?.[1];
  return { ...(files ? { files: files.split(',') } : {}), ...(limit ? { limit: Number(limit) } : {}) };
}

/** The commit an event's record is noted on: the commit it made, else HEAD when it happened. */
function anchorOf(event: StateEvent): string | null {
  switch (event.type) {
    case 'phase-applied':
      return event.commitAfter ?? event.commitBefore;
    case 'phase-failed':
      return event.commitBefore;
    case 'phase-rolled-back':
      return event.commits.at(-1) ?? null;
    case 'file-rolled-back':
      return event.commit;
    default:
      return null;
  }
}

/** One event as a note line: `at` first, so sorted lines (`cat_sort_uniq`) are in time order. */
function noteLine(event: StateEvent): string {
  const { at, ...rest } = event;
  return JSON.stringify({ at, ...rest });
}

/**
 * Records `event` in the notes of the commit it belongs to (the commit it
 * made, else HEAD). Outside a git work tree, or before the first commit,
 * there is nowhere to record it: nothing happens.
 */
export async function appendEvent(root: string, event: StateEvent): Promise<void> {
  const anchor = anchorOf(event) ?? (await headCommit(root));
  if (!anchor) return;
  await appendNote(root, NOTES_REF, anchor, `${noteLine(event)}\n`);
}

/** What `migrateLegacyState` did. */
export interface LegacyMigration {
  /** Root-relative path of the old file, and where it was moved. */
  readonly file: string;
  readonly keptAs: string;
  readonly events: number;
  /** Events whose commit no longer exists (garbage-collected), left out. */
  readonly dropped: number;
}

function readLegacyState(file: string): { events: StateEvent[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${path.relative(process.cwd(), file) || file}: unreadable ssot state (${(error as Error).message})`, {
      hint: 'it was written by an older ssot and is moved into git notes once; move it away to go on without it',
    });
  }
  const state = parsed as { version?: unknown; events?: unknown };
  if (state.version !== STATE_VERSION || !Array.isArray(state.events)) {
    throw new UserError(`${file}: unknown ssot state format (version ${String(state.version)})`, {
      hint: 'it was written by a different ssot version',
    });
  }
  return { events: state.events as StateEvent[] };
}

/**
 * Moves an older version's `.ssot/state.json` into the notes, once: each
 * event onto the commit it made, or the commit HEAD was on when it happened
 * (for events that made none: the commit of the event before it). The file
 * is kept as `.ssot/state.json.migrated`. Null when there is nothing to move
 * (or no commit to move it onto yet).
 */
export async function migrateLegacyState(root: string): Promise<LegacyMigration | null> {
  const file = statePath(root);
  if (!existsSync(file)) return null;
  const legacy = readLegacyState(file);
  const head = await headCommit(root);
  if (!head) return null;
  const lines = new Map<string, string[]>();
  let previous = head;
  let dropped = 0;
  const exists = new Map<string, boolean>();
  for (const event of legacy.events) {
    const anchor = anchorOf(event) ?? previous;
    if (!exists.has(anchor)) exists.set(anchor, (await resolveCommit(root, anchor)) !== null);
    if (!exists.get(anchor)) {
      dropped++;
      continue;
    }
    previous = anchor;
    lines.set(anchor, [...(lines.get(anchor) ?? []), noteLine(event)]);
  }
  for (const [anchor, text] of lines) await appendNote(root, NOTES_REF, anchor, `${text.join('\n')}\n`);
  const keptAs = `${file}.migrated`;
  renameSync(file, keptAs);
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  return { file: rel(file), keptAs: rel(keptAs), events: legacy.events.length - dropped, dropped };
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
  /** Its event's index in the history (later applications have larger ones). */
  readonly order: number;
}

/** `partial`: only part of the phase was applied (`--files`, `--limit`); the rest is pending. */
export type PhaseStatus = 'pending' | 'partial' | 'done' | 'rolled-back';

export interface PhaseState {
  readonly id: string;
  readonly status: PhaseStatus;
  /** The applications in force (several when a done phase was run again), oldest first. */
  readonly applications: readonly PhaseApplication[];
  /** Files of the applications in force that were rolled back one by one. */
  readonly rolledBackFiles: readonly string[];
  /**
   * Files `rollback --file` restored: later runs of the phase leave them
   * alone until `fix --phase ID --unpin FILE` (or a run that fixes them).
   */
  readonly pinned: readonly string[];
  /** The last failed attempt, when it came after the last success. */
  readonly lastFailure: PhaseFailedEvent | undefined;
  readonly lastRollback: PhaseRolledBackEvent | undefined;
  /** Applications whose commit HEAD cannot reach (made on another branch or a detached HEAD): not in force here (see phaseStatesAtHead). */
  readonly elsewhere?: readonly PhaseApplication[];
  /** Files held back as culprits and not applied since (cleared by a rollback of the phase), in the order found. */
  readonly culprits: readonly CulpritRecord[];
}

/** True for a phase with applications in force (done, or partly done). */
export function isApplied(state: Pick<PhaseState, 'status'>): boolean {
  return state.status === 'done' || state.status === 'partial';
}

/** Phase states in config order (plus any phase the log knows that the config no longer has). */
export function phaseStates(config: Pick<Config, 'phases'>, state: SsotState): PhaseState[] {
  interface Mutable {
    status: PhaseStatus;
    applications: PhaseApplication[];
    rolledBackFiles: string[];
    pinned: string[];
    lastFailure: PhaseFailedEvent | undefined;
    lastRollback: PhaseRolledBackEvent | undefined;
    culprits: Map<string, CulpritRecord>;
  }
  const byId = new Map<string, Mutable>();
  const get = (id: string): Mutable => {
    let entry = byId.get(id);
    if (!entry) {
      entry = { status: 'pending', applications: [], rolledBackFiles: [], pinned: [], lastFailure: undefined, lastRollback: undefined, culprits: new Map() };
      byId.set(id, entry);
    }
    return entry;
  };
  for (const phase of config.phases) get(phase.id);
  for (const [order, event] of state.events.entries()) {
    switch (event.type) {
      case 'phase-applied': {
        const entry = get(event.phase);
        if (!isApplied(entry)) {
          entry.applications = [];
          entry.rolledBackFiles = [];
        }
        // part of a phase leaves the rest pending; a later part of a done phase leaves it done
        entry.status = event.part && entry.status !== 'done' ? 'partial' : 'done';
        entry.applications.push({ commitBefore: event.commitBefore, commitAfter: event.commitAfter, files: event.files, event, order });
        entry.rolledBackFiles = entry.rolledBackFiles.filter((f) => !event.files.includes(f));
        const unpinned = new Set([...event.files, ...(event.unpinned ?? [])]);
        entry.pinned = entry.pinned.filter((f) => !unpinned.has(f));
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
        if (!entry.pinned.includes(event.file)) entry.pinned.push(event.file);
        break;
      }
      default:
        break;
    }
  }
  const order = [...config.phases.map((p) => p.id), ...[...byId.keys()].filter((id) => !config.phases.some((p) => p.id === id))];
  const elsewhere = new Map<string, PhaseApplication[]>();
  for (const event of state.elsewhere ?? []) {
    const away = { commitBefore: event.commitBefore, commitAfter: event.commitAfter, files: event.files, event, order: -1 };
    elsewhere.set(event.phase, [...(elsewhere.get(event.phase) ?? []), away]);
  }
  return order.map((id) => {
    const entry = byId.get(id)!;
    const away = elsewhere.get(id);
    return { id, ...entry, culprits: [...entry.culprits.values()], ...(away ? { elsewhere: away } : {}) };
  });
}

/** The latest application in force that changed `file`, with its phase. */
export function applicationOfFile(states: readonly PhaseState[], file: string): { phase: PhaseState; application: PhaseApplication } | undefined {
  let found: { phase: PhaseState; application: PhaseApplication } | undefined;
  for (const phase of states) {
    if (!isApplied(phase)) continue;
    for (const application of phase.applications) {
      if (application.commitAfter && application.files.includes(file) && (!found || application.order > found.application.order)) {
        found = { phase, application };
      }
    }
  }
  return found;
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
 * Phase states as seen from HEAD. The history is HEAD's own (its commits and
 * their notes), so an application made on another branch, or on a detached
 * HEAD since left, is not in force here; it is listed in `elsewhere`.
 */
export async function phaseStatesAtHead(root: string, config: Pick<Config, 'phases'>, state?: SsotState): Promise<PhaseState[]> {
  return phaseStates(config, state ?? (await readState(root)));
}

/**
 * `ssot history`: findings per phase and service at past commits of the
 * branch (first parents of HEAD), as a time series, with the phase commits
 * and rollbacks of that history as events on it. Events come from the
 * commits themselves — the `Ssot-Phase:` / `Ssot-Rollback:` / `Ssot-File:`
 * trailers ssot writes, and a plain `git revert` of a phase commit — so the
 * series needs no local state and reads the same on every clone.
 *
 * Sampling: `commit` takes every commit; `day` the last commit of each day
 * (the committer's own calendar day), plus every commit that carries an
 * event, so each marker sits on its own point; `auto` is `commit` for up to
 * AUTO_COMMIT_LIMIT commits, else `day`. The first commit of the window is
 * always a point (the "before").
 */
import type { Config } from '../config/compile.js';
import { scanCommits, type CommitCounts, type HistoryStats } from '../engine/history.js';
import { UserError } from '../model/errors.js';
import { requireGitWorkTree } from '../workspace/git.js';
import { branchCommits, resolveCommit, treesAlong, type BranchCommit, type HistoryWindow } from '../workspace/gitHistory.js';

export type HistoryEvery = 'day' | 'commit' | 'auto';

/** Up to this many commits in the window, `auto` samples every commit. */
export const AUTO_COMMIT_LIMIT = 100;

/** Window when none is given: the last 30 days. */
export const DEFAULT_SINCE_DAYS = 30;

/** A phase commit, a phase rollback or a file rollback on the branch. */
export interface HistoryEvent {
  readonly type: 'phase' | 'rollback' | 'file-rollback';
  readonly phase: string;
  readonly commit: string;
  /** Committer date, ISO 8601 with offset. */
  readonly date: string;
  readonly subject: string;
  /** For a file rollback: the file (relative to the root). */
  readonly file?: string;
}

export interface HistoryPoint extends CommitCounts {
  /** Committer date, ISO 8601 with the committer's offset. */
  readonly date: string;
  readonly subject: string;
  /** Events of the commits since the previous point, up to and including this one. */
  readonly events: readonly HistoryEvent[];
}

export interface HistoryResult {
  readonly tool: 'ssot';
  readonly root: string;
  readonly head: string;
  /** The window as given (`2026-11-01`, a ref) or the default; and how it was sampled. */
  readonly since: string;
  readonly every: 'day' | 'commit';
  /** Phase ids of the config in order (the series' keys besides `(none)`), and service names. */
  readonly phases: readonly string[];
  readonly services: readonly string[];
  /** Oldest first. */
  readonly points: readonly HistoryPoint[];
  /** Every event in the window, oldest first (also those between sampled points). */
  readonly events: readonly HistoryEvent[];
  /** First-parent commits in the window. */
  readonly commits: number;
  readonly stats: HistoryStats;
}

export interface HistoryOptions {
  readonly root: string;
  readonly config: Config;
  /** `YYYY-MM-DD` (or a full ISO date), or a commit-ish; default DEFAULT_SINCE_DAYS days ago. */
  readonly since?: string;
  readonly every?: HistoryEvery;
  readonly cache?: boolean;
  readonly workers?: number;
  /** Now, for the default window (tests pin it). */
  readonly now?: Date;
  readonly onProgress?: (done: number, total: number) => void;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `--since`: a date or a commit. A date wins when the text is one (a branch named 2026-11-01 is unlikely). */
export async function parseSince(root: string, since: string | undefined, now: Date): Promise<{ window: HistoryWindow; label: string }> {
  if (since === undefined) {
    const date = new Date(now.getTime() - DEFAULT_SINCE_DAYS * 86_400_000).toISOString();
    return { window: { kind: 'since-date', date }, label: `${date.slice(0, 10)} (${DEFAULT_SINCE_DAYS} days ago)` };
  }
  if (ISO_DATE.test(since) && !Number.isNaN(Date.parse(since))) return { window: { kind: 'since-date', date: since }, label: since };
  const commit = await resolveCommit(root, since);
  if (commit) return { window: { kind: 'since-ref', commit }, label: /^[0-9a-f]{40}$/.test(since) ? since.slice(0, 7) : since };
  throw new UserError(`--since ${since}: neither a date (YYYY-MM-DD) nor a commit of this repository`, {
    hint: 'pass a date such as 2026-11-01, or a branch, tag or commit id',
  });
}

/** The events a commit carries: its ssot trailers, or a plain revert of a phase commit. */
export function eventsOf(commit: BranchCommit, phaseOfCommit: ReadonlyMap<string, string>): HistoryEvent[] {
  const base = { commit: commit.commit, date: commit.date, subject: commit.subject };
  const out: HistoryEvent[] = [];
  for (const phase of commit.phases) out.push({ type: 'phase', phase, ...base });
  for (const phase of commit.rollbacks) {
    if (commit.files.length) for (const file of commit.files) out.push({ type: 'file-rollback', phase, file, ...base });
    else out.push({ type: 'rollback', phase, ...base });
  }
  if (!out.length && commit.reverts && phaseOfCommit.has(commit.reverts)) out.push({ type: 'rollback', phase: phaseOfCommit.get(commit.reverts)!, ...base });
  return out;
}

/** Which commits become points (indices into `commits`, ascending). */
export function samplePoints(commits: readonly BranchCommit[], every: 'day' | 'commit', hasEvent: (i: number) => boolean): number[] {
  if (every === 'commit') return commits.map((_, i) => i);
  const picked = new Set<number>([0]);
  commits.forEach((c, i) => {
    const next = commits[i + 1];
    // the committer's own calendar day: the date part of its ISO date with offset
    if (!next || next.date.slice(0, 10) !== c.date.slice(0, 10) || hasEvent(i)) picked.add(i);
  });
  return [...picked].sort((a, b) => a - b);
}

export async function computeHistory(options: HistoryOptions): Promise<HistoryResult> {
  const { root, config } = options;
  const head = await requireGitWorkTree(root, 'ssot history');
  const { window, label } = await parseSince(root, options.since, options.now ?? new Date());
  const commits = await branchCommits(root, window);
  const phaseOfCommit = new Map(commits.flatMap((c) => c.phases.map((p) => [c.commit, p] as const)));
  const eventsByCommit = commits.map((c) => eventsOf(c, phaseOfCommit));
  const every = options.every === 'day' || options.every === 'commit' ? options.every : commits.length <= AUTO_COMMIT_LIMIT ? 'commit' : 'day';
  const picked = commits.length ? samplePoints(commits, every, (i) => eventsByCommit[i]!.length > 0) : [];
  const trees = await treesAlong(
    root,
    commits.map((c) => c.commit),
    picked,
  );
  const { counts, stats } = await scanCommits({
    root,
    config,
    commits: picked.map((i) => commits[i]!.commit),
    trees,
    cache: options.cache,
    workers: options.workers,
    onProgress: options.onProgress,
  });
  let previous = -1;
  const points: HistoryPoint[] = picked.map((index, n) => {
    const events = eventsByCommit.slice(previous + 1, index + 1).flat();
    previous = index;
    const c = commits[index]!;
    return { ...counts[n]!, date: c.date, subject: c.subject, events };
  });
  return {
    tool: 'ssot',
    root,
    head,
    since: label,
    every,
    phases: config.phases.map((p) => p.id),
    services: config.services.map((s) => s.name),
    points,
    events: eventsByCommit.flat(),
    commits: commits.length,
    stats,
  };
}

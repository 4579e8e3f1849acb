/**
 * What a phase will write and what it leaves, from the fix run: a pure
 * function of the engine's per-file fixes and what git and the disk say of
 * each file. Files without a rollback point (untracked), with a person's
 * uncommitted changes, or changed since they were planned are skipped; their
 * findings all stay, counted under the reason they were skipped.
 */
import type { FileFix, FixRun, LeftFinding } from '../model/outcome.js';
import type { FileNote, PhaseCounts } from './state.js';

export interface PerFileFixes {
  readonly file: string;
  readonly safe: number;
  readonly unsafe: number;
}

/** A finding a phase leaves for a person, where it is (1-based line). */
export interface LeftLocation {
  readonly file: string;
  readonly line: number;
  readonly applicability: LeftFinding['applicability'];
  readonly reason: string;
}

export interface PhaseAccount {
  /** The files to write, in run order. */
  readonly toWrite: readonly FileFix[];
  readonly skipped: readonly FileNote[];
  readonly refused: readonly FileNote[];
  readonly perFile: readonly PerFileFixes[];
  readonly counts: PhaseCounts;
  /** reason → findings left for a person, in the order the reasons first occur. */
  readonly leftByReason: Readonly<Record<string, number>>;
  /** The findings left in the files the phase planned (not those of skipped files: every finding of theirs stays), by file and line. */
  readonly left: readonly LeftLocation[];
}

export interface FileStates {
  /** Files git tracks (the others have no rollback point). */
  readonly tracked: ReadonlySet<string>;
  /** Tracked files with uncommitted changes (only with --allow-dirty). */
  readonly dirty: ReadonlySet<string>;
  /** Files whose bytes on disk are no longer the ones planned. */
  readonly changedOnDisk: ReadonlySet<string>;
  /** Files held back from this run (culprits of a gate), with why. */
  readonly heldBack?: ReadonlyMap<string, string>;
}

export const SKIP_REASONS = {
  untracked: 'not tracked by git, so it has no rollback point; commit it first',
  dirty: 'has uncommitted changes (--allow-dirty); commit them first',
  changedOnDisk: 'changed on disk while the phase was planned',
} as const;

export function accountPhase(run: Pick<FixRun, 'files'> & Partial<Pick<FixRun, 'errors'>>, states: FileStates): PhaseAccount {
  const changed = run.files.filter((f) => f.status === 'changed' && f.updated);
  const skipped: FileNote[] = [];
  // files of the phase that could not be read, decoded or analysed: nothing of them is fixed, and the phase says so
  for (const e of run.errors ?? []) skipped.push({ file: e.file, reason: e.message });
  const toWrite: FileFix[] = [];
  for (const f of changed) {
    const heldBack = states.heldBack?.get(f.file);
    if (heldBack !== undefined) skipped.push({ file: f.file, reason: heldBack });
    else if (!states.tracked.has(f.file)) skipped.push({ file: f.file, reason: SKIP_REASONS.untracked });
    else if (states.dirty.has(f.file)) skipped.push({ file: f.file, reason: SKIP_REASONS.dirty });
    else if (states.changedOnDisk.has(f.file)) skipped.push({ file: f.file, reason: SKIP_REASONS.changedOnDisk });
    else toWrite.push(f);
  }
  const duringRun = run.files.filter((f) => f.status === 'changed-during-run');
  for (const f of duringRun) skipped.push({ file: f.file, reason: f.reason ?? SKIP_REASONS.changedOnDisk });
  const refused: FileNote[] = run.files.filter((f) => f.status === 'refused').map((f) => ({ file: f.file, reason: f.reason ?? 'refused by validation' }));
  const perFile = toWrite.map((f) => ({ file: f.file, safe: f.applied.safe, unsafe: f.applied.unsafe }));
  const safe = perFile.reduce((n, f) => n + f.safe, 0);
  const unsafe = perFile.reduce((n, f) => n + f.unsafe, 0);
  const leftByReason: Record<string, number> = {};
  const left: LeftLocation[] = [];
  const count = (reason: string, n: number) => (leftByReason[reason] = (leftByReason[reason] ?? 0) + n);
  for (const f of run.files) {
    if (f.status === 'changed' && !toWrite.includes(f)) continue; // a skipped file's findings all stay; counted below
    if (f.status === 'changed-during-run') continue;
    for (const l of f.left) {
      count(l.reason, 1);
      left.push({ file: f.file, line: l.line, applicability: l.applicability, reason: l.reason });
    }
  }
  for (const s of skipped) {
    const f = run.files.find((c) => c.file === s.file);
    if (f) count(`file skipped: ${s.reason}`, f.applied.safe + f.applied.unsafe + f.left.length);
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
  left.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { toWrite, skipped, refused, perFile, counts, leftByReason, left };
}

/**
 * Fixes as data (as ruff's Edit/Fix): an Edit is a range of the decoded text
 * plus replacement text; a file's fix is a sorted, non-overlapping list of
 * edits, each with an applicability. Applying is a splice of the original.
 */
import type { Applicability, Finding, Range } from '../model/finding.js';

/** Replace [start, end) of the decoded text (BOM excluded, UTF-16 indices) with `text`. */
export interface Edit extends Range {
  readonly text: string;
}

/** One unit of change that must be applied whole (e.g. an import rewrite and every reference it renames). */
export interface PlannedFix {
  readonly applicability: Applicability;
  /** Why it is unsafe or manual, in words a person can act on. */
  readonly reason?: string;
  readonly edits: readonly Edit[];
  /** Indices into the file's findings this fix resolves. */
  readonly findings: readonly number[];
}

export type FileFixStatus = 'changed' | 'unchanged' | 'refused';

/** The outcome for one file — a closed set, as LibCST's codemod results. */
export interface FileFix {
  /** Posix path relative to the root. */
  readonly file: string;
  readonly status: FileFixStatus;
  /** For `refused`: why validation rejected the result (nothing is written). */
  readonly reason?: string;
  /** Bytes on disk when planned. */
  readonly original: Buffer;
  /** Bytes to write for `changed`; null otherwise. */
  readonly updated: Buffer | null;
  readonly applied: { safe: number; unsafe: number };
  /** Findings left for a person (manual, or unsafe without --unsafe), with the reason. */
  readonly left: readonly { readonly line: number; readonly applicability: Applicability; readonly reason: string }[];
}

export interface FixSummary {
  fixedSafe: number;
  fixedUnsafe: number;
  /** reason → count of findings left manual (or unsafe not applied). */
  leftByReason: Record<string, number>;
  filesChanged: number;
  filesRefused: number;
}

export interface FixRun {
  readonly root: string;
  /** Every file that had findings, sorted by path. */
  readonly files: FileFix[];
  /** Every finding with `fix` and `reason` filled in. */
  readonly findings: Finding[];
  readonly summary: FixSummary;
  /** False when no Python interpreter was found: compile validation was skipped (said once). */
  readonly pythonAvailable: boolean;
}

export interface ComputeFixOptions {
  readonly root: string;
  readonly config: import('../config/compile.js').Config;
  readonly phase?: string;
  readonly rule?: string;
  /** Apply unsafe fixes too (default false). */
  readonly unsafe?: boolean;
  /** Interpreter for compile validation; default `python3`; null skips compile validation. */
  readonly python?: string | null;
  /**
   * A scan already made of `root` with this config (and phase/rule): it is not
   * repeated, and its findings are the ones filled with `fix`/`reason`.
   */
  readonly scanned?: import('./run.js').ScanResult;
  /**
   * Plan-apply rounds per file (default 4: plan again on the result until
   * nothing changes). 1 is enough to say how each finding would be fixed.
   */
  readonly rounds?: number;
  /** Scan workers started early (startScanWorkers): the scan uses or stops them. */
  readonly started?: import('./pool.js').StartedWorkers;
}

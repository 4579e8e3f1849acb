/**
 * What processing one file yields, and what a fix run yields: closed sets of
 * outcomes (as LibCST's codemod results), plain data, no I/O.
 *
 * Positions: `range` in ./range.ts units; reported lines are 1-based.
 */
import type { Edit } from './edit.js';
import type { Applicability, FileProblem, Finding } from './finding.js';
import type { Range } from './range.js';

/** How the planner means to fix one finding; `reason` says why it is unsafe or manual, in words a person can act on. */
export interface FindingFix {
  readonly applicability: Applicability;
  readonly reason?: string;
}

/**
 * One planning pass over one text: the edits of every fix included (safe,
 * plus unsafe when allowed; sorted, non-overlapping), and per finding (same
 * index as the findings analysed) how it is fixed and whether its fix is in
 * the edits.
 */
export interface FilePlan {
  readonly edits: readonly Edit[];
  readonly perFinding: readonly FindingFix[];
  readonly applied: readonly boolean[];
  /** Module-level names the edits remove or rebind (other modules may refer to them: see Ban.referenceOf). */
  readonly changedNames?: readonly string[];
  /** Deprecated paths whose values this file compares by identity (`is`, `id()`), with the first line: a rename elsewhere changes what the comparison sees. */
  readonly identityCompared?: readonly IdentityUse[];
  /**
   * Deprecated paths (or paths under them) this file names as what to patch
   * (`patch("m.N")`, `monkeypatch.setattr(m, "N", …)`) in strings no fix
   * rewrites, with the first line: code elsewhere that reads `m.N` through
   * its module when it runs sees the patch; the canonical name would not.
   */
  readonly patchTargets?: readonly IdentityUse[];
}

/** A deprecated path compared by identity, or patched, in a file (1-based line). */
export interface IdentityUse {
  readonly path: string;
  readonly line: number;
}

/** A finding as one file's processing reports it: positions resolved, service/phase/message not attached yet. */
export type FileFinding = Omit<Finding, 'service' | 'phase' | 'message' | 'file'> & { readonly range: Range };

/** A finding a file's fix leaves for a person (manual, or unsafe without --unsafe). */
export interface LeftFinding {
  readonly line: number;
  readonly applicability: Applicability;
  readonly reason: string;
}

/**
 * A file's fix as the thread that processed it computed it (fix mode): every
 * plan-apply round run and validated on the same parse as the findings.
 */
export interface FileRewrite {
  /** contentHash of the bytes it was computed from: the fix applies to those bytes only. */
  readonly hash: string;
  /** changed: `text` is the result; unchanged: no fix to apply; refused: validation rejected the result (nothing may be written). */
  readonly status: 'changed' | 'unchanged' | 'refused';
  /** For changed: the text after every round (BOM excluded). */
  readonly text?: string;
  /** For refused: why. */
  readonly reason?: string;
  /** Set when the rounds stopped at the limit with fixes still coming (the last validated result is kept, as ruff does). */
  readonly warning?: string;
  readonly applied: { readonly safe: number; readonly unsafe: number };
  readonly left: readonly LeftFinding[];
  /** Indices of the findings whose fix is in `text`, in the order they were fixed. */
  readonly fixed: readonly number[];
}

export type FileOutcome =
  | { readonly status: 'clean' }
  | {
      readonly status: 'findings';
      readonly findings: FileFinding[];
      readonly parseErrors: boolean;
      readonly rewrite?: FileRewrite;
      /** Module-level names the planned fix removes or rebinds (annotate and fix modes). */
      readonly changedNames?: readonly string[];
      /** Deprecated paths this file compares by identity (annotate and fix modes). */
      readonly identityCompared?: readonly IdentityUse[];
      /** Deprecated paths this file patches by name (annotate and fix modes). */
      readonly patchTargets?: readonly IdentityUse[];
      /** A stage failed after the findings were made (planning): said once, the findings stand. */
      readonly warning?: string;
    }
  | { readonly status: 'skipped'; readonly reason: string };

/**
 * The outcome of fixing one file. changed: `updated` holds the bytes to write;
 * unchanged: nothing to write; refused: validation (reparse, names, compile)
 * rejected the result; changed-during-run: the bytes on disk are not the ones
 * that were planned (or are gone), so nothing of the plan applies.
 */
export type FileFixStatus = 'changed' | 'unchanged' | 'refused' | 'changed-during-run';

export interface FileFix {
  /** Posix path relative to the root. */
  readonly file: string;
  readonly status: FileFixStatus;
  /** For refused and changed-during-run: why nothing is written. */
  readonly reason?: string;
  /** A caveat that does not stop the write (the rounds did not converge). */
  readonly warning?: string;
  /** Bytes on disk when the fix was built (empty when the file is gone). */
  readonly original: Buffer;
  /** Bytes to write for changed; null otherwise. */
  readonly updated: Buffer | null;
  readonly applied: { readonly safe: number; readonly unsafe: number };
  readonly left: readonly LeftFinding[];
}

export interface FixSummary {
  fixedSafe: number;
  fixedUnsafe: number;
  /** reason → count of findings left manual (or unsafe not applied). */
  leftByReason: Record<string, number>;
  filesChanged: number;
  filesRefused: number;
}

/** Whether the language's compile check ran on the rewritten files; `note` says why not (said once). */
export interface CompileCheck {
  readonly ran: boolean;
  readonly note?: string;
}

/** What a run spent its work on (for `npm run bench`'s report and the tests of the cache and pool). */
export interface RunStats {
  /** Files selected for the run. */
  readonly files: number;
  /** Files that went through the full parse, and their bytes. */
  readonly parsedFiles: number;
  readonly parsedBytes: number;
  readonly cacheHits: number;
  /** Files not even read: their stat signature matched the cache. */
  readonly statHits: number;
  /** Worker threads besides the main thread. */
  readonly workers: number;
}

export interface FixRun {
  readonly root: string;
  /** Every file that had findings, sorted by path. */
  readonly files: FileFix[];
  /** Every finding with `fix` and `reason` filled in. */
  readonly findings: Finding[];
  readonly summary: FixSummary;
  readonly compileCheck: CompileCheck;
  /** Files that could not be processed, as the scan reports them. */
  readonly errors: readonly FileProblem[];
  readonly stats: RunStats;
}

/**
 * The seam a language plugs into. Python is the first adapter; TypeScript can
 * follow by implementing the same interface with its own grammar and scopes.
 */
import type { Ban, RawFinding } from '../model/finding.js';
import type { LanguageId } from '../parsing/treeSitter.js';

export interface FileScanInput {
  /** Posix path relative to the scan root. */
  readonly rel: string;
  /** Decoded text, BOM removed. */
  readonly text: string;
  /** Bans active in this file (rules whose allowIn matches it are left out). */
  readonly bans: readonly Ban[];
  readonly sourceRoots: readonly string[];
  /**
   * Also plan the fixes (nothing is written) from the same parse and
   * analysis, so a scan can say how each finding would be fixed without
   * parsing the file again.
   */
  readonly plan?: {
    readonly rules: FilePlanInput['rules'];
    readonly unsafe: boolean;
    /**
     * Check the planned rewrite (reparse, name resolution) and answer in
     * `fixes.problem`; default true. A scan's annotation skips it, as ruff
     * marks a diagnostic fixable without applying the fix: `ssot fix`
     * validates every file it would write.
     */
    readonly validate?: boolean;
  };
}

export interface FileScanOutput {
  readonly findings: RawFinding[];
  readonly parseErrors: boolean;
  /** 0-based lines with an inline suppression: rule ids, or null for every rule. */
  readonly suppressions: Map<number, Set<string> | null>;
  /** Ranges of the import statements findings belong to, for suppression on any of their lines. */
  readonly statementRanges: Map<RawFinding, { start: number; end: number }>;
  /** With `plan` in the input: the fixes, as planFile returns them. */
  readonly fixes?: Pick<FilePlanOutput, 'edits' | 'perFinding' | 'applied' | 'problem'>;
}

/** A canonical (or types) import target, for planning fixes. */
export interface FixTargetInfo {
  readonly module: string;
  readonly name: string;
  readonly local: string;
}

export interface FilePlanInput extends FileScanInput {
  readonly rules: ReadonlyMap<string, { id: string; canonical: FixTargetInfo; types: FixTargetInfo | undefined; bans?: readonly Ban[] }>;
  readonly unsafe: boolean;
}

export interface FilePlanOutput extends FileScanOutput {
  /** Sorted, non-overlapping edits of the fixes included. `binds`: the identifier placed must resolve to this path. */
  readonly edits: readonly { start: number; end: number; text: string; binds?: string }[];
  /** Same index as `findings`. */
  readonly perFinding: readonly { applicability: import('../model/finding.js').Applicability; reason?: string }[];
  readonly applied: readonly boolean[];
  /** Why the edits, applied, would be refused (the result parses with new errors, or a placed name would not resolve as its edit says), or null. */
  readonly problem: string | null;
}

export interface LanguageAdapter {
  readonly id: LanguageId;
  readonly defaultInclude: readonly string[];
  /**
   * Byte strings of which at least one must occur in a file that can hold a
   * finding for `bans` (checked on raw bytes before decoding).
   */
  needles(bans: readonly Ban[]): string[];
  /** True when a file's location alone can make it reach a ban without naming it (e.g. relative imports inside the banned package). */
  alwaysCandidate(rel: string, bans: readonly Ban[], sourceRoots: readonly string[]): boolean;
  /**
   * Optional cheap second stage on the raw bytes (valid UTF-8) of a file that
   * passed `needles`/`alwaysCandidate`: false only when the file provably holds
   * no finding for `bans` (so it need not be parsed), true when it may.
   */
  mayHaveFindings?(input: { readonly rel: string; readonly bytes: Buffer; readonly bans: readonly Ban[]; readonly sourceRoots: readonly string[] }): boolean;
  scanFile(input: FileScanInput): Promise<FileScanOutput>;
  /** Findings plus the edits that fix them, validated (`problem`); nothing is written. */
  planFile(input: FilePlanInput): Promise<FilePlanOutput>;
}

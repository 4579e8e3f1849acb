/**
 * The seam a language plugs into. Python is the first adapter; TypeScript can
 * follow by implementing the same interface with its own grammar and scopes.
 */
import type { Ban, RawFinding } from '../core/model.js';
import type { LanguageId } from '../parsing/treeSitter.js';

export interface FileScanInput {
  /** Posix path relative to the scan root. */
  readonly rel: string;
  /** Decoded text, BOM removed. */
  readonly text: string;
  /** Bans active in this file (rules whose allowIn matches it are left out). */
  readonly bans: readonly Ban[];
  readonly sourceRoots: readonly string[];
}

export interface FileScanOutput {
  readonly findings: RawFinding[];
  readonly parseErrors: boolean;
  /** 0-based lines with an inline suppression: rule ids, or null for every rule. */
  readonly suppressions: Map<number, Set<string> | null>;
  /** Ranges of the import statements findings belong to, for suppression on any of their lines. */
  readonly statementRanges: Map<RawFinding, { start: number; end: number }>;
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
  scanFile(input: FileScanInput): Promise<FileScanOutput>;
}

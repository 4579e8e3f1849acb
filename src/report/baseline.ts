/** How a check's findings compare with a baseline, as the reporters receive it (data from engine/baseline.ts). */
import type { BaselineEntry, BaselineState } from '../engine/baseline.js';

export interface CheckBaseline {
  /** The baseline file, as the user named it. */
  readonly file: string;
  /** Per finding of the result (same index). */
  readonly states: readonly BaselineState[];
  /** Entries of the checked files that no finding matches any more. */
  readonly absent: readonly BaselineEntry[];
  /** `--strict-baseline`: stale entries fail the check. */
  readonly strict: boolean;
}

/**
 * Plan-apply rounds for one file, as ruff applies fixes until nothing
 * changes: one change can free the next (an import left for a rebinding that
 * the first round removed). Every round's edits are validated by the planner
 * (reparse, name resolution) before they are taken. Pure: text in, text out.
 */
import { applyEdits, type Edit } from '../model/edit.js';
import type { Applicability } from '../model/finding.js';
import type { FileAnalysisInput, LanguageAdapter } from '../languages/adapter.js';

/** Plan-apply rounds per file before giving up on converging (the last result is kept: it was validated). */
export const MAX_ROUNDS = 4;

export interface RoundsResult {
  /** False when the first plan had no edits: the file stays as it is. */
  readonly edited: boolean;
  /** The first validation problem; then nothing of the file may be written. */
  readonly problem: string | null;
  /** The text after every round (the input text when the first plan had no edits). */
  readonly after: string;
  /** Fixes that rounds after the first applied, by finding identity (see findingKey). */
  readonly later: { key: string; applicability: Applicability }[];
  /** False when the round limit was reached with fixes still planned. */
  readonly converged: boolean;
}

/** A finding's identity across rounds (positions move as edits land). */
export function findingKey(f: { kind: string; symbol: string; local: string; usage: string | null }): string {
  return `${f.kind}\0${f.symbol}\0${f.local}\0${f.usage}`;
}

/**
 * Runs the rounds from `first`, the validated plan of `input.text`.
 * `input.plan` must ask for validation.
 */
export async function runRounds(
  adapter: LanguageAdapter,
  input: FileAnalysisInput & { readonly plan: NonNullable<FileAnalysisInput['plan']> },
  first: { readonly edits: readonly Edit[]; readonly problem: string | null },
  rounds: number = MAX_ROUNDS,
): Promise<RoundsResult> {
  let after = input.text;
  let round = first;
  const later: RoundsResult['later'] = [];
  if (!first.edits.length) return { edited: false, problem: null, after, later, converged: true };
  for (let n = 1; ; n++) {
    if (round.problem) return { edited: true, problem: round.problem, after, later, converged: true };
    after = applyEdits(after, round.edits).text;
    const next = await adapter.analyzeFile({ ...input, text: after });
    const plan = next.plan;
    if (!plan || !plan.edits.length) break;
    // the limit is reached with fixes still planned: keep the last validated result and say so (as ruff does)
    if (n === rounds) return { edited: true, problem: null, after, later, converged: false };
    next.findings.forEach((raw, i) => {
      if (plan.applied[i]) later.push({ key: findingKey(raw), applicability: plan.perFinding[i]!.applicability });
    });
    round = plan;
  }
  return { edited: true, problem: null, after, later, converged: true };
}

/**
 * Plan-apply rounds for one file, as ruff applies fixes until nothing
 * changes: one change can free the next (an import left for a rebinding that
 * the first round removed). Every round's edits are validated by the planner
 * (reparse, name resolution) before they are taken. Pure: text in, text out;
 * used by the fix engine in the main thread and by scan workers.
 */
import type { Applicability } from '../model/finding.js';
import type { FilePlanInput, FilePlanOutput, LanguageAdapter } from '../languages/adapter.js';
import { applyEdits } from '../model/edit.js';

/** Plan-apply rounds per file before giving up on converging (the last result is kept: it was validated). */
export const MAX_ROUNDS = 4;

export interface FileRounds {
  /** False when the first plan had no edits: the file stays as it is. */
  readonly edited: boolean;
  /** The first validation problem; then nothing of the file may be written. */
  readonly problem: string | null;
  /** The text after every round (the input text when the first plan had no edits). */
  readonly after: string;
  /** Fixes that rounds after the first applied, by finding identity (see findingKey). */
  readonly later: { key: string; applicability: Applicability }[];
}

/** A finding's identity across rounds (positions move as edits land). */
export function findingKey(f: { kind: string; symbol: string; local: string; usage: string | null }): string {
  return `${f.kind}\0${f.symbol}\0${f.local}\0${f.usage}`;
}

/**
 * Runs the rounds from `first`, the validated plan of `text`. `input` is
 * what planFile needs besides the text.
 */
export async function runRounds(
  adapter: LanguageAdapter,
  input: Omit<FilePlanInput, 'text'>,
  text: string,
  first: Pick<FilePlanOutput, 'edits' | 'problem'>,
  rounds: number = MAX_ROUNDS,
): Promise<FileRounds> {
  let after = text;
  let round: Pick<FilePlanOutput, 'edits' | 'problem'> = first;
  const later: FileRounds['later'] = [];
  if (!first.edits.length) return { edited: false, problem: null, after, later };
  for (let n = 1; ; n++) {
    if (round.problem) return { edited: true, problem: round.problem, after, later };
    after = applyEdits(after, round.edits).text;
    if (n === rounds) break;
    const next = await adapter.planFile({ ...input, text: after });
    if (!next.edits.length) break;
    next.findings.forEach((raw, i) => {
      if (next.applied[i]) later.push({ key: findingKey(raw), applicability: next.perFinding[i]!.applicability });
    });
    round = next;
  }
  return { edited: true, problem: null, after, later };
}

/**
 * The text of a phase commit: subject, per-file list, refused and skipped
 * files, gates passed, and the trailers recovery and history rely on.
 */
import type { Phase } from '../config/compile.js';
import { oneLine, plural } from '../text/plural.js';
import type { PerFileFixes } from './accounting.js';
import type { GateResult } from './gates.js';
import { JOURNAL_TRAILER } from './journal.js';
import { formatPart, type FileNote, type PhaseCounts, type PhasePart, type ServiceImportRecord } from './state.js';
import { formatCounts, TRAILER } from './trailers.js';

export function phaseCommitSubject(phaseId: string, counts: Pick<PhaseCounts, 'fixes' | 'files'>, rules: readonly string[]): string {
  return `ssot(${phaseId}): ${plural(counts.fixes, 'fix', 'fixes')} in ${plural(counts.files, 'file')} [${rules.join(', ')}]`;
}

/** The commit message: subject, per-file list, refused/skipped files, gates, and trailers recovery relies on. */
export function phaseCommitMessage(input: {
  phase: Phase;
  subject: string;
  perFile: readonly PerFileFixes[];
  refused: readonly FileNote[];
  skipped: readonly FileNote[];
  left: number;
  counts: PhaseCounts;
  part?: PhasePart;
  unpinned?: readonly string[];
  /** Imports between services the phase adds (each allowed by the boundaries). */
  serviceImports?: readonly ServiceImportRecord[];
  gates: readonly GateResult[];
  rules: readonly string[];
  journalId: string;
}): string {
  const lines = [input.subject, ''];
  const title = input.phase.title ? ` — ${input.phase.title}` : '';
  const risk = input.phase.risk ? ` (risk: ${input.phase.risk})` : '';
  lines.push(`Phase ${input.phase.id}${title}${risk}, applied by ssot.`, '', 'Files:');
  for (const f of input.perFile) {
    const how = f.unsafe ? ` (${f.safe} safe, ${f.unsafe} unsafe)` : '';
    lines.push(`- ${f.file}: ${plural(f.safe + f.unsafe, 'fix', 'fixes')}${how}`);
  }
  if (input.refused.length) {
    lines.push('', 'Refused by validation (left untouched):');
    for (const r of input.refused) lines.push(`- ${r.file}: ${oneLine(r.reason)}`);
  }
  if (input.skipped.length) {
    lines.push('', 'Skipped:');
    for (const s of input.skipped) lines.push(`- ${s.file}: ${s.reason}`);
  }
  if (input.serviceImports?.length) {
    lines.push('', 'Imports between services added (allowed by the boundaries):');
    for (const s of input.serviceImports) lines.push(`- ${s.file}:${s.line}: ${s.module} (${s.fromService} → ${s.toService})`);
  }
  if (input.left) lines.push('', `Left for a person: ${plural(input.left, 'finding')} (see \`ssot scan --phase ${input.phase.id}\`).`);
  const gates = input.gates.filter((g) => g.ok);
  if (gates.length) {
    lines.push('', `Gates passed: ${gates.map((g) => `${g.name} (${g.moment})`).join(', ')}.`);
  }
  lines.push('', `${TRAILER.phase}: ${input.phase.id}`, `${TRAILER.rules}: ${input.rules.join(', ')}`, `${TRAILER.counts}: ${formatCounts(input.counts)}`);
  if (input.part) lines.push(`${TRAILER.part}: ${formatPart(input.part)}`);
  for (const file of input.unpinned ?? []) lines.push(`${TRAILER.unpin}: ${file}`);
  lines.push(`${JOURNAL_TRAILER}: ${input.journalId}`);
  return `${lines.join('\n')}\n`;
}

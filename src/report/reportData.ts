/**
 * The document `ssot report --format json` prints: the migration report
 * (phases/report.ts) plus the latest monitor verdict when a watch report was
 * given. The HTML dashboard, the Markdown report and the daily status are
 * pure functions of it. Helpers here derive what several views show the same
 * way (so the chart and the tables cannot disagree).
 */
import type { SignalVerdict } from '../monitor/judge.js';
import type { HistoryPoint } from '../phases/history.js';
import type { MigrationReport, ReportPhase } from '../phases/report.js';

/** The last verdict of `ssot monitor watch --format json` (its `type: "verdict"` line). */
export interface MonitorSummary {
  /** The watch report file it was read from, as given. */
  readonly file: string;
  readonly outcome: 'pass' | 'breach' | 'no data';
  readonly exitCode: number;
  readonly reason: string;
  /** ISO time the watch started, when the report says. */
  readonly startedAt: string | null;
  /** Milliseconds watched. */
  readonly elapsedMs: number | null;
  readonly intervals: number | null;
  readonly signals: readonly SignalVerdict[];
}

export interface ReportDocument extends MigrationReport {
  readonly monitor: MonitorSummary | null;
}

/** `1a`, `1b`, …, then `(none)` when any point has findings outside every phase: the burndown's series. */
export function burndownSeries(doc: ReportDocument): string[] {
  const points = doc.history?.points ?? [];
  const ids = doc.phases.map((p) => p.id);
  const loose = points.some((p) => (p.byPhase['(none)'] ?? 0) > 0);
  return [...ids, ...(loose ? ['(none)'] : [])];
}

/** The findings of one phase at one point of the history. */
export function pointValue(point: HistoryPoint, phase: string): number {
  return point.byPhase[phase] ?? 0;
}

/** `abc1234`. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : '—';
}

/** A phase's state in words: `done (abc1234)`, `rolled back`, `pending (last attempt failed: after-gates)`. */
export function phaseStateLabel(p: ReportPhase): string {
  if (p.status === 'done') {
    const last = p.commits.at(-1);
    const partial = p.rolledBackFiles.length ? `, ${p.rolledBackFiles.length} file${p.rolledBackFiles.length === 1 ? '' : 's'} rolled back` : '';
    return `done${last ? ` (${shortCommit(last.commit)})` : ''}${partial}`;
  }
  if (p.status === 'rolled-back') return 'rolled back';
  if (String(p.status) === 'partial') return 'partly done';
  return p.failure ? `pending (last attempt failed: ${p.failure.stage})` : 'pending';
}

/** The first history point at or after a phase commit, and the one before it: the drop the phase made. */
export function phaseDrop(doc: ReportDocument, commit: string): { before: number; after: number } | null {
  const points = doc.history?.points ?? [];
  const at = points.findIndex((p) => p.commit === commit);
  if (at <= 0) return null;
  return { before: points[at - 1]!.total, after: points[at]!.total };
}

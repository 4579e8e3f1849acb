/**
 * `ssot history` as text (a table of points with phase columns and event
 * markers), CSV (one row per point: totals, every phase, every service, by
 * applicability, events) and JSON (the HistoryResult itself: the contract).
 */
import type { HistoryEvent, HistoryPoint, HistoryResult } from '../phases/history.js';
import { UNASSIGNED } from '../model/finding.js';
import { NO_COLORS, type Colors } from '../text/colors.js';
import { plural } from '../text/plural.js';
import { textTable } from '../text/table.js';

/** `✔ 1a`, `↩ 2a`, `↩ 2a file auth/x.py` — an event in a few characters. */
export function eventLabel(e: HistoryEvent): string {
  if (e.type === 'phase') return `✔ ${e.phase}`;
  if (e.type === 'file-rollback') return `↩ ${e.phase} ${e.file}`;
  return `↩ ${e.phase}`;
}

/** Series keys: the config's phases, then `(none)` when any point has findings outside every phase. */
export function seriesPhases(history: Pick<HistoryResult, 'phases' | 'points'>): string[] {
  const loose = history.points.some((p) => (p.byPhase[UNASSIGNED] ?? 0) > 0);
  return [...history.phases, ...(loose ? [UNASSIGNED] : [])];
}

/** `2026-11-25 20:34` from an ISO date with offset (the committer's wall clock). */
export function pointTime(date: string): string {
  return date.slice(0, 16).replace('T', ' ');
}

export function renderHistoryText(history: HistoryResult, colors: Colors = NO_COLORS): string {
  if (!history.points.length) return `no commits since ${history.since}\n`;
  const phases = seriesPhases(history);
  const rows = history.points.map((p) => [
    pointTime(p.date),
    p.commit.slice(0, 7),
    String(p.total),
    ...phases.map((id) => String(p.byPhase[id] ?? 0)),
    String(p.byFix.safe),
    String(p.byFix.unsafe),
    String(p.byFix.manual),
    p.events.map(eventLabel).join(', '),
  ]);
  const header = ['date', 'commit', 'total', ...phases, 'safe', 'unsafe', 'manual', 'events'];
  const align = ['l', 'l', 'r', ...phases.map(() => 'r' as const), 'r', 'r', 'r', 'l'] as const;
  const out = [textTable([header, ...rows], { header: true, align: [...align], colors }), ''];
  const first = history.points[0]!;
  const last = history.points.at(-1)!;
  const phaseEvents = history.events.filter((e) => e.type === 'phase').length;
  const rollbacks = history.events.length - phaseEvents;
  out.push(
    `${first.total} → ${last.total} findings over ${plural(history.points.length, 'point')} (${history.every === 'day' ? 'daily' : 'every commit'}, ${plural(history.commits, 'commit')} since ${history.since}); ` +
      `${plural(phaseEvents, 'phase commit')}, ${plural(rollbacks, 'rollback')}`,
  );
  return `${out.join('\n')}\n`;
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderHistoryCsv(history: HistoryResult): string {
  const phases = seriesPhases(history);
  const services = [...history.services, ...(history.points.some((p) => (p.byService[UNASSIGNED] ?? 0) > 0) ? [UNASSIGNED] : [])];
  const header = ['date', 'commit', 'total', 'files_with_findings', ...phases.map((p) => `phase:${p}`), ...services.map((s) => `service:${s}`), 'safe', 'unsafe', 'manual', 'events'];
  const row = (p: HistoryPoint) => [
    p.date,
    p.commit,
    p.total,
    p.filesWithFindings,
    ...phases.map((id) => p.byPhase[id] ?? 0),
    ...services.map((s) => p.byService[s] ?? 0),
    p.byFix.safe,
    p.byFix.unsafe,
    p.byFix.manual,
    p.events.map((e) => `${e.type}:${e.phase}${e.file ? `:${e.file}` : ''}`).join(' '),
  ];
  return `${[header, ...history.points.map(row)].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
}

export function renderHistoryJson(history: HistoryResult): string {
  return `${JSON.stringify(history, null, 2)}\n`;
}

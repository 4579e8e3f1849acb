/**
 * Pure rendering: verdicts and progress → table text or JSON lines. Nothing
 * here prints; the CLI decides where text goes.
 */
import { formatDuration } from '../text/duration.js';
import type { SignalJudgement, SignalStatus, SignalVerdict, Verdict } from '../monitor/judge.js';
import type { WatchReport } from '../monitor/action.js';
import type { SignalDescriptor, SignalSummary, SourceHealth } from '../monitor/window.js';
import { NO_COLORS, visibleLength, type Colors } from '../text/colors.js';
import { textTable } from '../text/table.js';


type Paint = (text: string) => string;

const sig = (value: number, digits = 3) => {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '-∞' : '—';
  if (value !== 0 && Math.abs(value) < 0.001) return value.toExponential(1);
  return String(Number(value.toPrecision(digits)));
};

/** A value in its unit, for a table cell. */
export function formatValue(value: number | null, unit: SignalJudgement['unit'], kind: SignalJudgement['kind']): string {
  if (value === null || Number.isNaN(value)) return '—';
  switch (unit) {
    case 'ms':
      return `${sig(value, 4)} ms`;
    case '/s':
      return value < 1 ? `${sig(value * 60)}/min` : `${sig(value)}/s`;
    case '/attempt':
      return `${sig(value * 100)}%`;
    case 'ratio':
      return kind === 'success' ? `${sig(value * 100, 4)}%` : sig(value, 2);
    case 'up':
      return `${sig(value * 100)}% up`;
    default:
      return String(Math.round(value));
  }
}

export function formatEstimate(judgement: SignalJudgement): string {
  const e = judgement.estimate;
  if (!e) return '';
  const level = Math.round(e.confLevel * 1000) / 10;
  return `×${e.ratio.toFixed(3)} [${e.lower.toFixed(3)}, ${e.upper.toFixed(3)}] ${level}% n=${e.n}/${e.baselineN}`;
}

function statusCell(signal: SignalJudgement & Partial<Pick<SignalVerdict, 'confirmed' | 'consecutiveFailures'>>, required: number, p: Colors): string {
  const status: SignalStatus = signal.status;
  if (status === 'fail') {
    if (signal.confirmed) return p.bold(p.red('FAIL'));
    const count = signal.consecutiveFailures ?? 0;
    return p.red(signal.critical ? 'fail' : `fail ${Math.max(count, 1)}/${required}`);
  }
  if (status === 'pass') return p.green('pass');
  if (status === 'inconclusive') return p.yellow('inconclusive');
  return p.dim('no data');
}

const visible = visibleLength;

/** Cuts a line to `width` visible characters (ANSI escapes kept, colour reset when cut), so a redrawn live table never wraps. */
export function truncateVisible(line: string, width: number): string {
  if (visible(line) <= width) return line;
  let out = '';
  let shown = 0;
  for (let i = 0; i < line.length && shown < width - 1; ) {
    // eslint-disable-next-line no-control-regex
    const escape = /^\u001b\[[0-9;]*m/.exec(line.slice(i));
    if (escape) {
      out += escape[0];
      i += escape[0].length;
      continue;
    }
    out += line[i];
    shown++;
    i++;
  }
  return `${out}…\u001b[0m`;
}

export function renderSignalTable(rows: string[][], p: Colors = NO_COLORS): string {
  return textTable(rows, { header: true, align: rows[0]?.map(() => 'l' as const), colors: p });
}

export function signalRows(
  signals: ReadonlyArray<SignalJudgement & Partial<Pick<SignalVerdict, 'confirmed' | 'consecutiveFailures'>>>,
  required: number,
  p: Colors,
): string[][] {
  const rows = [['SIGNAL', 'STATUS', 'VALUE', 'BASELINE', 'THRESHOLD', 'ESTIMATE [CI]', 'NOTE']];
  for (const s of signals) {
    rows.push([
      s.id,
      statusCell(s, required, p),
      formatValue(s.value, s.unit, s.kind),
      s.unit === 'up' ? '' : formatValue(s.baseline, s.unit, s.kind),
      s.threshold,
      formatEstimate(s),
      s.note ?? '',
    ]);
  }
  return rows;
}

function healthLines(health: readonly SourceHealth[]): string[] {
  return health.map((h) => {
    const total = h.okIntervals + h.failedIntervals;
    const parts = [`${h.okIntervals}/${total} intervals answered`, `${h.errors} failed attempt${h.errors === 1 ? '' : 's'}`];
    if (h.resets) parts.push(h.kind === 'redis' ? `${h.resets} restart(s) (run_id changed: counter deltas reset)` : `${h.resets} counter reset(s)`);
    if (h.lastError && h.failedIntervals) parts.push(`last error: ${h.lastError}`);
    const details = Object.entries(h.details)
      .filter(([key]) => ['clients_by_name', 'connected_clients', 'maxclients', 'max_blocked_clients', 'ws1011_counter', 'failures_total', 'attempts_total'].includes(key))
      .map(([key, value]) => `${key}: ${value}`);
    return `  ${h.name}: ${[...parts, ...details].join('; ')}`;
  });
}

export function renderWatchReport(report: WatchReport, options: { colors: Colors; required: number }): string {
  const p = options.colors;
  const { verdict } = report;
  const headline =
    verdict.outcome === 'breach'
      ? p.bold(p.red(`BREACH (exit ${verdict.exitCode})`))
      : verdict.outcome === 'pass'
        ? p.bold(p.green(`PASS (exit ${verdict.exitCode})`))
        : p.bold(p.yellow(`NO DATA (exit ${verdict.exitCode})`));
  const how = [
    `${report.intervals} interval${report.intervals === 1 ? '' : 's'} of ${formatDuration(report.intervalMs)} over ${formatDuration(report.elapsedMs)}`,
    `baseline ${report.baselineFile}`,
    report.stoppedEarly ? 'stopped early on a confirmed breach' : '',
    report.interrupted ? 'interrupted (verdict so far)' : '',
    report.strict ? 'strict' : '',
  ].filter(Boolean);
  const lines = [`ssot monitor watch: ${headline} — ${verdict.reason}`, p.dim(how.join(' · ')), '', renderSignalTable(signalRows(verdict.signals, options.required, p), p)];
  lines.push('', 'sources:', ...healthLines(report.health));
  if (report.action) {
    const a = report.action;
    const outcome = a.error ? `failed to run: ${a.error}` : a.signal ? `killed by ${a.signal}` : `exit ${a.exitCode}`;
    lines.push('', `breach action: ${a.command} → ${outcome} after ${formatDuration(a.durationMs)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderLiveTable(
  progress: { interval: number; elapsedMs: number; durationMs: number; judgements: readonly SignalJudgement[]; consecutive: Record<string, number> },
  options: { colors: Colors; required: number },
): string {
  const p = options.colors;
  const rows = signalRows(
    progress.judgements.map((j) => ({ ...j, consecutiveFailures: progress.consecutive[j.id] ?? 0 })),
    options.required,
    p,
  );
  return `${p.dim(`watching · interval ${progress.interval + 1} · ${formatDuration(progress.elapsedMs)} of ${formatDuration(progress.durationMs)} · Ctrl-C prints the verdict so far`)}\n${renderSignalTable(rows, p)}\n`;
}

/** One line per interval for a non-TTY text watch (stderr). */
export function renderProgressLine(progress: { interval: number; elapsedMs: number; judgements: readonly SignalJudgement[] }): string {
  const counts = new Map<SignalStatus, number>();
  for (const j of progress.judgements) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  const failing = progress.judgements.filter((j) => j.status === 'fail').map((j) => j.id);
  const summary = (['pass', 'fail', 'inconclusive', 'no data'] as const).map((s) => `${counts.get(s) ?? 0} ${s}`).join(', ');
  return `[${formatDuration(progress.elapsedMs)}] interval ${progress.interval + 1}: ${summary}${failing.length ? ` — failing: ${failing.join(', ')}` : ''}\n`;
}

/** Baseline table: what was recorded per signal. */
export function renderBaselineSummary(
  input: {
    file: string;
    intervals: number;
    intervalMs: number;
    elapsedMs: number;
    interrupted: boolean;
    signals: readonly SignalDescriptor[];
    summaries: Readonly<Record<string, SignalSummary>>;
    health: readonly SourceHealth[];
    silentSources: readonly string[];
  },
  options: { colors: Colors },
): string {
  const p = options.colors;
  const rows = [['SIGNAL', 'BASELINE', 'SAMPLES']];
  for (const signal of input.signals) {
    const s = input.summaries[signal.id];
    if (!s) continue;
    let value = '—';
    let samples = '';
    if (s.kind === 'latency') {
      const sorted = [...s.samples].sort((a, b) => a - b);
      // nearest-rank p95; the median as the judge computes it (mean of the middle two)
      const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] as number;
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
      value = sorted.length ? `median ${sig(median, 4)} ms, p95 ${sig(p95, 4)} ms` : '—';
      samples = `${s.count} samples${s.count > s.samples.length ? ` (kept last ${s.samples.length})` : ''}`;
    } else if (s.kind === 'rate' || s.kind === 'success') {
      const rate = s.exposure > 0 ? s.events / s.exposure : null;
      value =
        s.kind === 'success'
          ? formatValue(rate === null ? null : 1 - rate, 'ratio', 'success')
          : formatValue(rate, signal.per === 'second' ? '/s' : '/attempt', 'rate');
      samples = `${s.events} ${s.kind === 'success' ? 'failures' : 'events'} / ${signal.per === 'second' ? `${sig(s.exposure)}s` : `${s.exposure} attempts`}`;
    } else if (s.kind === 'ratio') {
      value = s.max === null ? '—' : `max ${sig(s.max, 2)}, mean ${sig(s.mean ?? 0, 2)}`;
      samples = `${s.observations} readings`;
    } else if (s.kind === 'reachability') {
      value = `${s.ok}/${s.ok + s.failed} intervals answered`;
    } else {
      value = `${s.events} rejected`;
      samples = `${s.observations} deltas`;
    }
    rows.push([signal.id, value, samples]);
  }
  const head = `ssot monitor baseline: wrote ${input.file} — ${input.intervals} intervals of ${formatDuration(input.intervalMs)} over ${formatDuration(input.elapsedMs)}${input.interrupted ? ' (interrupted)' : ''}`;
  const warnings = input.silentSources.map((name) => p.yellow(`warning: ${name} never answered; its signals have no baseline`));
  return `${[head, ...warnings, '', renderSignalTable(rows, p), '', 'sources:', ...healthLines(input.health)].join('\n')}\n`;
}

/** A JSON line (no trailing spaces, one object per line); Infinity becomes null. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * The two monitor commands behind the CLI wiring (./monitor.ts): output
 * routing (live table on a TTY, progress lines on stderr otherwise, JSON
 * lines with --format json),
 * Ctrl-C, the breach action and the exit code. The work itself is runMonitor
 * (loop) → judge (pure) → report (pure).
 */
import { UserError } from '../../model/errors.js';
import { describeAction, runBreachAction, type BreachAction, type WatchReport } from '../../monitor/action.js';
import { BASELINE_VERSION, checkBaselineTarget, readBaseline, writeBaseline, type BaselineFile } from '../../monitor/baseline.js';
import { loadMonitorConfig, publicSpec, resolveSources, resolveThresholds, type MonitorConfig, type Thresholds } from '../../monitor/config.js';
import { formatDuration, parseDuration } from '../../text/duration.js';
import { jsonLine, renderBaselineSummary, renderLiveTable, renderProgressLine, renderWatchReport, truncateVisible } from '../../report/monitor.js';
import { colorsFor } from '../io.js';
import { withInterrupt } from '../interrupt.js';
import type { SourceSpec } from '../../monitor/sources/types.js';
import { runMonitor, type IntervalProgress } from '../../monitor/watch.js';

export interface SourceFlags {
  config?: string;
  redis?: string[];
  metrics?: string[];
  probe?: string[];
  duration?: string;
  interval?: string;
  format: 'text' | 'json';
}

export interface BaselineFlags extends SourceFlags {
  out: string;
}

export interface WatchFlags extends SourceFlags {
  baseline: string;
  onBreach?: string;
  rollbackPhase?: string;
  strict?: boolean;
  consecutive?: number;
  actionTimeout: string;
}

/**
 * Everything the run opened has been closed by now, but a library may still
 * hold a handle (a WebSocket close handshake waits up to 30 s for a peer that
 * never answers). An unref'd timer cannot keep the process alive; if something
 * else does, it ends the process with the verdict's exit code after a grace
 * period, so a watch in a rollout script always terminates.
 */
function exitSoonIfStuck(): void {
  setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
}


function loadConfig(flags: SourceFlags): MonitorConfig {
  return flags.config ? loadMonitorConfig(flags.config) : {};
}

function timing(flags: SourceFlags, config: MonitorConfig, defaultDuration: string): { intervalMs: number; durationMs: number } {
  const intervalMs = parseDuration(flags.interval ?? config.interval ?? '5s', '--interval');
  const durationMs = parseDuration(flags.duration ?? config.duration ?? defaultDuration, '--duration');
  if (intervalMs > durationMs) {
    throw new UserError(`--interval ${formatDuration(intervalMs)} is longer than --duration ${formatDuration(durationMs)}`);
  }
  return { intervalMs, durationMs };
}

const NO_SOURCES_HINT = "give --redis URL, --metrics URL or --probe URL, or a --config file with a 'monitor:' block";

interface ProgressPrinter {
  onInterval: (progress: IntervalProgress) => void;
  /** Erases the live view on a TTY so the final report replaces it. */
  clear: () => void;
}

/** Where live progress goes: a redrawn table on a TTY, a line per interval on stderr, or JSON lines. */
function monitorProgressPrinter(format: 'text' | 'json', required: number, kind: 'baseline' | 'watch'): ProgressPrinter {
  if (format === 'json') {
    const onInterval = (progress: IntervalProgress) =>
      process.stdout.write(
        jsonLine({
          type: 'interval',
          command: kind,
          interval: progress.interval,
          elapsedMs: progress.elapsedMs,
          ...(progress.judgements ? { signals: progress.judgements } : { values: progress.values }),
        }),
      );
    return { onInterval, clear: () => undefined };
  }
  const tty = Boolean(process.stdout.isTTY);
  let drawnLines = 0;
  const clear = () => {
    if (tty && drawnLines) process.stdout.write(`\r\u001b[${drawnLines}A\u001b[0J`);
    drawnLines = 0;
  };
  const onInterval = (progress: IntervalProgress) => {
    if (!progress.judgements) {
      const answered = progress.health.filter((h) => h.okIntervals > 0).length;
      const text = `[${formatDuration(progress.elapsedMs)} of ${formatDuration(progress.durationMs)}] baseline interval ${progress.interval + 1}: ${answered}/${progress.health.length} sources answering\n`;
      if (tty) {
        process.stdout.write(`${drawnLines ? `\r\u001b[${drawnLines}A\u001b[0J` : ''}${text}`);
        drawnLines = 1;
      } else process.stderr.write(text);
      return;
    }
    if (!tty) {
      process.stderr.write(renderProgressLine({ interval: progress.interval, elapsedMs: progress.elapsedMs, judgements: progress.judgements }));
      return;
    }
    const columns = process.stdout.columns || 200;
    const rendered = renderLiveTable(
      {
        interval: progress.interval,
        elapsedMs: progress.elapsedMs,
        durationMs: progress.durationMs,
        judgements: progress.judgements,
        consecutive: progress.confirmation?.consecutive ?? {},
      },
      { colors: colorsFor(process.stdout), required },
    );
    const table = `${rendered
      .split('\n')
      .map((line) => truncateVisible(line, columns))
      .join('\n')}`;
    process.stdout.write(`${drawnLines ? `\r\u001b[${drawnLines}A\u001b[0J` : ''}${table}`);
    drawnLines = table.split('\n').length - 1;
  };
  return { onInterval, clear };
}

export async function baselineCommand(flags: BaselineFlags): Promise<void> {
  const config = loadConfig(flags);
  const sources = resolveSources(config, { redis: flags.redis, metrics: flags.metrics, probes: flags.probe });
  if (!sources.length) throw new UserError('no sources to sample', { hint: NO_SOURCES_HINT });
  const thresholds = resolveThresholds(config);
  const { intervalMs, durationMs } = timing(flags, config, '2m');
  checkBaselineTarget(flags.out);
  const progress = monitorProgressPrinter(flags.format, thresholds.consecutive, 'baseline');
  const result = await withInterrupt((signal) =>
    runMonitor({ sources, intervalMs, durationMs, thresholds, signal, recordIntervals: true, onInterval: progress.onInterval }),
  );
  progress.clear();
  const silent = new Set(result.silentSources);
  const nothingAnswered = result.intervals === 0 || sources.every((s) => silent.has(s.name));
  if (nothingAnswered) {
    const message = `no data: ${result.intervals === 0 ? 'interrupted before the first interval' : `no source answered in ${formatDuration(result.elapsedMs)}`}; ${flags.out} not written`;
    if (flags.format === 'json') process.stdout.write(jsonLine({ type: 'baseline', outcome: 'no data', exitCode: 3, reason: message, sources: result.health }));
    else process.stderr.write(`ssot monitor baseline: ${message}\n${result.health.map((h) => `  ${h.name}: ${h.lastError ?? 'no answer'}`).join('\n')}\n`);
    process.exitCode = 3;
    exitSoonIfStuck();
    return;
  }
  const file: BaselineFile = {
    version: BASELINE_VERSION,
    tool: 'ssot monitor',
    createdAt: result.startedAt,
    durationMs: result.elapsedMs,
    intervalMs,
    intervals: result.intervals,
    interrupted: result.interrupted,
    sources: sources.map(publicSpec),
    thresholds,
    signals: result.summaries,
    health: result.health,
    samples: { truncated: result.recordsTruncated, records: result.records },
  };
  writeBaseline(flags.out, file);
  if (flags.format === 'json') {
    process.stdout.write(
      jsonLine({ type: 'baseline', outcome: 'written', exitCode: 0, file: flags.out, intervals: result.intervals, elapsedMs: result.elapsedMs, interrupted: result.interrupted, signals: result.summaries, sources: result.health }),
    );
  } else {
    process.stdout.write(
      renderBaselineSummary(
        { file: flags.out, intervals: result.intervals, intervalMs, elapsedMs: result.elapsedMs, interrupted: result.interrupted, signals: result.signals, summaries: result.summaries, health: result.health, silentSources: result.silentSources },
        { colors: colorsFor(process.stdout) },
      ),
    );
  }
  process.exitCode = 0;
  exitSoonIfStuck();
}

export async function watchCommand(flags: WatchFlags): Promise<void> {
  if (flags.onBreach !== undefined && flags.rollbackPhase !== undefined) {
    throw new UserError('--on-breach and --rollback-phase are alternatives; give one', { hint: '--rollback-phase ID runs ssot rollback --phase ID' });
  }
  const action: BreachAction | undefined =
    flags.onBreach !== undefined ? { kind: 'shell', command: flags.onBreach } : flags.rollbackPhase !== undefined ? { kind: 'rollback', phase: flags.rollbackPhase } : undefined;
  const actionTimeoutMs = parseDuration(flags.actionTimeout, '--action-timeout');
  const config = loadConfig(flags);
  const baseline = readBaseline(flags.baseline);
  let sources: SourceSpec[] = resolveSources(config, { redis: flags.redis, metrics: flags.metrics, probes: flags.probe });
  if (!sources.length) sources = baseline.sources;
  if (!sources.length) throw new UserError('no sources to watch', { hint: NO_SOURCES_HINT });
  const thresholds: Thresholds = resolveThresholds(config, flags.consecutive ? { consecutive: flags.consecutive } : {});
  const { intervalMs, durationMs } = timing(flags, config, '10m');
  const strict = Boolean(flags.strict);
  const progress = monitorProgressPrinter(flags.format, thresholds.consecutive, 'watch');
  const result = await withInterrupt((signal) =>
    runMonitor({
      sources,
      intervalMs,
      durationMs,
      thresholds,
      signal,
      baseline: baseline.signals,
      strict,
      onInterval: progress.onInterval,
    }),
  );
  progress.clear();
  const verdict = result.verdict;
  if (!verdict) throw new Error('watch produced no verdict');
  const report: WatchReport = {
    verdict,
    startedAt: result.startedAt,
    elapsedMs: result.elapsedMs,
    durationMs,
    intervalMs,
    intervals: result.intervals,
    interrupted: result.interrupted,
    stoppedEarly: result.stoppedEarly,
    strict,
    baselineFile: flags.baseline,
    health: result.health,
  };
  const confirmed = verdict.signals.some((s) => s.confirmed);
  if (action && verdict.outcome === 'breach' && (!result.interrupted || confirmed)) {
    if (flags.format === 'text') process.stderr.write(`ssot monitor watch: breach confirmed, running ${describeAction(action)}\n`);
    report.action = await runBreachAction(action, verdict, {
      stdoutToStderr: flags.format === 'json',
      timeoutMs: actionTimeoutMs,
      baselineFile: flags.baseline,
      self: [process.execPath, process.argv[1] ?? ''],
    });
  }
  if (flags.format === 'json') {
    process.stdout.write(
      jsonLine({
        type: 'verdict',
        outcome: verdict.outcome,
        exitCode: verdict.exitCode,
        reason: verdict.reason,
        startedAt: report.startedAt,
        elapsedMs: report.elapsedMs,
        intervals: report.intervals,
        interrupted: report.interrupted,
        stoppedEarly: report.stoppedEarly,
        strict,
        signals: verdict.signals,
        sources: report.health,
        ...(report.action ? { action: report.action } : {}),
      }),
    );
  } else {
    process.stdout.write(renderWatchReport(report, { colors: colorsFor(process.stdout), required: thresholds.consecutive }));
  }
  process.exitCode = verdict.exitCode;
  exitSoonIfStuck();
}

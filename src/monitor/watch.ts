/**
 * The sampling loop shared by `baseline` and `watch`. Bounded by construction:
 * at most duration / interval + 1 intervals, every source attempt bounded by
 * the interval's deadline, an AbortSignal (Ctrl-C) ends it between or during
 * intervals. A source that errors is retried with backoff inside its interval
 * and counted; it never stops the loop.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Thresholds } from './config.js';
import {
  advanceConfirmation,
  decideVerdict,
  emptyConfirmation,
  judgeWindow,
  type Confirmation,
  type SignalJudgement,
  type Verdict,
} from './judge.js';
import { PrometheusCollector } from './sources/prometheus.js';
import { ProbeCollector } from './sources/probe.js';
import { RedisCollector } from './sources/redis.js';
import type { Collector, SourceResult, SourceSpec } from './sources/types.js';
import { MonitorWindow, type SignalDescriptor, type SignalSummary, type SourceHealth } from './window.js';
import { MAX_RECORDED_INTERVALS } from './baseline.js';

export function createCollector(spec: SourceSpec): Collector {
  if (spec.kind === 'redis') return new RedisCollector(spec);
  if (spec.kind === 'metrics') return new PrometheusCollector(spec);
  return new ProbeCollector(spec);
}

function describeError(error: unknown): string {
  const err = error as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'timed out';
  const base = err?.cause?.code ?? err?.code ?? err?.message ?? String(error);
  // AggregateError from a dual-stack connect has an empty message
  const nested = (error as { errors?: Array<{ code?: string }> })?.errors?.[0]?.code;
  return base || nested || 'unknown error';
}

/** Samples one source once, retrying with exponential backoff while the interval's deadline allows. */
export async function collectWithRetry(collector: Collector, deadlineMs: number, signal: AbortSignal, firstDelayMs: number, maxAttempts = 4): Promise<SourceResult> {
  let delay = firstDelayMs;
  let lastError = 'not attempted';
  for (let attempt = 1; ; attempt++) {
    const startedAt = Date.now();
    try {
      const reading = await collector.collect(deadlineMs, signal);
      return { ok: true, reading, attempts: attempt, atMs: startedAt };
    } catch (error) {
      lastError = describeError(error);
    }
    if (signal.aborted || attempt >= maxAttempts || deadlineMs - Date.now() < delay + 20) {
      return { ok: false, error: lastError, attempts: attempt, atMs: startedAt };
    }
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      return { ok: false, error: lastError, attempts: attempt, atMs: startedAt };
    }
    delay = Math.min(delay * 2, 2000);
  }
}

export interface IntervalProgress {
  /** 0-based interval index. */
  interval: number;
  elapsedMs: number;
  durationMs: number;
  /** This interval's observation per signal id. */
  values: Record<string, number | null>;
  /** Present when judging (watch). */
  judgements?: SignalJudgement[];
  confirmation?: Confirmation;
  health: SourceHealth[];
}

export interface RunOptions {
  sources: readonly SourceSpec[];
  intervalMs: number;
  durationMs: number;
  thresholds: Thresholds;
  signal: AbortSignal;
  /** A watch judges every interval against these summaries and stops on a confirmed breach. */
  baseline?: Readonly<Record<string, SignalSummary>>;
  strict?: boolean;
  /** Keep per-interval records (the baseline file's samples). */
  recordIntervals?: boolean;
  onInterval?: (progress: IntervalProgress) => void;
}

export interface RunResult {
  startedAt: string;
  elapsedMs: number;
  intervals: number;
  interrupted: boolean;
  /** A confirmed breach ended the watch before its duration. */
  stoppedEarly: boolean;
  signals: SignalDescriptor[];
  summaries: Record<string, SignalSummary>;
  health: SourceHealth[];
  silentSources: string[];
  records: Array<{ t: number; values: Record<string, number | null> }>;
  recordsTruncated: boolean;
  /** Present when judging. */
  verdict?: Verdict;
}

export async function runMonitor(options: RunOptions): Promise<RunResult> {
  const { sources, intervalMs, durationMs, thresholds, signal } = options;
  const window = new MonitorWindow(sources, thresholds);
  const collectors = sources.map(createCollector);
  // One discarded sample per source before the clock starts, each within its own
  // timeout: connection setup, TLS, lazy loading of fetch and a cold JIT would
  // otherwise make the first interval an outlier (or a timeout).
  const warmUpStart = Date.now();
  await Promise.all(
    collectors.map((collector) => collector.collect(warmUpStart + Math.min(collector.spec.timeoutMs, 5000), signal).catch(() => undefined)),
  );
  const start = Date.now();
  const startedAt = new Date(start).toISOString();
  const maxIntervals = Math.floor(durationMs / intervalMs) + 1;
  const firstRetryDelay = Math.min(200, Math.max(20, Math.round(intervalMs / 10)));
  const records: RunResult['records'] = [];
  let recordsTruncated = false;
  let confirmation = emptyConfirmation();
  let judgements: SignalJudgement[] | undefined;
  let intervals = 0;
  let stoppedEarly = false;
  try {
    for (let slot = 0; slot < maxIntervals && !signal.aborted; slot++) {
      const slotStart = start + slot * intervalMs;
      if (slotStart > Date.now()) {
        try {
          await sleep(slotStart - Date.now(), undefined, { signal });
        } catch {
          break; // aborted while waiting
        }
      }
      const deadline = slotStart + Math.max(10, Math.round(intervalMs * 0.9));
      window.beginTick();
      const results = await Promise.all(collectors.map((collector) => collectWithRetry(collector, deadline, signal, firstRetryDelay)));
      if (signal.aborted && intervals > 0) break; // a half-sampled interval would skew the window
      results.forEach((result, index) => window.ingest(index, result));
      intervals++;
      const values = window.tickValues();
      if (options.recordIntervals) {
        if (records.length < MAX_RECORDED_INTERVALS) records.push({ t: slotStart - start, values });
        else recordsTruncated = true;
      }
      if (options.baseline) {
        judgements = judgeWindow(window.signals, window.snapshots(), options.baseline, thresholds);
        confirmation = advanceConfirmation(confirmation, judgements, slot, thresholds.consecutive);
      }
      options.onInterval?.({
        interval: slot,
        elapsedMs: Date.now() - start,
        durationMs,
        values,
        ...(judgements ? { judgements, confirmation } : {}),
        health: window.health(),
      });
      if (Object.keys(confirmation.confirmedAt).length) {
        stoppedEarly = slot < maxIntervals - 1;
        break;
      }
      // an overrunning interval skips the slots it missed instead of bunching up
      while (slot + 1 < maxIntervals - 1 && start + (slot + 1) * intervalMs + intervalMs < Date.now()) slot++;
    }
  } finally {
    await Promise.all(collectors.map((collector) => collector.close().catch(() => undefined)));
  }
  const silentSources = window.silentSources();
  const result: RunResult = {
    startedAt,
    elapsedMs: Date.now() - start,
    intervals,
    interrupted: signal.aborted,
    stoppedEarly,
    signals: window.signals,
    summaries: window.summaries(),
    health: window.health(),
    silentSources,
    records,
    recordsTruncated,
  };
  if (options.baseline) {
    const finalJudgements = judgements ?? judgeWindow(window.signals, window.snapshots(), options.baseline, thresholds);
    result.verdict = decideVerdict({
      judgements: finalJudgements,
      confirmation,
      silentSources,
      strict: options.strict ?? false,
      required: thresholds.consecutive,
    });
  }
  return result;
}

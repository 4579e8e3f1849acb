/**
 * What the monitor samples (resolved source specs) and what one sample of a
 * source looks like (readings). Specs are plain data so a baseline file can
 * record them and a watch can reuse them.
 */

import type { MetricSelector } from '../../config/metricSelector.js';

export type { MetricSelector };

export interface RedisSourceSpec {
  kind: 'redis';
  /** Display name, part of every signal id (`redis 127.0.0.1:6379`). */
  name: string;
  /** Connection URL; may carry credentials, which are never written to a baseline or a report. */
  url: string;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
}

export interface CounterRuleSpec {
  /** Short signal name, unique within the source. */
  name: string;
  selector: MetricSelector;
  /** Breach when the rate exceeds maxRatio × the baseline rate (with enough events). */
  maxRatio: number;
}

export interface HistogramRuleSpec {
  name: string;
  selector: MetricSelector;
  /** The quantile computed per interval from bucket deltas, in (0, 1). */
  quantile: number;
}

export interface MetricsSourceSpec {
  kind: 'metrics';
  name: string;
  url: string;
  timeoutMs: number;
  /** The WebSocket close counter to read code 1011 from; 'auto' finds a *close* counter by name. */
  ws1011: MetricSelector | 'auto' | 'off';
  counters: CounterRuleSpec[];
  histograms: HistogramRuleSpec[];
}

export interface ProbeSourceSpec {
  kind: 'probe';
  protocol: 'http' | 'ws';
  name: string;
  url: string;
  /** HTTP method (http probes). */
  method: string;
  /** Accepted HTTP statuses; empty means any 2xx. */
  expectStatus: number[];
  /** Substring the HTTP body or the WebSocket reply must contain ('' = anything). */
  expect: string;
  /** Message a WebSocket probe sends. */
  send: string;
  headers: Record<string, string>;
  /** Per-attempt timeout, ms. */
  timeoutMs: number;
  /** Attempts per interval, run concurrently (more samples for the latency judge). */
  count: number;
}

export type SourceSpec = RedisSourceSpec | MetricsSourceSpec | ProbeSourceSpec;

export interface RedisReading {
  kind: 'redis';
  /** Server run_id; a change means a restart and resets counter deltas. */
  runId: string;
  connectedClients: number;
  /** From INFO (Redis >= 7) or CONFIG GET; null when neither is allowed. */
  maxclients: number | null;
  blockedClients: number;
  /** Cumulative since the server started. */
  rejectedConnections: number;
  totalConnectionsReceived: number;
  /** Connections per CLIENT SETNAME name ('(unnamed)' for none), without the monitor's own. */
  clientsByName: Record<string, number>;
}

/** Cumulative histogram buckets summed over the selected series. */
export interface HistogramSnapshot {
  /** Ascending upper bounds with cumulative counts; the last bound is +Infinity. */
  buckets: Array<{ le: number; count: number }>;
  count: number;
  sum: number;
}

export interface MetricsReading {
  kind: 'metrics';
  /** Cumulative counter values by rule name; null when the family is absent. '__ws1011' is the 1011 counter. */
  counters: Record<string, number | null>;
  histograms: Record<string, HistogramSnapshot | null>;
  /** How the 1011 counter was resolved, for the report (e.g. `ws_closes_total{code="1011"}`). */
  ws1011Resolved: string | null;
}

export interface ProbeAttempt {
  ok: boolean;
  /** Wall time of a successful request (HTTP: request to full body; WebSocket: send to reply), ms. */
  latencyMs: number | null;
  status?: number;
  /** WebSocket close code when the server closed before replying. */
  closeCode?: number;
  error?: string;
}

export interface ProbeReading {
  kind: 'probe';
  attempts: ProbeAttempt[];
}

export type Reading = RedisReading | MetricsReading | ProbeReading;

/** The outcome of sampling one source in one interval; a failure is data, never an exception. */
export type SourceResult =
  | { ok: true; reading: Reading; attempts: number; atMs: number }
  | { ok: false; error: string; attempts: number; atMs: number };

/** A live connection to one source. collect() may throw; the loop retries and counts. */
export interface Collector {
  readonly spec: SourceSpec;
  collect(deadlineMs: number, signal: AbortSignal): Promise<Reading>;
  close(): Promise<void>;
}

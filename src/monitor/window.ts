/**
 * Turns per-interval source readings into per-signal state with bounded memory:
 * rates keep the last `rateWindow` intervals plus running totals, latency keeps
 * the last `latencyWindow` samples (a ring buffer — documented trade-off: on a
 * very long watch the judge sees the most recent samples, not all of them),
 * gauges keep running statistics. Counter deltas are computed here, including
 * the cases that would otherwise produce nonsense: the first scrape (no delta
 * yet), a Redis restart (run_id changed → the delta is skipped, not negative),
 * and a Prometheus counter reset (value went down → counted from zero, as
 * Prometheus' rate() does).
 */
import type { Thresholds } from './config.js';
import { histogramDelta, histogramQuantile, WS1011_COUNTER } from './sources/prometheus.js';
import type { HistogramSnapshot, MetricsSourceSpec, ProbeSourceSpec, RedisReading, SourceResult, SourceSpec } from './sources/types.js';

export type SignalKind = 'latency' | 'rate' | 'success' | 'ratio' | 'reachability' | 'critical';

/** One judged quantity. `id` = `<source name> <signal name>`, stable between baseline and watch. */
export interface SignalDescriptor {
  id: string;
  source: string;
  name: string;
  kind: SignalKind;
  /** rate/success: allowed multiple of the baseline rate. */
  maxRatio: number;
  /** rate/success: events needed before the rule can fail. */
  minEvents: number;
  /** rate: what the exposure is counted in. */
  per: 'second' | 'attempt';
}

/** Cumulative per-signal summary: what a baseline file stores and the judge compares against. */
export type SignalSummary =
  | { kind: 'latency'; count: number; samples: number[] }
  | { kind: 'rate' | 'success'; events: number; exposure: number; observations: number }
  | { kind: 'ratio'; observations: number; mean: number | null; max: number | null; last: number | null }
  | { kind: 'reachability'; ok: number; failed: number }
  | { kind: 'critical'; events: number; observations: number };

/** What the judge sees of the current window at the end of an interval. */
export type SignalSnapshot =
  | { kind: 'latency'; count: number; samples: readonly number[]; bad?: string }
  | {
      kind: 'rate' | 'success';
      window: { events: number; exposure: number; observations: number };
      total: { events: number; exposure: number; observations: number };
      /** This interval the source answered but gave no usable reading for the signal: why (absent, NaN, negative). */
      bad?: string;
    }
  | { kind: 'ratio'; observations: number; tick: number | null; last: number | null; max: number | null; note?: string }
  | { kind: 'reachability'; everOk: boolean; tick: 'ok' | 'failed' | null; ok: number; failed: number }
  | { kind: 'critical'; observations: number; tickEvents: number | null; total: number };

export function describeSignals(spec: SourceSpec, t: Thresholds): SignalDescriptor[] {
  const make = (name: string, kind: SignalKind, extra: Partial<SignalDescriptor> = {}): SignalDescriptor => ({
    id: `${spec.name} ${name}`,
    source: spec.name,
    name,
    kind,
    maxRatio: 1,
    minEvents: t.minEvents,
    per: 'second',
    ...extra,
  });
  if (spec.kind === 'redis') {
    return [
      make('reachable', 'reachability'),
      make('clients/maxclients', 'ratio'),
      make('rejected_connections', 'critical'),
      make('new connections', 'rate', { maxRatio: t.connectionRateMaxRatio, minEvents: t.connectionMinEvents }),
    ];
  }
  if (spec.kind === 'metrics') {
    return [
      make('reachable', 'reachability'),
      ...(spec.ws1011 === 'off' ? [] : [make('ws 1011 closes', 'rate', { maxRatio: t.ws1011MaxRatio })]),
      ...spec.counters.map((c) => make(c.name, 'rate', { maxRatio: c.maxRatio })),
      ...spec.histograms.map((h) => make(h.name, 'latency')),
    ];
  }
  return [
    make('latency', 'latency'),
    make('success', 'success', { maxRatio: t.probeFailureMaxRatio, per: 'attempt' }),
    ...(spec.protocol === 'ws' ? [make('1011 closes', 'rate', { maxRatio: t.ws1011MaxRatio, per: 'attempt' })] : []),
  ];
}

// --- bounded trackers --------------------------------------------------------

class RateTracker {
  private readonly events: Float64Array;
  private readonly exposures: Float64Array;
  private next = 0;
  private filled = 0;
  totalEvents = 0;
  totalExposure = 0;
  observations = 0;

  constructor(windowSize: number) {
    this.events = new Float64Array(windowSize);
    this.exposures = new Float64Array(windowSize);
  }

  add(events: number, exposure: number): void {
    this.events[this.next] = events;
    this.exposures[this.next] = exposure;
    this.next = (this.next + 1) % this.events.length;
    this.filled = Math.min(this.filled + 1, this.events.length);
    this.totalEvents += events;
    this.totalExposure += exposure;
    this.observations++;
  }

  window(): { events: number; exposure: number; observations: number } {
    let events = 0;
    let exposure = 0;
    for (let i = 0; i < this.filled; i++) {
      events += this.events[i] as number;
      exposure += this.exposures[i] as number;
    }
    return { events, exposure, observations: this.filled };
  }

  total(): { events: number; exposure: number; observations: number } {
    return { events: this.totalEvents, exposure: this.totalExposure, observations: this.observations };
  }
}

/** The most recent `capacity` samples, oldest first on read. */
export class SampleRing {
  private readonly buffer: Float64Array;
  private next = 0;
  count = 0;

  constructor(readonly capacity: number) {
    this.buffer = new Float64Array(capacity);
  }

  add(value: number): void {
    this.buffer[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    this.count++;
  }

  values(): number[] {
    const size = Math.min(this.count, this.capacity);
    const out = new Array<number>(size);
    const start = this.count > this.capacity ? this.next : 0;
    for (let i = 0; i < size; i++) out[i] = this.buffer[(start + i) % this.capacity] as number;
    return out;
  }
}

class GaugeTracker {
  observations = 0;
  sum = 0;
  max: number | null = null;
  last: number | null = null;
  tick: number | null = null;

  add(value: number): void {
    this.observations++;
    this.sum += value;
    this.max = this.max === null ? value : Math.max(this.max, value);
    this.last = value;
    this.tick = value;
  }
}

class Reachability {
  ok = 0;
  failed = 0;
  tick: 'ok' | 'failed' | null = null;
}

// --- per-source state ----------------------------------------------------------

/** What the report shows about a source beyond its signals. */
export interface SourceHealth {
  name: string;
  kind: SourceSpec['kind'];
  /** Intervals in which the source answered / did not answer (after retries). */
  okIntervals: number;
  failedIntervals: number;
  /** Attempts including retries, and how many of them errored. */
  attempts: number;
  errors: number;
  lastError: string | null;
  /** Redis: restarts seen (run_id changes); metrics: counter resets seen. */
  resets: number;
  details: Record<string, string | number>;
}

interface CounterMemory {
  value: number;
  atMs: number;
}

class SourceState {
  readonly health: SourceHealth;
  readonly reach = new Reachability();
  readonly gauges = new Map<string, GaugeTracker>();
  readonly rates = new Map<string, RateTracker>();
  readonly latencies = new Map<string, SampleRing>();
  readonly critical = { observations: 0, total: 0, tick: null as number | null };
  /** Previous cumulative counters, keyed by counter name; Redis also remembers its run_id. */
  readonly previous = new Map<string, CounterMemory>();
  previousRunId: string | undefined;
  readonly previousHistograms = new Map<string, HistogramSnapshot>();
  /** Per-interval observations for the baseline's `intervals` record. */
  tickValues: Record<string, number | null> = {};
  /** Signals (by name) the source answered for this interval without a usable reading, and why. */
  badReadings = new Map<string, string>();

  constructor(
    readonly spec: SourceSpec,
    readonly signals: SignalDescriptor[],
    thresholds: Thresholds,
  ) {
    this.health = { name: spec.name, kind: spec.kind, okIntervals: 0, failedIntervals: 0, attempts: 0, errors: 0, lastError: null, resets: 0, details: {} };
    for (const signal of signals) {
      if (signal.kind === 'rate' || signal.kind === 'success') this.rates.set(signal.name, new RateTracker(thresholds.rateWindow));
      if (signal.kind === 'latency') this.latencies.set(signal.name, new SampleRing(thresholds.latencyWindow));
      if (signal.kind === 'ratio') this.gauges.set(signal.name, new GaugeTracker());
    }
  }

  beginTick(): void {
    this.reach.tick = null;
    this.critical.tick = null;
    for (const gauge of this.gauges.values()) gauge.tick = null;
    this.tickValues = {};
    this.badReadings = new Map();
  }

  /** Cumulative counter → delta since the previous reading; undefined for the first reading or after a reset we must not count. */
  private counterDelta(name: string, value: number, atMs: number, resetMeansZero: boolean): { delta: number; seconds: number } | undefined {
    const before = this.previous.get(name);
    this.previous.set(name, { value, atMs });
    if (!before) return undefined;
    const seconds = (atMs - before.atMs) / 1000;
    if (value < before.value) {
      this.health.resets++;
      return resetMeansZero ? { delta: value, seconds } : undefined;
    }
    return { delta: value - before.value, seconds };
  }

  ingest(result: SourceResult): void {
    this.health.attempts += result.attempts;
    this.health.errors += result.ok ? result.attempts - 1 : result.attempts;
    if (!result.ok) {
      this.health.failedIntervals++;
      this.health.lastError = result.error;
      this.reach.failed++;
      this.reach.tick = 'failed';
      return;
    }
    this.health.okIntervals++;
    this.reach.ok++;
    this.reach.tick = 'ok';
    const { reading, atMs } = result;
    if (reading.kind === 'redis') this.ingestRedis(reading, atMs);
    else if (reading.kind === 'metrics') this.ingestMetrics(this.spec as MetricsSourceSpec, reading.counters, reading.histograms, atMs, reading.ws1011Resolved);
    else this.ingestProbe(this.spec as ProbeSourceSpec, reading.attempts);
  }

  private ingestRedis(reading: RedisReading, atMs: number): void {
    const restarted = this.previousRunId !== undefined && this.previousRunId !== reading.runId;
    if (restarted) {
      // a restarted server counts from zero again: forget the old counters
      this.health.resets++;
      this.previous.clear();
    }
    this.previousRunId = reading.runId;
    if (reading.maxclients && reading.maxclients > 0) {
      const ratio = reading.connectedClients / reading.maxclients;
      this.gauges.get('clients/maxclients')?.add(ratio);
      this.tickValues['clients/maxclients'] = ratio;
    }
    const rejected = this.counterDelta('rejected_connections', reading.rejectedConnections, atMs, false);
    if (rejected) {
      this.critical.observations++;
      this.critical.total += rejected.delta;
      this.critical.tick = rejected.delta;
      this.tickValues.rejected_connections = rejected.delta;
    }
    const connections = this.counterDelta('total_connections_received', reading.totalConnectionsReceived, atMs, false);
    if (connections) {
      this.rates.get('new connections')?.add(connections.delta, connections.seconds);
      this.tickValues['new connections'] = connections.delta;
    }
    const details = this.health.details;
    details.run_id = reading.runId.slice(0, 12);
    details.connected_clients = reading.connectedClients;
    details.maxclients = reading.maxclients ?? 'unknown';
    details.blocked_clients = reading.blockedClients;
    details.max_blocked_clients = Math.max(Number(details.max_blocked_clients ?? 0), reading.blockedClients);
    details.rejected_connections_total = reading.rejectedConnections;
    const byName = Object.entries(reading.clientsByName).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    details.clients_by_name = byName.map(([name, count]) => `${name}=${count}`).join(' ') || '(none besides the monitor)';
  }

  private ingestMetrics(
    spec: MetricsSourceSpec,
    counters: Record<string, number | null>,
    histograms: Record<string, HistogramSnapshot | null>,
    atMs: number,
    ws1011Resolved: string | null,
  ): void {
    const rateName = (counter: string) => (counter === WS1011_COUNTER ? 'ws 1011 closes' : counter);
    for (const [counter, value] of Object.entries(counters)) {
      // a reading that is not a count is a failure of that signal, never a number to compute with
      const bad =
        value === null
          ? counter === WS1011_COUNTER && !ws1011Resolved
            ? 'no WebSocket close counter in the page'
            : 'counter not in the page'
          : !Number.isFinite(value)
            ? `counter value ${value} is not a count`
            : value < 0
              ? `counter value ${value} is negative`
              : null;
      if (bad !== null || value === null) {
        this.badReadings.set(rateName(counter), bad ?? 'counter not in the page');
        continue;
      }
      const delta = this.counterDelta(counter, value, atMs, true);
      if (!delta) continue;
      this.rates.get(rateName(counter))?.add(delta.delta, delta.seconds);
      this.tickValues[rateName(counter)] = delta.delta;
    }
    for (const rule of spec.histograms) {
      const snapshot = histograms[rule.name];
      if (!snapshot) {
        this.badReadings.set(rule.name, 'histogram not in the page');
        continue;
      }
      if (![snapshot.count, snapshot.sum, ...snapshot.buckets.map((b) => b.count)].every((v) => Number.isFinite(v) && v >= 0)) {
        this.badReadings.set(rule.name, 'histogram with a count that is negative or not a number');
        continue;
      }
      const before = this.previousHistograms.get(rule.name);
      this.previousHistograms.set(rule.name, snapshot);
      if (!before) continue;
      const quantile = histogramQuantile(rule.quantile, histogramDelta(before, snapshot));
      if (quantile === null) continue;
      // histograms are in seconds by Prometheus convention; latency signals are in ms
      this.latencies.get(rule.name)?.add(quantile * 1000);
      this.tickValues[rule.name] = quantile * 1000;
    }
    this.health.details.ws1011_counter = ws1011Resolved ?? (spec.ws1011 === 'off' ? 'off' : 'not found');
  }

  private ingestProbe(spec: ProbeSourceSpec, attempts: readonly { ok: boolean; latencyMs: number | null; closeCode?: number; error?: string; status?: number }[]): void {
    if (!attempts.length) return;
    let failures = 0;
    let closes1011 = 0;
    let latencySum = 0;
    let latencyCount = 0;
    for (const attempt of attempts) {
      if (attempt.ok && attempt.latencyMs !== null) {
        this.latencies.get('latency')?.add(attempt.latencyMs);
        latencySum += attempt.latencyMs;
        latencyCount++;
      } else {
        failures++;
        this.health.lastError = attempt.error ?? 'failed';
      }
      if (attempt.closeCode === 1011) closes1011++;
    }
    this.rates.get('success')?.add(failures, attempts.length);
    if (spec.protocol === 'ws') this.rates.get('1011 closes')?.add(closes1011, attempts.length);
    this.tickValues.latency = latencyCount ? latencySum / latencyCount : null;
    this.tickValues.success = 1 - failures / attempts.length;
    if (spec.protocol === 'ws') this.tickValues['1011 closes'] = closes1011;
    this.health.details.attempts_total = Number(this.health.details.attempts_total ?? 0) + attempts.length;
    this.health.details.failures_total = Number(this.health.details.failures_total ?? 0) + failures;
  }

  snapshot(signal: SignalDescriptor): SignalSnapshot {
    switch (signal.kind) {
      case 'reachability':
        return { kind: 'reachability', everOk: this.reach.ok > 0, tick: this.reach.tick, ok: this.reach.ok, failed: this.reach.failed };
      case 'ratio': {
        const gauge = this.gauges.get(signal.name) as GaugeTracker;
        const note = this.health.details.maxclients === 'unknown' ? 'maxclients unknown (INFO lacks it and CONFIG GET is refused)' : undefined;
        return { kind: 'ratio', observations: gauge.observations, tick: gauge.tick, last: gauge.last, max: gauge.max, ...(note ? { note } : {}) };
      }
      case 'critical':
        return { kind: 'critical', observations: this.critical.observations, tickEvents: this.critical.tick, total: this.critical.total };
      case 'latency': {
        const ring = this.latencies.get(signal.name) as SampleRing;
        const bad = this.badReadings.get(signal.name);
        return { kind: 'latency', count: ring.count, samples: ring.values(), ...(bad ? { bad } : {}) };
      }
      default: {
        const tracker = this.rates.get(signal.name) as RateTracker;
        const bad = this.badReadings.get(signal.name);
        return { kind: signal.kind, window: tracker.window(), total: tracker.total(), ...(bad ? { bad } : {}) };
      }
    }
  }

  summary(signal: SignalDescriptor): SignalSummary {
    switch (signal.kind) {
      case 'reachability':
        return { kind: 'reachability', ok: this.reach.ok, failed: this.reach.failed };
      case 'ratio': {
        const gauge = this.gauges.get(signal.name) as GaugeTracker;
        return {
          kind: 'ratio',
          observations: gauge.observations,
          mean: gauge.observations ? gauge.sum / gauge.observations : null,
          max: gauge.max,
          last: gauge.last,
        };
      }
      case 'critical':
        return { kind: 'critical', events: this.critical.total, observations: this.critical.observations };
      case 'latency': {
        const ring = this.latencies.get(signal.name) as SampleRing;
        return { kind: 'latency', count: ring.count, samples: ring.values().map((v) => Math.round(v * 1000) / 1000) };
      }
      default: {
        const total = (this.rates.get(signal.name) as RateTracker).total();
        return { kind: signal.kind, events: total.events, exposure: total.exposure, observations: total.observations };
      }
    }
  }
}

/** All sources' state for one run (baseline or watch). Memory is bounded by the thresholds, not by the duration. */
export class MonitorWindow {
  readonly signals: SignalDescriptor[];
  private readonly states: SourceState[];

  constructor(
    readonly sources: readonly SourceSpec[],
    readonly thresholds: Thresholds,
  ) {
    this.states = sources.map((spec) => new SourceState(spec, describeSignals(spec, thresholds), thresholds));
    this.signals = this.states.flatMap((state) => state.signals);
  }

  beginTick(): void {
    for (const state of this.states) state.beginTick();
  }

  ingest(sourceIndex: number, result: SourceResult): void {
    this.states[sourceIndex]?.ingest(result);
  }

  snapshots(): Map<string, SignalSnapshot> {
    const out = new Map<string, SignalSnapshot>();
    for (const state of this.states) for (const signal of state.signals) out.set(signal.id, state.snapshot(signal));
    return out;
  }

  summaries(): Record<string, SignalSummary> {
    const out: Record<string, SignalSummary> = {};
    for (const state of this.states) for (const signal of state.signals) out[signal.id] = state.summary(signal);
    return out;
  }

  /** This interval's observation per signal id (reachability as 1/0), for the baseline's sample record. */
  tickValues(): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const state of this.states) {
      for (const signal of state.signals) {
        out[signal.id] =
          signal.kind === 'reachability' ? (state.reach.tick === null ? null : state.reach.tick === 'ok' ? 1 : 0) : (state.tickValues[signal.name] ?? null);
      }
    }
    return out;
  }

  health(): SourceHealth[] {
    return this.states.map((state) => ({ ...state.health, details: { ...state.health.details } }));
  }

  /** Sources that never answered in this run (probes always "answer": a failed probe is data). */
  silentSources(): string[] {
    return this.states.filter((s) => s.spec.kind !== 'probe' && s.reach.ok === 0).map((s) => s.spec.name);
  }
}

/**
 * Config (the monitor: block, durations, source naming), the window
 * (counter deltas, resets, bounded memory) and the baseline file format.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserError } from '../../src/model/errors.js';
import { BASELINE_VERSION, readBaseline, writeBaseline, type BaselineFile } from '../../src/monitor/baseline.js';
import { DEFAULT_THRESHOLDS, loadMonitorConfig, monitorConfigSchema, publicSpec, resolveSources, resolveThresholds } from '../../src/monitor/config.js';
import { formatDuration, parseDuration, tryParseDuration } from '../../src/text/duration.js';
import type { MetricsSourceSpec, ProbeSourceSpec, RedisReading, RedisSourceSpec } from '../../src/monitor/sources/types.js';
import { MonitorWindow, SampleRing } from '../../src/monitor/window.js';

const dir = mkdtempSync(join(tmpdir(), 'ssot-monitor-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('durations', () => {
  it('parses units and combinations, refuses bare numbers', () => {
    assert.equal(tryParseDuration('500ms'), 500);
    assert.equal(tryParseDuration('5s'), 5000);
    assert.equal(tryParseDuration('2m'), 120_000);
    assert.equal(tryParseDuration('1m30s'), 90_000);
    assert.equal(tryParseDuration('1.5s'), 1500);
    assert.equal(tryParseDuration('5'), undefined);
    assert.equal(tryParseDuration('5 s'), undefined);
    assert.throws(() => parseDuration('0s', '--interval'), UserError);
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(450), '450ms');
  });
});

describe('monitor config', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('reads only the monitor: key of an ssot.config.yaml', () => {
    const file = write(
      'ssot.config.yaml',
      ['canonical: netra_backend.app.redis_manager', 'monitor:', '  interval: 1s', '  redis: ["redis://:pw@127.0.0.1:6379/1"]', '  thresholds: { consecutive: 2 }', ''].join('\n'),
    );
    const config = loadMonitorConfig(file);
    assert.equal(config.interval, '1s');
    assert.equal(resolveThresholds(config).consecutive, 2);
    const [redis] = resolveSources(config, {}) as [RedisSourceSpec];
    assert.equal(redis.name, 'redis 127.0.0.1:6379/1');
    assert.equal(publicSpec(redis).url, 'redis://127.0.0.1:6379/1', 'no password in a baseline');
  });

  it('a file without monitor: is an empty config', () => {
    assert.deepEqual(loadMonitorConfig(write('other.yaml', 'scan: {}\n')), {});
  });

  it('names the offending key of an invalid block (exit 2)', () => {
    const file = write('bad.yaml', 'monitor:\n  thresholds:\n    latencyBudgett: 1.05\n');
    assert.throws(
      () => loadMonitorConfig(file),
      (error: unknown) => error instanceof UserError && error.exitCode === 2 && /monitor\.thresholds/.test(error.message),
    );
    assert.throws(() => loadMonitorConfig(write('dur.yaml', 'monitor:\n  interval: 5\n')), /`monitor\.interval`: expected a duration/);
    assert.throws(() => loadMonitorConfig(join(dir, 'missing.yaml')), /cannot read config/);
  });

  it('is a zod schema the main config can embed', () => {
    assert.equal(monitorConfigSchema.safeParse({ probes: [{ url: 'ws://x/ws', count: 3, expect: 'pong' }] }).success, true);
    assert.equal(monitorConfigSchema.safeParse({ probes: [{ url: 'ws://x/ws', count: 0 }] }).success, false);
  });

  it('resolves CLI sources with defaults and unique names', () => {
    const specs = resolveSources(
      { metrics: [{ url: 'http://svc:9100/metrics', ws1011: 'ws_closes_total{code="1011"}', histograms: [{ name: 'golden p95', selector: 'golden_seconds' }] }] },
      { redis: ['redis://a:6379', 'redis://a:6379'], probes: ['http://svc/health', 'ws://svc/ws', 'https://svc/health?x=1'] },
    );
    assert.deepEqual(
      specs.map((s) => s.name),
      ['redis a:6379', 'metrics svc:9100/metrics', 'GET svc/health', 'ws svc/ws', 'GET svc/health #2'],
    );
    const metrics = specs[1] as MetricsSourceSpec;
    assert.deepEqual(metrics.ws1011, { metric: 'ws_closes_total', labels: { code: '1011' } });
    assert.equal(metrics.histograms[0]?.quantile, 0.95);
    assert.equal((specs[3] as ProbeSourceSpec).protocol, 'ws');
    assert.throws(() => resolveSources({}, { redis: ['http://not-redis'] }), /unsupported scheme http:/);
  });
});

const redisSpec: RedisSourceSpec = { kind: 'redis', name: 'r', url: 'redis://x', timeoutMs: 1000 };
const reading = (patch: Partial<RedisReading>): RedisReading => ({
  kind: 'redis',
  runId: 'run-1',
  connectedClients: 10,
  maxclients: 100,
  blockedClients: 0,
  rejectedConnections: 0,
  totalConnectionsReceived: 100,
  clientsByName: {},
  ...patch,
});

describe('window', () => {
  it('first reading has no delta; a restart resets deltas instead of going negative', () => {
    const window = new MonitorWindow([redisSpec], DEFAULT_THRESHOLDS);
    const feed = (atMs: number, patch: Partial<RedisReading>) => {
      window.beginTick();
      window.ingest(0, { ok: true, reading: reading(patch), attempts: 1, atMs });
    };
    feed(0, { totalConnectionsReceived: 100, rejectedConnections: 7 });
    feed(1000, { totalConnectionsReceived: 130, rejectedConnections: 7 });
    feed(2000, { runId: 'run-2', totalConnectionsReceived: 3, rejectedConnections: 0 }); // restarted
    feed(3000, { runId: 'run-2', totalConnectionsReceived: 5, rejectedConnections: 0 });
    const summaries = window.summaries();
    assert.deepEqual(summaries['r new connections'], { kind: 'rate', events: 32, exposure: 2, observations: 2 });
    assert.deepEqual(summaries['r rejected_connections'], { kind: 'critical', events: 0, observations: 2 });
    assert.equal(window.health()[0]?.resets, 1);
  });

  it('a failed interval is counted, not thrown, and the source is silent until it answers', () => {
    const window = new MonitorWindow([redisSpec], DEFAULT_THRESHOLDS);
    window.beginTick();
    window.ingest(0, { ok: false, error: 'ECONNREFUSED', attempts: 4, atMs: 0 });
    assert.deepEqual(window.silentSources(), ['r']);
    assert.equal(window.health()[0]?.errors, 4);
  });

  it('keeps memory flat over a long watch (100 000 intervals)', () => {
    const probe: ProbeSourceSpec = {
      kind: 'probe', protocol: 'ws', name: 'p', url: 'ws://x', method: 'GET', expectStatus: [], expect: '', send: 'ping', headers: {}, timeoutMs: 1000, count: 3,
    };
    const window = new MonitorWindow([redisSpec, probe], DEFAULT_THRESHOLDS);
    for (let i = 0; i < 100_000; i++) {
      window.beginTick();
      window.ingest(0, { ok: true, reading: reading({ totalConnectionsReceived: 100 + i }), attempts: 1, atMs: i * 5000 });
      window.ingest(1, {
        ok: true,
        reading: { kind: 'probe', attempts: [{ ok: true, latencyMs: 40 + (i % 7) }, { ok: true, latencyMs: 41 }, { ok: false, latencyMs: null, closeCode: 1011 }] },
        attempts: 1,
        atMs: i * 5000,
      });
    }
    const snapshots = window.snapshots();
    const latency = snapshots.get('p latency');
    assert.ok(latency?.kind === 'latency' && latency.samples.length === DEFAULT_THRESHOLDS.latencyWindow && latency.count === 200_000);
    const closes = snapshots.get('p 1011 closes');
    assert.ok(closes?.kind === 'rate' && closes.window.observations === DEFAULT_THRESHOLDS.rateWindow && closes.total.events === 100_000);
  });

  it('the sample ring returns the most recent values oldest first', () => {
    const ring = new SampleRing(3);
    for (const v of [1, 2, 3, 4, 5]) ring.add(v);
    assert.deepEqual(ring.values(), [3, 4, 5]);
  });
});

describe('baseline file', () => {
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const usageError = (pattern: RegExp) => (error: unknown) => error instanceof UserError && error.exitCode === 2 && pattern.test(error.message) && Boolean(error.hint);

  it('refuses a foreign JSON file, naming the first problem', () => {
    assert.throws(() => readBaseline(write('foreign.json', JSON.stringify({ version: 1, hello: 'world' }))), usageError(/is not an ssot monitor baseline: tool/));
  });

  it('refuses another format version with a clear message', () => {
    assert.throws(() => readBaseline(write('future.json', JSON.stringify({ version: 2 }))), usageError(/has format version 2; this ssot reads version 1/));
  });

  it('round-trips what writeBaseline wrote', () => {
    const file = join(dir, 'round.json');
    const window = new MonitorWindow([redisSpec], DEFAULT_THRESHOLDS);
    window.beginTick();
    window.ingest(0, { ok: true, reading: reading({}), attempts: 1, atMs: 0 });
    const baseline: BaselineFile = {
      version: BASELINE_VERSION,
      tool: 'ssot monitor',
      createdAt: new Date(0).toISOString(),
      durationMs: 1000,
      intervalMs: 500,
      intervals: 1,
      interrupted: false,
      sources: [redisSpec],
      thresholds: DEFAULT_THRESHOLDS,
      signals: window.summaries(),
      health: window.health(),
      samples: { truncated: false, records: [{ t: 0, values: window.tickValues() }] },
    };
    writeBaseline(file, baseline);
    assert.deepEqual(readBaseline(file), baseline);
  });
});

/**
 * The monitor fails closed (sweep defects 9, 10, 17, 24's late --out): a
 * source the baseline saw answer that is silent for the whole watch is a
 * breach; a signal that reads as nothing, NaN or a negative count fails;
 * a page that is not Prometheus text fails its source; bodies are read with
 * a cap under the attempt's deadline. The window and judge are fed readings
 * as the watch loop feeds them; the collector reads from real HTTP servers;
 * one watch runs end to end against a real redis-server that is stopped.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/monitor/config.js';
import { advanceConfirmation, decideVerdict, emptyConfirmation, judgeWindow, type Verdict } from '../../src/monitor/judge.js';
import { PrometheusCollector } from '../../src/monitor/sources/prometheus.js';
import type { MetricsSourceSpec, Reading, RedisReading, RedisSourceSpec, SourceResult, SourceSpec } from '../../src/monitor/sources/types.js';
import { MonitorWindow } from '../../src/monitor/window.js';
import { startRedisServer } from '../monitor/helpers/redis-server.js';
import { assertOneLineError, cleanUp, cli, tree } from './helpers.js';

after(cleanUp);

const t: Thresholds = { ...DEFAULT_THRESHOLDS, consecutive: 3, ruleMinSamples: 3 };
const redisSpec: RedisSourceSpec = { kind: 'redis', name: 'r', url: 'redis://127.0.0.1:1', timeoutMs: 500 };
const metricsSpec: MetricsSourceSpec = { kind: 'metrics', name: 'm', url: 'http://x/metrics', timeoutMs: 1000, ws1011: { metric: 'ws_closes_total', labels: { code: '1011' } }, counters: [], histograms: [] };

const redisReading = (i: number): RedisReading => ({
  kind: 'redis', runId: 'run-1', connectedClients: 5, maxclients: 100, blockedClients: 0, rejectedConnections: 0, totalConnectionsReceived: 100 + i, clientsByName: {},
});
const metricsReading = (value: number | null) => ({ kind: 'metrics' as const, counters: { __ws1011: value }, histograms: {}, ws1011Resolved: value === null ? null : 'ws_closes_total{code="1011"}' });

/** A baseline of `n` intervals, then a watch of `feeds.length`, judged as the watch loop judges them. */
function judge(spec: SourceSpec, baseline: (i: number) => SourceResult, watch: ((i: number) => SourceResult)[], thresholds = t): Verdict {
  const base = new MonitorWindow([spec], thresholds);
  for (let i = 0; i < 6; i++) {
    base.beginTick();
    base.ingest(0, baseline(i));
  }
  const summaries = base.summaries();
  const window = new MonitorWindow([spec], thresholds);
  let confirmation = emptyConfirmation();
  let judgements = judgeWindow(window.signals, window.snapshots(), summaries, thresholds);
  watch.forEach((feed, i) => {
    window.beginTick();
    window.ingest(0, feed(100 + i));
    judgements = judgeWindow(window.signals, window.snapshots(), summaries, thresholds);
    confirmation = advanceConfirmation(confirmation, judgements, i, thresholds.consecutive);
  });
  return decideVerdict({ judgements, confirmation, silentSources: window.silentSources(), strict: false, required: thresholds.consecutive });
}

const ok = (reading: Reading, i: number): SourceResult => ({ ok: true, reading, attempts: 1, atMs: i * 1000 });
const down = (i: number): SourceResult => ({ ok: false, error: 'ECONNREFUSED', attempts: 3, atMs: i * 1000 });

describe('judging fails closed (defects 9, 10)', () => {
  it('defect 9: a source up for the whole baseline and down for the whole watch is a confirmed breach, not "no data"', () => {
    const verdict = judge(redisSpec, (i) => ok(redisReading(i), i), Array(5).fill(down));
    assert.equal(verdict.outcome, 'breach');
    assert.equal(verdict.exitCode, 1);
    assert.match(verdict.reason, /confirmed regression: r reachable/);
    const reachable = verdict.signals.find((s) => s.name === 'reachable')!;
    assert.match(reachable.note ?? '', /answered in the baseline \(6 intervals\); has not answered in this watch/);
    // configurable: the old reading (no data, exit 3) when asked for
    assert.equal(judge(redisSpec, (i) => ok(redisReading(i), i), Array(5).fill(down), { ...t, silentSourceIsBreach: false }).exitCode, 3);
    // a source silent in the baseline too is still no data
    assert.equal(judge(redisSpec, down, Array(5).fill(down)).exitCode, 3);
  });

  it('defect 10: a counter that vanishes from the page fails its signal instead of passing', () => {
    const verdict = judge(metricsSpec, (i) => ok(metricsReading(i * 2), i), Array(5).fill((i: number) => ok(metricsReading(null), i)));
    assert.equal(verdict.outcome, 'breach', verdict.reason);
    const signal = verdict.signals.find((s) => s.name === 'ws 1011 closes')!;
    assert.equal(signal.status, 'fail');
    assert.match(signal.note ?? '', /no WebSocket close counter in the page \(the baseline had it\)/);
  });

  it('defect 10: NaN and negative counter values fail the signal, and never reach the rates', () => {
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY]) {
      const verdict = judge(metricsSpec, (i) => ok(metricsReading(i * 2), i), Array(5).fill((i: number) => ok(metricsReading(bad), i)));
      const signal = verdict.signals.find((s) => s.name === 'ws 1011 closes')!;
      assert.equal(signal.status, 'fail', `${bad}: ${signal.note}`);
      assert.match(signal.note ?? '', bad < 0 ? /is negative/ : /is not a count/);
      assert.ok(signal.value === null || (Number.isFinite(signal.value) && signal.value >= 0), `no nonsense rate: ${signal.value}`);
    }
  });
});

/** A local HTTP server answering every request with `handler`. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, server };
}

describe('what a metrics source reads (defects 10, 17)', () => {
  const collect = (url: string, timeoutMs = 1500) => new PrometheusCollector({ ...metricsSpec, url, timeoutMs }).collect(Date.now() + timeoutMs, new AbortController().signal);

  it('an HTML page served with 200 is not Prometheus text: the source fails', async () => {
    const { url, server } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<html><body>Please log in</body></html>');
    });
    try {
      await assert.rejects(collect(url), /not Prometheus text \(content-type text\/html\)/);
    } finally {
      server.close();
    }
    const plain = await serve((_req, res) => res.end('<html>\n<body>maintenance</body>\n</html>\n'));
    try {
      await assert.rejects(collect(plain.url), /not Prometheus text|unparseable metrics/);
    } finally {
      plain.server.close();
    }
  });

  it('defect 17: an endless body ends at the deadline, an oversized one at the cap; memory stays bounded', async () => {
    const chunk = Buffer.alloc(256 * 1024, 'a');
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const push = () => {
        while (res.write(chunk));
      };
      res.on('drain', push);
      push();
      res.on('close', () => res.off('drain', push));
    });
    try {
      const started = Date.now();
      await assert.rejects(collect(endless.url, 800));
      assert.ok(Date.now() - started < 5000, `ended after ${Date.now() - started} ms`);
    } finally {
      endless.server.closeAllConnections();
      endless.server.close();
    }
    const huge = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(40 * 1024 * 1024) });
      res.end();
    });
    try {
      await assert.rejects(collect(huge.url), /response body larger than 16 MiB/);
    } finally {
      huge.server.close();
    }
  });
});

describe('the monitor CLI (defects 9, 24)', () => {
  it('defect 24: baseline --out into a missing folder fails before sampling', async () => {
    const started = Date.now();
    const run = await cli(['monitor', 'baseline', '--redis', 'redis://127.0.0.1:1', '--duration', '30s', '--interval', '1s', '--out', '/nonexistent/dir/b.json']);
    assert.match(assertOneLineError(run), /^error: cannot write baseline \/nonexistent\/dir\/b\.json: ENOENT$/);
    assert.ok(Date.now() - started < 20_000, 'not the 30 s of sampling');
  });

  it('defect 9: Redis up for the baseline and down for the whole watch: BREACH (exit 1) and the breach action runs', async () => {
    const redis = await startRedisServer({});
    const dir = tree('monitor-down', {}, null);
    const baseline = path.join(dir, 'b.json');
    try {
      const recorded = await cli(['monitor', 'baseline', '--redis', redis.url, '--duration', '2s', '--interval', '400ms', '--out', baseline]);
      assert.equal(recorded.code, 0, recorded.stdout + recorded.stderr);
      await redis.stop();
      const marker = path.join(dir, 'acted');
      const watched = await cli(['monitor', 'watch', '--baseline', baseline, '--redis', redis.url, '--duration', '3s', '--interval', '400ms', '--on-breach', `touch ${marker}`, '--format', 'json']);
      assert.equal(watched.code, 1, watched.stdout + watched.stderr);
      const verdict = watched.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string; reason?: string }).find((l) => l.type === 'verdict');
      assert.equal(verdict?.outcome, 'breach');
      assert.match(verdict?.reason ?? '', /reachable/);
      assert.ok(existsSync(marker), 'the breach action ran');
    } finally {
      await redis.stop().catch(() => {});
    }
  });
});

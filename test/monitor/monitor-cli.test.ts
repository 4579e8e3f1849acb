/**
 * End-to-end: the real CLI against a real redis-server and a real fixture
 * service (HTTP + ws + prom-client), loopback only, every run bounded.
 * One healthy baseline is recorded first; each scenario then degrades the
 * fixture, watches, and restores it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { jsonLines, runCli, type CliRun } from './helpers/cli.js';
import { startFixtureService, type FixtureService } from './helpers/fixture-service.js';
import { openIdleConnections, startRedisServer, type RedisServer } from './helpers/redis-server.js';

interface SignalOut {
  id: string;
  name: string;
  status: string;
  confirmed: boolean;
  estimate?: { ratio: number; lower: number; upper: number };
}
interface VerdictOut {
  type: 'verdict';
  outcome: string;
  exitCode: number;
  reason: string;
  stoppedEarly: boolean;
  interrupted: boolean;
  signals: SignalOut[];
  sources: Array<{ name: string; details: Record<string, string | number> }>;
  action?: { exitCode: number };
}

function verdictOf(run: CliRun): VerdictOut {
  const verdict = jsonLines(run.stdout).find((line) => line.type === 'verdict');
  assert.ok(verdict, `no verdict line; exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  return verdict as unknown as VerdictOut;
}

const signal = (verdict: VerdictOut, source: string, name: string) => {
  const found = verdict.signals.find((s) => s.id.startsWith(source) && s.name === name);
  assert.ok(found, `signal ${source} ${name} not in ${verdict.signals.map((s) => s.id).join(', ')}`);
  return found;
};

const noStackTrace = (run: CliRun) => assert.doesNotMatch(run.stderr, /\n\s+at /, `stack trace on stderr:\n${run.stderr}`);

describe('ssot monitor (real redis-server, fixture service)', () => {
  let redis: RedisServer;
  let fixture: FixtureService;
  let dir: string;
  let config: string;
  let baselineFile: string;
  // 250 ms of golden-path latency keeps a loaded machine's scheduling noise (a
  // few ms) small against the 5 % budget; 3 concurrent probes fit a 500 ms interval.
  const INTERVAL = '500ms';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ssot-monitor-'));
    redis = await startRedisServer({ maxclients: 100 });
    fixture = await startFixtureService({ redisUrl: redis.url, mode: { baseLatencyMs: 250 } });
    config = join(dir, 'ssot.config.yaml');
    // an ssot.config.yaml holds other keys too; only monitor: is read
    writeFileSync(
      config,
      [
        'scan:',
        '  include: ["**/*.py"]',
        'monitor:',
        `  interval: ${INTERVAL}`,
        `  redis: ["${redis.url}"]`,
        `  metrics: ["${fixture.metricsUrl}"]`,
        '  probes:',
        `    - { url: "${fixture.goldenUrl}", name: golden-http, count: 3, expect: golden }`,
        `    - { url: "${fixture.wsUrl}", name: chat-ws, count: 3, expect: pong, send: hello }`,
        '  thresholds:',
        '    minSamples: 12 # the default 20 suits 5s intervals; tests want answers in seconds',
        '',
      ].join('\n'),
    );
    baselineFile = join(dir, 'baseline.json');
    const run = await runCli(['monitor', 'baseline', '--config', config, '--duration', '3s', '--out', baselineFile, '--format', 'json'], );
    assert.equal(run.code, 0, run.stderr);
    const written = JSON.parse(readFileSync(baselineFile, 'utf8'));
    assert.equal(written.version, 1);
    for (const latency of ['golden-http latency', 'chat-ws latency']) {
      const samples = written.signals[latency].samples.length;
      assert.ok(samples >= 12, `${latency}: ${samples} samples, the judge needs 12 (minSamples in the config)`);
    }
    for (const probe of ['golden-http success', 'chat-ws success']) {
      const { events, exposure } = written.signals[probe];
      assert.ok(events <= exposure * 0.1, `${probe}: healthy baseline has (almost) no probe failures: ${events}/${exposure}`);
    }
  });

  after(async () => {
    await fixture?.close();
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const watch = (extra: string[], duration = '4s') =>
    runCli(['monitor', 'watch', '--config', config, '--baseline', baselineFile, '--duration', duration, '--format', 'json', ...extra]);

  it('healthy → pass (exit 0)', async () => {
    const run = await watch([], '2s');
    const verdict = verdictOf(run);
    assert.equal(run.code, 0, verdict.reason);
    assert.equal(verdict.outcome, 'pass');
    assert.notEqual(signal(verdict, 'golden-http', 'latency').status, 'no data', 'latency judged within the window');
    assert.ok(verdict.signals.every((s) => s.status !== 'fail'), JSON.stringify(verdict.signals.filter((s) => s.status === 'fail')));
    assert.equal(signal(verdict, 'redis', 'clients/maxclients').status, 'pass');
    assert.match(String(verdict.sources.find((s) => s.name.startsWith('redis'))?.details.clients_by_name), /netra-backend=1/);
  });

  it('1011 closes start → breach, and --on-breach runs exactly once', async () => {
    const actions = join(dir, 'actions.log');
    fixture.setMode({ ws1011: true });
    try {
      const run = await watch(['--on-breach', `echo "$SSOT_MONITOR_OUTCOME" >> '${actions}'`], '8s');
      const verdict = verdictOf(run);
      assert.equal(run.code, 1, verdict.reason);
      assert.equal(verdict.outcome, 'breach');
      assert.ok(verdict.stoppedEarly, 'stops early on a confirmed breach');
      assert.equal(signal(verdict, 'chat-ws', '1011 closes').confirmed, true);
      assert.equal(verdict.action?.exitCode, 0);
      assert.deepEqual(readFileSync(actions, 'utf8').trim().split('\n'), ['breach']);
    } finally {
      fixture.setMode({ ws1011: false });
    }
  });

  it('90 idle connections against maxclients 100 → breach', async () => {
    const sockets: Socket[] = await openIdleConnections(redis.port, 90, 'leaky-pool');
    try {
      const run = await watch([], '6s');
      const verdict = verdictOf(run);
      assert.equal(run.code, 1, verdict.reason);
      assert.equal(signal(verdict, 'redis', 'clients/maxclients').confirmed, true);
      // which service holds the connections
      assert.match(String(verdict.sources.find((s) => s.name.startsWith('redis'))?.details.clients_by_name), /leaky-pool=90/);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('golden-path latency +20 % → breach', async () => {
    fixture.setMode({ latencyFactor: 1.2 });
    try {
      const run = await watch([], '8s');
      const verdict = verdictOf(run);
      assert.equal(run.code, 1, verdict.reason);
      const golden = signal(verdict, 'golden-http', 'latency');
      assert.equal(golden.confirmed, true);
      assert.ok(golden.estimate && golden.estimate.lower > 1.05, `interval above the budget: ${JSON.stringify(golden.estimate)}`);
    } finally {
      fixture.setMode({ latencyFactor: 1 });
    }
  });

  it('golden-path latency jitter ±3 % → pass', async () => {
    fixture.setMode({ jitter: 0.03 });
    try {
      const run = await watch([], '3s');
      const verdict = verdictOf(run);
      assert.equal(run.code, 0, verdict.reason);
      const golden = signal(verdict, 'golden-http', 'latency');
      assert.notEqual(golden.status, 'fail');
      assert.ok(golden.estimate && golden.estimate.ratio < 1.05, JSON.stringify(golden.estimate));
    } finally {
      fixture.setMode({ jitter: 0 });
    }
  });

  it('Ctrl-C prints the verdict so far', async () => {
    let interrupted = false;
    const run = await runCli(['monitor', 'watch', '--config', config, '--baseline', baselineFile, '--duration', '5m', '--format', 'json'], {
      onStdoutLine: (line, child) => {
        if (!interrupted && line.includes('"type":"interval"')) {
          interrupted = true;
          setTimeout(() => child.kill('SIGINT'), 600);
        }
      },
    });
    const verdict = verdictOf(run);
    assert.equal(verdict.interrupted, true);
    assert.equal(run.code, verdict.exitCode);
    noStackTrace(run);
  });

  it('connections rejected during the watch → critical breach at once', async () => {
    const sockets: Socket[] = [];
    let burst: Promise<void> | undefined;
    const run = await runCli(['monitor', 'watch', '--redis', redis.url, '--baseline', baselineFile, '--duration', '8s', '--interval', INTERVAL, '--format', 'json'], {
      onStdoutLine: (line) => {
        // once the monitor holds its connection: 110 more against maxclients 100, the last refused
        if (burst || !line.includes('"interval":1,')) return;
        burst = (async () => {
          for (let i = 0; i < 110; i++) {
            try {
              sockets.push(...(await openIdleConnections(redis.port, 1, 'burst')));
            } catch {
              // ERR max number of clients reached, as intended
            }
          }
        })();
      },
    });
    await burst;
    for (const socket of sockets) socket.destroy();
    const verdict = verdictOf(run);
    assert.equal(run.code, 1, verdict.reason);
    assert.equal(signal(verdict, 'redis', 'rejected_connections').confirmed, true);
  });

  it('Redis killed for the whole watch → breach (exit 1, fails closed), no crash', async () => {
    const doomed = await startRedisServer();
    const doomedBaseline = join(dir, 'doomed.json');
    try {
      const recorded = await runCli(['monitor', 'baseline', '--redis', doomed.url, '--duration', '600ms', '--interval', '200ms', '--out', doomedBaseline]);
      assert.equal(recorded.code, 0, recorded.stderr);
      await doomed.kill();
      const run = await runCli(['monitor', 'watch', '--baseline', doomedBaseline, '--duration', '1s', '--interval', '250ms', '--format', 'json']);
      const verdict = verdictOf(run);
      // a source that answered in the baseline and is silent for the whole watch is a regression, not "no data" (issue 18, defect 9)
      assert.equal(run.code, 1, verdict.reason);
      assert.equal(verdict.outcome, 'breach');
      assert.match(verdict.reason, /confirmed regression: redis \S+ reachable/);
      noStackTrace(run);
    } finally {
      await doomed.stop();
    }
  });

  it('baseline that never reached any source is not written (exit 3)', async () => {
    const out = join(dir, 'never.json');
    const run = await runCli(['monitor', 'baseline', '--redis', 'redis://127.0.0.1:1', '--duration', '500ms', '--interval', '250ms', '--out', out]);
    assert.equal(run.code, 3);
    assert.equal(existsSync(out), false);
    noStackTrace(run);
  });

  it('baseline file missing or corrupt → clear error, exit 2', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version": 1, "signals": {');
    const [missing, broken, bothActions] = await Promise.all([
      runCli(['monitor', 'watch', '--baseline', join(dir, 'nope.json'), '--redis', redis.url]),
      runCli(['monitor', 'watch', '--baseline', corrupt, '--redis', redis.url]),
      runCli(['monitor', 'watch', '--baseline', baselineFile, '--on-breach', 'true', '--rollback-phase', '1a']),
    ]);
    for (const [run, message] of [
      [missing, /^error: baseline file not found: .*nope\.json$/m],
      [broken, /^error: baseline .*corrupt\.json is not valid JSON/m],
      [bothActions, /^error: --on-breach and --rollback-phase are alternatives; give one$/m],
    ] as const) {
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.match(run.stderr, /^hint: /m);
      noStackTrace(run);
    }
  });
});

/**
 * The judge on data: latency shift verdicts, rate rules on sparse counts,
 * rule signals, consecutive confirmation, the final verdict, and the table
 * (snapshot in fixtures/verdict-table.txt).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_THRESHOLDS, type Thresholds } from '../../src/monitor/config.js';
import {
  advanceConfirmation,
  decideVerdict,
  emptyConfirmation,
  judgeLatency,
  judgeSignal,
  type SignalJudgement,
} from '../../src/monitor/judge.js';
import { renderWatchReport } from '../../src/report/monitor.js';
import { NO_COLORS } from '../../src/text/colors.js';
import type { SignalDescriptor, SignalSnapshot, SignalSummary } from '../../src/monitor/window.js';

const t: Thresholds = { ...DEFAULT_THRESHOLDS };

/** Deterministic latency samples: a spread of ±spread around `center`, in a scrambled order. */
function latencies(center: number, n: number, spread = 0.03): number[] {
  return Array.from({ length: n }, (_, i) => center * (1 + spread * Math.sin(i * 2.399963)));
}

const descriptor = (kind: SignalDescriptor['kind'], extra: Partial<SignalDescriptor> = {}): SignalDescriptor => ({
  id: `src ${kind}`,
  source: 'src',
  name: kind,
  kind,
  maxRatio: 1,
  minEvents: 3,
  per: 'second',
  ...extra,
});

describe('latency judge (Hodges–Lehmann on log latency)', () => {
  it('+20 % is a breach: the whole interval is above the 5 % budget', () => {
    const r = judgeLatency(latencies(60, 40), latencies(50, 40), t);
    assert.equal(r.status, 'fail');
    assert.ok(r.estimate && r.estimate.lower > 1.05 && Math.abs(r.estimate.ratio - 1.2) < 0.02, JSON.stringify(r.estimate));
  });

  it('±3 % jitter around the same median passes: the interval sits below the budget', () => {
    const r = judgeLatency(latencies(50, 40, 0.03).reverse(), latencies(50, 40, 0.03), t);
    assert.equal(r.status, 'pass');
    assert.ok(r.estimate && r.estimate.upper < 1.05);
  });

  it('+5 % with a wide spread is inconclusive: keep sampling', () => {
    const r = judgeLatency(latencies(52.5, 25, 0.3), latencies(50, 25, 0.3), t);
    assert.equal(r.status, 'inconclusive');
    assert.match(r.note ?? '', /keep sampling/);
  });

  it('a point estimate above budget with the interval above 1.0 is a breach', () => {
    // shift 1.07 with spread so the lower bound is between 1.0 and 1.05
    const r = judgeLatency(latencies(53.5, 60, 0.2), latencies(50, 60, 0.2), t);
    assert.ok(r.estimate && r.estimate.lower > 1 && r.estimate.lower < 1.05 && r.estimate.ratio > 1.05, JSON.stringify(r.estimate));
    assert.equal(r.status, 'fail');
  });

  it('states how many samples it still needs', () => {
    const r = judgeLatency(latencies(50, 7), latencies(50, 40), t);
    assert.equal(r.status, 'no data');
    assert.equal(r.note, 'needs 13 more current samples (7/20)');
  });
});

const rateSnapshot = (events: number, exposure: number, observations = 12): SignalSnapshot => ({
  kind: 'rate',
  window: { events, exposure, observations },
  total: { events, exposure, observations },
});
const rateBaseline = (events: number, exposure: number): SignalSummary => ({ kind: 'rate', events, exposure, observations: 24 });

describe('rate rules for sparse counts (1011 closes)', () => {
  const ws1011 = descriptor('rate', { name: 'ws 1011 closes' });

  it('a clean baseline and three 1011 closes in a minute fail', () => {
    assert.equal(judgeSignal(ws1011, rateSnapshot(3, 60), rateBaseline(0, 120), t).status, 'fail');
  });

  it('fewer events than the minimum never fail, whatever the rate', () => {
    const j = judgeSignal(ws1011, rateSnapshot(2, 1), rateBaseline(0, 120), t);
    assert.equal(j.status, 'pass');
    assert.match(j.note ?? '', /below 3/);
  });

  it('a busy baseline absorbs Poisson noise above its rate', () => {
    // baseline 10/min; now 13 in a minute: above the rate, not beyond noise
    const j = judgeSignal(ws1011, rateSnapshot(13, 60), rateBaseline(20, 120), t);
    assert.equal(j.status, 'pass');
    assert.match(j.note ?? '', /within noise/);
  });

  it('needs a few intervals and a baseline before it speaks', () => {
    assert.equal(judgeSignal(ws1011, rateSnapshot(5, 2, 2), rateBaseline(0, 120), t).status, 'no data');
    assert.equal(judgeSignal(ws1011, rateSnapshot(5, 60), undefined, t).status, 'no data');
  });
});

describe('rule signals', () => {
  it('connected_clients / maxclients ≥ 0.8 fails from a few samples', () => {
    const ratio = descriptor('ratio');
    const snap = (tick: number | null, observations: number): SignalSnapshot => ({ kind: 'ratio', observations, tick, last: tick, max: tick });
    assert.equal(judgeSignal(ratio, snap(0.93, 3), undefined, t).status, 'fail');
    assert.equal(judgeSignal(ratio, snap(0.5, 3), undefined, t).status, 'pass');
    assert.equal(judgeSignal(ratio, snap(0.93, 2), undefined, t).status, 'no data');
  });

  it('any new rejected connection is critical', () => {
    const j = judgeSignal(descriptor('critical'), { kind: 'critical', observations: 1, tickEvents: 1, total: 1 }, undefined, t);
    assert.equal(j.status, 'fail');
    assert.equal(j.critical, true);
  });

  it('reachability: no data until the source first answers, fail when it stops', () => {
    const reach = descriptor('reachability');
    assert.equal(judgeSignal(reach, { kind: 'reachability', everOk: false, tick: 'failed', ok: 0, failed: 3 }, undefined, t).status, 'no data');
    assert.equal(judgeSignal(reach, { kind: 'reachability', everOk: true, tick: 'failed', ok: 3, failed: 1 }, undefined, t).status, 'fail');
  });
});

const judged = (id: string, status: SignalJudgement['status'], critical = false): SignalJudgement => ({
  id,
  source: 's',
  name: id,
  kind: 'ratio',
  status,
  value: null,
  baseline: null,
  unit: 'ratio',
  threshold: '',
  critical,
});

describe('confirmation and verdict', () => {
  it('needs N consecutive failures; pass resets, no data does not', () => {
    let c = emptyConfirmation();
    const steps: Array<SignalJudgement['status']> = ['fail', 'fail', 'pass', 'fail', 'no data', 'fail', 'fail'];
    steps.forEach((status, i) => (c = advanceConfirmation(c, [judged('a', status)], i, 3)));
    assert.deepEqual(c.confirmedAt, { a: 6 });
  });

  it('a critical failure is confirmed at once', () => {
    const c = advanceConfirmation(emptyConfirmation(), [judged('r', 'fail', true)], 0, 3);
    assert.deepEqual(c.confirmedAt, { r: 0 });
  });

  it('outcomes: breach > strict > no data > pass, with the exit code', () => {
    const confirmed = advanceConfirmation(emptyConfirmation(), [judged('r', 'fail', true)], 0, 3);
    const base = { confirmation: emptyConfirmation(), silentSources: [], strict: false, required: 3 };
    assert.equal(decideVerdict({ ...base, judgements: [judged('r', 'fail', true)], confirmation: confirmed }).exitCode, 1);
    assert.equal(decideVerdict({ ...base, judgements: [judged('a', 'inconclusive')] }).exitCode, 0);
    assert.equal(decideVerdict({ ...base, judgements: [judged('a', 'inconclusive')], strict: true }).exitCode, 1);
    assert.equal(decideVerdict({ ...base, judgements: [judged('a', 'no data')] }).exitCode, 3);
    assert.equal(decideVerdict({ ...base, judgements: [judged('a', 'pass')], silentSources: ['redis x'] }).exitCode, 3);
    const pass = decideVerdict({ ...base, judgements: [judged('a', 'pass'), judged('b', 'fail')] });
    assert.equal(pass.exitCode, 0);
    assert.match(pass.reason, /1 failing but not confirmed/);
  });
});

describe('verdict table', () => {
  it('lists every signal with value, baseline, threshold, estimate and status (snapshot)', () => {
    const latency = judgeSignal(
      descriptor('latency', { id: 'golden-http latency', source: 'golden-http', name: 'latency' }),
      { kind: 'latency', count: 40, samples: latencies(60, 40) },
      { kind: 'latency', count: 40, samples: latencies(50, 40) },
      t,
    );
    const ws1011 = judgeSignal(descriptor('rate', { id: 'metrics ws 1011 closes', name: 'ws 1011 closes' }), rateSnapshot(6, 30), rateBaseline(0, 120), t);
    const ratio = judgeSignal(
      descriptor('ratio', { id: 'redis clients/maxclients', name: 'clients/maxclients' }),
      { kind: 'ratio', observations: 5, tick: 0.93, last: 0.93, max: 0.93 },
      { kind: 'ratio', observations: 20, mean: 0.03, max: 0.04, last: 0.03 },
      t,
    );
    let confirmation = emptyConfirmation();
    for (let i = 0; i < 3; i++) confirmation = advanceConfirmation(confirmation, [latency, ws1011], i, 3);
    confirmation = advanceConfirmation(confirmation, [ratio], 3, 3);
    const verdict = decideVerdict({ judgements: [latency, ws1011, ratio], confirmation, silentSources: [], strict: false, required: 3 });
    const text = renderWatchReport(
      {
        verdict,
        startedAt: '2025-09-10T12:00:00.000Z',
        elapsedMs: 42_000,
        durationMs: 600_000,
        intervalMs: 5000,
        intervals: 9,
        interrupted: false,
        stoppedEarly: true,
        strict: false,
        baselineFile: 'baseline.json',
        health: [],
        action: { command: 'ssot rollback --phase 1a', exitCode: 0, signal: null, durationMs: 1200 },
      },
      { colors: NO_COLORS, required: 3 },
    );
    const snapshot = new URL('../../../test/monitor/fixtures/verdict-table.txt', import.meta.url);
    if (process.env.UPDATE_SNAPSHOTS) writeFileSync(snapshot, text);
    assert.equal(text, readFileSync(snapshot, 'utf8'));
  });
});

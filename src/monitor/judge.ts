/**
 * The judge: pure functions from (baseline summary, current window snapshot,
 * thresholds) to a per-signal judgement, a reducer that confirms a breach only
 * after N consecutive failing intervals, and the final verdict. No I/O, no
 * clock: everything it needs arrives as data.
 *
 * Latency follows Kayenta's Mann–Whitney judge, improved: the test is inverted
 * into a Hodges–Lehmann shift with a confidence interval on log(latency), so
 * the shift reads as a ratio and is compared with the budget instead of a bare
 * p-value. Sparse counts (1011 closes, rejections, probe failures) never go
 * through a rank test: rate rules with a minimum event count, guarded by an
 * exact rate comparison.
 */
import type { Thresholds } from './config.js';
import { compareRates } from './stats/rates.js';
import { wilcoxonRankSum } from './stats/wilcoxon.js';
import type { SignalDescriptor, SignalKind, SignalSnapshot, SignalSummary } from './window.js';

export type SignalStatus = 'pass' | 'fail' | 'inconclusive' | 'no data';

export interface ShiftEstimate {
  /** current / baseline latency ratio: exp of the Hodges–Lehmann shift of log(latency). */
  ratio: number;
  lower: number;
  upper: number;
  /** Achieved confidence level of [lower, upper]. */
  confLevel: number;
  method: 'exact' | 'normal';
  pValue: number;
  n: number;
  baselineN: number;
}

export interface SignalJudgement {
  id: string;
  source: string;
  name: string;
  kind: SignalKind;
  status: SignalStatus;
  /** The current value in `unit` (latency: median ms; rates: per second or per attempt; ratios: 0..1). */
  value: number | null;
  baseline: number | null;
  unit: 'ms' | '/s' | '/attempt' | 'ratio' | 'count' | 'up';
  /** The rule in words, e.g. "ratio ≤ 1.05" or "< 0.8". */
  threshold: string;
  estimate?: ShiftEstimate;
  /** A failure of this signal is confirmed at once (no consecutive intervals needed). */
  critical: boolean;
  /** Why: missing samples, events counted, p-value of the rate guard… */
  note?: string;
}

const round = (value: number, digits = 4) => Number(value.toPrecision(digits));

function median(sorted: readonly number[]): number | null {
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const sortedCopy = (values: readonly number[]) => [...values].sort((a, b) => a - b);

function baselineMismatch(summary: SignalSummary | undefined, kind: SignalKind): boolean {
  return summary !== undefined && summary.kind !== kind;
}

export function judgeLatency(
  current: readonly number[],
  baseline: readonly number[],
  t: Pick<Thresholds, 'latencyBudget' | 'confidence' | 'minSamples'>,
): { status: SignalStatus; estimate?: ShiftEstimate; note?: string } {
  const positive = (values: readonly number[]) => values.filter((v) => v > 0 && Number.isFinite(v));
  const now = positive(current);
  const before = positive(baseline);
  const missing = [
    now.length < t.minSamples ? `${t.minSamples - now.length} more current samples (${now.length}/${t.minSamples})` : '',
    before.length < t.minSamples ? `a baseline with ≥ ${t.minSamples} samples (has ${before.length})` : '',
  ].filter(Boolean);
  if (missing.length) return { status: 'no data', note: `needs ${missing.join(' and ')}` };
  const result = wilcoxonRankSum(now.map(Math.log), before.map(Math.log), { confLevel: t.confidence });
  const estimate: ShiftEstimate = {
    ratio: Math.exp(result.estimate),
    lower: Math.exp(result.lower),
    upper: Math.exp(result.upper),
    confLevel: result.confLevel,
    method: result.method,
    pValue: result.pValue,
    n: result.nx,
    baselineN: result.ny,
  };
  const budget = t.latencyBudget;
  if (estimate.lower > budget || (estimate.lower > 1 && estimate.ratio > budget)) return { status: 'fail', estimate };
  if (estimate.upper < budget) return { status: 'pass', estimate };
  return { status: 'inconclusive', estimate, note: 'interval straddles the budget: keep sampling' };
}

/** Judges one signal at the end of an interval. */
export function judgeSignal(signal: SignalDescriptor, snapshot: SignalSnapshot, baseline: SignalSummary | undefined, t: Thresholds): SignalJudgement {
  const base = { id: signal.id, source: signal.source, name: signal.name, kind: signal.kind, critical: false };
  if (baselineMismatch(baseline, signal.kind)) {
    return { ...base, status: 'no data', value: null, baseline: null, unit: 'count', threshold: '—', note: 'baseline has a different kind of signal under this id' };
  }
  switch (snapshot.kind) {
    case 'reachability': {
      const value = snapshot.ok + snapshot.failed > 0 ? snapshot.ok / (snapshot.ok + snapshot.failed) : null;
      const judged = { ...base, value, baseline: null, unit: 'up' as const, threshold: 'answers every interval' };
      // a source the baseline saw answer that never answers now is the worst outage, not an absence of data
      const answeredInBaseline = baseline?.kind === 'reachability' && baseline.ok > 0;
      if (!snapshot.everOk && answeredInBaseline && t.silentSourceIsBreach && snapshot.tick === 'failed') {
        return { ...judged, status: 'fail', note: `answered in the baseline (${baseline.ok} intervals); has not answered in this watch` };
      }
      if (!snapshot.everOk) return { ...judged, status: 'no data', note: 'never answered in this window' };
      if (snapshot.tick === null) return { ...judged, status: 'no data' };
      return snapshot.tick === 'ok' ? { ...judged, status: 'pass' } : { ...judged, status: 'fail', note: 'stopped answering (connection failures)' };
    }
    case 'ratio': {
      const baselineMax = baseline?.kind === 'ratio' ? baseline.max : null;
      const value = snapshot.tick ?? snapshot.last;
      const judged = { ...base, value, baseline: baselineMax, unit: 'ratio' as const, threshold: `< ${t.maxClientsRatio}` };
      if (snapshot.observations < t.ruleMinSamples) {
        return { ...judged, status: 'no data', note: snapshot.note ?? `needs ${t.ruleMinSamples - snapshot.observations} more samples` };
      }
      if (snapshot.tick === null) return { ...judged, status: 'no data', note: 'no sample this interval' };
      return snapshot.tick >= t.maxClientsRatio
        ? { ...judged, status: 'fail', note: 'connection pool near exhaustion' }
        : { ...judged, status: 'pass' };
    }
    case 'critical': {
      const judged = {
        ...base,
        critical: true,
        value: snapshot.total,
        baseline: baseline?.kind === 'critical' ? baseline.events : null,
        unit: 'count' as const,
        threshold: 'no new rejections',
      };
      if (snapshot.observations === 0) return { ...judged, status: 'no data', note: 'needs two readings for a delta' };
      if (snapshot.tickEvents === null) return { ...judged, status: 'no data', note: 'no delta this interval' };
      return snapshot.tickEvents > 0
        ? { ...judged, status: 'fail', note: `${snapshot.tickEvents} connection(s) rejected this interval (maxclients reached)` }
        : { ...judged, status: 'pass' };
    }
    case 'latency': {
      const baselineSamples = baseline?.kind === 'latency' ? baseline.samples : [];
      const value = median(sortedCopy(snapshot.samples));
      const judged = {
        ...base,
        value,
        baseline: median(sortedCopy(baselineSamples)),
        unit: 'ms' as const,
        threshold: `ratio ≤ ${t.latencyBudget}`,
      };
      if (!baseline) return { ...judged, status: 'no data', note: 'not in the baseline' };
      if (snapshot.bad) return baselineSamples.length ? { ...judged, status: 'fail', note: `${snapshot.bad} (the baseline had it)` } : { ...judged, status: 'no data', note: snapshot.bad };
      const { status, estimate, note } = judgeLatency(snapshot.samples, baselineSamples, t);
      return { ...judged, status, ...(estimate ? { estimate } : {}), ...(note ? { note } : {}) };
    }
    default: {
      // rate / success: events are 1011 closes, probe failures or new connections
      const per = signal.per;
      const window = snapshot.window;
      const baseRate = baseline && (baseline.kind === 'rate' || baseline.kind === 'success') ? baseline : undefined;
      const rate = window.exposure > 0 ? window.events / window.exposure : null;
      const baselineRate = baseRate && baseRate.exposure > 0 ? baseRate.events / baseRate.exposure : null;
      const asSuccess = snapshot.kind === 'success';
      const judged = {
        ...base,
        value: rate === null ? null : asSuccess ? 1 - rate : rate,
        baseline: baselineRate === null ? null : asSuccess ? 1 - baselineRate : baselineRate,
        unit: asSuccess ? ('ratio' as const) : per === 'second' ? ('/s' as const) : ('/attempt' as const),
        threshold: asSuccess
          ? `≥ baseline (min ${signal.minEvents} failures)`
          : `≤ ${signal.maxRatio === 1 ? '' : `${signal.maxRatio}× `}baseline (min ${signal.minEvents} events)`,
      };
      // a signal the baseline measured that now reads as nothing (absent, NaN, negative) fails; it never passes by being dropped
      if (snapshot.bad) {
        return baseRate && baseRate.observations > 0
          ? { ...judged, status: 'fail', note: `${snapshot.bad} (the baseline had it)` }
          : { ...judged, status: 'no data', note: snapshot.bad };
      }
      if (window.observations < t.ruleMinSamples) {
        return { ...judged, status: 'no data', note: `needs ${t.ruleMinSamples - window.observations} more intervals` };
      }
      if (!baseRate || baseRate.exposure <= 0) return { ...judged, status: 'no data', note: 'not in the baseline' };
      const comparison = compareRates(window, baseRate, signal.maxRatio);
      const what = asSuccess ? 'failures' : 'events';
      const counted = `${window.events} ${what} in ${per === 'second' ? `${round(window.exposure, 3)}s` : `${window.exposure} attempts`}`;
      const above = rate !== null && rate > signal.maxRatio * (baselineRate ?? 0);
      if (window.events >= signal.minEvents && above && comparison.pValue < t.rateAlpha) {
        return { ...judged, status: 'fail', note: `${counted}, p=${round(comparison.pValue, 2)} vs baseline` };
      }
      const why = window.events < signal.minEvents ? `below ${signal.minEvents}` : above ? `p=${round(comparison.pValue, 2)}, within noise` : 'within rule';
      return { ...judged, status: 'pass', note: `${counted} (${why})` };
    }
  }
}

export function judgeWindow(
  signals: readonly SignalDescriptor[],
  snapshots: ReadonlyMap<string, SignalSnapshot>,
  baseline: Readonly<Record<string, SignalSummary>>,
  t: Thresholds,
): SignalJudgement[] {
  return signals.map((signal) => judgeSignal(signal, snapshots.get(signal.id) as SignalSnapshot, baseline[signal.id], t));
}

// --- confirmation ---------------------------------------------------------------

export interface Confirmation {
  /** Consecutive failing intervals per signal id. */
  consecutive: Record<string, number>;
  /** Interval index at which each confirmed signal was confirmed. */
  confirmedAt: Record<string, number>;
}

export const emptyConfirmation = (): Confirmation => ({ consecutive: {}, confirmedAt: {} });

/**
 * fail → one more consecutive failure (confirmed at `required`, or at once
 * when critical); pass or inconclusive → back to zero; no data → unchanged (a
 * missed scrape neither proves nor clears a problem).
 */
export function advanceConfirmation(state: Confirmation, judgements: readonly SignalJudgement[], interval: number, required: number): Confirmation {
  const consecutive = { ...state.consecutive };
  const confirmedAt = { ...state.confirmedAt };
  for (const judgement of judgements) {
    if (judgement.status === 'fail') {
      const count = (consecutive[judgement.id] ?? 0) + 1;
      consecutive[judgement.id] = count;
      if (confirmedAt[judgement.id] === undefined && (judgement.critical || count >= required)) confirmedAt[judgement.id] = interval;
    } else if (judgement.status !== 'no data') {
      consecutive[judgement.id] = 0;
    }
  }
  return { consecutive, confirmedAt };
}

// --- verdict ----------------------------------------------------------------------

export type Outcome = 'pass' | 'breach' | 'no data';

export interface SignalVerdict extends SignalJudgement {
  consecutiveFailures: number;
  confirmed: boolean;
}

export interface Verdict {
  outcome: Outcome;
  /** 0 pass, 1 breach, 3 no data. */
  exitCode: 0 | 1 | 3;
  /** One sentence a person can act on. */
  reason: string;
  signals: SignalVerdict[];
}

export function decideVerdict(input: {
  judgements: readonly SignalJudgement[];
  confirmation: Confirmation;
  silentSources: readonly string[];
  strict: boolean;
  required: number;
}): Verdict {
  const { judgements, confirmation, silentSources, strict, required } = input;
  const signals: SignalVerdict[] = judgements.map((j) => ({
    ...j,
    ...(confirmation.confirmedAt[j.id] !== undefined ? { status: 'fail' as const } : {}),
    consecutiveFailures: confirmation.consecutive[j.id] ?? 0,
    confirmed: confirmation.confirmedAt[j.id] !== undefined,
  }));
  const confirmed = signals.filter((s) => s.confirmed);
  if (confirmed.length) {
    return { outcome: 'breach', exitCode: 1, reason: `confirmed regression: ${confirmed.map((s) => s.id).join(', ')}`, signals };
  }
  if (strict) {
    const open = signals.filter((s) => s.status === 'inconclusive' || s.status === 'fail');
    if (open.length) {
      return { outcome: 'breach', exitCode: 1, reason: `--strict: not shown to be within budget: ${open.map((s) => s.id).join(', ')}`, signals };
    }
  }
  if (!signals.length || signals.every((s) => s.status === 'no data')) {
    return { outcome: 'no data', exitCode: 3, reason: 'no signal had enough data to be judged', signals };
  }
  if (silentSources.length) {
    return { outcome: 'no data', exitCode: 3, reason: `unreachable for the whole window: ${silentSources.join(', ')}`, signals };
  }
  const unconfirmed = signals.filter((s) => s.status === 'fail');
  const inconclusive = signals.filter((s) => s.status === 'inconclusive');
  const caveats = [
    unconfirmed.length ? `${unconfirmed.length} failing but not confirmed (${required} consecutive intervals needed)` : '',
    inconclusive.length ? `${inconclusive.length} inconclusive at the end (counted as pass; --strict to refuse)` : '',
  ].filter(Boolean);
  return { outcome: 'pass', exitCode: 0, reason: caveats.length ? `no confirmed regression; ${caveats.join('; ')}` : 'every judged signal within its threshold', signals };
}

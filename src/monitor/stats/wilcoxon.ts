/**
 * Two-sample Wilcoxon rank-sum (Mann–Whitney) test, inverted into the
 * Hodges–Lehmann estimate of the shift x − y with a confidence interval —
 * the same numbers R's `wilcox.test(x, y, conf.int = TRUE)` gives (R ≤ 4.3
 * semantics):
 *
 * - exact distribution of U when both samples have fewer than 50 values and
 *   there are no ties (Bauer 1972 interval: order statistics of the m·n
 *   pairwise differences);
 * - otherwise the normal approximation with tie correction, continuity-
 *   corrected for the p-value and the interval but not the estimate.
 *
 * R finds the approximate interval with `uniroot` on a step function, so its
 * limits are only good to `tol.root` (1e-4 by default). Here the limits are the
 * exact jump points of that step function — always one of the pairwise
 * differences — found by binary search over order statistics, and the
 * estimate is always the median of the pairwise differences. Large samples
 * (thousands per side) never materialise the m·n differences: order
 * statistics are selected by value bisection with an O(m + n) counting pass.
 *
 * Verified against R in test/monitor/fixtures/wilcox-reference.json.
 */
import { normalQuantile, normalTails } from './normal.js';

export type Alternative = 'two.sided' | 'greater' | 'less';

export interface RankSumOptions {
  /** 'greater' means x is shifted to the right of y. Default 'two.sided'. */
  alternative?: Alternative;
  /** Nominal confidence level of the interval, in (0, 1). Default 0.95. */
  confLevel?: number;
  /** Force (true) or forbid (false) the exact distribution; default: exact when both n < 50. Ties always force the approximation. */
  exact?: boolean | null;
  /** Continuity correction in the normal approximation. Default true. */
  correct?: boolean;
}

export interface RankSumResult {
  method: 'exact' | 'normal';
  /** R's W: the number of pairs (x_i, y_j) with x_i > y_j, ties counting ½. */
  statistic: number;
  pValue: number;
  /** Hodges–Lehmann estimate of the shift x − y: median of all x_i − y_j. */
  estimate: number;
  /** Confidence limits for the shift; −∞ / +∞ on the open side of a one-sided alternative. */
  lower: number;
  upper: number;
  /** Achieved confidence level (lower than requested when small samples cannot reach it). */
  confLevel: number;
  nx: number;
  ny: number;
  ties: boolean;
}

const DBL_EPSILON = 2.220446049250313e-16;

function sortedFinite(values: readonly number[]): Float64Array {
  const out = Float64Array.from(values.filter((v) => Number.isFinite(v)));
  return out.sort();
}

/** Σ (t³ − t) over groups of equal values in a sorted array. */
function tieSum(sorted: ArrayLike<number>): number {
  let sum = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      if (run > 1) sum += run * run * run - run;
      run = 1;
    }
  }
  return sum;
}

function mergeSorted(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = (a[i] as number) <= (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

/** W = #{x_i > y_j} + ½ #{x_i = y_j}, in O(m + n) on sorted inputs. */
function mannWhitneyStatistic(xs: Float64Array, ys: Float64Array): number {
  let below = 0; // ys strictly below current x
  let atOrBelow = 0; // ys at or below current x
  let w = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    while (below < ys.length && (ys[below] as number) < x) below++;
    if (atOrBelow < below) atOrBelow = below;
    while (atOrBelow < ys.length && (ys[atOrBelow] as number) <= x) atOrBelow++;
    w += below + (atOrBelow - below) / 2;
  }
  return w;
}

/**
 * Order statistics of the pairwise differences x_i − y_j (both inputs sorted
 * ascending). Small products are materialised and sorted; large ones are
 * selected without allocation.
 */
export class PairwiseDifferences {
  readonly count: number;
  private readonly sorted: Float64Array | undefined;

  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    materialiseUpTo = 40_000,
  ) {
    this.count = xs.length * ys.length;
    if (this.count <= materialiseUpTo) {
      const all = new Float64Array(this.count);
      let k = 0;
      for (const x of xs) for (const y of ys) all[k++] = x - y;
      this.sorted = all.sort();
    }
  }

  /** #{(i, j) : x_i − y_j <= d}; the predicate is evaluated exactly as the differences are. */
  countAtMost(d: number): number {
    const { xs, ys } = this;
    let count = 0;
    let p = 0; // first j with xs[i] - ys[j] <= d; non-decreasing in i
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      while (p < ys.length && x - (ys[p] as number) > d) p++;
      count += ys.length - p;
    }
    return count;
  }

  /** Smallest difference strictly greater than d (Infinity when none). */
  private smallestAbove(d: number): number {
    const { xs, ys } = this;
    let best = Number.POSITIVE_INFINITY;
    let p = 0;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i] as number;
      while (p < ys.length && x - (ys[p] as number) > d) p++;
      if (p > 0) {
        const candidate = x - (ys[p - 1] as number);
        if (candidate < best) best = candidate;
      }
    }
    return best;
  }

  /** The k-th smallest difference, k in 1..count. */
  kth(k: number): number {
    if (!(k >= 1 && k <= this.count)) throw new RangeError(`order statistic ${k} outside 1..${this.count}`);
    if (this.sorted) return this.sorted[k - 1] as number;
    const { xs, ys } = this;
    let lo = (xs[0] as number) - (ys[ys.length - 1] as number);
    let hi = (xs[xs.length - 1] as number) - (ys[0] as number);
    if (this.countAtMost(lo) >= k) return lo;
    // invariant: countAtMost(lo) < k <= countAtMost(hi)
    for (let iteration = 0; iteration < 200; iteration++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (this.countAtMost(mid) >= k) hi = mid;
      else lo = mid;
    }
    // snap to an actual difference: the next ones above lo until k is reached
    for (;;) {
      const candidate = this.smallestAbove(lo);
      if (this.countAtMost(candidate) >= k) return candidate;
      lo = candidate;
    }
  }

  /** Median of the differences (mean of the two middle ones when the count is even). */
  median(): number {
    const n = this.count;
    return n % 2 === 1 ? this.kth((n + 1) / 2) : (this.kth(n / 2) + this.kth(n / 2 + 1)) / 2;
  }
}

// --- exact null distribution of W (no ties) ------------------------------

const exactCache = new Map<string, { cumulative: Float64Array; total: number }>();
const EXACT_CACHE_LIMIT = 32;

/** Cumulative counts of W = 0..m·n under H0, by the recursion w(k; i, j) = w(k − j; i − 1, j) + w(k; i, j − 1). */
function exactDistribution(m: number, n: number): { cumulative: Float64Array; total: number } {
  const a = Math.min(m, n);
  const b = Math.max(m, n);
  const key = `${a}x${b}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  const rows: Float64Array[] = [];
  for (let i = 0; i <= a; i++) {
    const row = new Float64Array(i * b + 1);
    row[0] = 1;
    rows.push(row);
  }
  for (let j = 1; j <= b; j++) {
    for (let i = 1; i <= a; i++) {
      const row = rows[i] as Float64Array;
      const previous = rows[i - 1] as Float64Array;
      for (let k = i * j; k >= j; k--) row[k] = (row[k] as number) + (previous[k - j] as number);
    }
  }
  const counts = rows[a] as Float64Array;
  const cumulative = new Float64Array(counts.length);
  let running = 0;
  for (let k = 0; k < counts.length; k++) {
    running += counts[k] as number;
    cumulative[k] = running;
  }
  const result = { cumulative, total: running };
  if (exactCache.size >= EXACT_CACHE_LIMIT) exactCache.delete(exactCache.keys().next().value as string);
  exactCache.set(key, result);
  return result;
}

/** P(W <= q) under H0 for sample sizes m, n (no ties). */
export function wilcoxCdf(q: number, m: number, n: number): number {
  const k = Math.floor(q + 1e-7);
  if (k < 0) return 0;
  if (k >= m * n) return 1;
  const { cumulative, total } = exactDistribution(m, n);
  return (cumulative[k] as number) / total;
}

/** Smallest q with P(W <= q) >= p (R's qwilcox, including its 10·ε fuzz). */
export function wilcoxQuantile(p: number, m: number, n: number): number {
  const { cumulative, total } = exactDistribution(m, n);
  const target = p - 10 * DBL_EPSILON;
  for (let q = 0; q < cumulative.length; q++) if ((cumulative[q] as number) / total >= target) return q;
  return m * n;
}

// --- the test --------------------------------------------------------------

export function wilcoxonRankSum(x: readonly number[], y: readonly number[], options: RankSumOptions = {}): RankSumResult {
  const alternative = options.alternative ?? 'two.sided';
  const requestedLevel = options.confLevel ?? 0.95;
  const correct = options.correct ?? true;
  if (!(requestedLevel > 0 && requestedLevel < 1)) throw new RangeError('confLevel must be in (0, 1)');
  const xs = sortedFinite(x);
  const ys = sortedFinite(y);
  const nx = xs.length;
  const ny = ys.length;
  if (nx < 1 || ny < 1) throw new RangeError('both samples need at least one finite value');

  const mn = nx * ny;
  const combined = mergeSorted(xs, ys);
  const combinedTies = tieSum(combined);
  const ties = combinedTies > 0;
  const statistic = mannWhitneyStatistic(xs, ys);
  const wantExact = options.exact ?? (nx < 50 && ny < 50);
  const differences = new PairwiseDifferences(xs, ys);
  const estimate = differences.median();
  const alpha = 1 - requestedLevel;

  if (wantExact && !ties) {
    const pLessOrEqual = (q: number) => wilcoxCdf(q, nx, ny);
    const pGreaterOrEqual = (q: number) => 1 - wilcoxCdf(q - 1, nx, ny);
    let pValue: number;
    if (alternative === 'two.sided') {
      const p = statistic > mn / 2 ? pGreaterOrEqual(statistic) : pLessOrEqual(statistic);
      pValue = Math.min(2 * p, 1);
    } else pValue = alternative === 'greater' ? pGreaterOrEqual(statistic) : pLessOrEqual(statistic);

    const qu = wilcoxQuantile(alternative === 'two.sided' ? alpha / 2 : alpha, nx, ny);
    const lowerLimit = qu <= 0 ? differences.kth(1) : differences.kth(qu);
    const upperLimit = qu <= 0 ? differences.kth(mn) : differences.kth(mn - qu + 1);
    const achievedAlpha = (alternative === 'two.sided' ? 2 : 1) * wilcoxCdf(Math.max(qu, 1) - 1, nx, ny);
    const confLevel = achievedAlpha - alpha > alpha / 2 ? 1 - achievedAlpha : requestedLevel;
    return {
      method: 'exact',
      statistic,
      pValue,
      estimate,
      lower: alternative === 'less' ? Number.NEGATIVE_INFINITY : lowerLimit,
      upper: alternative === 'greater' ? Number.POSITIVE_INFINITY : upperLimit,
      confLevel,
      nx,
      ny,
      ties,
    };
  }

  // Normal approximation. The p-value's variance uses the ties of the pooled
  // sample as observed; along the interval search the shift d is never equal
  // to a difference, so only ties inside x and inside y remain.
  const n = nx + ny;
  const sigmaOf = (tieTotal: number) => Math.sqrt((mn / 12) * (n + 1 - tieTotal / (n * (n - 1))));
  const sigma = sigmaOf(combinedTies);
  const correction = (z: number): number => {
    if (!correct) return 0;
    if (alternative === 'two.sided') return Math.sign(z) * 0.5;
    return alternative === 'greater' ? 0.5 : -0.5;
  };
  const z0 = statistic - mn / 2;
  const z = sigma > 0 ? (z0 - correction(z0)) / sigma : Number.NaN;
  const tails = normalTails(z);
  const pValue =
    alternative === 'two.sided' ? Math.min(1, 2 * Math.min(tails.lower, tails.upper)) : alternative === 'greater' ? tails.upper : tails.lower;

  const sigmaCi = sigmaOf(tieSum(xs) + tieSum(ys));
  // Standardised statistic just to the right of the j-th smallest difference.
  const standardisedRightOf = (j: number): number => {
    const dz = mn / 2 - j;
    return (dz - correction(dz)) / sigmaCi;
  };
  // Jump point where the decreasing step function crosses zq.
  const limitFor = (zq: number): number => {
    let lo = 1;
    let hi = mn;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (standardisedRightOf(mid) <= zq) hi = mid;
      else lo = mid + 1;
    }
    return differences.kth(lo);
  };
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  if (sigmaCi > 0) {
    if (alternative === 'two.sided') {
      lower = limitFor(normalQuantile(1 - alpha / 2));
      upper = limitFor(normalQuantile(alpha / 2));
    } else if (alternative === 'greater') lower = limitFor(normalQuantile(1 - alpha));
    else upper = limitFor(normalQuantile(alpha));
  } else {
    lower = Number.NaN;
    upper = Number.NaN;
  }
  return { method: 'normal', statistic, pValue, estimate, lower, upper, confLevel: requestedLevel, nx, ny, ties };
}

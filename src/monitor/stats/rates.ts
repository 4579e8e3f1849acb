/**
 * Rate comparison for sparse event counts (WebSocket 1011 closes, probe
 * failures, new connections). Rank tests are meaningless on zero-heavy counts,
 * so a rate is judged by a rule — enough events, and a rate above the
 * allowed multiple of the baseline — and the rule is guarded by the exact
 * conditional test for two Poisson rates (Przyborowski & Wilenski 1940): given
 * k current and k0 baseline events over exposures t and t0, under
 * H0 "rate ≤ ratio × baseline rate" k ~ Binomial(k + k0, ratio·t / (ratio·t + t0)).
 * The guard keeps ordinary Poisson noise on a non-zero baseline from
 * crying wolf.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  const maxIterations = 10_000 + Math.ceil(10 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, n - k + 1);
}

export interface RateSample {
  /** Events counted (closes, failures, connections). */
  events: number;
  /** Exposure the events were counted over: seconds, or attempts for probe failures. */
  exposure: number;
}

export interface RateComparison {
  /** events / exposure now, and in the baseline (NaN when the exposure is 0). */
  rate: number;
  baselineRate: number;
  /** One-sided p-value of H0 "rate <= maxRatio × baseline rate". */
  pValue: number;
}

/** Exact conditional test of the current rate against maxRatio × the baseline rate. */
export function compareRates(current: RateSample, baseline: RateSample, maxRatio: number): RateComparison {
  const rate = current.exposure > 0 ? current.events / current.exposure : Number.NaN;
  const baselineRate = baseline.exposure > 0 ? baseline.events / baseline.exposure : Number.NaN;
  let pValue = 1;
  if (current.exposure > 0 && baseline.exposure > 0 && current.events > 0) {
    const scaled = maxRatio * current.exposure;
    const share = scaled / (scaled + baseline.exposure);
    pValue = binomialUpperTail(current.events, current.events + baseline.events, share);
  }
  return { rate, baselineRate, pValue };
}

/**
 * The statistics core against reference values (R's wilcox.test, published and
 * computed — see fixtures/wilcox-reference.json and its generator script) and
 * against properties that must hold for any input (fast-check).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { normalCdf, normalQuantile } from '../../src/monitor/stats/normal.js';
import { binomialUpperTail, compareRates, logGamma } from '../../src/monitor/stats/rates.js';
import { PairwiseDifferences, wilcoxCdf, wilcoxonRankSum } from '../../src/monitor/stats/wilcoxon.js';

interface ReferenceCase {
  name: string;
  x: number[];
  y: number[];
  confLevel: number;
  exact: boolean | null;
  r: { method: string; W: number; p: number; lower: number; upper: number; estimate: number };
}
interface Reference {
  published: { checks: Array<{ case: string; call: string; alternative: 'two.sided' | 'greater' | 'less'; exact: boolean | null; correct: boolean; W: number; p: number }> };
  computed: { cases: ReferenceCase[] };
}

const reference = JSON.parse(readFileSync(new URL('../../../test/monitor/fixtures/wilcox-reference.json', import.meta.url), 'utf8')) as Reference;
const caseNamed = (name: string) => reference.computed.cases.find((c) => c.name === name) as ReferenceCase;

const close = (actual: number, expected: number, relative: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs R ${expected}`);

/** Same number as R prints it with 4 significant digits. */
const printed = (value: number) => Number(value.toPrecision(4));

describe('wilcoxonRankSum against R', () => {
  for (const check of reference.published.checks) {
    it(`published: ${check.call} → W = ${check.W}, p-value = ${check.p}`, () => {
      const data = caseNamed(check.case);
      const result = wilcoxonRankSum(data.x, data.y, { alternative: check.alternative, exact: check.exact, correct: check.correct });
      assert.equal(result.statistic, check.W);
      assert.equal(printed(result.pValue), check.p);
    });
  }

  for (const c of reference.computed.cases) {
    it(`computed: ${c.name} (${c.r.method}, ${c.confLevel * 100}% interval)`, () => {
      const result = wilcoxonRankSum(c.x, c.y, { confLevel: c.confLevel, exact: c.exact });
      assert.equal(result.method, c.r.method.includes('exact') ? 'exact' : 'normal');
      assert.equal(result.statistic, c.r.W);
      close(result.pValue, c.r.p, 1e-12, 'p-value');
      // R's limits come from uniroot(tol.root = 1e-12) on a step function: ours are its exact jump points
      close(result.lower, c.r.lower, 1e-9, 'lower limit');
      close(result.upper, c.r.upper, 1e-9, 'upper limit');
      if (result.method === 'exact') {
        close(result.estimate, c.r.estimate, 1e-12, 'Hodges–Lehmann estimate');
      } else {
        // R's approximate estimate is any root of a flat step of W(d); ours is the median
        // of the pairwise differences. R's value must lie on the same step.
        const diffs = c.x.flatMap((x) => c.y.map((y) => x - y)).sort((a, b) => a - b);
        const half = diffs.length / 2;
        const low = diffs[Math.ceil(half) - 1] as number;
        const high = diffs[Math.floor(half)] as number;
        assert.ok(c.r.estimate >= low - 1e-9 && c.r.estimate <= high + 1e-9, `R's estimate ${c.r.estimate} outside [${low}, ${high}]`);
        close(result.estimate, (low + high) / 2, 1e-12, 'median of differences');
      }
    });
  }

  it('permeability data: the Hodges–Lehmann shift is 0.305 (Hollander & Wolfe)', () => {
    const c = caseNamed('permeability-exact');
    assert.equal(Number(wilcoxonRankSum(c.x, c.y).estimate.toFixed(3)), 0.305);
  });
});

describe('wilcoxonRankSum properties', () => {
  const sample = (min: number, max: number) => fc.array(fc.double({ min: 1, max: 1000, noNaN: true }), { minLength: min, maxLength: max });

  it('is shift-equivariant: estimate and limits move with x', () => {
    fc.assert(
      fc.property(sample(2, 30), sample(2, 30), fc.integer({ min: -50, max: 50 }), (x, y, shift) => {
        const a = wilcoxonRankSum(x, y);
        const b = wilcoxonRankSum(x.map((v) => v + shift), y);
        assert.ok(Math.abs(b.estimate - a.estimate - shift) < 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('puts the estimate inside its interval', () => {
    fc.assert(
      fc.property(sample(3, 60), sample(3, 60), (x, y) => {
        const r = wilcoxonRankSum(x, y);
        assert.ok(r.lower <= r.estimate + 1e-9 && r.estimate <= r.upper + 1e-9, JSON.stringify(r));
        assert.ok(r.pValue >= 0 && r.pValue <= 1);
      }),
      { numRuns: 60 },
    );
  });

  it('selects the same order statistics without materialising the differences', () => {
    fc.assert(
      fc.property(sample(1, 40), sample(1, 40), fc.integer({ min: 0, max: 10_000 }), (x, y, pick) => {
        const xs = Float64Array.from(x).sort();
        const ys = Float64Array.from(y).sort();
        const all = new PairwiseDifferences(xs, ys);
        const lazy = new PairwiseDifferences(xs, ys, 0);
        const k = 1 + (pick % all.count);
        assert.equal(lazy.kth(k), all.kth(k));
        assert.equal(lazy.median(), all.median());
      }),
      { numRuns: 200 },
    );
  });

  it('handles heavy ties like latency rounded to whole milliseconds', () => {
    const x = Array.from({ length: 300 }, (_, i) => 40 + (i % 5));
    const y = Array.from({ length: 300 }, (_, i) => 42 + (i % 5));
    const r = wilcoxonRankSum(x, y);
    assert.equal(r.method, 'normal');
    assert.equal(r.estimate, -2);
    assert.ok(r.lower <= -2 && r.upper >= -2);
  });

  it('stays fast on 2000 × 2000 samples (the latency window)', () => {
    const x = Array.from({ length: 2000 }, (_, i) => Math.log(50 + 5 * Math.sin(i)));
    const y = Array.from({ length: 2000 }, (_, i) => Math.log(48 + 5 * Math.cos(i)));
    const started = performance.now();
    const r = wilcoxonRankSum(x, y);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `took ${elapsed}ms`);
    assert.ok(r.lower < r.estimate && r.estimate < r.upper);
  });
});

describe('exact null distribution', () => {
  it('sums to choose(m + n, m) and is symmetric', () => {
    assert.equal(wilcoxCdf(49, 10, 5), 1 - 1 / 3003); // one arrangement has W = 50
    for (const [m, n] of [[3, 4], [7, 7], [12, 5]] as const) {
      for (let q = 0; q < m * n; q++) {
        const left = wilcoxCdf(q, m, n);
        const right = 1 - wilcoxCdf(m * n - q - 1, m, n);
        assert.ok(Math.abs(left - right) < 1e-12, `P(W <= ${q}) = P(W >= ${m * n - q})`);
      }
    }
  });
});

describe('normal distribution', () => {
  it('matches reference quantiles and tails', () => {
    assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-14);
    assert.ok(Math.abs(normalQuantile(0.05) + 1.6448536269514722) < 1e-14);
    assert.ok(Math.abs(normalCdf(-3) - 0.0013498980316300946) < 1e-17);
    assert.ok(Math.abs(normalCdf(-8) - 6.220960574271785e-16) < 1e-28);
    // (above ~5 the lower-tail probability itself rounds to 1 − ε and cannot be inverted precisely)
    fc.assert(fc.property(fc.double({ min: -8, max: 5, noNaN: true }), (x) => Math.abs(normalQuantile(normalCdf(x)) - x) < 1e-7));
  });
});

describe('rate comparison', () => {
  it('binomial tail equals the direct sum', () => {
    const pmf = (k: number, n: number, p: number) => Math.exp(logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, p, f) => {
        const k = Math.max(1, Math.round(f * n));
        let sum = 0;
        for (let i = k; i <= n; i++) sum += pmf(i, n, p);
        assert.ok(Math.abs(binomialUpperTail(k, n, p) - sum) < 1e-9, `${k}/${n} p=${p}`);
      }),
      { numRuns: 100 },
    );
  });

  it('three events against a clean baseline of twice the exposure is significant; Poisson noise is not', () => {
    assert.ok(compareRates({ events: 3, exposure: 60 }, { events: 0, exposure: 120 }, 1).pValue < 0.05);
    assert.ok(compareRates({ events: 12, exposure: 60 }, { events: 20, exposure: 120 }, 1).pValue > 0.05);
  });
});

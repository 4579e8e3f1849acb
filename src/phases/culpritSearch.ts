/**
 * The search behind culprit isolation, as a pure function of a trial
 * callback: given files whose fixes together make a gate fail, find the
 * smallest sets whose fixes make it fail (the culprits) and the largest set
 * that passes. The callback spends the gate runs; it throws
 * `TrialBudgetSpent` when no run is left, and the search then reports what
 * it has.
 *
 * The first trial is the baseline (none of the items applied): when it
 * fails, the failure is not theirs and nothing is blamed. Then, while the
 * remaining files fail: bisect them (test the first half; if it passes,
 * the failure lies in the second half as long as the files break the gate
 * independently, the common case), confirm the single file reached that way
 * with a trial of it alone, and fall back to delta debugging (Zeller's
 * ddmin, which also finds files that only fail together) when it does not
 * confirm. Every set tried is remembered, so no set is run twice. For k
 * independent culprits among n files this costs about k·(log₂ n + 2) + 1
 * trials: 1 culprit among 8 in at most 6, 2 in at most 11.
 */

export type TrialVerdict = 'pass' | 'fail';

export interface SearchOptions<T> {
  /** The files (any items), in a stable order: halves are taken in this order. */
  readonly items: readonly T[];
  /** Runs the gate with exactly `subset`'s fixes applied; throws TrialBudgetSpent when no run is left (anything else thrown stops the search and propagates). */
  readonly test: (subset: readonly T[]) => Promise<TrialVerdict>;
}

/** Thrown by a trial callback that may not run the gate again. */
export class TrialBudgetSpent extends Error {}

export interface SearchResult<T> {
  /** The baseline (no fix) fails: nothing is blamed, nothing is kept. */
  readonly baselineFails: boolean;
  /** Minimal failing sets found, in the order found (usually one file each). */
  readonly culprits: readonly (readonly T[])[];
  /** The largest set a trial proved to pass (with no culprit in it). */
  readonly kept: readonly T[];
  /** Files neither blamed nor proven: held back when the bound stopped the search. */
  readonly unresolved: readonly T[];
  /** The callback's calls (each set is tried once). */
  readonly trials: number;
  readonly boundHit: boolean;
}

export async function searchCulprits<T>(options: SearchOptions<T>): Promise<SearchResult<T>> {
  const { items } = options;
  const position = new Map(items.map((item, i) => [item, i]));
  const keyOf = (subset: readonly T[]) => subset.map((item) => position.get(item)!).sort((a, b) => a - b).join(',');
  const verdicts = new Map<string, { subset: readonly T[]; fails: boolean }>();
  let trials = 0;
  const fails = async (subset: readonly T[]): Promise<boolean> => {
    const key = keyOf(subset);
    const known = verdicts.get(key);
    if (known) return known.fails;
    const verdict = await options.test(subset);
    trials++;
    verdicts.set(key, { subset, fails: verdict === 'fail' });
    return verdict === 'fail';
  };
  // what the caller observed: all fixes together fail
  verdicts.set(keyOf(items), { subset: items, fails: true });

  const culprits: T[][] = [];
  let rest: readonly T[] = items;
  const without = (set: readonly T[], remove: readonly T[]) => set.filter((item) => !remove.includes(item));

  /** A minimal failing subset of `set`, which is known to fail. */
  const locate = async (set: readonly T[]): Promise<T[]> => {
    let current = set;
    let lastTested = set;
    let assumed = false;
    while (current.length > 1) {
      const half = Math.ceil(current.length / 2);
      const first = current.slice(0, half);
      if (await fails(first)) {
        current = first;
        lastTested = first;
        assumed = false;
      } else {
        current = current.slice(half);
        assumed = true;
      }
    }
    if (!assumed || (await fails(current))) return [...current];
    return ddmin(lastTested);
  };

  /** Zeller's ddmin on a failing set: a 1-minimal failing subset. */
  const ddmin = async (set: readonly T[]): Promise<T[]> => {
    let current = set;
    let n = 2;
    while (current.length >= 2) {
      const parts = split(current, n);
      let reduced = false;
      for (const part of parts) {
        if (await fails(part)) {
          current = part;
          n = 2;
          reduced = true;
          break;
        }
      }
      if (!reduced && n > 2) {
        for (const part of parts) {
          const complement = without(current, part);
          if (await fails(complement)) {
            current = complement;
            n = Math.max(n - 1, 2);
            reduced = true;
            break;
          }
        }
      }
      if (reduced) continue;
      if (n >= current.length) break;
      n = Math.min(current.length, 2 * n);
    }
    return [...current];
  };

  let baselineFails = false;
  let boundHit = false;
  try {
    baselineFails = await fails([]);
    if (!baselineFails) {
      for (;;) {
        const culprit = await locate(rest);
        culprits.push(culprit);
        rest = without(rest, culprit);
        if (!rest.length || !(await fails(rest))) break;
      }
    }
  } catch (error) {
    if (!(error instanceof TrialBudgetSpent)) throw error;
    boundHit = true;
  }
  if (baselineFails) return { baselineFails, culprits: [], kept: [], unresolved: [...items], trials, boundHit };
  const blamed = new Set(culprits.flat());
  // the largest proven-passing set without a culprit
  let kept: readonly T[] = [];
  for (const { subset, fails: failed } of verdicts.values()) {
    if (!failed && subset.length > kept.length && !subset.some((item) => blamed.has(item))) kept = subset;
  }
  kept = items.filter((item) => kept.includes(item));
  const unresolved = items.filter((item) => !blamed.has(item) && !kept.includes(item));
  return { baselineFails, culprits, kept, unresolved, trials, boundHit };
}

/** `set` in `n` nearly equal consecutive parts. */
function split<T>(set: readonly T[], n: number): T[][] {
  const parts: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((set.length - start) / (n - i));
    if (end > start) parts.push(set.slice(start, end));
    start = end;
  }
  return parts;
}

/**
 * The culprit search as a pure function of a trial verdict: one and two
 * culprits among eight files (and what each costs), fixes that fail only
 * together, a red baseline, and the trial bound.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchCulprits, TrialBudgetSpent, type TrialVerdict } from '../../src/phases/culpritSearch.js';

const EIGHT = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];

/** A gate over fixes: fails when any `bad` group is wholly applied (or always, with `baseline`); counts runs and refuses past `budget`. */
function gate(bad: readonly (readonly string[])[], options: { budget?: number; baseline?: boolean } = {}) {
  const runs: string[][] = [];
  const test = async (subset: readonly string[]): Promise<TrialVerdict> => {
    if (runs.length >= (options.budget ?? Infinity)) throw new TrialBudgetSpent();
    runs.push([...subset]);
    if (options.baseline) return 'fail';
    return bad.some((group) => group.every((f) => subset.includes(f))) ? 'fail' : 'pass';
  };
  return { runs, test };
}

describe('searchCulprits', () => {
  it('finds one culprit among eight in at most 6 trials, each set tried once, and keeps the seven others', async () => {
    for (const culprit of EIGHT) {
      const g = gate([[culprit]]);
      const found = await searchCulprits({ items: EIGHT, test: g.test });
      assert.deepEqual(found.culprits, [[culprit]], culprit);
      assert.deepEqual(found.kept, EIGHT.filter((f) => f !== culprit));
      assert.deepEqual(found.unresolved, []);
      assert.equal(found.boundHit, false);
      assert.ok(found.trials <= 6, `${culprit}: ${found.trials} trials`);
      assert.deepEqual(g.runs[0], [], 'the baseline first');
      assert.equal(new Set(g.runs.map((r) => r.join())).size, g.runs.length, 'no set is run twice');
    }
  });

  it('finds two culprits among eight in at most 11 trials', async () => {
    for (let i = 0; i < EIGHT.length; i++) {
      for (let j = i + 1; j < EIGHT.length; j++) {
        const pair = [EIGHT[i]!, EIGHT[j]!];
        const g = gate([[pair[0]!], [pair[1]!]]);
        const found = await searchCulprits({ items: EIGHT, test: g.test });
        assert.deepEqual(found.culprits.map((c) => c.join()).sort(), pair.sort(), pair.join());
        assert.deepEqual(found.kept, EIGHT.filter((f) => !pair.includes(f)));
        assert.ok(found.trials <= 11, `${pair.join()}: ${found.trials} trials`);
      }
    }
  });

  it('finds files whose fixes fail only together as one culprit set', async () => {
    const g = gate([['f2', 'f7']]);
    const found = await searchCulprits({ items: EIGHT, test: g.test });
    assert.deepEqual(found.culprits, [['f2', 'f7']]);
    assert.deepEqual(found.kept, ['f1', 'f3', 'f4', 'f5', 'f6', 'f8']);
  });

  it('blames nothing when the gate fails without any fix', async () => {
    const g = gate([], { baseline: true });
    const found = await searchCulprits({ items: EIGHT, test: g.test });
    assert.equal(found.baselineFails, true);
    assert.deepEqual(found.culprits, []);
    assert.deepEqual(found.kept, []);
    assert.equal(found.trials, 1);
  });

  it('stops at the bound: what is found is kept, what is neither blamed nor proven is unresolved', async () => {
    const g = gate([['f3'], ['f6']], { budget: 5 });
    const found = await searchCulprits({ items: EIGHT, test: g.test });
    assert.equal(found.boundHit, true);
    assert.equal(found.trials, 5);
    assert.deepEqual(found.culprits, [['f3']]);
    assert.ok(!found.kept.includes('f6') && !found.kept.includes('f3'));
    assert.ok(found.unresolved.includes('f6'));
    assert.deepEqual([...found.kept, ...found.unresolved, 'f3'].sort(), [...EIGHT].sort(), 'every file is kept, blamed or unresolved');
  });
});

/**
 * The plan-apply rounds: a fix that frees the next is taken in the next
 * round; a plan that keeps producing edits stops at the round limit and says
 * so (as ruff reports "failed to converge"), keeping the last validated text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileAnalysis, FileAnalysisInput, LanguageAdapter } from '../../src/languages/adapter.js';
import { pythonAdapter } from '../../src/languages/python/adapter.js';
import { runRounds } from '../../src/engine/rounds.js';

/** An adapter whose planner appends one `#` to the text every time it is asked: it never converges. */
const restless: LanguageAdapter = {
  ...pythonAdapter,
  async analyzeFile(input: FileAnalysisInput): Promise<FileAnalysis> {
    const finding = { ruleId: 'r', kind: 'usage' as const, range: { start: 0, end: 1 }, symbol: 'a.b', local: 'b', usage: 'other' as const };
    return {
      findings: [finding],
      parseErrors: false,
      suppressions: new Map(),
      statementRanges: new Map(),
      plan: { edits: [{ start: input.text.length, end: input.text.length, text: '#' }], perFinding: [{ applicability: 'safe' }], applied: [true], problem: null },
    };
  },
};

const input = (text: string): FileAnalysisInput & { plan: NonNullable<FileAnalysisInput['plan']> } => ({
  rel: 'm.py',
  text,
  bans: [],
  sourceRoots: [''],
  plan: { rules: new Map(), unsafe: false, validate: true },
});

test('a plan that never settles stops at the limit, keeps the last result and says it did not converge', async () => {
  const result = await runRounds(restless, input('x'), { edits: [{ start: 1, end: 1, text: '#' }], problem: null }, 3);
  assert.equal(result.edited, true);
  assert.equal(result.converged, false);
  assert.equal(result.after, 'x###');
  assert.equal(result.problem, null);
});

test('a first plan without edits leaves the text as it is', async () => {
  const result = await runRounds(restless, input('x'), { edits: [], problem: null });
  assert.deepEqual(result, { edited: false, problem: null, after: 'x', later: [], converged: true });
});

test('a validation problem in the first round stops everything', async () => {
  const result = await runRounds(restless, input('x'), { edits: [{ start: 0, end: 1, text: 'y' }], problem: 'the result does not parse' });
  assert.equal(result.problem, 'the result does not parse');
  assert.equal(result.after, 'x');
});

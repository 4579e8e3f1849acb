/**
 * The terminal reports of `ssot scan` on the example, as snapshots: grouped
 * (plain, and wrapped to an 80-column terminal), concise and statistics. The
 * renderers are pure, so the scan runs once in-process.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/compile.js';
import { scan, type ScanResult } from '../../src/engine/run.js';
import { renderConcise, renderStatistics, renderText, shortMessage } from '../../src/report/text.js';
import { visibleLength } from '../../src/text/colors.js';
import { wrapWords } from '../../src/text/wrap.js';
import { assertSnapshot } from './snapshot.js';

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/redis-monorepo');

describe('terminal reports of the example', () => {
  let result: ScanResult;
  before(async () => {
    result = await scan({ root: EXAMPLE, config: await loadConfig(EXAMPLE), annotate: true });
  });

  test('grouped (the default text format)', () => assertSnapshot('example-text.txt', renderText(result)));
  test('concise: one path:line:col line per finding', () => assertSnapshot('example-concise.txt', renderConcise(result)));
  test('statistics', () => assertSnapshot('example-statistics.txt', renderStatistics(result)));

  test('on an 80-column terminal every line fits, except a single word wider than the room, and no word is cut', () => {
    const text = renderText(result, undefined, { width: 80, problems: false });
    assertSnapshot('example-text-80.txt', text);
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    // the same words in the same order as unwrapped: wrapping only moved line breaks
    assert.deepEqual(words(text), words(renderText(result, undefined, { problems: false })));
    for (const line of text.split('\n')) {
      if (visibleLength(line) <= 80) continue;
      assert.equal(words(line).length <= 4, true, `only an unbreakable word overflows: ${line}`);
    }
  });
});

describe('wrapWords', () => {
  test('breaks at spaces, indents continuation lines, never cuts a word', () => {
    assert.deepEqual(wrapWords(['aaa', 'bbb', 'ccc'], { width: 8, indent: 2 }), ['aaa bbb', '  ccc']);
    assert.deepEqual(wrapWords(['a.very.long.dotted.path', 'x'], { width: 10, indent: 2 }), ['a.very.long.dotted.path', '  x']);
    assert.deepEqual(wrapWords(['aa', '  [safe]'], { width: 6, indent: 0 }), ['aa', '[safe]'], 'a wider gap is dropped at a line start');
    assert.deepEqual(wrapWords(['aa', '  [safe]'], { indent: 0 }), ['aa   [safe]']);
  });
});

test('short messages say what is deprecated without the canonical import', () => {
  assert.equal(shortMessage({ kind: 'import', symbol: 'a.b.RedisManager', local: 'AuthRedisManager', usage: null }), 'import of deprecated `a.b.RedisManager` as `AuthRedisManager`');
  assert.equal(shortMessage({ kind: 'import', symbol: 'a.b.RedisManager', local: 'RedisManager', usage: null }), 'import of deprecated `a.b.RedisManager`');
  assert.equal(shortMessage({ kind: 'usage', symbol: 'a.b.R', local: 'R', usage: 'call-with-args' }), 'use of `R` (call with arguments)');
  assert.equal(shortMessage({ kind: 'string-reference', symbol: 'a.b.R', local: '"a.b.R"', usage: null }), 'string refers to deprecated `a.b.R`');
});

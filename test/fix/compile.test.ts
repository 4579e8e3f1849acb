/** compileWithPython: shares of a batch compile in parallel processes; every error comes back, by path. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileWithPython } from '../../src/languages/python/compile.js';
import { PYTHON } from './helpers.js';

describe('compileWithPython', () => {
  test('a batch larger than one share reports each file that does not compile, and only those', async () => {
    const sources = Array.from({ length: 50 }, (_, i) => [`pkg/m${i}.py`, i % 7 === 3 ? `def f():\n    pass\nreturn ${i}\n` : `x = ${i}\n`] as const);
    const errors = await compileWithPython(PYTHON, sources);
    assert.ok(errors);
    const expected = sources.filter((_, i) => i % 7 === 3).map(([file]) => file).sort();
    assert.deepEqual([...errors.keys()].sort(), expected);
    for (const message of errors.values()) assert.equal(message, "'return' outside function (line 3)");
  });

  test('no interpreter: null, not an exception', async () => {
    assert.equal(await compileWithPython('/nonexistent/python3', [['m.py', 'x = 1\n']]), null);
  });
});

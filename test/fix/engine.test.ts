/**
 * The engine's own contracts, beyond the fixtures: edits are a splice and
 * refuse to overlap; validation rejects a result that no longer parses or
 * leaves a placed name unbound; a missing interpreter is reported once and
 * the run goes on; writes keep the file mode; a scan's findings get `fix` and
 * `reason` from the planner.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/compile.js';
import { applyEdits } from '../../src/model/edit.js';
import { computeFixes } from '../../src/engine/fix.js';
import { writeFileFixes } from '../../src/engine/write.js';
import { pythonAdapter } from '../../src/languages/python/adapter.js';
import { validateRewrite } from '../../src/languages/python/validate.js';
import { scan } from '../../src/engine/run.js';
import { processFile } from '../../src/engine/file.js';
import { shapeRules } from '../../src/engine/mappings.js';
import { PYTHON } from './helpers.js';

const CONFIG = `version: 1
canonical:
  manager: "from app.redis import redis_manager"
rules:
  - id: redis
    deprecated: ["from legacy.redis import RedisManager"]
    replaceWith: manager
`;

describe('applyEdits', () => {
  test('splices the ranges and nothing else', () => {
    const { text, newStarts } = applyEdits('a = L()\r\nb = 1\r\n', [{ start: 4, end: 7, text: 'inst' }]);
    assert.equal(text, 'a = inst\r\nb = 1\r\n');
    assert.deepEqual(newStarts, [4]);
  });

  test('throws on overlapping edits (a planner bug)', () => {
    assert.throws(() => applyEdits('abcdef', [{ start: 0, end: 3, text: 'x' }, { start: 2, end: 4, text: 'y' }]), /overlapping/);
  });
});

describe('validateRewrite', () => {
  const validate = (before: string, after: string, placed: { start: number; name: string; binds: string }[] = []) =>
    validateRewrite({ rel: 'm.py', before, after, sourceRoots: [''], placed });

  test('a result with a new syntax error is refused', async () => {
    assert.equal(await validate('x = 1\n', 'x = (1\n'), 'the result does not parse');
  });

  test('a file that did not parse before is judged on its names only', async () => {
    assert.equal(await validate('x = (1\n', 'x = (2\n'), null);
  });

  test('a placed name must be bound to what the edit says', async () => {
    const after = 'def f():\n    return redis_manager\n';
    const start = after.indexOf('redis_manager');
    assert.equal(await validate('', after, [{ start, name: 'redis_manager', binds: 'app.redis.redis_manager' }]), '`redis_manager` would be unbound here');
    const shadowed = 'from app.redis import redis_manager\n\ndef f(redis_manager):\n    return redis_manager\n';
    const at = shadowed.lastIndexOf('redis_manager');
    assert.match((await validate('', shadowed, [{ start: at, name: 'redis_manager', binds: 'app.redis.redis_manager' }]))!, /would not refer to app\.redis\.redis_manager/);
    const bound = 'from app.redis import redis_manager\n\ndef f():\n    return redis_manager\n';
    assert.equal(await validate('', bound, [{ start: bound.lastIndexOf('redis_manager'), name: 'redis_manager', binds: 'app.redis.redis_manager' }]), null);
  });
});

describe('computeFixes and writeFileFixes', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ssot-engine-'));
    writeFileSync(path.join(root, 'ssot.config.yaml'), CONFIG);
    writeFileSync(path.join(root, 'tool.py'), '#!/usr/bin/env python3\nfrom legacy.redis import RedisManager\n\nmanager = RedisManager()\n');
    chmodSync(path.join(root, 'tool.py'), 0o755);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('without an interpreter the run goes on and says so (compileCheck.ran: false, with a note)', async () => {
    const config = await loadConfig(root);
    const run = await computeFixes({ root, config, compileCheck: { interpreter: path.join(root, 'no-such-python') } });
    assert.equal(run.compileCheck.ran, false);
    assert.match(run.compileCheck.note ?? '', /not found; compile validation skipped/);
    assert.equal(run.files[0]!.status, 'changed');
    // nothing is written by computeFixes
    assert.match(readFileSync(path.join(root, 'tool.py'), 'utf8'), /legacy\.redis/);
  });

  test('writes atomically and keeps the mode', async () => {
    const config = await loadConfig(root);
    const run = await computeFixes({ root, config, compileCheck: { interpreter: PYTHON } });
    assert.equal(run.compileCheck.ran, true);
    assert.deepEqual(writeFileFixes(root, run.files).written, ['tool.py']);
    assert.equal(readFileSync(path.join(root, 'tool.py'), 'utf8'), '#!/usr/bin/env python3\nfrom app.redis import redis_manager\n\nmanager = redis_manager\n');
    assert.equal(statSync(path.join(root, 'tool.py')).mode & 0o777, 0o755);
    const again = await computeFixes({ root, config, compileCheck: { interpreter: PYTHON } });
    assert.deepEqual(again.files, []);
  });
});

describe('scan with annotate', () => {
  test('fills fix and reason of every finding from the scan\'s own parse', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ssot-annotate-'));
    try {
      writeFileSync(path.join(root, 'ssot.config.yaml'), CONFIG);
      writeFileSync(path.join(root, 'm.py'), 'from legacy.redis import RedisManager\n\na = RedisManager()\nb = RedisManager(db=1)\nc = "legacy.redis.RedisManager"\n');
      const config = await loadConfig(root);
      const result = await scan({ root, config, annotate: true });
      assert.deepEqual(
        result.findings.map((f) => [f.line, f.kind, f.fix, f.reason ?? null]),
        [
          // a binding is migrated whole or not at all: `a = RedisManager()` stays with `RedisManager(db=1)`
          [1, 'import', 'manual', 'still used by references that need a manual change (line 4: arguments would be dropped: the canonical instance is not constructed)'],
          [3, 'usage', 'manual', 'left as it is with the rest of this import (line 4: arguments would be dropped: the canonical instance is not constructed)'],
          [4, 'usage', 'manual', 'arguments would be dropped: the canonical instance is not constructed'],
          [5, 'string-reference', 'manual', 'string reference: change it to "app.redis.redis_manager"'],
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('in fix mode the thread that scanned a file refuses it when validation fails, with which findings the refused edits fixed', async () => {
    const refusing: typeof pythonAdapter = {
      ...pythonAdapter,
      async analyzeFile(input) {
        const output = await pythonAdapter.analyzeFile(input);
        return output.plan ? { ...output, plan: { ...output.plan, problem: 'the result does not parse' } } : output;
      },
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-refused-'));
    writeFileSync(path.join(dir, 'ssot.config.yaml'), CONFIG);
    const config = await loadConfig(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
    const shaped = await shapeRules(config, dir, pythonAdapter);
    const bans = shaped.flatMap((r) => r.bans);
    const rules = new Map(shaped.map((r) => [r.id, { id: r.id, types: r.types, bans: r.bans }]));
    const outcome = await processFile(
      { rel: 'm.py', bytes: Buffer.from('from legacy.redis import RedisManager\n\na = RedisManager()\nb = RedisManager()\n'), bans, needles: [] },
      { adapter: refusing, sourceRoots: [''], mode: 'fix', rules, unsafe: false, rounds: 4 },
      { prefilter: false },
    );
    assert.equal(outcome.status, 'findings');
    if (outcome.status !== 'findings') return;
    // the refused edits fixed every finding: each becomes manual with the refusal as reason; nothing of the file is written
    assert.deepEqual(
      outcome.findings.map((f) => [f.line, f.fix, f.reason ?? null]),
      [
        [1, 'manual', 'the fixed file was refused: the result does not parse'],
        [3, 'manual', 'the fixed file was refused: the result does not parse'],
        [4, 'manual', 'the fixed file was refused: the result does not parse'],
      ],
    );
    assert.equal(outcome.rewrite?.status, 'refused');
    assert.equal(outcome.rewrite?.reason, 'the result does not parse');
    assert.equal(outcome.rewrite?.text, undefined);
    assert.deepEqual(outcome.rewrite?.left.map((l) => l.line), [1, 3, 4]);
  });
});

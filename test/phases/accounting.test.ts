/**
 * A phase's accounting as data: which files it writes, which it skips (and
 * why), what it refuses, and the findings left by reason — with the counts
 * that go into the commit subject and the phase record.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileFix } from '../../src/model/outcome.js';
import { accountPhase, SKIP_REASONS } from '../../src/phases/accounting.js';

const bytes = Buffer.from('x\n');
const fix = (file: string, status: FileFix['status'], applied: { safe: number; unsafe: number }, left: FileFix['left'] = [], reason?: string): FileFix => ({
  file,
  status,
  ...(reason ? { reason } : {}),
  original: bytes,
  updated: status === 'changed' ? Buffer.from('y\n') : null,
  applied,
  left,
});
const manual = (line: number, reason: string) => ({ line, applicability: 'manual' as const, reason });

test('written, skipped, refused and left files are counted apart', () => {
  const files = [
    fix('a.py', 'changed', { safe: 2, unsafe: 1 }, [manual(3, 'arguments would be dropped')]),
    fix('b.py', 'changed', { safe: 1, unsafe: 0 }),
    fix('c.py', 'changed', { safe: 4, unsafe: 0 }, [manual(9, 'arguments would be dropped')]),
    fix('d.py', 'changed', { safe: 1, unsafe: 0 }),
    fix('e.py', 'refused', { safe: 0, unsafe: 0 }, [manual(1, 'the fixed file was refused: does not compile')], 'does not compile'),
    fix('f.py', 'unchanged', { safe: 0, unsafe: 0 }, [manual(2, 'string reference')]),
    fix('g.py', 'changed-during-run', { safe: 0, unsafe: 0 }, [manual(5, 'changed'), manual(6, 'changed')], 'changed on disk while it was planned; run ssot again'),
  ];
  const account = accountPhase({ files }, { tracked: new Set(['a.py', 'c.py', 'd.py']), dirty: new Set(['c.py']), changedOnDisk: new Set(['d.py']) });
  assert.deepEqual(account.toWrite.map((f) => f.file), ['a.py']);
  assert.deepEqual(account.perFile, [{ file: 'a.py', safe: 2, unsafe: 1 }]);
  assert.deepEqual(account.skipped, [
    { file: 'b.py', reason: SKIP_REASONS.untracked },
    { file: 'c.py', reason: SKIP_REASONS.dirty },
    { file: 'd.py', reason: SKIP_REASONS.changedOnDisk },
    { file: 'g.py', reason: 'changed on disk while it was planned; run ssot again' },
  ]);
  assert.deepEqual(account.refused, [{ file: 'e.py', reason: 'does not compile' }]);
  // a skipped file's findings all stay (its fixes and what it left), under the reason it was skipped
  assert.deepEqual(account.leftByReason, {
    'arguments would be dropped': 1,
    'the fixed file was refused: does not compile': 1,
    'string reference': 1,
    [`file skipped: ${SKIP_REASONS.untracked}`]: 1,
    [`file skipped: ${SKIP_REASONS.dirty}`]: 5,
    [`file skipped: ${SKIP_REASONS.changedOnDisk}`]: 1,
    'file skipped: changed on disk while it was planned; run ssot again': 2,
  });
  assert.deepEqual(account.counts, { fixes: 3, safe: 2, unsafe: 1, files: 1, refused: 1, skipped: 4, left: 12 });
});

test('a phase with nothing to write counts nothing as written', () => {
  const account = accountPhase({ files: [fix('f.py', 'unchanged', { safe: 0, unsafe: 0 }, [manual(2, 'string reference')])] }, { tracked: new Set(), dirty: new Set(), changedOnDisk: new Set() });
  assert.deepEqual(account.toWrite, []);
  assert.deepEqual(account.counts, { fixes: 0, safe: 0, unsafe: 0, files: 0, refused: 0, skipped: 0, left: 1 });
});

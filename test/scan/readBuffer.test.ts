/** ReusedReadBuffer: every file read whole, whatever its size and whatever was read before it. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ReusedReadBuffer } from '../../src/workspace/readBuffer.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ssot-readbuffer-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('files of any size, in any order, read byte for byte', () => {
  // sizes around the first buffer (256 KiB) and the largest one kept (8 MiB)
  const sizes = [0, 1, 4095, 256 << 10, (256 << 10) + 1, 3 << 20, (8 << 20) + 7];
  const files = sizes.map((size, i) => {
    const file = path.join(dir, `f${i}.py`);
    const bytes = Buffer.alloc(size);
    for (let j = 0; j < size; j++) bytes[j] = (j * 31 + i) & 0xff;
    writeFileSync(file, bytes);
    return file;
  });
  fc.assert(
    fc.property(fc.array(fc.nat(files.length - 1), { minLength: 1, maxLength: 12 }), (order) => {
      const reader = new ReusedReadBuffer();
      for (const i of order) assert.ok(reader.read(files[i]!).equals(readFileSync(files[i]!)), `file ${i} (${sizes[i]} bytes)`);
    }),
    { seed: 17, numRuns: 40 },
  );
});

test('a view is the shared buffer: the next read reuses it', () => {
  const a = path.join(dir, 'a.py');
  const b = path.join(dir, 'b.py');
  writeFileSync(a, 'import os\n');
  writeFileSync(b, 'import re\n');
  const reader = new ReusedReadBuffer();
  const first = reader.read(a);
  const copy = Buffer.from(first);
  reader.read(b);
  assert.equal(first.toString(), 'import re\n', 'the old view now shows the new file');
  assert.equal(copy.toString(), 'import os\n', 'a copy keeps its bytes');
});

test('a file that cannot be opened throws what open throws', () => {
  assert.throws(() => new ReusedReadBuffer().read(path.join(dir, 'missing.py')), { code: 'ENOENT' });
});

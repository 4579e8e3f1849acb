/** firstInvalidUtf8: the byte offset in "not valid UTF-8 (byte N)". */
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { firstInvalidUtf8 } from '../../src/text/encoding.js';

describe('firstInvalidUtf8', () => {
  test('points at the lead byte of the first bad sequence', () => {
    assert.equal(firstInvalidUtf8(Buffer.from('# caf\xe9\nx=1\n', 'latin1')), 5); // cp1252 é, then a newline
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82])), 2); // truncated at the end
    assert.equal(firstInvalidUtf8(Buffer.from([0xc0, 0x80])), 0); // overlong
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])), 1); // surrogate
    assert.equal(firstInvalidUtf8(Buffer.from([0xf4, 0x90, 0x80, 0x80])), 0); // above U+10FFFF
    assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0x80])), 1); // stray continuation byte
    const valid = Buffer.from('héllo 𝔘 wörld', 'utf8');
    assert.equal(firstInvalidUtf8(valid), valid.length);
  });

  test('agrees with isUtf8: the prefix before the offset is valid, no valid sequence starts at it', () => {
    const bytes = fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
    const mixed = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 4 }).map((s) => Buffer.from(s, 'utf8')), bytes), { maxLength: 4 }).map((parts) => Buffer.concat(parts));
    fc.assert(
      fc.property(mixed, (buffer) => {
        const at = firstInvalidUtf8(buffer);
        assert.equal(isUtf8(buffer.subarray(0, at)), true);
        if (at === buffer.length) return assert.equal(isUtf8(buffer), true);
        assert.equal(isUtf8(buffer), false);
        for (let n = 1; n <= 4 && at + n <= buffer.length; n++) assert.equal(isUtf8(buffer.subarray(at, at + n)), false);
      }),
      { seed: 20261125, numRuns: 3000 },
    );
  });
});

/**
 * LineIndex: lines and code-point columns of string indices, whatever order
 * they are asked in (it goes on from its last answer when it can), over text
 * with CRLF, lone CR, and characters outside the BMP (two code units, one column).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineIndex } from '../../src/model/range.js';

/** The plain answer: count lines and code points from the start of the text. */
function naive(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < index; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      column = 1;
    } else if (c === 13) {
      // the CR of a CRLF: the line ends after the LF
      if (i + 1 === index) column++;
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < index) i++;
      column++;
    }
  }
  return { line, column };
}

const PIECES = ['a', 'bc', ' ', '\n', '\r\n', '\r', '😀', 'é', '𝔘x'];

test('positions asked in any order match counting from the start', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 40 }), (pieces, picks) => {
      const text = pieces.join('');
      const lines = new LineIndex(text);
      for (const pick of picks) {
        const index = pick % (text.length + 1);
        assert.deepEqual(lines.position(index), naive(text, index), `index ${index} of ${JSON.stringify(text)}`);
      }
    }),
    { seed: 20261203, numRuns: 400 },
  );
});

test('every index of one long line, in order, then backwards', () => {
  const text = 'x = ' + Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? '😀' : 'name')).join(' < ') + '\n';
  const lines = new LineIndex(text);
  const order = [...Array(text.length + 1).keys()];
  for (const index of [...order, ...order.reverse()]) assert.deepEqual(lines.position(index), naive(text, index), `index ${index}`);
});

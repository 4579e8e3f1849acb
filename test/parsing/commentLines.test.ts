/**
 * Whole-line comments blanked before the parse (languages/python/commentLines):
 * what is blanked and what is kept, offsets unchanged, and — on every
 * Python file of the fixtures and the example — the tree of the blanked
 * text is the original's without the blanked comment nodes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Node } from 'web-tree-sitter';
import { pythonFiles } from './pythonFiles.js';
import { blankCommentLines } from '../../src/languages/python/commentLines.js';
import { PYTHON_GRAMMAR } from '../../src/languages/python/grammar.js';
import { getParser } from '../../src/parsing/treeSitter.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe('blankCommentLines', () => {
  test('blanks comments that fill their line, character for character', () => {
    const text = 'def f():\n    # old code:\n    #   x = 1\n\t# tab\r\n    return 2  # kept: after code\n# last';
    const blanked = blankCommentLines(text);
    assert.equal(blanked.length, text.length);
    assert.equal(blanked, 'def f():\n               \n             \n\t     \r\n    return 2  # kept: after code\n      ');
  });

  test('keeps what is not a whole-line comment: string content, pragmas, continuations', () => {
    const kept = [
      's = """\n# a line of the string\n"""\n',
      "s = '''\\'''\n# still inside\n'''\n",
      "s = r'\\'' + '''x\n# inside\n'''\n",
      'from m import (  \n    # ssot: ignore[r]\n    A,\n)\n',
      'x = 1 + \\\n# after a continuation\n',
      'x = 1 + \\\r\n# after a continuation (CRLF)\r\n',
      "x = f'{y:#x}'\n",
    ];
    for (const text of kept) assert.equal(blankCommentLines(text), text, JSON.stringify(text));
  });

  test("a quote in a comment does not open a string, a one-line string ends at its line", () => {
    assert.equal(blankCommentLines("# it's\n# next\nx = 'a\n# after an unterminated string\n"), `      \n      \nx = 'a\n${' '.repeat(30)}\n`);
    // a backslash that ends a comment continues nothing
    assert.equal(blankCommentLines('x = 1  # a \\\n# not continued\n'), `x = 1  # a \\\n${' '.repeat(15)}\n`);
  });

  test('on every Python file of the fixtures and the example: the same tree, less the blanked comments', async () => {
    const parser = await getParser(PYTHON_GRAMMAR);
    const files = [...pythonFiles(path.join(repo, 'test/fixtures')), ...pythonFiles(path.join(repo, 'examples'))];
    assert.ok(files.length > 50, `${files.length} files`);
    let blankedFiles = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const blanked = blankCommentLines(text);
      if (blanked === text) continue;
      blankedFiles++;
      const before = parser.parse(text)!;
      const after = parser.parse(blanked)!;
      try {
        const removed = new Set<number>();
        for (let i = 0; i < text.length; i++) if (text[i] !== blanked[i]) removed.add(i);
        // the same nodes in the same nesting, every token at the same offsets (a node that held a
        // blanked comment at its start or end now ends at its last token: its extent is not compared)
        const shape = (root: Node, dropBlanked: boolean) => {
          const out: string[] = [];
          const visit = (node: Node, depth: number) => {
            if (dropBlanked && node.type === 'comment' && removed.has(node.startIndex)) return;
            out.push(node.childCount ? `${depth} ${node.type}` : `${depth} ${node.type}@${node.startIndex}-${node.endIndex}`);
            for (const child of node.children) if (child) visit(child, depth + 1);
          };
          visit(root, 0);
          return out;
        };
        assert.deepEqual(shape(after.rootNode, false), shape(before.rootNode, true), path.relative(repo, file));
        assert.equal(after.rootNode.hasError, before.rootNode.hasError, path.relative(repo, file));
      } finally {
        before.delete();
        after.delete();
      }
    }
    assert.ok(blankedFiles > 5, `${blankedFiles} files had whole-line comments`);
  });
});

/**
 * The lazy plain-JS mirror answers what web-tree-sitter's Node answers, on
 * every node of every Python file of the fixtures and the example: type,
 * named, missing, range, children, field names, the root's hasError, and
 * descendantForIndex and startPosition at every line start.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Node } from 'web-tree-sitter';
import { pythonFiles } from './pythonFiles.js';
import { LiteTree, type LiteNode } from '../../src/parsing/liteTree.js';
import { getParser } from '../../src/parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from '../../src/languages/python/grammar.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function compare(lite: LiteNode, wasm: Node, where: string): number {
  const at = `${where}: ${wasm.type} at ${wasm.startIndex}`;
  assert.equal(lite.type, wasm.type, at);
  assert.equal(lite.isNamed, wasm.isNamed, at);
  assert.equal(lite.isMissing, wasm.isMissing, at);
  assert.equal(lite.startIndex, wasm.startIndex, at);
  assert.equal(lite.endIndex, wasm.endIndex, at);
  // (below the root hasError says whether the subtree holds an ERROR or MISSING node; tree-sitter answers false for an ERROR leaf)
  if (!lite.parent) assert.equal(lite.hasError, wasm.hasError, at);
  else if (wasm.hasError) assert.equal(lite.hasError, true, at);
  assert.equal(lite.children.length, wasm.childCount, at);
  let nodes = 1;
  lite.children.forEach((child, i) => {
    assert.equal(child.fieldName, wasm.fieldNameForChild(i), `${at}: field of child ${i}`);
    assert.equal(child.parent, lite, at);
    nodes += compare(child, wasm.child(i)!, where);
  });
  return nodes;
}

describe('LiteTree', () => {
  test('mirrors web-tree-sitter node for node on the fixtures and the example', async () => {
    const parser = await getParser(PYTHON_GRAMMAR);
    const files = [...pythonFiles(path.join(repo, 'test/fixtures')), ...pythonFiles(path.join(repo, 'examples'))];
    assert.ok(files.length > 100, `only ${files.length} files found`);
    let nodes = 0;
    for (const file of files) {
      const bytes = readFileSync(file);
      const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      const tree = parser.parse(text)!;
      const lite = new LiteTree(tree, text);
      try {
        const where = path.relative(repo, file);
        nodes += compare(lite.root, tree.rootNode, where);
        for (let index = 0; index <= text.length; index = text.indexOf('\n', index) + 1 || text.length + 1) {
          const l = lite.root.descendantForIndex(index);
          const w = tree.rootNode.descendantForIndex(index)!;
          assert.deepEqual([l.type, l.startIndex, l.endIndex], [w.type, w.startIndex, w.endIndex], `${where}: descendantForIndex(${index})`);
          assert.deepEqual(l.startPosition, w.startPosition, `${where}: startPosition at ${index}`);
        }
      } finally {
        lite.dispose();
        tree.delete();
      }
    }
    assert.ok(nodes > 10_000, `only ${nodes} nodes compared`);
  });
});

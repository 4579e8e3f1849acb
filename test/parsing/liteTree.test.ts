/**
 * The lazy plain-JS mirror answers what web-tree-sitter's Node answers, on
 * every node of every Python file of the fixtures and the example: type,
 * named, missing, range, children, field names, the root's hasError, and
 * descendantForIndex, namedDescendantForIndex and startPosition at every line start, and
 * descendantsOfType — copied with
 * web-tree-sitter's wasm cursor functions called directly (what runs), and
 * with TreeCursor's methods (where those are missing); and, asked in another
 * order (named children and fields first), the same nodes as the same objects;
 * and copied in one walk (copyNamedDescendants, whole or with subtrees
 * skipped, after some nodes were copied one by one), the same again.
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
import { disableRawCursor, rawCursorBinding } from '../../src/parsing/wasmCursor.js';
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

/** Named children and fields asked before the children: what they answer, and that the children then hold the same objects. */
function compareNamedFirst(lite: LiteNode, wasm: Node, where: string): void {
  const at = `${where}: ${wasm.type} at ${wasm.startIndex}`;
  const fields = new Set<string>();
  for (let i = 0; i < wasm.childCount; i++) {
    const field = wasm.fieldNameForChild(i);
    if (field) fields.add(field);
  }
  for (const field of fields) {
    const l = lite.childForFieldName(field);
    const w = wasm.childForFieldName(field);
    assert.deepEqual([l?.type, l?.startIndex], [w?.type, w?.startIndex], `${at}: field ${field}`);
    assert.equal(lite.childrenForFieldName(field).length, wasm.childrenForFieldName(field).length, `${at}: fields ${field}`);
  }
  const named = lite.namedChildren;
  assert.deepEqual(
    named.map((c) => [c.type, c.startIndex]),
    wasm.namedChildren.map((c) => [c!.type, c!.startIndex]),
    `${at}: named children`,
  );
  for (const child of named) assert.ok(lite.children.includes(child), `${at}: a named child is not among the children`);
  named.forEach((child, i) => compareNamedFirst(child, wasm.namedChild(i)!, where));
}

/** The types the analyses ask descendantsOfType for, and ERROR. */
const DESCENDANT_TYPES = ['string', 'attribute', 'assignment', 'call', 'import_from_statement', 'import_statement', 'with_item', 'true', 'none', 'ERROR'];

describe('LiteTree', () => {
  const files = [...pythonFiles(path.join(repo, 'test/fixtures')), ...pythonFiles(path.join(repo, 'examples'))];

  test('calls the wasm cursor functions directly with this web-tree-sitter', async () => {
    await getParser(PYTHON_GRAMMAR);
    assert.ok(rawCursorBinding(), 'web-tree-sitter no longer exposes the cursor functions LiteTree calls (src/parsing/wasmCursor.ts)');
  });

  for (const raw of [true, false]) {
    test(`mirrors web-tree-sitter node for node on the fixtures and the example (${raw ? 'raw cursor calls' : "TreeCursor's methods"})`, async () => {
      const parser = await getParser(PYTHON_GRAMMAR);
      assert.ok(files.length > 100, `only ${files.length} files found`);
      disableRawCursor(!raw);
      let nodes = 0;
      try {
        for (const file of files) {
          const bytes = readFileSync(file);
          const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
          const tree = parser.parse(text)!;
          const lite = new LiteTree(tree, text);
          const again = new LiteTree(tree, text);
          // asked before anything else is copied: these walk the named children first
          const fresh = new LiteTree(tree, text);
          try {
            const where = path.relative(repo, file);
            nodes += compare(lite.root, tree.rootNode, where);
            compareNamedFirst(again.root, tree.rootNode, where);
            // copied in one walk: the whole tree, then (after a few nodes were copied one by one) all but the functions' insides
            const bulk = new LiteTree(tree, text);
            bulk.root.copyNamedDescendants();
            compareNamedFirst(bulk.root, tree.rootNode, `${where} (one walk)`);
            compare(bulk.root, tree.rootNode, `${where} (one walk)`);
            bulk.dispose();
            const partial = new LiteTree(tree, text);
            const first = partial.root.namedChildren[0];
            const firstKids = first?.namedChildren;
            partial.root.copyNamedDescendants((node) => node.type === 'function_definition');
            assert.equal(partial.root.namedChildren[0], first, `${where}: a node copied before is the same object`);
            assert.equal(first?.namedChildren, firstKids, `${where}: children copied before are the same array`);
            compareNamedFirst(partial.root, tree.rootNode, `${where} (one walk, functions skipped)`);
            compare(partial.root, tree.rootNode, `${where} (one walk, functions skipped)`);
            partial.dispose();
            for (let index = 0; index <= text.length; index = text.indexOf('\n', index) + 1 || text.length + 1) {
              const l = lite.root.descendantForIndex(index);
              const w = tree.rootNode.descendantForIndex(index)!;
              assert.deepEqual([l.type, l.startIndex, l.endIndex], [w.type, w.startIndex, w.endIndex], `${where}: descendantForIndex(${index})`);
              assert.deepEqual(l.startPosition, w.startPosition, `${where}: startPosition at ${index}`);
              const ln = lite.root.namedDescendantForIndex(index);
              const wn = tree.rootNode.namedDescendantForIndex(index)!;
              assert.deepEqual([ln.type, ln.startIndex, ln.endIndex], [wn.type, wn.startIndex, wn.endIndex], `${where}: namedDescendantForIndex(${index})`);
              const f = fresh.root.descendantForIndex(index);
              assert.deepEqual([f.type, f.startIndex, f.endIndex], [w.type, w.startIndex, w.endIndex], `${where}: descendantForIndex(${index}), asked first`);
            }
            // where findings start: every identifier and string
            for (const start of tree.rootNode.descendantsOfType(['identifier', 'string']).map((n) => n!.startIndex)) {
              const ln = fresh.root.namedDescendantForIndex(start);
              const wn = tree.rootNode.namedDescendantForIndex(start)!;
              assert.deepEqual([ln.type, ln.startIndex, ln.endIndex], [wn.type, wn.startIndex, wn.endIndex], `${where}: namedDescendantForIndex(${start})`);
            }
            // the whole rows of every statement: from the row's start to the \n after its end
            for (const statement of tree.rootNode.descendantsOfType(['expression_statement', 'import_from_statement', 'function_definition', 'return_statement'])) {
              const { startIndex: start, endIndex: end } = statement!;
              const newline = text.indexOf('\n', end);
              const expected = { from: text.lastIndexOf('\n', start - 1) + 1, to: newline < 0 ? text.length : newline };
              assert.deepEqual(fresh.rowSpan(start, end), expected, `${where}: rowSpan(${start}, ${end})`);
            }
            for (const type of DESCENDANT_TYPES) {
              const descendants = (t: LiteTree) => t.root.descendantsOfType(type).map((n) => [n.type, n.startIndex, n.endIndex]);
              const expected = tree.rootNode.descendantsOfType(type).map((n) => [n!.type, n!.startIndex, n!.endIndex]);
              assert.deepEqual(descendants(new LiteTree(tree, text)), expected, `${where}: descendantsOfType(${type})`);
            }
          } finally {
            lite.dispose();
            again.dispose();
            fresh.dispose();
            tree.delete();
          }
        }
      } finally {
        disableRawCursor(false);
      }
      assert.ok(nodes > 10_000, `only ${nodes} nodes compared`);
    });
  }
});

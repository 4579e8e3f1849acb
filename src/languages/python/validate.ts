/**
 * Validation of a planned rewrite before anything is written: the result
 * parses without new errors, and every identifier an edit placed resolves to
 * the path the edit says (`Edit.binds`). Plans are checked on an incremental
 * reparse of the tree they were made from; the accepted tree is kept for the
 * next fix round, which plans that very text.
 */
import type { Parser, Tree } from 'web-tree-sitter';
import { applyEdits, type Edit } from '../../model/edit.js';
import { LiteTree, type Point } from '../../parsing/liteTree.js';
import { getParser } from '../../parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';
import { analyzeScopes, relevanceOf } from './scopes.js';
import { blankCommentLines } from './commentLines.js';

/**
 * Checks a rewrite of `before` parsed from scratch: it parses without new
 * errors and every placed identifier resolves to the path its edit says.
 * Returns the problem, or null. (Plans validate themselves on an incremental
 * reparse, see validatePlan; this is the same check for any pair of texts.)
 */
export async function validateRewrite({
  rel,
  before,
  after,
  sourceRoots,
  placed,
}: {
  readonly rel: string;
  readonly before: string;
  readonly after: string;
  readonly sourceRoots: readonly string[];
  readonly placed: readonly { start: number; name: string; binds: string }[];
}): Promise<string | null> {
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(blankCommentLines(after));
  if (!tree) return 'the result could not be parsed';
  const hadErrors = () => {
    const old = parser.parse(blankCommentLines(before));
    const errors = old?.rootNode.hasError ?? false;
    old?.delete();
    return errors;
  };
  try {
    return checkRewrite(tree, after, rel, sourceRoots, placed, hadErrors);
  } finally {
    tree.delete();
  }
}

/**
 * The rewrite's own checks: it parses without new errors, and every placed
 * identifier resolves to the path its edit says. `tree` is the parse of `after`.
 */
function checkRewrite(
  tree: Tree,
  after: string,
  rel: string,
  sourceRoots: readonly string[],
  placed: readonly { start: number; name: string; binds: string }[],
  hadErrors: () => boolean,
): string | null {
  const lite = new LiteTree(tree, after);
  try {
    if (lite.root.hasError && !hadErrors()) return 'the result does not parse';
    if (!placed.length) return null;
    const context = moduleContextOf(rel, sourceRoots);
    // only the placed names are asked about: whatever binds or shadows them spells them
    const relevant = relevanceOf(lite.root, ['import', ...placed.map((p) => p.name)]);
    const scopes = analyzeScopes(lite.root, (level, module) => resolveRelativeModule(context, level, module), relevant);
    const byStart = new Map(scopes.references.map((r) => [r.node.startIndex, r]));
    for (const p of placed) {
      const ref = byStart.get(p.start);
      if (!ref || ref.name !== p.name) return `internal: no reference \`${p.name}\` where the rewrite placed it`;
      if (!ref.candidates.length) return `\`${p.name}\` would be unbound here`;
      if (!ref.candidates.every((c) => c.import?.qualifiedName === p.binds || c.kind === 'assignment')) {
        return `\`${p.name}\` would not refer to ${p.binds} here`;
      }
      if (!ref.candidates.some((c) => c.import?.qualifiedName === p.binds)) return `\`${p.name}\` would not refer to ${p.binds} here`;
    }
    return null;
  } finally {
    lite.dispose();
  }
}

/**
 * Validates a plan on the tree it was made from: the tree is edited in
 * place (tree-sitter's incremental parsing) and only the changed regions
 * are parsed again — the result is the tree a fresh parse of the new text
 * gives, for a fraction of the cost. `old` is not usable afterwards.
 */
export function validatePlan(
  parser: Parser,
  old: Tree,
  lite: LiteTree,
  before: string,
  edits: readonly Edit[],
  rel: string,
  sourceRoots: readonly string[],
): string | null {
  if (!edits.length) return null;
  const applied = applyEdits(before, edits);
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const placed = sorted.flatMap((e, i) => (e.binds ? [{ start: applied.newStarts[i]!, name: e.text, binds: e.binds }] : []));
  const hadErrors = lite.root.hasError;
  // last edit first: the positions of the earlier ones stay those of `before`
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i]!;
    const startPosition = lite.point(e.start);
    old.edit({
      startIndex: e.start,
      oldEndIndex: e.end,
      newEndIndex: e.start + e.text.length,
      startPosition,
      oldEndPosition: lite.point(e.end),
      newEndPosition: pointAfter(startPosition, e.text),
    });
  }
  const tree = parser.parse(blankCommentLines(applied.text), old);
  if (!tree) return 'the result could not be parsed';
  let accepted = false;
  try {
    const problem = checkRewrite(tree, applied.text, rel, sourceRoots, placed, () => hadErrors);
    accepted = problem === null;
    return problem;
  } finally {
    if (accepted) keepValidatedTree(applied.text, tree);
    else tree.delete();
  }
}

/**
 * The tree of the last accepted rewrite, kept for the fix round that plans
 * that very text next (one per thread; a tree depends on nothing but its
 * text). Taking it hands over ownership.
 */
let validated: { text: string; tree: Tree } | null = null;

function keepValidatedTree(text: string, tree: Tree): void {
  validated?.tree.delete();
  validated = { text, tree };
}

export function takeValidatedTree(text: string): Tree | null {
  if (validated === null || validated.text !== text) return null;
  const { tree } = validated;
  validated = null;
  return tree;
}

/** Where inserted `text` ends when it starts at `start` (rows by \n, columns in UTF-16 units). */
function pointAfter(start: Point, text: string): Point {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) rows++;
  return { row: start.row + rows, column: text.length - lastNewline - 1 };
}

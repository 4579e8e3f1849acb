/**
 * `ssot prune` for Python: a package `__init__.py` that re-exports names of
 * a module being deleted (`from .mod import X`, `from . import mod`,
 * `import pkg.mod`) loses those import clauses — through the same import
 * editor the fixes use, so layout and `pass` in an emptied block are kept —
 * and the names leave its `__all__` list, so `from pkg import *` does not ask
 * for a name that is gone. Done on the tree-sitter parse; the result must
 * parse without errors or nothing is written.
 */
import { applyEdits, type Edit } from '../../model/edit.js';
import { isAtOrUnder } from '../../model/finding.js';
import { LiteTree, type LiteNode } from '../../parsing/liteTree.js';
import { getParser } from '../../parsing/treeSitter.js';
import type { ReExportRemovalInput, ReExportRemovalOutput } from '../adapter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { clauseNames, clausesOf, ImportEditor } from './importEdits.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';

function dottedText(node: LiteNode): string {
  if (node.type === 'identifier') return node.text;
  return node.namedChildren.filter((c) => c.type === 'identifier').map((c) => c.text).join('.');
}

/** The absolute module of `from … import`, or null (a relative import that climbs above the top). */
function fromModule(statement: LiteNode, rel: string, sourceRoots: readonly string[]): string | null {
  const moduleNode = statement.childForFieldName('module_name');
  if (!moduleNode) return null;
  if (moduleNode.type !== 'relative_import') return dottedText(moduleNode);
  let level = 0;
  let module: string | null = null;
  for (const child of moduleNode.namedChildren) {
    if (child.type === 'import_prefix') level = child.text.replace(/\s/g, '').length;
    else if (child.type === 'dotted_name') module = dottedText(child);
  }
  return resolveRelativeModule(moduleContextOf(rel, sourceRoots), level, module);
}

/** The text of a plain string literal (no interpolation, no implicit concatenation), or null. */
function stringValue(node: LiteNode): string | null {
  if (node.type !== 'string') return null;
  const parts = node.namedChildren.filter((c) => c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.length === 0) return '';
  if (parts.length !== 1 || parts[0]!.type !== 'string_content') return null;
  return parts[0]!.text;
}

/** Edits dropping the elements of a list or tuple whose string value is in `names`, separators with them. */
function dropListElements(list: LiteNode, names: ReadonlySet<string>, text: string): Edit[] {
  const elements = list.namedChildren.filter((c) => c.type !== 'comment');
  const drop = elements.map((e) => names.has(stringValue(e) ?? '\0'));
  const edits: Edit[] = [];
  for (let i = 0; i < elements.length; i++) {
    if (!drop[i]) continue;
    const next = elements[i + 1];
    if (next) {
      edits.push({ start: elements[i]!.startIndex, end: next.startIndex, text: '' });
      continue;
    }
    // the last element: the separator before it goes (after the last kept one), a trailing comma stays
    const kept = elements.slice(0, i).filter((_, k) => !drop[k]).at(-1);
    const start = kept ? kept.endIndex : elements[i]!.startIndex;
    let end = elements[i]!.endIndex;
    if (!kept) {
      let at = end;
      while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
      if (text[at] === ',') end = at + 1;
    }
    // an earlier dropped run already ends where this one starts: merge (edits must not overlap)
    const previous = edits.at(-1);
    if (previous && previous.end > start) edits[edits.length - 1] = { start: Math.min(previous.start, start), end, text: '' };
    else edits.push({ start, end, text: '' });
  }
  // `("a", "b")` left with one element needs its comma to stay a tuple (`("a")` is a string)
  const kept = elements.filter((_, k) => !drop[k]);
  if (list.type === 'tuple' && kept.length === 1 && edits.length) {
    const only = kept[0]!;
    let at = only.endIndex;
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (text[at] !== ',') {
      const merged = edits.find((e) => e.start === only.endIndex);
      if (merged) edits[edits.indexOf(merged)] = { ...merged, text: ',' };
      else edits.push({ start: only.endIndex, end: only.endIndex, text: ',' });
    }
  }
  return edits;
}

export async function removePythonReExports(input: ReExportRemovalInput): Promise<ReExportRemovalOutput> {
  const { rel, text, sourceRoots, modules } = input;
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${rel}`);
  const lite = new LiteTree(tree, text);
  try {
    if (lite.root.hasError) return { error: 'has syntax errors' };
    const gone = (path: string | null) => path !== null && modules.some((m) => isAtOrUnder(path, m));
    const editor = new ImportEditor(text);
    const names = new Set<string>();
    let clauses = 0;
    for (const statement of lite.root.descendantsOfType('import_from_statement')) {
      const module = fromModule(statement, rel, sourceRoots);
      for (const clause of clausesOf(statement)) {
        if (clause.type === 'wildcard_import') {
          if (gone(module)) return { error: `\`${statement.text}\` re-exports every name of a deleted module (a star import): remove it by hand` };
          continue;
        }
        const { name, local } = clauseNames(clause);
        if (!gone(module) && !gone(module === null ? null : `${module}.${name}`)) continue;
        editor.removeClause(statement, clause);
        names.add(local || name);
        clauses++;
      }
    }
    for (const statement of lite.root.descendantsOfType('import_statement')) {
      for (const clause of clausesOf(statement)) {
        const { name } = clauseNames(clause);
        if (!gone(name)) continue;
        editor.removeClause(statement, clause);
        clauses++;
      }
    }
    const edits = editor.edits();
    // `__all__ = [...]` / `(...)` at module level: the names that are no longer bound leave it
    for (const statement of lite.root.namedChildren) {
      if (statement.type !== 'expression_statement' || statement.namedChildCount !== 1) continue;
      const assignment = statement.namedChildren[0]!;
      if (assignment.type !== 'assignment' && assignment.type !== 'augmented_assignment') continue;
      if (assignment.childForFieldName('left')?.text !== '__all__') continue;
      const right = assignment.childForFieldName('right');
      if (right && (right.type === 'list' || right.type === 'tuple')) edits.push(...dropListElements(right, names, text));
    }
    const updated = applyEdits(text, edits).text;
    const check = parser.parse(updated);
    const broken = check?.rootNode.hasError ?? true;
    check?.delete();
    if (broken) return { error: 'removing the re-exports would leave a syntax error' };
    return { text: updated, names: [...names].sort(), clauses };
  } finally {
    lite.dispose();
    tree.delete();
  }
}

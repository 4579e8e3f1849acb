/**
 * The import statements of one Python file, each with the module it names
 * and where (tree-sitter): what service boundaries judge. Unlike the graph's
 * edges (./moduleImports.ts), parent packages a statement loads are not
 * imports of their own — `from a.b import c` imports `a.b` (or `a.b.c`),
 * not `a` — as import-linter counts them.
 */
import type { ImportStatement } from '../../model/importGraph.js';
import { LineIndex } from '../../model/range.js';
import { pushReversed } from '../../parsing/liteTree.js';
import { getParser, type WasmNode } from '../../parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';

export async function pythonImportStatements(text: string, rel: string, sourceRoots: readonly string[]): Promise<ImportStatement[]> {
  const context = moduleContextOf(rel, sourceRoots);
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${rel}`);
  const lines = new LineIndex(text);
  const out: ImportStatement[] = [];
  const at = (node: WasmNode, module: string, names: string[]) => {
    const start = lines.position(node.startIndex);
    const end = lines.position(node.endIndex);
    out.push({ module, names, line: start.line, column: start.column, endLine: end.line, endColumn: end.column });
  };
  try {
    // an explicit stack, in document order: nesting depth is the input's to choose
    const pending: (WasmNode | null)[] = [];
    pushReversed(pending, tree.rootNode.namedChildren);
    while (pending.length > 0) {
      const child = pending.pop();
      if (!child) continue;
      if (child.type === 'import_statement') {
        for (const name of child.childrenForFieldName('name')) {
          const dotted = name && dottedOf(name);
          if (dotted) at(name.type === 'aliased_import' ? (name.childForFieldName('name') ?? name) : name, dotted, []);
        }
      } else if (child.type === 'import_from_statement') {
        const moduleNode = child.childForFieldName('module_name');
        if (!moduleNode) continue;
        let module: string | null;
        if (moduleNode.type === 'relative_import') {
          const prefix = moduleNode.namedChildren.find((c) => c?.type === 'import_prefix');
          const level = prefix ? prefix.text.replace(/\s+/g, '').length : 0;
          module = resolveRelativeModule(context, level, dottedOf(moduleNode.namedChildren.find((c) => c?.type === 'dotted_name') ?? null));
        } else {
          module = dottedOf(moduleNode);
        }
        if (module === null) continue;
        const names = child.childrenForFieldName('name').map((n) => (n && dottedOf(n)) ?? '').filter(Boolean);
        if (child.namedChildren.some((c) => c?.type === 'wildcard_import')) names.push('*');
        at(moduleNode, module, names);
      } else if (child.type !== 'future_import_statement') {
        pushReversed(pending, child.namedChildren);
      }
    }
  } finally {
    tree.delete();
  }
  return out;
}

function dottedOf(node: WasmNode | null): string | null {
  if (!node) return null;
  if (node.type === 'dotted_name') return node.namedChildren.map((c) => c?.text ?? '').join('.');
  if (node.type === 'aliased_import') return dottedOf(node.childForFieldName('name'));
  return null;
}

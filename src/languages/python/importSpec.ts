/**
 * Parses one Python import statement written in the config (`deprecated`,
 * `canonical`, `types`) with tree-sitter into an ImportSpec. Returns an error
 * sentence instead when the text is not exactly one absolute import statement.
 */
import type { ImportSpec } from '../../model/finding.js';
import { LiteTree } from '../../parsing/liteTree.js';
import { getParser } from '../../parsing/treeSitter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { dottedText } from './scopes.js';

export async function parsePythonImportSpec(text: string): Promise<ImportSpec | { error: string }> {
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(text);
  if (!tree) return { error: 'could not be parsed' };
  const lite = new LiteTree(tree, text);
  try {
    const root = lite.root;
    const statements = root.namedChildren.filter((node) => node && node.type !== 'comment');
    const statement = statements[0];
    if (root.hasError || statements.length !== 1 || !statement) {
      return { error: 'is not a single Python import statement' };
    }
    if (statement.type === 'import_statement') {
      const clauses = statement.childrenForFieldName('name');
      if (clauses.length !== 1 || !clauses[0]) return { error: 'must import exactly one module' };
      const clause = clauses[0];
      if (clause.type === 'aliased_import') {
        const name = clause.childForFieldName('name');
        const alias = clause.childForFieldName('alias');
        if (!name || !alias) return { error: 'is not a valid import' };
        return { kind: 'import', module: dottedText(name), names: [], alias: alias.text };
      }
      return { kind: 'import', module: dottedText(clause), names: [] };
    }
    if (statement.type === 'import_from_statement') {
      const moduleNode = statement.childForFieldName('module_name');
      if (!moduleNode || moduleNode.type === 'relative_import') {
        return { error: 'must be an absolute import (relative imports depend on the importing file)' };
      }
      const module = dottedText(moduleNode);
      if (statement.namedChildren.some((child) => child?.type === 'wildcard_import')) {
        return { kind: 'from', module, names: [{ name: '*' }] };
      }
      const names: { name: string; alias?: string }[] = [];
      for (const clause of statement.childrenForFieldName('name')) {
        if (!clause) continue;
        if (clause.type === 'aliased_import') {
          const name = clause.childForFieldName('name');
          const alias = clause.childForFieldName('alias');
          if (name && alias) names.push({ name: dottedText(name), alias: alias.text });
        } else {
          names.push({ name: dottedText(clause) });
        }
      }
      if (!names.length) return { error: 'imports no name' };
      return { kind: 'from', module, names };
    }
    if (statement.type === 'future_import_statement') return { error: 'is a __future__ import' };
    return { error: 'is not an import statement' };
  } finally {
    lite.dispose();
    tree.delete();
  }
}

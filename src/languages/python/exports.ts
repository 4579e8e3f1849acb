/**
 * Where a Python module under the source roots defines a name: the module
 * file (`m.py`, `m.pyi`, `m/__init__.py`), a module-level binding in it, a
 * submodule of a package, or a star import it can follow (a few levels).
 * `ssot verify` asks this of every canonical and `types` target.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LiteTree } from '../../parsing/liteTree.js';
import { getParser } from '../../parsing/treeSitter.js';
import type { ExportResolution } from '../adapter.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';
import { analyzeScopes } from './scopes.js';

/** The file of a dotted module under the source roots: `m.py`, `m.pyi` or `m/__init__.py`; root-relative posix. */
export function moduleFile(root: string, sourceRoots: readonly string[], module: string): string | null {
  const inner = module.split('.').join('/');
  for (const sr of sourceRoots) {
    const prefix = sr === '' ? '' : `${sr}/`;
    for (const candidate of [`${prefix}${inner}.py`, `${prefix}${inner}/__init__.py`, `${prefix}${inner}.pyi`, `${prefix}${inner}/__init__.pyi`]) {
      if (existsSync(path.join(root, candidate))) return candidate;
    }
  }
  return null;
}

/** Does `module` bind `name` at module level? Follows star imports up to a few levels. */
export async function resolvePythonExport(
  root: string,
  sourceRoots: readonly string[],
  module: string,
  name: string,
  depth = 0,
): Promise<ExportResolution> {
  const file = moduleFile(root, sourceRoots, module);
  const roots = sourceRoots.map((s) => s || '.').join(', ');
  if (!file) return { ok: false, detail: `module ${module} not found under sourceRoots (${roots})` };
  const parser = await getParser(PYTHON_GRAMMAR);
  const text = readFileSync(path.join(root, file), 'utf8');
  const tree = parser.parse(text);
  if (!tree) return { ok: false, detail: `${file}: could not be parsed` };
  const lite = new LiteTree(tree, text);
  try {
    const context = moduleContextOf(file, sourceRoots);
    const scopes = analyzeScopes(lite.root, (level, mod) => resolveRelativeModule(context, level, mod));
    const bindings = scopes.module.bindings.get(name);
    if (bindings?.some((b) => b.kind !== 'del')) {
      const kinds = [...new Set(bindings.map((b) => b.kind))].join('/');
      return { ok: true, detail: `${file} binds ${name} (${kinds})` };
    }
    if (file.endsWith('__init__.py') || file.endsWith('__init__.pyi')) {
      const sub = moduleFile(root, sourceRoots, `${module}.${name}`);
      if (sub) return { ok: true, detail: `${name} is the submodule ${sub}` };
    }
    const stars = scopes.module.bindings.get('*') ?? [];
    if (depth < 3) {
      for (const star of stars) {
        const from = star.import?.module;
        if (!from) continue;
        const through = await resolvePythonExport(root, sourceRoots, from, name, depth + 1);
        if (through.ok) return { ok: true, detail: `${file} re-exports ${name} from ${from} (*)` };
      }
    }
    return { ok: false, detail: `${file} does not bind ${name} at module level${stars.length ? ' (star imports followed)' : ''}` };
  } finally {
    lite.dispose();
    tree.delete();
  }
}

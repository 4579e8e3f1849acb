/**
 * What dotted names are in the scanned tree: module, class, instance (of
 * which class), function, constant — following `from x import y` re-exports,
 * package `__init__` re-exports, aliases (`Y = X`), star imports and
 * `y = SomeClass(...)`. Names whose module is not under the source roots are
 * `unknown`. Only the handful of modules that define deprecated and canonical
 * names are parsed, once per run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SymbolInfo } from '../../model/symbols.js';
import { LiteTree } from '../../parsing/liteTree.js';
import { getParser, type SyntaxNode } from '../../parsing/treeSitter.js';
import { moduleFile } from './exports.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';
import { analyzeScopes, type Binding, type ScopeAnalysis } from './scopes.js';

const UNKNOWN = (identity: string): SymbolInfo => ({ kind: 'unknown', identity });
/** Re-export chains longer than this are not followed (a cycle, or something unusual). */
const MAX_DEPTH = 8;

interface ParsedModule {
  readonly file: string;
  readonly text: string;
  readonly scopes: ScopeAnalysis;
  readonly lite: LiteTree;
}

/** Resolves names under `root`; parsed modules are kept for the resolver's life (call `dispose`). */
export class PythonSymbols {
  private readonly modules = new Map<string, ParsedModule | null>();
  private readonly trees: { delete(): void }[] = [];

  constructor(
    private readonly root: string,
    private readonly sourceRoots: readonly string[],
  ) {}

  async describe(dotted: string, depth = 0): Promise<SymbolInfo> {
    if (depth > MAX_DEPTH) return UNKNOWN(dotted);
    if (moduleFile(this.root, this.sourceRoots, dotted)) return { kind: 'module', identity: dotted };
    const dot = dotted.lastIndexOf('.');
    if (dot < 0) return UNKNOWN(dotted);
    const moduleName = dotted.slice(0, dot);
    const name = dotted.slice(dot + 1);
    const module = await this.parse(moduleName);
    if (!module) return UNKNOWN(dotted);
    const bindings = (module.scopes.module.bindings.get(name) ?? []).filter((b) => b.kind !== 'del' && b.kind !== 'annotation-only');
    if (!bindings.length) {
      for (const star of module.scopes.module.bindings.get('*') ?? []) {
        const from = star.import?.qualifiedName;
        if (!from) continue;
        const through = await this.describe(`${from}.${name}`, depth + 1);
        if (through.kind !== 'unknown') return through;
      }
      return UNKNOWN(dotted);
    }
    const infos = await Promise.all(bindings.map((b) => this.describeBinding(module, moduleName, b, depth)));
    const first = infos[0]!;
    // bound several ways (`try: X = A except: X = B`): one answer only when all agree
    return infos.every((i) => i.kind === first.kind && i.identity === first.identity) ? first : UNKNOWN(dotted);
  }

  private async describeBinding(module: ParsedModule, moduleName: string, binding: Binding, depth: number): Promise<SymbolInfo> {
    const here = `${moduleName}.${binding.name}`;
    const definedAt = { file: module.file, line: binding.node.startPosition.row + 1 };
    switch (binding.kind) {
      case 'class':
        return { kind: 'class', identity: here, definedAt };
      case 'function':
        return { kind: 'function', identity: here, definedAt };
      case 'import':
      case 'from-import': {
        const target = binding.import?.qualifiedName;
        if (!target) return UNKNOWN(here);
        const through = await this.describe(target, depth + 1);
        return through.kind === 'unknown' ? { ...through, identity: target } : through;
      }
      case 'assignment':
        return this.describeAssignment(module, moduleName, binding, definedAt, depth);
      default:
        return UNKNOWN(here);
    }
  }

  /** `X = Other` (an alias), `X = SomeClass(...)` (an instance), `X = 3` (a constant). */
  private async describeAssignment(module: ParsedModule, moduleName: string, binding: Binding, definedAt: SymbolInfo['definedAt'], depth: number): Promise<SymbolInfo> {
    const here = `${moduleName}.${binding.name}`;
    const assignment = binding.node.parent;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== binding.node.id) return UNKNOWN(here);
    const value = assignment.childForFieldName('right');
    if (!value) return UNKNOWN(here);
    if (isLiteral(value)) return { kind: 'constant', identity: here, definedAt };
    if (value.type === 'identifier' || value.type === 'attribute') {
      const resolved = this.resolveExpression(module, moduleName, value);
      return resolved ? this.describe(resolved, depth + 1) : UNKNOWN(here);
    }
    if (value.type === 'call') {
      const fn = value.childForFieldName('function');
      const resolved = fn ? this.resolveExpression(module, moduleName, fn) : null;
      const callee = resolved ? await this.describe(resolved, depth + 1) : UNKNOWN(here);
      if (callee.kind === 'class') return { kind: 'instance', identity: here, classIdentity: callee.identity, definedAt };
      return { kind: 'instance', identity: here, definedAt };
    }
    return { kind: 'instance', identity: here, definedAt };
  }

  /** The dotted path a module-level name or attribute chain refers to (`Base` → `pkg.core.Base`), or null. */
  private resolveExpression(module: ParsedModule, moduleName: string, node: SyntaxNode): string | null {
    if (node.type === 'identifier') {
      const bindings = module.scopes.module.bindings.get(node.text) ?? [];
      const imported = bindings.find((b) => b.import?.qualifiedName);
      if (imported) return imported.import!.qualifiedName;
      if (bindings.length) return `${moduleName}.${node.text}`;
      return null;
    }
    if (node.type === 'attribute') {
      const object = node.childForFieldName('object');
      const attribute = node.childForFieldName('attribute');
      const base = object ? this.resolveExpression(module, moduleName, object) : null;
      return base && attribute ? `${base}.${attribute.text}` : null;
    }
    return null;
  }

  private async parse(moduleName: string): Promise<ParsedModule | null> {
    if (this.modules.has(moduleName)) return this.modules.get(moduleName)!;
    const file = moduleFile(this.root, this.sourceRoots, moduleName);
    let parsed: ParsedModule | null = null;
    if (file) {
      try {
        const text = readFileSync(path.join(this.root, file), 'utf8');
        const parser = await getParser(PYTHON_GRAMMAR);
        const tree = parser.parse(text);
        if (tree) {
          this.trees.push(tree);
          const lite = new LiteTree(tree, text);
          const context = moduleContextOf(file, this.sourceRoots);
          const scopes = analyzeScopes(lite.root, (level, mod) => resolveRelativeModule(context, level, mod));
          parsed = { file, text, scopes, lite };
        }
      } catch {
        parsed = null; // unreadable: the names it defines are unknown
      }
    }
    this.modules.set(moduleName, parsed);
    return parsed;
  }

  dispose(): void {
    for (const m of this.modules.values()) m?.lite.dispose();
    for (const tree of this.trees.splice(0)) tree.delete();
    this.modules.clear();
  }
}

function isLiteral(node: SyntaxNode): boolean {
  return ['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none', 'unary_operator'].includes(node.type) && !node.descendantsOfType('call').length;
}

/** The adapter's entry point: every path described, then the parsed modules released. */
export async function describePythonSymbols(root: string, sourceRoots: readonly string[], paths: readonly string[]): Promise<Map<string, SymbolInfo>> {
  const symbols = new PythonSymbols(root, sourceRoots);
  try {
    const out = new Map<string, SymbolInfo>();
    for (const p of new Set(paths)) out.set(p, await symbols.describe(p));
    return out;
  } finally {
    symbols.dispose();
  }
}

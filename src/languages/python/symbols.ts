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
import type { MemberInfo, ParameterInfo, SymbolInfo } from '../../model/symbols.js';
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
    if (!module) return this.inTreePackage(moduleName) ? { kind: 'unknown', identity: dotted, missing: true } : UNKNOWN(dotted);
    const bindings = (module.scopes.module.bindings.get(name) ?? []).filter((b) => b.kind !== 'del' && b.kind !== 'annotation-only');
    if (!bindings.length) {
      for (const star of module.scopes.module.bindings.get('*') ?? []) {
        const from = star.import?.qualifiedName;
        if (!from) continue;
        const through = await this.describe(`${from}.${name}`, depth + 1);
        if (through.kind !== 'unknown') return through;
      }
      // the module is in the tree and does not bind it (unless a star import from outside might)
      const stars = module.scopes.module.bindings.get('*') ?? [];
      return stars.length || module.scopes.module.bindings.has('__getattr__') ? UNKNOWN(dotted) : { kind: 'unknown', identity: dotted, missing: true };
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
      case 'class': {
        const node = binding.node.parent;
        if (node?.type !== 'class_definition') return { kind: 'class', identity: here, definedAt };
        return { kind: 'class', identity: here, definedAt, ...(await this.classMembers(module, moduleName, node, depth)) };
      }
      case 'function': {
        const node = binding.node.parent;
        if (node?.type !== 'function_definition') return { kind: 'function', identity: here, definedAt };
        return { kind: 'function', identity: here, definedAt, async: isAsync(node), parameters: parametersOf(node, false) };
      }
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
      if (callee.kind === 'class') {
        const members = callee.members ? { members: callee.members, membersComplete: callee.membersComplete ?? false } : {};
        return { kind: 'instance', identity: here, classIdentity: callee.identity, definedAt, ...members };
      }
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

  /**
   * A class's members: its body's methods (async-ness, parameters), properties
   * and attributes, `self.x = …` in its methods, and its in-tree bases'
   * members (its own win). Incomplete when a base lies outside the tree or
   * the class defines `__getattr__`.
   */
  private async classMembers(
    module: ParsedModule,
    moduleName: string,
    node: SyntaxNode,
    depth: number,
  ): Promise<{ members: Record<string, MemberInfo>; membersComplete: boolean; parameters?: ParameterInfo }> {
    const members: Record<string, MemberInfo> = {};
    let complete = true;
    const at = (n: SyntaxNode) => ({ file: module.file, line: n.startPosition.row + 1 });
    const own: Record<string, MemberInfo> = {};
    const body = node.childForFieldName('body');
    for (const statement of body?.namedChildren ?? []) {
      if (!statement) continue;
      let fn: SyntaxNode | null = statement.type === 'function_definition' ? statement : null;
      const decorators: string[] = [];
      if (statement.type === 'decorated_definition') {
        for (const d of statement.namedChildren) if (d?.type === 'decorator') decorators.push(d.namedChildren[0]?.text ?? '');
        const inner = statement.childForFieldName('definition');
        fn = inner?.type === 'function_definition' ? inner : null;
      }
      if (fn) {
        const name = fn.childForFieldName('name')?.text;
        if (!name) continue;
        if (name === '__getattr__') complete = false;
        const isProperty = decorators.some((d) => /(^|\.)(cached_)?property$/.test(d) || d.endsWith('.setter') || d.endsWith('.getter'));
        const isStatic = decorators.some((d) => d === 'staticmethod');
        own[name] = isProperty ? { kind: 'property', definedAt: at(fn) } : { kind: 'method', async: isAsync(fn), parameters: parametersOf(fn, !isStatic), definedAt: at(fn) };
        for (const attr of selfAttributes(fn)) own[attr.name] ??= { kind: 'attribute', definedAt: at(attr.node) };
        continue;
      }
      for (const target of classAttributeTargets(statement)) own[target.text] ??= { kind: 'attribute', definedAt: at(target) };
    }
    for (const base of node.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!base || base.type === 'keyword_argument' || base.type === 'comment') continue;
      if (base.type === 'identifier' && base.text === 'object') continue;
      const resolved = this.resolveExpression(module, moduleName, base);
      const info = resolved ? await this.describe(resolved, depth + 1) : null;
      if (info?.kind !== 'class' || !info.members) {
        complete = false;
        continue;
      }
      if (info.membersComplete === false) complete = false;
      Object.assign(members, info.members);
    }
    Object.assign(members, own);
    const init = members.__init__;
    return { members, membersComplete: complete, ...(init?.parameters ? { parameters: init.parameters } : {}) };
  }

  /** A package of the tree holds where `moduleName` would be (its parent is a package under the source roots). */
  private inTreePackage(moduleName: string): boolean {
    const dot = moduleName.lastIndexOf('.');
    return dot > 0 && moduleFile(this.root, this.sourceRoots, moduleName.slice(0, dot)) !== null;
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

function isAsync(fn: SyntaxNode): boolean {
  return fn.children.some((c) => c.type === 'async');
}

/** What a function accepts; `method`: its first parameter (`self`, `cls`) is bound, not passed. */
function parametersOf(fn: SyntaxNode, method: boolean): ParameterInfo {
  let required = 0;
  let positional = 0;
  let keywordOnly = false;
  let anyKeyword = false;
  const keywords: string[] = [];
  const requiredKeywords: string[] = [];
  let skipped = !method;
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param || param.type === 'comment') continue;
    if (param.type === 'positional_separator') continue;
    if (param.type === 'keyword_separator') {
      keywordOnly = true;
      continue;
    }
    if (param.type === 'list_splat_pattern') {
      positional = Number.POSITIVE_INFINITY;
      keywordOnly = true;
      continue;
    }
    if (param.type === 'dictionary_splat_pattern') {
      anyKeyword = true;
      continue;
    }
    const hasDefault = param.type === 'default_parameter' || param.type === 'typed_default_parameter';
    const nameNode = param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.namedChildren.find((c) => c?.type === 'identifier') ?? null);
    const name = nameNode?.text ?? '';
    if (!skipped) {
      skipped = true;
      continue;
    }
    keywords.push(name);
    if (keywordOnly) {
      if (!hasDefault) requiredKeywords.push(name);
      continue;
    }
    if (positional !== Number.POSITIVE_INFINITY) positional++;
    if (!hasDefault) required++;
  }
  return { required, positional, keywords, requiredKeywords, anyKeyword };
}

/** `self.x = …` (and `self.x: T = …`) in a method: the attributes it sets. */
function selfAttributes(fn: SyntaxNode): { name: string; node: SyntaxNode }[] {
  const first = fn.childForFieldName('parameters')?.namedChildren.find((c) => c && c.type !== 'comment');
  const self = first?.type === 'identifier' ? first.text : first?.childForFieldName('name')?.text;
  if (!self) return [];
  const out: { name: string; node: SyntaxNode }[] = [];
  for (const assignment of fn.descendantsOfType('assignment')) {
    const left = assignment.childForFieldName('left');
    const targets = left?.type === 'pattern_list' || left?.type === 'tuple_pattern' ? left.namedChildren : [left];
    for (const t of targets) {
      if (t?.type !== 'attribute') continue;
      const object = t.childForFieldName('object');
      const attr = t.childForFieldName('attribute');
      if (object?.type === 'identifier' && object.text === self && attr) out.push({ name: attr.text, node: attr });
    }
  }
  return out;
}

/** Names a class-body statement binds as class attributes (`x = 1`, `x: int = 1`, `x: int`). */
function classAttributeTargets(statement: SyntaxNode): SyntaxNode[] {
  if (statement.type !== 'expression_statement') return [];
  const out: SyntaxNode[] = [];
  for (const child of statement.namedChildren) {
    if (child?.type !== 'assignment') continue;
    const left = child.childForFieldName('left');
    if (left?.type === 'identifier') out.push(left);
    else if (left?.type === 'pattern_list' || left?.type === 'tuple_pattern') for (const t of left.namedChildren) if (t?.type === 'identifier') out.push(t);
  }
  return out;
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

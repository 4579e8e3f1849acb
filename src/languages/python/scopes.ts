/**
 * Python scope analysis over a tree-sitter tree: which names each scope binds
 * (imports, assignments, parameters, definitions, loop/with/except/match
 * targets, walrus, del, global/nonlocal) and what every load of a name
 * resolves to, with Python's rules: locals are decided per scope at compile
 * time, class scopes are invisible to nested scopes, comprehensions and
 * lambdas are scopes, decorators/defaults/annotations/bases are evaluated in
 * the enclosing scope, the first iterable of a comprehension too.
 */
import { pushReversed } from '../../parsing/liteTree.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';

export type ScopeKind = 'module' | 'class' | 'function' | 'lambda' | 'comprehension';

export type BindingKind =
  | 'import'
  | 'from-import'
  | 'star-import'
  | 'assignment'
  | 'augmented-assignment'
  | 'annotation-only'
  | 'parameter'
  | 'function'
  | 'class'
  | 'for-target'
  | 'with-target'
  | 'except-target'
  | 'walrus'
  | 'del'
  | 'match-capture'
  | 'type-parameter';

/** What an import statement binds to a local name. */
export interface ImportBindingInfo {
  /** import_statement / import_from_statement */
  readonly statement: SyntaxNode;
  /** The `aliased_import` or `dotted_name` child that produced this binding (the `*` node for star imports). */
  readonly clause: SyntaxNode;
  /** Node to report at: the imported name (or the module path for `import M`). */
  readonly reportNode: SyntaxNode;
  /** Absolute dotted path the local name refers to (`import a.b.c` binds `a` → `a`). Null when a relative import cannot be resolved. */
  readonly qualifiedName: string | null;
  /** For `import a.b.c` (no alias): the module actually imported, `a.b.c`. For others equals qualifiedName. */
  readonly importedPath: string | null;
  /** The module part of a from-import (absolute), or the module of `import M`. */
  readonly module: string | null;
  /** The imported name of a from-import (`N` of `from M import N as A`), null for `import M`. */
  readonly importedName: string | null;
  readonly alias: string | null;
}

export interface Binding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The identifier (or for imports the alias/name identifier) that binds. */
  readonly node: SyntaxNode;
  readonly scope: Scope;
  readonly import?: ImportBindingInfo;
}

export interface Reference {
  readonly name: string;
  readonly node: SyntaxNode;
  readonly scope: Scope;
  /** The scope the name resolves to, null for builtins/undefined names. */
  resolvedScope: Scope | null;
  /** Bindings it may refer to: one when flow makes it clear, several when not. */
  candidates: readonly Binding[];
}

export interface Scope {
  readonly id: number;
  readonly kind: ScopeKind;
  readonly node: SyntaxNode;
  readonly parent: Scope | null;
  readonly children: Scope[];
  readonly bindings: Map<string, Binding[]>;
  /** Names declared `global` / `nonlocal` here (one shared empty set until the first). */
  globals: ReadonlySet<string>;
  nonlocals: ReadonlySet<string>;
}

export interface ScopeAnalysis {
  readonly module: Scope;
  readonly scopes: Scope[];
  readonly references: Reference[];
  /** Every binding from an import statement, in source order. */
  readonly importBindings: Binding[];
  /** Scope owning each scope-creating node, by node id. */
  scopeOfNode(node: SyntaxNode): Scope | undefined;
}

/** Resolves a from-import's module (relative or absolute) to an absolute dotted path, or null. */
export type ModuleResolver = (level: number, module: string | null) => string | null;

const NO_NAMES: ReadonlySet<string> = new Set();
const NO_BINDINGS: readonly Binding[] = Object.freeze([]);

/** `names` with `name` added: a new set the first time (scopes share one empty set until then). */
function withName(names: ReadonlySet<string>, name: string): ReadonlySet<string> {
  const set = names === NO_NAMES ? new Set<string>() : (names as Set<string>);
  set.add(name);
  return set;
}

/** A step of the scope walk: a node to visit, or an action that follows the visits before it. */
type Step = SyntaxNode | (() => void);

const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

/**
 * Which statements an analysis must visit: false for a statement (a child of
 * the module or of a block) that provably holds nothing the caller asks
 * about, so its subtree is neither visited nor copied out of the wasm tree.
 * See `relevanceOf`.
 */
export type Relevance = (statement: SyntaxNode) => boolean;

/**
 * Relevance from text: a statement matters when one of `words` occurs on its
 * lines as a whole word, or one of `prefixes` as the start of a word (the
 * whole first and last line count, so a trailing comment does). Sound for
 * name resolution as long as the words include every name asked about:
 * whatever binds, declares or loads a name spells it as a word.
 */
export function relevanceOf(root: SyntaxNode, words: Iterable<string>, prefixes: Iterable<string> = []): Relevance {
  const text = root.tree.source;
  const offsets: number[] = [];
  const collect = (needle: string, wholeWord: boolean) => {
    if (!needle) return;
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      if (isWordChar(text.charCodeAt(at - 1))) continue;
      if (wholeWord && isWordChar(text.charCodeAt(at + needle.length))) continue;
      offsets.push(at);
    }
  };
  for (const word of new Set(words)) collect(word, true);
  for (const prefix of new Set(prefixes)) collect(prefix, false);
  offsets.sort((a, b) => a - b);
  const tree = root.tree;
  return (node) => {
    const { from, to } = tree.rowSpan(node.startIndex, node.endIndex);
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets.length && offsets[lo]! < to;
  };
}

/**
 * ASCII letters, digits and `_` continue a word. Any other code unit ends
 * one — a non-ASCII letter too, which can only make a statement count that
 * need not (never the reverse).
 */
function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * True when `relevant` leaves `node` out: a statement (a child of the
 * module or of a block) it does not accept. Everything else is visited.
 */
export function skippedBy(relevant: Relevance | undefined, node: SyntaxNode): boolean {
  const parent = node.parent;
  return relevant !== undefined && parent !== null && (parent.type === 'module' || parent.type === 'block') && !relevant(node);
}

/**
 * Scopes, bindings and references of a module. With `relevant`, only the
 * statements it accepts are visited: bindings and references of names that
 * occur nowhere else are then complete, others are not.
 */
export function analyzeScopes(root: SyntaxNode, resolveModule: ModuleResolver, relevant?: Relevance): ScopeAnalysis {
  const scopes: Scope[] = [];
  const references: Reference[] = [];
  const importBindings: Binding[] = [];
  const byNode = new Map<number, Scope>();

  const newScope = (kind: ScopeKind, node: SyntaxNode, parent: Scope | null): Scope => {
    const scope: Scope = {
      id: scopes.length,
      kind,
      node,
      parent,
      children: [],
      bindings: new Map(),
      globals: NO_NAMES,
      nonlocals: NO_NAMES,
    };
    scopes.push(scope);
    parent?.children.push(scope);
    byNode.set(node.id, scope);
    return scope;
  };

  const bind = (scope: Scope, name: string, kind: BindingKind, node: SyntaxNode, info?: ImportBindingInfo): Binding => {
    const binding: Binding = info ? { name, kind, node, scope, import: info } : { name, kind, node, scope };
    const list = scope.bindings.get(name);
    // (a list grown from empty keeps room for 17; most names are bound once)
    if (list) list.push(binding);
    else scope.bindings.set(name, [binding]);
    if (info) importBindings.push(binding);
    return binding;
  };

  const reference = (scope: Scope, node: SyntaxNode): void => {
    const ref: Reference = { name: node.text, node, scope, resolvedScope: null, candidates: NO_BINDINGS };
    references.push(ref);
  };

  /** The scope a walrus target binds in: the nearest non-comprehension scope. */
  const walrusScope = (scope: Scope): Scope => {
    let s = scope;
    while (s.kind === 'comprehension' && s.parent) s = s.parent;
    return s;
  };

  // The walk keeps its own stack: nothing recurses on how deeply the input
  // nests. A node's handler emits steps — visits of its children, and the
  // actions that must follow them (a binding made after its value is read) —
  // and the steps run before the handler's later siblings: everything happens
  // in the order of a recursive walk. An action asked for before its handler
  // emitted anything runs at once.
  const steps: Step[] = [];
  const stepScopes: Scope[] = [];
  const emitted: Step[] = [];
  const emittedScopes: Scope[] = [];

  const visit = (node: SyntaxNode, scope: Scope): void => {
    emitted.push(node);
    emittedScopes.push(scope);
  };

  const later = (action: () => void, scope: Scope): void => {
    if (emitted.length === 0) action();
    else {
      emitted.push(action);
      emittedScopes.push(scope);
    }
  };

  const bindLater = (scope: Scope, name: string, kind: BindingKind, node: SyntaxNode): void => {
    if (emitted.length === 0) bind(scope, name, kind, node);
    else later(() => bind(scope, name, kind, node), scope);
  };

  const referenceLater = (scope: Scope, node: SyntaxNode): void => {
    if (emitted.length === 0) reference(scope, node);
    else later(() => reference(scope, node), scope);
  };

  const walk = (root: SyntaxNode, scope: Scope): void => {
    visitChildren(root, scope);
    for (;;) {
      if (emitted.length > 0) {
        for (let i = emitted.length - 1; i >= 0; i--) {
          steps.push(emitted[i]!);
          stepScopes.push(emittedScopes[i]!);
        }
        emitted.length = 0;
        emittedScopes.length = 0;
      }
      const step = steps.pop();
      const scope = stepScopes.pop();
      if (step === undefined || scope === undefined) return;
      if (typeof step === 'function') step();
      else handle(step, scope);
    }
  };

  const pushChildSteps = (node: SyntaxNode, scope: Scope): void => {
    const children = node.namedChildren;
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]!;
      if (skippedBy(relevant, child)) continue;
      steps.push(child);
      stepScopes.push(scope);
    }
  };

  const visitChildren = (node: SyntaxNode, scope: Scope): void => {
    for (const child of node.namedChildren) if (!skippedBy(relevant, child)) visit(child, scope);
  };

  /** Binds every name in an assignment-like target; loads inside (attribute objects, subscripts) are visited. */
  const bindTarget = (target: SyntaxNode, scope: Scope, kind: BindingKind): void => {
    const pending = [target];
    for (let node = pending.pop(); node; node = pending.pop()) {
      switch (node.type) {
        case 'identifier':
          bindLater(scope, node.text, kind, node);
          break;
        case 'pattern_list':
        case 'tuple_pattern':
        case 'list_pattern':
        case 'tuple':
        case 'list':
        case 'expression_list':
        case 'parenthesized_expression':
        case 'list_splat_pattern':
        case 'list_splat':
        case 'as_pattern_target':
          pushReversed(pending, node.namedChildren);
          break;
        default:
          visit(node, scope);
      }
    }
  };

  const visitParameters = (params: SyntaxNode | null, fnScope: Scope, outer: Scope): void => {
    if (!params) return;
    for (const param of params.namedChildren) {
      if (!param) continue;
      switch (param.type) {
        case 'identifier':
          bindLater(fnScope, param.text, 'parameter', param);
          break;
        case 'typed_parameter': {
          const type = param.childForFieldName('type');
          if (type) visit(type, outer);
          for (const child of param.namedChildren) {
            if (!child || child === type || child.type === 'type') continue;
            bindParameterName(child, fnScope);
          }
          break;
        }
        case 'default_parameter':
        case 'typed_default_parameter': {
          const name = param.childForFieldName('name');
          const type = param.childForFieldName('type');
          const value = param.childForFieldName('value');
          if (type) visit(type, outer);
          if (value) visit(value, outer);
          if (name) bindParameterName(name, fnScope);
          break;
        }
        case 'list_splat_pattern':
        case 'dictionary_splat_pattern':
          bindParameterName(param, fnScope);
          break;
        case 'tuple_pattern':
          bindTarget(param, fnScope, 'parameter');
          break;
        default:
          break; // separators
      }
    }
  };

  const bindParameterName = (node: SyntaxNode, fnScope: Scope): void => {
    if (node.type === 'identifier') bindLater(fnScope, node.text, 'parameter', node);
    else for (const child of node.namedChildren) if (child) bindParameterName(child, fnScope);
  };

  const visitImport = (node: SyntaxNode, scope: Scope): void => {
    for (const clause of node.childrenForFieldName('name')) {
      if (!clause) continue;
      if (clause.type === 'aliased_import') {
        const dotted = clause.childForFieldName('name');
        const alias = clause.childForFieldName('alias');
        if (!dotted || !alias) continue;
        const path = dottedText(dotted);
        bind(scope, alias.text, 'import', alias, {
          statement: node,
          clause,
          reportNode: dotted,
          qualifiedName: path,
          importedPath: path,
          module: path,
          importedName: null,
          alias: alias.text,
        });
      } else if (clause.type === 'dotted_name') {
        const path = dottedText(clause);
        const first = clause.namedChildren[0];
        if (!first) continue;
        bind(scope, first.text, 'import', first, {
          statement: node,
          clause,
          reportNode: clause,
          qualifiedName: first.text,
          importedPath: path,
          module: path,
          importedName: null,
          alias: null,
        });
      }
    }
  };

  const visitImportFrom = (node: SyntaxNode, scope: Scope): void => {
    const moduleNode = node.childForFieldName('module_name');
    let level = 0;
    let moduleText: string | null = null;
    if (moduleNode?.type === 'relative_import') {
      for (const child of moduleNode.namedChildren) {
        if (child?.type === 'import_prefix') level = child.text.replace(/\s/g, '').length;
        else if (child?.type === 'dotted_name') moduleText = dottedText(child);
      }
    } else if (moduleNode) {
      moduleText = dottedText(moduleNode);
    }
    const module = resolveModule(level, moduleText);
    const star = node.namedChildren.find((child) => child?.type === 'wildcard_import');
    if (star) {
      bind(scope, '*', 'star-import', star, {
        statement: node,
        clause: star,
        reportNode: moduleNode ?? star,
        qualifiedName: module,
        importedPath: module,
        module,
        importedName: '*',
        alias: null,
      });
      return;
    }
    for (const clause of node.childrenForFieldName('name')) {
      if (!clause) continue;
      let nameNode: SyntaxNode | null = clause;
      let aliasNode: SyntaxNode | null = null;
      if (clause.type === 'aliased_import') {
        nameNode = clause.childForFieldName('name');
        aliasNode = clause.childForFieldName('alias');
      }
      if (!nameNode) continue;
      const importedName = dottedText(nameNode);
      const local = aliasNode ?? nameNode.namedChildren[0] ?? nameNode;
      const qualified = module === null ? null : module ? `${module}.${importedName}` : importedName;
      bind(scope, local.text, 'from-import', local, {
        statement: node,
        clause,
        reportNode: nameNode,
        qualifiedName: qualified,
        importedPath: qualified,
        module,
        importedName,
        alias: aliasNode?.text ?? null,
      });
    }
  };

  const visitFunction = (node: SyntaxNode, scope: Scope, kind: 'function' | 'lambda'): void => {
    const returnType = node.childForFieldName('return_type');
    if (!returnType) return visitFunctionScope(node, scope, kind);
    visit(returnType, scope);
    later(() => visitFunctionScope(node, scope, kind), scope);
  };

  /** A function's own scope, after its return annotation (read in the enclosing scope). */
  const visitFunctionScope = (node: SyntaxNode, scope: Scope, kind: 'function' | 'lambda'): void => {
    const name = node.childForFieldName('name');
    const typeParams = node.childForFieldName('type_parameters');
    const fnScope = newScope(kind, node, scope);
    if (typeParams) visitTypeParameters(typeParams, fnScope);
    visitParameters(node.childForFieldName('parameters'), fnScope, scope);
    // (bound before the body is walked: the body binds nothing in `scope`, so `scope`'s bindings
    // come in the same order as after it, and no action has to wait for the whole body)
    if (name) bindLater(scope, name.text, 'function', name);
    const body = node.childForFieldName('body');
    if (body) visit(body, fnScope);
  };

  const visitTypeParameters = (node: SyntaxNode, scope: Scope): void => {
    for (const child of node.namedChildren) {
      if (!child) continue;
      const ident = child.type === 'type' ? child.namedChildren[0] : child;
      if (ident?.type === 'identifier') bindLater(scope, ident.text, 'type-parameter', ident);
      else visit(child, scope);
    }
  };

  const visitComprehension = (node: SyntaxNode, scope: Scope): void => {
    const compScope = newScope('comprehension', node, scope);
    let first = true;
    const clauses: SyntaxNode[] = [];
    let body: SyntaxNode | null = null;
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'for_in_clause' || child.type === 'if_clause') clauses.push(child);
      else if (child.type !== 'line_continuation' && child.type !== 'comment') body ??= child; // extras are not the body
    }
    for (const clause of clauses) {
      if (clause.type === 'for_in_clause') {
        const left = clause.childForFieldName('left');
        for (const right of clause.childrenForFieldName('right')) if (right) visit(right, first ? scope : compScope);
        if (left) bindTarget(left, compScope, 'for-target');
        first = false;
      } else {
        visitChildren(clause, compScope);
      }
    }
    if (body) visit(body, compScope);
  };

  const visitMatchPattern = (pattern: SyntaxNode, scope: Scope): void => {
    // (an `as` alias is bound after the pattern it names: a null marks its place)
    const pending: (SyntaxNode | null)[] = [pattern];
    const aliases: SyntaxNode[] = [];
    while (pending.length) {
      const node = pending.pop();
      if (node === null) {
        bindTarget(aliases.pop()!, scope, 'match-capture');
        continue;
      }
      if (!node) break;
      switch (node.type) {
        case 'dotted_name': {
          // a bare name is a capture; a dotted name is a value pattern (a load)
          const parts = node.namedChildren;
          if (parts.length === 1 && parts[0]) {
            if (parts[0].text !== '_') bindLater(scope, parts[0].text, 'match-capture', parts[0]);
          } else if (parts[0]) referenceLater(scope, parts[0]);
          break;
        }
        case 'class_pattern': {
          const [cls, ...rest] = node.namedChildren;
          if (cls?.type === 'dotted_name' && cls.namedChildren[0]) referenceLater(scope, cls.namedChildren[0]);
          pushReversed(pending, rest);
          break;
        }
        case 'keyword_pattern': {
          const [, value] = node.namedChildren;
          if (value) pending.push(value);
          break;
        }
        case 'as_pattern': {
          const alias = node.childForFieldName('alias');
          if (alias) {
            aliases.push(alias);
            pending.push(null);
          }
          pushReversed(pending, alias ? node.namedChildren.filter((child) => child !== alias) : node.namedChildren);
          break;
        }
        case 'identifier':
          if (node.text !== '_') bindLater(scope, node.text, 'match-capture', node);
          break;
        case 'string':
        case 'integer':
        case 'float':
        case 'true':
        case 'false':
        case 'none':
          break;
        case 'splat_pattern':
        case 'dict_pattern':
        case 'case_pattern':
        case 'list_pattern':
        case 'tuple_pattern':
        case 'union_pattern':
          pushReversed(pending, node.namedChildren);
          break;
        default:
          visit(node, scope);
      }
    }
  };

  /** One node's handler: what it binds and loads, and the steps for its children. */
  const handle = (node: SyntaxNode, scope: Scope): void => {
    switch (node.type) {
      case 'identifier':
        reference(scope, node);
        return;
      case 'import_statement':
        visitImport(node, scope);
        return;
      case 'import_from_statement':
        visitImportFrom(node, scope);
        return;
      case 'future_import_statement':
        return;
      case 'function_definition':
        visitFunction(node, scope, 'function');
        return;
      case 'lambda': {
        const lambdaScope = newScope('lambda', node, scope);
        const params = node.childForFieldName('parameters');
        visitParameters(params, lambdaScope, scope);
        const body = node.childForFieldName('body');
        if (body) visit(body, lambdaScope);
        return;
      }
      case 'decorated_definition':
        for (const child of node.namedChildren) if (child) visit(child, scope);
        return;
      case 'class_definition': {
        const name = node.childForFieldName('name');
        const superclasses = node.childForFieldName('superclasses');
        const classScope = newScope('class', node, scope);
        const typeParams = node.childForFieldName('type_parameters');
        if (typeParams) visitTypeParameters(typeParams, classScope);
        if (superclasses) visit(superclasses, scope);
        // (bound before the body is walked, as for a function)
        if (name) bindLater(scope, name.text, 'class', name);
        const body = node.childForFieldName('body');
        if (body) visit(body, classScope);
        return;
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'dictionary_comprehension':
      case 'generator_expression':
        visitComprehension(node, scope);
        return;
      case 'assignment': {
        const left = node.childForFieldName('left');
        const type = node.childForFieldName('type');
        const right = node.childForFieldName('right');
        if (type) visit(type, scope);
        if (right) visit(right, scope);
        if (left) bindTarget(left, scope, right ? 'assignment' : 'annotation-only');
        return;
      }
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (right) visit(right, scope);
        if (left?.type === 'identifier') {
          referenceLater(scope, left);
          bindLater(scope, left.text, 'augmented-assignment', left);
        } else if (left) visit(left, scope);
        return;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        const value = node.childForFieldName('value');
        if (value) visit(value, scope);
        if (name) bindLater(walrusScope(scope), name.text, 'walrus', name);
        return;
      }
      case 'for_statement': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (right) visit(right, scope);
        if (left) bindTarget(left, scope, 'for-target');
        for (const field of ['body', 'alternative']) {
          const child = node.childForFieldName(field);
          if (child) visit(child, scope);
        }
        return;
      }
      case 'with_item': {
        const value = node.childForFieldName('value');
        if (value?.type === 'as_pattern') {
          const alias = value.childForFieldName('alias');
          for (const child of value.namedChildren) if (child && child !== alias) visit(child, scope);
          if (alias) bindTarget(alias, scope, 'with-target');
        } else if (value) visit(value, scope);
        return;
      }
      case 'except_clause':
      case 'except_group_clause': {
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.type === 'as_pattern') {
            const alias = child.childForFieldName('alias');
            for (const part of child.namedChildren) if (part && part !== alias) visit(part, scope);
            if (alias) bindTarget(alias, scope, 'except-target');
          } else visit(child, scope);
        }
        return;
      }
      case 'delete_statement': {
        for (const child of node.namedChildren) {
          if (!child) continue;
          const targets = child.type === 'expression_list' ? child.namedChildren : [child];
          for (const target of targets) {
            if (target?.type === 'identifier') {
              referenceLater(scope, target);
              bindLater(scope, target.text, 'del', target);
            } else if (target) visit(target, scope);
          }
        }
        return;
      }
      case 'global_statement':
        for (const child of node.namedChildren) if (child?.type === 'identifier') scope.globals = withName(scope.globals, child.text);
        return;
      case 'nonlocal_statement':
        for (const child of node.namedChildren) if (child?.type === 'identifier') scope.nonlocals = withName(scope.nonlocals, child.text);
        return;
      case 'attribute': {
        const object = node.childForFieldName('object');
        if (object) visit(object, scope);
        return;
      }
      case 'keyword_argument': {
        const value = node.childForFieldName('value');
        if (value) visit(value, scope);
        return;
      }
      case 'case_clause': {
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.type === 'case_pattern') visitMatchPattern(child, scope);
          else visit(child, scope);
        }
        return;
      }
      case 'type_alias_statement': {
        const [left, ...rest] = node.namedChildren;
        const ident = left?.type === 'type' ? left.namedChildren[0] : left;
        for (const child of rest) if (child) visit(child, scope);
        if (ident?.type === 'identifier') bindLater(scope, ident.text, 'assignment', ident);
        return;
      }
      case 'comment':
      case 'string_start':
      case 'string_content':
      case 'string_end':
      case 'escape_sequence':
        return;
      default:
        // (nothing emitted before or after: the children go straight onto the stack)
        pushChildSteps(node, scope);
    }
  };

  const moduleScope = newScope('module', root, null);
  // what the walk below visits, copied out of the wasm tree in one pass
  root.copyNamedDescendants(relevant ? (node) => skippedBy(relevant, node) : undefined);
  walk(root, moduleScope);
  for (const ref of references) resolveReference(ref, moduleScope);
  return {
    module: moduleScope,
    scopes,
    references,
    importBindings,
    scopeOfNode: (node) => byNode.get(node.id),
  };
}

/** The scope in which `name`, loaded in `scope`, is looked up (Python LEGB with class-scope skipping). */
export function lookupScope(name: string, scope: Scope, moduleScope: Scope): Scope | null {
  if (scope.globals.has(name)) return moduleScope.bindings.has(name) ? moduleScope : null;
  let s: Scope | null = scope;
  let first = true;
  while (s) {
    if (s.kind === 'class' && !first) {
      s = s.parent;
      continue;
    }
    if (!first && s.globals.has(name)) return moduleScope.bindings.has(name) ? moduleScope : null;
    if (s.nonlocals.has(name)) {
      first = false;
      s = s.parent;
      continue;
    }
    if (s.bindings.has(name)) return s;
    first = false;
    s = s.parent;
  }
  return null;
}

function resolveReference(ref: Reference, moduleScope: Scope): void {
  const target = lookupScope(ref.name, ref.scope, moduleScope);
  ref.resolvedScope = target;
  if (!target) return;
  const all = target.bindings.get(ref.name) ?? NO_BINDINGS;
  // the scope's own list when nothing in it is a `del` (lists are complete once references resolve)
  const bindings = all.some((b) => b.kind === 'del') ? all.filter((b) => b.kind !== 'del') : all;
  if (bindings.length <= 1 || target !== ref.scope) {
    ref.candidates = bindings;
    return;
  }
  // Same scope: the last binding before the reference, when it is not inside a
  // loop/branch that could make another binding visible. Conservatively, if a
  // preceding binding exists at the same or an outer block level, take it.
  const at = ref.node.startIndex;
  const preceding = bindings.filter((b) => effectiveStart(b) <= at);
  const last = preceding[preceding.length - 1];
  if (last && sameBranch(last.node, ref.node, target.node)) ref.candidates = [last];
  else ref.candidates = bindings;
}

/**
 * Where a binding takes effect: an assignment, augmented assignment or walrus
 * binds after its value is evaluated (`X = X or None` reads the old X), a for
 * target after its iterable; everything else where its name is written.
 */
function effectiveStart(binding: Binding): number {
  const { node } = binding;
  let statement: SyntaxNode | null = node.parent;
  switch (binding.kind) {
    case 'assignment':
    case 'annotation-only':
    case 'augmented-assignment':
      while (statement && statement.type !== 'assignment' && statement.type !== 'augmented_assignment') statement = statement.parent;
      // chained `a = b = value`: the outermost assignment holds the value
      while (statement?.parent?.type === 'assignment') statement = statement.parent;
      return statement ? statement.endIndex : node.startIndex;
    case 'walrus':
      while (statement && statement.type !== 'named_expression') statement = statement.parent;
      return statement ? statement.endIndex : node.startIndex;
    case 'for-target': {
      while (statement && statement.type !== 'for_statement' && statement.type !== 'for_in_clause') statement = statement.parent;
      const iterable = statement?.childForFieldName('right');
      return iterable ? iterable.endIndex : node.startIndex;
    }
    default:
      return node.startIndex;
  }
}

/** True when `binding` is in a block that encloses `use` (not a sibling branch or a loop body after which `use` comes). */
function sameBranch(binding: SyntaxNode, use: SyntaxNode, scopeNode: SyntaxNode): boolean {
  let block = binding.parent;
  while (block && block.type !== 'block' && block.id !== scopeNode.id) block = block.parent;
  if (!block || block.id === scopeNode.id) return true;
  // the binding's block must contain the use
  if (!(use.startIndex >= block.startIndex && use.endIndex <= block.endIndex)) return false;
  // and no loop between the block and the scope may wrap the use before the binding — approximated by: the block itself is fine
  return true;
}

/** Text of a dotted_name without whitespace or line continuations. */
export function dottedText(node: SyntaxNode): string {
  if (node.type === 'identifier') return node.text;
  const parts: string[] = [];
  for (const child of node.namedChildren) if (child?.type === 'identifier') parts.push(child.text);
  return parts.length ? parts.join('.') : node.text;
}

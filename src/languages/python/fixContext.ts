/**
 * What the planner asks of a file's analysis beyond the findings: ImportError
 * fallbacks, class bodies that read a global, `global`/`nonlocal`
 * declarations, and names used inside strings (string annotations, `__all__`).
 */
import type { RawFinding } from '../../model/finding.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import { skippedBy, type Binding, type Reference, type Relevance, type Scope } from './scopes.js';

/** `X = None` inside `except ImportError` / `ModuleNotFoundError` of the try that imports X. */
export function isNoneFallback(other: Binding, imported: Binding): boolean {
  if (other.kind !== 'assignment') return false;
  const assignment = other.node.parent;
  if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.id !== other.node.id) return false;
  if (assignment.childForFieldName('right')?.type !== 'none') return false;
  let except: SyntaxNode | null = assignment.parent;
  while (except && except.type !== 'except_clause') {
    if (except.type === 'function_definition' || except.type === 'class_definition') return false;
    except = except.parent;
  }
  if (!except) return false;
  const tryStatement = except.parent;
  if (tryStatement?.type !== 'try_statement') return false;
  const body = tryStatement.childForFieldName('body');
  const importStatement = imported.import!.statement;
  if (!body || importStatement.startIndex < body.startIndex || importStatement.endIndex > body.endIndex) return false;
  const caught = except.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
  if (!caught) return true; // bare except
  const names = caught.type === 'tuple' ? caught.namedChildren.map((c) => c?.text) : [caught.text];
  return names.some((n) => n === 'ImportError' || n === 'ModuleNotFoundError');
}

/**
 * A load in a class body that runs before the class binds the name itself:
 * Python then reads the global (LOAD_NAME), not the class's binding the scope
 * analysis resolves it to (`class C: x = x`). Unsure cases count as reads.
 */
export function classReadsGlobal(ref: Reference): boolean {
  if (ref.scope.kind !== 'class' || ref.resolvedScope !== ref.scope) return false;
  const at = ref.node.startIndex;
  return !(ref.scope.bindings.get(ref.name) ?? []).some((b) => statementOf(b.node, ref.scope.node).endIndex <= at);
}

/** The statement directly in `scopeNode`'s body that contains `node`. */
function statementOf(node: SyntaxNode, scopeNode: SyntaxNode): SyntaxNode {
  let n = node;
  while (n.parent && n.parent.type !== 'block' && n.parent.id !== scopeNode.id) n = n.parent;
  return n;
}

/** The name is declared `global`/`nonlocal` somewhere — in its own scope the import then binds another scope's name. */
export function declaredElsewhere(binding: Binding, scopes: readonly Scope[]): boolean {
  return scopes.some((s) => s.globals.has(binding.name) || s.nonlocals.has(binding.name));
}

/**
 * Names used inside string literals the analysis does not resolve: string
 * annotations it could not read (`cast("T", v)`, `TypeVar("T", bound="C")`,
 * strings that are not one expression) and the strings of `__all__` (re-exports).
 */
export function namesInStrings(root: SyntaxNode, findings: readonly RawFinding[], relevant: Relevance): { annotations: Set<string>; exported: Set<string> } {
  const annotations = new Set<string>();
  const exported = new Set<string>();
  const identifier = /[\p{ID_Start}_][\p{ID_Continue}]*/gu;
  const contentOf = (node: SyntaxNode) =>
    node.namedChildren
      .filter((c): c is SyntaxNode => c !== null && c.type === 'string_content')
      .map((c) => c.text)
      .join('');
  // (only the names of deprecated bindings are looked up: the statements that spell none are skipped)
  for (const node of root.descendantsOfType('string', (n) => skippedBy(relevant, n))) {
    if (!node) continue;
    if (isAllEntry(node)) {
      exported.add(contentOf(node));
      continue;
    }
    if (!inTypePosition(node)) continue;
    // strings the analysis resolved (its usage findings lie inside) are handled as uses
    if (findings.some((f) => f.kind === 'usage' && f.range.start >= node.startIndex && f.range.end <= node.endIndex)) continue;
    for (const match of contentOf(node).matchAll(identifier)) {
      // the first name of a dotted path is what must be bound
      const at = match.index ?? 0;
      if (at > 0 && contentOf(node)[at - 1] === '.') continue;
      annotations.add(match[0]);
    }
  }
  return { annotations, exported };
}

/** Annotations, `cast`/`TypeVar`/`NewType` arguments, the value of `X: TypeAlias = …` and of `type X = …`. */
function inTypePosition(node: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node.parent; n; n = n.parent) {
    if (n.type === 'type' || n.type === 'type_alias_statement') return true;
    if (n.type === 'argument_list') {
      const fn = n.parent?.childForFieldName('function');
      const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
      return name === 'cast' || name === 'TypeVar' || name === 'NewType' || name === 'TypeAliasType';
    }
    if (n.type === 'assignment') return /(^|\.)TypeAlias$/.test(n.childForFieldName('type')?.text ?? '');
    if (n.type.endsWith('statement') || n.type === 'block' || n.type === 'lambda') return false;
  }
  return false;
}

/** A string in the list/tuple assigned (or added) to `__all__`. */
function isAllEntry(node: SyntaxNode): boolean {
  const sequence = node.parent;
  if (sequence?.type !== 'list' && sequence?.type !== 'tuple') return false;
  const assignment = sequence.parent;
  if (assignment?.type !== 'assignment' && assignment?.type !== 'augmented_assignment') return false;
  return assignment.childForFieldName('left')?.text === '__all__';
}

/**
 * Whether a scope is `outer` or nested in it, answered without a walk per
 * level of nesting: every scope is in the module's; for another, the set of
 * its nested scopes is gathered once.
 */
export function scopesWithin(outer: Scope): (scope: Scope) => boolean {
  if (outer.kind === 'module') return () => true;
  const inside = new Set<Scope>();
  const pending = [outer];
  for (let s = pending.pop(); s; s = pending.pop()) {
    inside.add(s);
    for (const child of s.children) pending.push(child);
  }
  return (scope) => inside.has(scope);
}

/**
 * What guards an import statement: `import-error` inside the body of a
 * `try` whose handler catches ImportError (or ModuleNotFoundError, Exception,
 * or everything); `catch-warnings` inside `with warnings.catch_warnings():`;
 * null otherwise.
 */
export function importGuardOf(statement: SyntaxNode): 'import-error' | 'catch-warnings' | null {
  for (let n: SyntaxNode | null = statement.parent; n; n = n.parent) {
    if (n.type === 'function_definition' || n.type === 'class_definition') return null;
    if (n.type === 'try_statement') {
      const body = n.childForFieldName('body');
      if (!body || statement.startIndex < body.startIndex || statement.endIndex > body.endIndex) continue;
      for (const clause of n.namedChildren) {
        if (clause?.type !== 'except_clause') continue;
        const caught = clause.namedChildren.find((c) => c && c.type !== 'block' && c.type !== 'comment');
        if (!caught) return 'import-error';
        const names = caught.type === 'tuple' ? caught.namedChildren.map((c) => c?.text) : caught.type === 'as_pattern' ? [caught.namedChildren[0]?.text] : [caught.text];
        if (names.some((x) => x === 'ImportError' || x === 'ModuleNotFoundError' || x === 'Exception' || x === 'BaseException')) return 'import-error';
      }
    }
    if (n.type === 'with_statement') {
      const items = n.descendantsOfType('with_item');
      if (items.some((i) => i.text.includes('catch_warnings'))) return 'catch-warnings';
    }
  }
  return null;
}

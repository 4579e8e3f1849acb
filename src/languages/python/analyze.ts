/**
 * Findings for one Python file: deprecated import bindings, every usage of
 * them (categorised), attribute chains that reach a banned path through an
 * allowed import (`import a.b.M` then `a.b.M.N`), and string literals whose
 * whole value is a banned dotted path. Pure: a tree in, data out.
 */
import type { Ban, RawFinding, UsageCategory } from '../../model/finding.js';
import { findBan, isAtOrUnder } from '../../model/finding.js';
import { Parser } from 'web-tree-sitter';
import { AncestorMemo, LiteTree, pushReversed } from '../../parsing/liteTree.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import { analyzeScopes, lookupScope, relevanceOf, skippedBy, type Binding, type Relevance, type Scope, type ScopeAnalysis } from './scopes.js';
import { resolveRelativeModule, type ModuleContext } from './moduleNames.js';

const TYPE_POSITIONS = new Set<UsageCategory>(['annotation', 'isinstance', 'spec', 'base-class']);
/** unittest.mock callables whose first positional argument is the spec. */
const SPEC_FIRST = new Set(['Mock', 'MagicMock', 'NonCallableMock', 'NonCallableMagicMock', 'AsyncMock', 'create_autospec']);

export interface PythonFileAnalysis {
  readonly findings: RawFinding[];
  readonly scopes: ScopeAnalysis;
  /** Import bindings that a ban covers, with the ban. */
  readonly deprecatedBindings: Map<Binding, Ban>;
  /** Usage findings → the deprecated binding they use; import findings → the binding they create. */
  readonly bindingOf: Map<RawFinding, Binding>;
  /** 0-based lines carrying `# ssot: ignore` (value: rule ids, or null for all rules). */
  readonly suppressions: Map<number, Set<string> | null>;
  /**
   * The statements the analysis visited (see `relevantStatements`): names
   * other than the deprecated ones and `extraNames` are not fully resolved.
   */
  readonly relevant: Relevance;
}

/**
 * Analyses only the statements that can matter, in two passes over the
 * text's needles: first the statements that spell `import` (every import is
 * among them), which yields the local names the bans reach; then the
 * statements that spell a banned module's last segment, a banned name or
 * `import` (every string reference is among them), or one of those local
 * names or of `extraNames` (whatever
 * binds, shadows, declares or loads a name spells it). Statements that
 * spell none of them cannot hold a finding, so they are never visited — nor
 * copied out of the wasm tree.
 */
function relevantStatements(
  root: SyntaxNode,
  bans: readonly Ban[],
  resolve: (level: number, module: string | null) => string | null,
  extraNames: readonly string[],
): { scopes: ScopeAnalysis; relevant: Relevance } {
  const needles = new Set<string>(['import']);
  for (const ban of bans) {
    for (const part of [ban.path, ban.path.slice(0, Math.max(0, ban.path.lastIndexOf('.')))]) {
      if (part) needles.add(part.slice(part.lastIndexOf('.') + 1));
    }
  }
  // the first pass only collects import bindings: every import statement (and every statement
  // around one) spells `import`, so that word alone finds them all — a file whose every function
  // uses a deprecated name is then analysed once, not twice
  const imports = analyzeScopes(root, resolve, relevanceOf(root, ['import'])).importBindings;
  const names = new Set<string>();
  for (const binding of imports) {
    const info = binding.import!;
    const qualified = info.qualifiedName;
    if (qualified === null) continue;
    if (binding.kind === 'star-import') {
      for (const ban of bans) if (ban.path.startsWith(`${qualified}.`)) names.add(ban.path.slice(qualified.length + 1).split('.')[0]!);
      continue;
    }
    const path = binding.kind === 'import' ? info.importedPath! : qualified;
    if (findBan(bans, path) || bans.some((ban) => isAtOrUnder(ban.path, qualified))) names.add(binding.name);
  }
  for (const name of needles) names.delete(name);
  // the extra names are word starts: a planner may pick `<name>_ssot2`
  const relevant = relevanceOf(root, [...needles, ...names], extraNames);
  return { scopes: analyzeScopes(root, resolve, relevant), relevant };
}

export function analyzePythonFile(
  root: SyntaxNode,
  context: ModuleContext,
  bans: readonly Ban[],
  extraNames: readonly string[] = [],
  options: { readonly ignoreSuppressions?: boolean } = {},
): PythonFileAnalysis {
  const { scopes, relevant } = relevantStatements(root, bans, (level, module) => resolveRelativeModule(context, level, module), extraNames);
  const findings: RawFinding[] = [];
  const deprecatedBindings = new Map<Binding, Ban>();
  const usageBinding = new Map<RawFinding, Binding>();
  const importBinding = new Map<RawFinding, Binding>();

  // names a star import brings in that are banned symbols (`from M import *` with M.N banned)
  const starSymbols: { star: Binding; name: string; path: string; ban: Ban }[] = [];
  for (const binding of scopes.importBindings) {
    const info = binding.import!;
    if (info.qualifiedName === null) continue;
    if (binding.kind === 'star-import') {
      const module = info.qualifiedName;
      const moduleBan = findBan(bans, module);
      if (moduleBan) {
        deprecatedBindings.set(binding, moduleBan);
        const finding = importFinding(moduleBan, info.reportNode, module, '*');
        findings.push(finding);
        importBinding.set(finding, binding);
        continue;
      }
      // a star import from a module that holds banned symbols brings them in
      for (const ban of bans) {
        if (ban.path.startsWith(`${module}.`) && !ban.path.slice(module.length + 1).includes('.')) {
          findings.push(importFinding(ban, info.reportNode, ban.path, '*'));
          starSymbols.push({ star: binding, name: ban.path.slice(module.length + 1), path: ban.path, ban });
        }
      }
      continue;
    }
    const path = binding.kind === 'import' ? info.importedPath! : info.qualifiedName;
    const ban = findBan(bans, path);
    if (!ban) continue;
    const moduleBanned = binding.kind === 'from-import' && info.module !== null && findBan(bans, info.module) !== undefined;
    const statementModule = info.statement.childForFieldName('module_name');
    const at = moduleBanned && statementModule ? statementModule : info.reportNode;
    if (binding.kind === 'import' && info.alias === null && path !== info.qualifiedName) {
      // `import a.b.M` binds `a`; uses are found through attribute chains below
      findings.push(importFinding(ban, at, path, path));
    } else {
      deprecatedBindings.set(binding, ban);
      const finding = importFinding(ban, at, path, binding.name);
      findings.push(finding);
      importBinding.set(finding, binding);
    }
  }

  const rebindingFindings = new Map<RawFinding, Binding>();
  for (const ref of scopes.references) {
    if (ref.resolvedScope === null && starSymbols.length) {
      // a free name that only a star import can bind: the banned symbol it brings in
      const starScope = lookupScope('*', ref.scope, scopes.module);
      const star = starSymbols.find((s) => s.name === ref.name && s.star.scope === starScope);
      if (star) {
        findings.push({
          ruleId: star.ban.ruleId,
          kind: 'usage',
          range: rangeOf(ref.node),
          symbol: star.path,
          local: ref.name,
          usage: categorizeUsage(ref.node),
        });
        continue;
      }
    }
    const imports = ref.candidates.filter((b) => b.import);
    if (!imports.length) continue;
    const deprecated = imports.find((b) => deprecatedBindings.has(b));
    if (deprecated) {
      const ban = deprecatedBindings.get(deprecated)!;
      const finding: RawFinding = {
        ruleId: ban.ruleId,
        kind: 'usage',
        range: rangeOf(ref.node),
        symbol: deprecated.import!.qualifiedName!,
        local: ref.name,
        usage: categorizeUsage(ref.node),
      };
      findings.push(finding);
      usageBinding.set(finding, deprecated);
      continue;
    }
    const base = imports.find((b) => b.import!.qualifiedName !== null && b.kind !== 'star-import');
    if (!base) continue;
    const { ban: chainBan, node, qualified } = bannedAttributeChain(ref.node, base.import!.qualifiedName!, bans);
    if (chainBan) {
      findings.push({ ruleId: chainBan.ruleId, kind: 'usage', range: rangeOf(node), symbol: qualified, local: compactText(node), usage: categorizeUsage(node) });
    }
    // `patch.object(module, "NAME")`, `getattr(module, "NAME")`: the module and a name, in two parts
    const named = chainBan ? null : twoPartName(node);
    if (named) {
      const path = `${qualified}.${named.name}`;
      const ban = findBan(bans, path);
      if (ban) findings.push({ ruleId: ban.ruleId, kind: 'string-reference', range: rangeOf(named.node), symbol: path, local: named.name, usage: null });
    }
  }

  const suppressions = new Map<number, Set<string> | null>();
  const annotationStrings: SyntaxNode[] = [];
  collectStringsAndComments(root, bans, findings, suppressions, annotationStrings, relevant);
  for (const node of annotationStrings) {
    for (const use of stringAnnotationUses(node, scopes, deprecatedBindings, bans)) {
      const finding: RawFinding = {
        ruleId: use.ban.ruleId,
        kind: 'usage',
        range: use.range,
        symbol: use.symbol,
        local: use.local,
        usage: 'annotation',
      };
      findings.push(finding);
      if (use.binding) usageBinding.set(finding, use.binding);
    }
  }

  // `types:` exemption: a binding of the rule's types class used only in type positions is legitimate
  for (const [binding, ban] of [...deprecatedBindings]) {
    if (!ban.typesPath || binding.import!.qualifiedName !== ban.typesPath) continue;
    const uses = findings.filter((f) => f.kind === 'usage' && usageBinding.get(f) === binding);
    if (uses.every((f) => f.usage !== null && TYPE_POSITIONS.has(f.usage))) {
      deprecatedBindings.delete(binding);
      const drop = new Set<RawFinding>(uses);
      const importAt = findings.find((f) => f.kind === 'import' && importBinding.get(f) === binding);
      if (importAt) drop.add(importAt);
      for (let i = findings.length - 1; i >= 0; i--) if (drop.has(findings[i]!)) findings.splice(i, 1);
    }
  }

  const rebindingsReported = new Set<Binding>();
  // a deprecated name rebound in its own scope (`except ImportError: X = None`), or from a
  // function that declares it `global`
  for (const [binding, ban] of deprecatedBindings) {
    const rebinders = [binding.scope];
    if (binding.scope === scopes.module) rebinders.push(...scopes.scopes.filter((s) => s.globals.has(binding.name)));
    for (const other of rebinders.flatMap((s) => s.bindings.get(binding.name) ?? [])) {
      if (other === binding || other.import || other.kind === 'del') continue;
      if (rebindingsReported.has(other)) continue; // several deprecated imports of one name: report the rebinding once
      if (other.kind === 'augmented-assignment') continue; // already a usage
      const finding: RawFinding = {
        ruleId: ban.ruleId,
        kind: 'usage',
        range: rangeOf(other.node),
        symbol: binding.import!.qualifiedName!,
        local: other.name,
        usage: 'assignment-target',
      };
      findings.push(finding);
      rebindingFindings.set(finding, binding);
      rebindingsReported.add(other);
    }
  }

  if (suppressions.size && !options.ignoreSuppressions) applySuppressions(root, findings, suppressions, deprecatedBindings, importBinding, usageBinding);
  findings.sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  const bindingOf = new Map<RawFinding, Binding>([...usageBinding, ...importBinding]);
  for (const [finding, binding] of rebindingFindings) bindingOf.set(finding, binding);
  return { findings, scopes, deprecatedBindings, bindingOf, suppressions, relevant };
}

/**
 * Drops findings on lines carrying `# ssot: ignore[...]`. An import finding is
 * suppressed by a directive on any line of its statement, and then its binding
 * is legitimate: its usages are dropped too.
 */
function applySuppressions(
  root: SyntaxNode,
  findings: RawFinding[],
  suppressions: Map<number, Set<string> | null>,
  deprecatedBindings: Map<Binding, Ban>,
  importBinding: Map<RawFinding, Binding>,
  usageBinding: Map<RawFinding, Binding>,
): void {
  const covers = (row: number, ruleId: string) => {
    if (!suppressions.has(row)) return false;
    const ids = suppressions.get(row);
    return ids === null || ids!.has(ruleId);
  };
  const dropped = new Set<RawFinding>();
  const droppedBindings = new Set<Binding>();
  for (const finding of findings) {
    let first: number;
    let last: number;
    if (finding.kind === 'import') {
      // (a finding starts where a named node does: that node's row, without copying tokens)
      const start = root.namedDescendantForIndex(finding.range.start);
      let node: SyntaxNode | null = start;
      while (node && node.type !== 'import_statement' && node.type !== 'import_from_statement') node = node.parent;
      const at = node ?? start;
      first = at.startPosition.row;
      last = at.endPosition.row;
    } else {
      first = last = root.tree.point(finding.range.start).row;
    }
    for (let row = first; row <= last; row++) {
      if (covers(row, finding.ruleId)) {
        dropped.add(finding);
        const binding = importBinding.get(finding);
        if (binding) droppedBindings.add(binding);
        break;
      }
    }
  }
  for (const binding of droppedBindings) deprecatedBindings.delete(binding);
  for (const finding of findings) {
    const binding = usageBinding.get(finding);
    if (binding && droppedBindings.has(binding)) dropped.add(finding);
  }
  for (let i = findings.length - 1; i >= 0; i--) if (dropped.has(findings[i]!)) findings.splice(i, 1);
}

function importFinding(ban: Ban, node: SyntaxNode, symbol: string, local: string): RawFinding {
  return { ruleId: ban.ruleId, kind: 'import', range: rangeOf(node), symbol, local, usage: null };
}

export function rangeOf(node: SyntaxNode): { start: number; end: number } {
  return { start: node.startIndex, end: node.endIndex };
}

function compactText(node: SyntaxNode): string {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute');
    if (object && attr) return `${compactText(object)}.${attr.text}`;
  }
  return node.text;
}

/** How a reference to a deprecated binding (or a banned attribute chain) is used. */
export function categorizeUsage(node: SyntaxNode): UsageCategory {
  const parent = node.parent;
  if (!parent) return 'other';
  if (parent.type === 'call' && parent.childForFieldName('function')?.id === node.id) {
    const args = parent.childForFieldName('arguments');
    const empty = !args || (args.type === 'argument_list' && args.namedChildCount === 0);
    return empty ? 'call-no-args' : 'call-with-args';
  }
  if (parent.type === 'attribute' && parent.childForFieldName('object')?.id === node.id) {
    return isStoreTarget(parent) ? 'assignment-target' : 'attribute';
  }
  if (isStoreTarget(node)) return 'assignment-target';
  if (inAnnotation(node)) return 'annotation';
  // isinstance(x, L) / issubclass(x, (A, L))
  let arg: SyntaxNode = node;
  if (parent.type === 'tuple' && parent.parent?.type === 'argument_list') arg = parent;
  const argList = arg.parent;
  if (argList?.type === 'argument_list') {
    const call = argList.parent;
    if (call?.type === 'call') {
      const fn = call.childForFieldName('function');
      const fnName = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
      const positional = argList.namedChildren.filter((c) => c && c.type !== 'keyword_argument' && c.type !== 'comment');
      if ((fnName === 'isinstance' || fnName === 'issubclass') && positional[1]?.id === arg.id) return 'isinstance';
      // the first positional parameter of the mock classes and of create_autospec is `spec`
      if (fnName !== undefined && SPEC_FIRST.has(fnName) && positional[0]?.id === arg.id && arg === node) return 'spec';
    }
    if (call?.type === 'class_definition' && arg === node) return 'base-class';
  }
  // `case L(...):` matches by isinstance
  if (parent.type === 'dotted_name' && parent.parent?.type === 'class_pattern' && parent.namedChildren.length === 1) return 'isinstance';
  if (parent.type === 'keyword_argument' && parent.childForFieldName('value')?.id === node.id) {
    const name = parent.childForFieldName('name')?.text;
    if (name === 'spec' || name === 'spec_set' || name === 'autospec') return 'spec';
  }
  return 'other';
}

function isStoreTarget(node: SyntaxNode): boolean {
  let current = node;
  let parent = node.parent;
  while (parent && (parent.type === 'pattern_list' || parent.type === 'tuple_pattern' || parent.type === 'list_pattern')) {
    current = parent;
    parent = parent.parent;
  }
  if (!parent) return false;
  if ((parent.type === 'assignment' || parent.type === 'augmented_assignment') && parent.childForFieldName('left')?.id === current.id) {
    return true;
  }
  if (parent.type === 'delete_statement' || (parent.type === 'expression_list' && parent.parent?.type === 'delete_statement')) return true;
  return false;
}

function inAnnotation(node: SyntaxNode): boolean {
  return node.parent !== null && annotationAncestor.of(node.parent);
}

/** True at a `type` node and below it, up to the statement, block or lambda that holds it. */
const annotationAncestor = new AncestorMemo<boolean>(
  false,
  (above) => above,
  (n) => (n.type === 'type' ? true : n.type.endsWith('_statement') || n.type === 'block' || n.type === 'module' || n.type === 'lambda' ? false : undefined),
);

/**
 * String references (a plain literal, or an implicit concatenation of plain
 * literals, whose whole value is a banned dotted path), `# ssot: ignore`
 * comments, and plain strings in annotations (forward references, collected
 * into `annotationStrings` for name resolution).
 */
function collectStringsAndComments(
  root: SyntaxNode,
  bans: readonly Ban[],
  findings: RawFinding[],
  suppressions: Map<number, Set<string> | null>,
  annotationStrings: SyntaxNode[],
  relevant: Relevance,
): void {
  // (strings and comments are named; an anonymous node is a token, with nothing inside)
  // An explicit stack, in document order: nesting depth is the input's to choose.
  const pending: SyntaxNode[] = [];
  pushReversed(pending, root.namedChildren);
  for (let child = pending.pop(); child; child = pending.pop()) {
    const type = child.type;
    if (type === 'string' || type === 'concatenated_string') {
      const value = type === 'string' ? plainStringValue(child) : concatenatedStringValue(child);
      let referenced = false;
      if (value !== null && isDottedPath(value) && !isDocstringLike(child) && (value.includes('.') || isImportCallArgument(child))) {
        const ban = findBan(bans, value);
        if (ban) {
          referenced = true;
          findings.push({ ruleId: ban.ruleId, kind: 'string-reference', range: rangeOf(child), symbol: value, local: value, usage: null });
        }
      }
      if (!referenced && type === 'string' && value !== null && inAnnotation(child)) annotationStrings.push(child);
      continue; // no need to look inside a string except interpolations (rare; skipped)
    }
    if (type === 'comment') {
      const directive = parseSuppression(child.text);
      if (directive !== undefined) {
        const line = child.startPosition.row;
        const existing = suppressions.get(line);
        if (directive === null || existing === null) suppressions.set(line, null);
        else suppressions.set(line, new Set([...(existing ?? []), ...directive]));
      }
      continue;
    }
    if (!skippedBy(relevant, child)) pushReversed(pending, child.namedChildren);
  }
}

/**
 * `name.a.b…` read through an import of `qualified`: up the attribute chain
 * whose object is `name` until a prefix is banned (`ban`, with that
 * attribute node and path), or the chain ends (where it stopped).
 */
function bannedAttributeChain(name: SyntaxNode, qualified: string, bans: readonly Ban[]): { ban?: Ban; node: SyntaxNode; qualified: string } {
  let node = name;
  let path = qualified;
  for (;;) {
    const parent = node.parent;
    if (!parent || parent.type !== 'attribute' || parent.childForFieldName('object')?.id !== node.id) return { node, qualified: path };
    const attr = parent.childForFieldName('attribute');
    if (!attr) return { node, qualified: path };
    path = `${path}.${attr.text}`;
    node = parent;
    const ban = findBan(bans, path);
    if (ban) return { ban, node, qualified: path };
  }
}

/** The value of a plain (non-f, non-bytes) string literal without escapes or interpolations, else null. */
function plainStringValue(node: SyntaxNode): string | null {
  const children = node.namedChildren;
  const start = children[0];
  if (!start || start.type !== 'string_start') return null;
  const prefix = start.text.toLowerCase();
  if (prefix.includes('b') || prefix.includes('f') || prefix.includes('t')) return null;
  const contents = children.filter((c) => c && c.type !== 'string_start' && c.type !== 'string_end');
  if (contents.length === 0) return '';
  if (contents.length !== 1 || contents[0]!.type !== 'string_content') return null;
  return contents[0]!.text;
}

/** `"a.b." "C"` is one literal to Python: the joined value when every part is plain. */
function concatenatedStringValue(node: SyntaxNode): string | null {
  let value = '';
  for (const part of node.namedChildren) {
    if (!part || part.type === 'comment') continue;
    const partValue = part.type === 'string' ? plainStringValue(part) : null;
    if (partValue === null) return null;
    value += partValue;
  }
  return value;
}

/** Where the text of a plain string literal starts (after its prefix and quotes). */
function stringContentStart(node: SyntaxNode): number {
  const start = node.namedChildren[0];
  return start ? start.endIndex : node.startIndex;
}

let annotationParser: Parser | undefined;

/**
 * Uses of deprecated bindings inside a string annotation (`def f(c: "Client")`,
 * `Optional["Client"]`): the string is parsed as an expression and each name in
 * it is looked up from the scope the annotation is evaluated in.
 */
function stringAnnotationUses(
  node: SyntaxNode,
  scopes: ScopeAnalysis,
  deprecatedBindings: Map<Binding, Ban>,
  bans: readonly Ban[],
): StringAnnotationUse[] {
  const value = plainStringValue(node);
  if (!value || !/[\p{ID_Start}_]/u.test(value)) return [];
  if (!annotationParser) {
    annotationParser = new Parser();
    annotationParser.setLanguage(node.tree.language);
  }
  const tree = annotationParser.parse(value);
  if (!tree) return [];
  const uses: StringAnnotationUse[] = [];
  const lite = new LiteTree(tree, value);
  try {
    if (lite.root.hasError) return [];
    const scope = evaluationScope(node, scopes);
    const offset = stringContentStart(node);
    const rangeIn = (n: SyntaxNode) => ({ start: offset + n.startIndex, end: offset + n.endIndex });
    /** A name in the annotation: a deprecated binding, or an attribute chain through an allowed import to a banned path. */
    const visitName = (n: SyntaxNode): void => {
      const parent = n.parent;
      // `x.name`: only the object of an attribute chain is looked up
      if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.id === n.id) return;
      if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === n.id) return;
      const target = lookupScope(n.text, scope, scopes.module);
      const bindings = target?.bindings.get(n.text) ?? [];
      const binding = bindings.find((b) => deprecatedBindings.has(b));
      if (binding) {
        const ban = deprecatedBindings.get(binding)!;
        uses.push({ binding, ban, range: rangeIn(n), symbol: binding.import!.qualifiedName!, local: binding.name });
        return;
      }
      // `"typing.Optional[int]"` with `import typing`: the attribute chain through an allowed import
      const base = bindings.find((b) => b.import && b.import.qualifiedName !== null && b.kind !== 'star-import');
      if (!base) return;
      const chain = bannedAttributeChain(n, base.import!.qualifiedName!, bans);
      if (chain.ban) uses.push({ ban: chain.ban, range: rangeIn(chain.node), symbol: chain.qualified, local: compactText(chain.node) });
    };
    const pending = [lite.root];
    for (let n = pending.pop(); n; n = pending.pop()) {
      if (n.type === 'identifier') visitName(n);
      // `Literal["x"]` inside the annotation is a value
      else if (n.type !== 'string') pushReversed(pending, n.namedChildren);
    }
  } finally {
    lite.dispose();
    tree.delete();
  }
  return uses;
}

interface StringAnnotationUse {
  /** The deprecated binding used, or undefined for an attribute chain through an allowed import. */
  readonly binding?: Binding;
  readonly ban: Ban;
  readonly range: { start: number; end: number };
  readonly symbol: string;
  readonly local: string;
}

/** The scope a node inside an annotation is evaluated in: parameter and return annotations, bases and decorators belong to the enclosing scope. */
function evaluationScope(node: SyntaxNode, scopes: ScopeAnalysis): Scope {
  let child = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    const scope = scopes.scopeOfNode(n);
    if (!scope) continue;
    if ((n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda') && n.childForFieldName('body')?.id !== child.id) {
      continue;
    }
    return scope;
  }
  return scopes.module;
}

/**
 * Calls whose string argument names a module or an object to import: a
 * one-segment string (`"mock"`) is a reference only there — elsewhere (a
 * requirements list, a log message) it is just a word.
 */
const IMPORT_CALLS = new Set(['patch', 'import_module', '__import__', 'importorskip', 'find_spec', 'import_string', 'locate']);

function isImportCallArgument(node: SyntaxNode): boolean {
  const args = node.parent;
  if (args?.type !== 'argument_list') return false;
  const fn = args.parent?.type === 'call' ? args.parent.childForFieldName('function') : null;
  const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.type === 'identifier' ? fn.text : undefined;
  return name !== undefined && IMPORT_CALLS.has(name) && args.namedChildren.find((c) => c && c.type !== 'comment')?.id === node.id;
}

/** Calls that take an object and an attribute name as a string. */
const TWO_PART_CALLS = new Set(['getattr', 'setattr', 'hasattr', 'delattr']);
const TWO_PART_METHODS = new Set(['object', 'setattr', 'delattr']);

/**
 * The name `node` is paired with when it is the first argument of
 * `patch.object(node, "NAME")` (also `mock.patch.object`, `mocker.patch.object`),
 * `monkeypatch.setattr(node, "NAME", …)` / `delattr`, or
 * `getattr/setattr/hasattr/delattr(node, "NAME")`; null otherwise.
 */
function twoPartName(node: SyntaxNode): { name: string; node: SyntaxNode } | null {
  const args = node.parent;
  if (args?.type !== 'argument_list') return null;
  const positional = args.namedChildren.filter((c) => c && c.type !== 'keyword_argument' && c.type !== 'comment');
  if (positional[0]?.id !== node.id) return null;
  const second = positional[1];
  if (second?.type !== 'string') return null;
  const fn = args.parent?.type === 'call' ? args.parent.childForFieldName('function') : null;
  if (!fn) return null;
  const fits =
    (fn.type === 'identifier' && TWO_PART_CALLS.has(fn.text)) ||
    (fn.type === 'attribute' &&
      TWO_PART_METHODS.has(fn.childForFieldName('attribute')?.text ?? '') &&
      ['patch', 'monkeypatch', 'mp'].includes((fn.childForFieldName('object')?.text ?? '').split('.').pop() ?? ''));
  const value = fits ? plainStringValue(second) : null;
  return value && isDottedPath(value) && !value.includes('.') ? { name: value, node: second } : null;
}

/** A string that is a statement on its own (docstrings, bare notes) documents; it does not reference. */
function isDocstringLike(node: SyntaxNode): boolean {
  let n = node;
  if (n.parent?.type === 'concatenated_string') n = n.parent;
  return n.parent?.type === 'expression_statement' && n.parent.namedChildCount === 1;
}

const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT_CONTINUE = /[\p{ID_Continue}]/u;

/** `a.b.C` — identifiers joined by single dots, nothing else. (Checks a string *value*, not source code.) */
export function isDottedPath(value: string): boolean {
  if (!value.includes('.') && value.length === 0) return false;
  let atStart = true;
  for (const ch of value) {
    if (ch === '.') {
      if (atStart) return false;
      atStart = true;
    } else if (atStart) {
      if (!IDENT_START.test(ch)) return false;
      atStart = false;
    } else if (!IDENT_CONTINUE.test(ch)) return false;
  }
  return !atStart;
}

/**
 * `# ssot: ignore` → null (all rules); `# ssot: ignore[a, b]` → {a, b};
 * anything else → undefined. Reads a comment's text, not code.
 */
export function parseSuppression(comment: string): Set<string> | null | undefined {
  const marker = 'ssot:';
  const at = comment.indexOf(marker);
  if (at < 0) return undefined;
  const rest = comment.slice(at + marker.length).trimStart();
  if (!rest.startsWith('ignore')) return undefined;
  const after = rest.slice('ignore'.length);
  if (after.startsWith('[')) {
    const close = after.indexOf(']');
    if (close < 0) return undefined;
    const ids = after
      .slice(1, close)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return ids.length ? new Set(ids) : null;
  }
  if (after === '' || /^\s/.test(after)) return null;
  return undefined;
}

/**
 * Plans the rewrite of one Python file: deprecated import bindings move to the
 * rule's canonical import, their references follow, and whatever cannot be
 * changed safely is left with a reason. Pure: tree + analysis in, edits out.
 *
 * Units: all decisions are made per (scope, rule) group; a group is applied
 * whole or not at all. A deprecated binding is removed only when every one of
 * its references is rewritten; otherwise it stays for the references a person
 * must change, and the rewritten ones use the canonical import added next to it.
 *
 * Fix safety: renames and `L()` → instance are safe; rewriting a
 * `try: import … except ImportError: X = None` fallback is unsafe (the fallback
 * then guards the canonical import, which may not be what the author meant);
 * removing an unused deprecated import from a package `__init__.py` is unsafe
 * (other modules may import the name from the package). Names re-exported
 * through `__all__` or `import N as N` are left to a person.
 *
 * Class or instance: a deprecated name whose last segment starts with an
 * upper-case letter (CapWords, `_Private` too) is treated as a class —
 * `L()` becomes the canonical instance and other value uses are manual; any
 * other name is an instance and every reference is renamed.
 */
import type { Edit } from '../../model/edit.js';
import type { Applicability, Ban, ImportTarget, RawFinding, UsageCategory } from '../../model/finding.js';
import type { FilePlan, FindingFix } from '../../model/outcome.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import type { PlanRule } from '../adapter.js';
import type { PythonFileAnalysis } from './analyze.js';
import { lookupScope, skippedBy, type Binding, type Reference, type Relevance, type Scope } from './scopes.js';

const TYPE_POSITIONS = new Set<UsageCategory>(['annotation', 'isinstance', 'spec', 'base-class']);

export const REASONS = {
  parse: 'file does not parse',
  args: 'arguments would be dropped: the canonical instance is not constructed',
  classAttribute: 'attribute of the deprecated class: the canonical instance may not have it',
  classAssign: 'assigns to the deprecated class: move this state to the canonical module by hand',
  typeNoTypes: 'type position: set `types:` in the rule to name the class to use',
  classValue: 'the class is used as a value: replace it with the instance or a factory by hand',
  module: 'module import: attribute uses need a person to map them',
  star: 'star import: list the names it brings in, then re-run',
  string: 'string reference',
  chain: 'attribute access through a module import: replace with the canonical name by hand',
  rebound: 'the name is also assigned in this scope (not an ImportError fallback to None)',
  ambiguous: 'the name may refer to another binding here',
  fallback: 'ImportError fallback: rewriting it makes the fallback guard the canonical import',
  keptForManual: 'still used by references that need a manual change',
  typesClassKept: 'already the `types` class, fine here; no longer reported once the other uses of this import are fixed',
  keptForSuppressed: 'still used on lines marked `# ssot: ignore`: suppress this import too, or change those uses',
  stringAnnotation: 'the name is also used inside a string annotation: change the string by hand, then re-run',
  reexport: 're-exported (listed in `__all__`, or imported `as` itself): importers of this module use the name; move them to the canonical import first',
  packageExport: 'unused here, but this is a package `__init__`: other modules may import the name from it',
  declared: 'the name is declared global/nonlocal or deleted elsewhere',
  classRead: 'a class body reads the name before assigning its own (that read sees this binding)',
} as const;

interface Group {
  scope: Scope;
  rule: PlanRule;
  bindings: Binding[];
}

export function planPythonFixes(
  root: SyntaxNode,
  text: string,
  analysis: PythonFileAnalysis,
  rules: ReadonlyMap<string, PlanRule>,
  /** `packageInit`: the file is a package's `__init__.py` (its unused imports may be re-exports). */
  options: { unsafe: boolean; packageInit?: boolean },
): FilePlan {
  const { findings } = analysis;
  const perFinding: FindingFix[] = findings.map(() => ({ applicability: 'manual', reason: REASONS.ambiguous }));
  const applied = findings.map(() => false);
  if (root.hasError) {
    return { edits: [], perFinding: findings.map(() => ({ applicability: 'manual', reason: REASONS.parse })), applied };
  }

  // findings not tied to a deprecated binding: strings, chains, star imports, bare `import a.b.M`
  const bindingFindings = new Map<Binding, number[]>();
  findings.forEach((finding, index) => {
    const binding = analysis.bindingOf.get(finding);
    if (binding) {
      let list = bindingFindings.get(binding);
      if (!list) bindingFindings.set(binding, (list = []));
      list.push(index);
      return;
    }
    perFinding[index] = unboundFindingFix(finding, rules.get(finding.ruleId));
  });

  // group deprecated bindings by scope and rule
  const groups = new Map<string, Group>();
  for (const [binding, ban] of analysis.deprecatedBindings) {
    const rule = rules.get(ban.ruleId);
    if (!rule) continue;
    // an ImportError fallback keeps its own canonical import inside its try (never shared)
    const hasFallback = (binding.scope.bindings.get(binding.name) ?? []).some((other) => other !== binding && isNoneFallback(other, binding));
    const key = `${binding.scope.id}\0${rule.id}${hasFallback ? `\0${binding.import!.statement.id}` : ''}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { scope: binding.scope, rule, bindings: [] }));
    group.bindings.push(binding);
  }

  const stringUses = namesInStrings(root, findings, analysis.relevant);
  /** The innermost scope whose node contains `index` (for a name inside a string). */
  const innermostScope = (index: number): Scope => {
    for (let n: SyntaxNode | null = root.descendantForIndex(index); n; n = n.parent) {
      const s = analysis.scopes.scopeOfNode(n);
      if (s) return s;
    }
    return analysis.scopes.module;
  };
  const edits: Edit[] = [];
  const statementPlans = new Map<number, StatementPlan>();
  const reserved = new Map<Scope, Set<string>>(); // names this plan adds per scope

  for (const group of groups.values()) {
    planGroup(group);
  }

  // statements that disappear whole: a block left with none of its statements gets `pass`
  const vanishing = new Set<number>();
  for (const plan of statementPlans.values()) {
    const clauses = clausesOf(plan.statement);
    if (!plan.additions.length && clauses.length && clauses.every((c) => plan.removeClauses.has(c.id))) vanishing.add(plan.statement.id);
  }
  for (const plan of statementPlans.values()) edits.push(...statementEdits(plan, text, vanishing));
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  return { edits, perFinding, applied };

  // ---------------------------------------------------------------------------

  function planGroup(group: Group): void {
    const { scope, rule } = group;
    interface BindingDecision {
      binding: Binding;
      ban: Ban;
      remove: boolean;
      /** Ranges to replace with the canonical/types name; `inString`: inside a string annotation (no scope reference to check). */
      rewrites: { start: number; end: number; scope: Scope; to: 'canonical' | 'types'; findingIndex: number | undefined; inString: boolean }[];
      fallbackRenames: { node: SyntaxNode; findingIndex: number | undefined }[];
      /** Findings of type-position uses of a binding that already is the `types` class: resolved without an edit. */
      typeUses: number[];
      manualUses: number;
      /** Uses on lines with `# ssot: ignore`: they keep the import. */
      suppressedUses: number;
      /** Findings of uses reported with another binding they may also refer to: this one may go only if those are rewritten. */
      sharedUses: number[];
      /** Why the import stays when it must (its finding is then manual); undefined when it goes or needs nothing. */
      importKept?: string;
      applicability: Applicability;
      /** Why an unsafe decision is unsafe. */
      unsafeReason: string | undefined;
    }
    const decisions: BindingDecision[] = [];
    for (const binding of group.bindings) {
      const ban = analysis.deprecatedBindings.get(binding)!;
      const indices = bindingFindings.get(binding) ?? [];
      const importIndex = indices.find((i) => findings[i]!.kind === 'import');
      const setAll = (plan: FindingFix) => {
        for (const i of indices) perFinding[i] = plan;
      };
      if (binding.kind === 'star-import') {
        setAll({ applicability: 'manual', reason: REASONS.star });
        continue;
      }
      const info = binding.import!;
      const isModule = ban.kind === 'module' || info.importedName === null;
      const refs = analysis.scopes.references.filter((r) => r.candidates.includes(binding));
      const others = (scope.bindings.get(binding.name) ?? []).filter((b) => b !== binding);
      // other bindings of the same name in this scope: only an ImportError fallback to None is rewritable
      const fallbacks: Binding[] = [];
      let blocked: string | undefined;
      for (const other of others) {
        if (other.import && analysis.deprecatedBindings.get(other)?.ruleId === rule.id) continue;
        if (isNoneFallback(other, binding)) fallbacks.push(other);
        else blocked = other.kind === 'del' ? REASONS.declared : REASONS.rebound;
      }
      if (declaredElsewhere(binding, analysis.scopes.scopes)) blocked = REASONS.declared;
      if (binding.scope === analysis.scopes.module && analysis.scopes.references.some((r) => r.name === binding.name && classReadsGlobal(r))) {
        blocked = REASONS.classRead;
      }
      if (stringUses.exported.has(binding.name) && binding.scope === analysis.scopes.module) blocked = REASONS.reexport;
      // `from M import N as N` is the explicit re-export form (PEP 484)
      if (info.alias !== null && info.alias === info.importedName && binding.scope === analysis.scopes.module) blocked = REASONS.reexport;
      if (blocked) {
        setAll({ applicability: 'manual', reason: blocked });
        continue;
      }
      // a use that may reach another binding is rewritable only when that one is a deprecated import
      // of this group that is rewritten the same way (class with class, instance with instance)
      const treatedAlike = (c: Binding) =>
        c.import !== undefined &&
        analysis.deprecatedBindings.has(c) &&
        group.bindings.includes(c) &&
        (c.import.importedName === null) === (info.importedName === null) &&
        isClassName(c.import.importedName ?? '') === isClassName(info.importedName ?? '');
      if (refs.some((r) => r.candidates.some((c) => c !== binding && !fallbacks.includes(c) && !treatedAlike(c)))) {
        setAll({ applicability: 'manual', reason: REASONS.ambiguous });
        continue;
      }
      const decision: BindingDecision = {
        binding,
        ban,
        remove: true,
        rewrites: [],
        fallbackRenames: [],
        typeUses: [],
        manualUses: 0,
        suppressedUses: 0,
        sharedUses: [],
        applicability: fallbacks.length ? 'unsafe' : 'safe',
        unsafeReason: fallbacks.length ? REASONS.fallback : undefined,
      };
      const isClass = !isModule && isClassName(info.importedName!);
      // a binding of the rule's `types` class already is what type positions need
      const isTypesClass = rule.types !== undefined && info.qualifiedName === `${rule.types.module}.${rule.types.name}`;
      // the uses: scope references, and names inside string annotations (usage findings no reference matches)
      const uses: { index: number; node: SyntaxNode | null; start: number; end: number; scope: Scope }[] = [];
      const claimed = new Set<number>();
      for (const ref of refs) {
        const index = findings.findIndex((f, i) => f.kind === 'usage' && f.range.start === ref.node.startIndex && analysis.bindingOf.get(findings[i]!) === binding);
        if (index >= 0) claimed.add(index);
        uses.push({ index, node: ref.node, start: ref.node.startIndex, end: ref.node.endIndex, scope: ref.scope });
      }
      for (const index of indices) {
        const finding = findings[index]!;
        if (claimed.has(index) || finding.kind !== 'usage' || finding.usage !== 'annotation') continue;
        if (others.some((o) => o.node.startIndex === finding.range.start)) continue; // a rebinding
        uses.push({ index, node: null, start: finding.range.start, end: finding.range.end, scope: innermostScope(finding.range.start) });
      }
      for (const use of uses) {
        const index = use.index;
        if (index < 0) {
          // a use that may also reach another deprecated binding is reported (and rewritten) with that one
          const shared = findings.findIndex((f) => f.kind === 'usage' && f.range.start === use.start);
          if (shared >= 0) {
            decision.sharedUses.push(shared);
            continue;
          }
          // a suppressed use (`# ssot: ignore`) stays as it is, and so must its import
          decision.remove = false;
          decision.suppressedUses++;
          continue;
        }
        const category = findings[index]!.usage!;
        if (isTypesClass && TYPE_POSITIONS.has(category)) {
          decision.remove = false;
          decision.typeUses.push(index);
          continue;
        }
        let reason: string | undefined;
        let to: 'canonical' | 'types' = 'canonical';
        if (isModule) reason = REASONS.module;
        else if (isClass) {
          if (category === 'call-no-args') to = 'canonical';
          else if (category === 'call-with-args') reason = REASONS.args;
          else if (category === 'attribute') reason = REASONS.classAttribute;
          else if (category === 'assignment-target') reason = REASONS.classAssign;
          else if (TYPE_POSITIONS.has(category)) {
            if (rule.types) to = 'types';
            else reason = REASONS.typeNoTypes;
          } else reason = REASONS.classValue;
        }
        if (reason) {
          decision.remove = false;
          decision.manualUses++;
          perFinding[index] = { applicability: 'manual', reason };
          continue;
        }
        const node = use.node && isClass && to === 'canonical' ? use.node.parent! : use.node; // `L()` → instance
        decision.rewrites.push({
          start: node?.startIndex ?? use.start,
          end: node?.endIndex ?? use.end,
          scope: use.scope,
          to,
          findingIndex: index,
          inString: node === null,
        });
      }
      if (!uses.length && !fallbacks.length && options.packageInit && binding.scope === analysis.scopes.module) {
        // unused here, but a package's names are its interface
        decision.applicability = 'unsafe';
        decision.unsafeReason = REASONS.packageExport;
      }
      for (const fallback of fallbacks) {
        const index = findings.findIndex((f) => f.kind === 'usage' && f.usage === 'assignment-target' && f.range.start === fallback.node.startIndex);
        decision.fallbackRenames.push({ node: fallback.node, findingIndex: index >= 0 ? index : undefined });
      }
      if (!decision.remove && fallbacks.length) {
        // never half: a fallback is rewritten together with every use, or not at all
        for (const i of indices) {
          if (perFinding[i]!.applicability !== 'manual' || perFinding[i]!.reason === REASONS.ambiguous) {
            perFinding[i] = { applicability: 'manual', reason: `${REASONS.fallback}, and some uses need a manual change` };
          }
        }
        continue;
      }
      // a string annotation naming the binding is a use the analysis cannot rewrite: the import stays
      const inStrings = stringUses.annotations.has(binding.name);
      if (inStrings) decision.remove = false;
      if (!decision.remove) {
        if (decision.manualUses > 0) decision.importKept = REASONS.keptForManual;
        else if (inStrings) decision.importKept = REASONS.stringAnnotation;
        else if (decision.suppressedUses > 0) decision.importKept = REASONS.keptForSuppressed;
      }
      if (importIndex !== undefined && decision.importKept) perFinding[importIndex] = { applicability: 'manual', reason: decision.importKept };
      decisions.push(decision);
    }
    // a binding whose shared uses are not all rewritten (with their owner, in this group) stays
    for (const d of decisions) {
      if (!d.remove || !d.sharedUses.length) continue;
      const rewritten = (i: number) => decisions.some((o) => o.rewrites.some((r) => r.findingIndex === i));
      if (d.sharedUses.every(rewritten)) continue;
      d.remove = false;
      d.importKept = REASONS.keptForManual;
      const importIndex = (bindingFindings.get(d.binding) ?? []).find((i) => findings[i]!.kind === 'import');
      if (importIndex !== undefined) perFinding[importIndex] = { applicability: 'manual', reason: d.importKept };
    }
    if (!decisions.length) return;
    const included: BindingDecision[] = [];
    for (const d of decisions) {
      const include = d.applicability === 'safe' || options.unsafe;
      const plan: FindingFix = d.applicability === 'safe' ? { applicability: 'safe' } : { applicability: 'unsafe', reason: d.unsafeReason ?? REASONS.fallback };
      for (const i of bindingFindings.get(d.binding) ?? []) {
        const finding = findings[i]!;
        const isRewritten =
          (finding.kind === 'import' && (d.remove || d.importKept === undefined)) ||
          (d.typeUses.includes(i) && d.importKept === undefined) ||
          d.rewrites.some((r) => r.findingIndex === i) ||
          d.fallbackRenames.some((r) => r.findingIndex === i);
        if (isRewritten) {
          perFinding[i] = plan;
          applied[i] = include;
        } else if (d.typeUses.includes(i)) {
          perFinding[i] = { applicability: 'manual', reason: REASONS.typesClassKept };
        }
      }
      if (include) included.push(d);
    }
    decisions.length = 0;
    decisions.push(...included);
    if (!decisions.length) return;

    // names: pick one local name for the canonical (and types) import in this scope
    const needCanonical = decisions.some((d) => d.rewrites.some((r) => r.to === 'canonical') || d.fallbackRenames.length);
    const needTypes = decisions.some((d) => d.rewrites.some((r) => r.to === 'types'));
    // names freed by this change: removed imports and the fallbacks renamed with them
    const removed = new Set<Binding>(decisions.filter((d) => d.remove).map((d) => d.binding));
    for (const d of decisions) {
      if (!d.remove) continue;
      for (const other of scope.bindings.get(d.binding.name) ?? []) if (d.fallbackRenames.some((f) => f.node.startIndex === other.node.startIndex)) removed.add(other);
    }
    const refScopes = new Set<Scope>([scope]);
    for (const d of decisions) for (const r of d.rewrites) refScopes.add(r.scope);
    const canonicalPath = `${rule.canonical.module}.${rule.canonical.name}`;
    const typesPath = rule.types ? `${rule.types.module}.${rule.types.name}` : '';
    const firstRewrite = Math.min(...decisions.flatMap((d) => d.rewrites.map((r) => r.start)), ...decisions.flatMap((d) => d.fallbackRenames.map((f) => f.node.startIndex)));
    // an ImportError fallback guards its own import (`X = None` must not rebind an import made elsewhere)
    const guarded = decisions.some((d) => d.fallbackRenames.length);
    const existingCanonical = needCanonical && !guarded ? visibleImportOf(canonicalPath, refScopes) : undefined;
    const existingTypes = needTypes ? visibleImportOf(typesPath, refScopes) : undefined;
    const taken = reserved.get(scope) ?? new Set<string>();
    reserved.set(scope, taken);
    // fall back to a replaced binding's own name: the canonical one for instance uses, the types one for type uses
    const canonicalFallbacks = decisions.filter((d) => d.rewrites.some((r) => r.to === 'canonical') || d.fallbackRenames.length).map((d) => d.binding.name);
    const typesFallbacks = decisions.filter((d) => d.rewrites.some((r) => r.to === 'types')).map((d) => d.binding.name);
    const canonicalLocal = needCanonical
      ? (existingCanonical ?? chooseName([rule.canonical.local, ...canonicalFallbacks], guarded ? null : canonicalPath, refScopes, removed, taken))
      : '';
    if (needCanonical && !existingCanonical) taken.add(canonicalLocal);
    const typesLocal =
      needTypes && rule.types
        ? (existingTypes ?? chooseName([rule.types.local, ...typesFallbacks], typesPath, refScopes, removed, taken))
        : '';
    if (needTypes && !existingTypes) taken.add(typesLocal);

    for (const d of decisions) {
      for (const r of d.rewrites) {
        const local = r.to === 'types' ? typesLocal : canonicalLocal;
        const binds = r.to === 'types' ? typesPath : canonicalPath;
        edits.push(r.inString ? { start: r.start, end: r.end, text: local } : { start: r.start, end: r.end, text: local, binds });
      }
      for (const f of d.fallbackRenames) {
        edits.push({ start: f.node.startIndex, end: f.node.endIndex, text: canonicalLocal });
      }
    }

    // the import statements: drop removed clauses; add the canonical import at the first one
    const statements = [...new Set(decisions.map((d) => d.binding.import!.statement))].sort((a, b) => a.startIndex - b.startIndex);
    const anchors = anchorsOf(statements, scope);
    const additions: string[] = [];
    const sameModule = rule.types && rule.types.module === rule.canonical.module;
    const names: string[] = [];
    if (needCanonical && !existingCanonical) names.push(importName(rule.canonical, canonicalLocal));
    if (needTypes && !existingTypes && rule.types) {
      if (sameModule) names.push(importName(rule.types, typesLocal));
      else additions.push(`from ${rule.types.module} import ${importName(rule.types, typesLocal)}`);
    }
    if (names.length) additions.unshift(`from ${rule.canonical.module} import ${names.join(', ')}`);
    for (const statement of statements) {
      let statementPlan = statementPlans.get(statement.id);
      if (!statementPlan) statementPlans.set(statement.id, (statementPlan = { statement, removeClauses: new Set(), additions: [] }));
      for (const d of decisions) if (d.remove && d.binding.import!.statement.id === statement.id) statementPlan.removeClauses.add(d.binding.import!.clause.id);
      if (anchors.has(statement.id)) statementPlan.additions.push(...additions);
    }


    /**
     * Local name of an existing import of `path` (one that stays) that every
     * reference scope sees as its only binding, bound before the first rewritten use.
     */
    function visibleImportOf(path: string, scopes: Set<Scope>): string | undefined {
      for (let s: Scope | null = scope; s; s = s.parent) {
        if (s !== scope && s.kind === 'class') continue;
        for (const [name, bindings] of s.bindings) {
          if (bindings.length !== 1) continue;
          const b = bindings[0]!;
          if (b.import?.qualifiedName !== path || b.kind !== 'from-import' || removed.has(b)) continue;
          if (b.node.startIndex > firstRewrite) continue;
          // an import inside `if TYPE_CHECKING:` / `try:` may not have run
          if (!isTopLevelIn(b.import.statement, s)) continue;
          if ([...scopes].every((rs) => lookupScope(name, rs, analysis.scopes.module) === s)) return name;
        }
      }
      return undefined;
    }

    /**
     * The first candidate name that is free: not bound in `scope` except by a
     * binding being removed or an import of the same `path` (null: none is); not bound between
     * any reference scope and `scope` (class scopes in between are invisible);
     * not declared `global` (module scope) or `nonlocal` below, where a store
     * would rebind the new import; and not loaded anywhere below `scope` with
     * another meaning.
     */
    function chooseName(candidates: string[], path: string | null, scopes: Set<Scope>, removedBindings: Set<Binding>, takenNames: Set<string>): string {
      const compatible = (b: Binding) => removedBindings.has(b) || (path !== null && b.kind === 'from-import' && b.import?.qualifiedName === path);
      const isFree = (name: string): boolean => {
        if (takenNames.has(name)) return false;
        const own = scope.bindings.get(name) ?? [];
        if (own.some((b) => !compatible(b))) return false;
        // declared global/nonlocal here: an import would bind the other scope's name
        if (scope.globals.has(name) || scope.nonlocals.has(name)) return false;
        for (const s of analysis.scopes.scopes) {
          if (scope.kind === 'module' && s.globals.has(name)) return false;
          if (s !== scope && within(s, scope) && s.nonlocals.has(name)) return false;
        }
        for (const rs of scopes) {
          if (rs === scope) continue;
          for (let s: Scope | null = rs; s && s !== scope; s = s.parent) {
            if (s !== rs && s.kind === 'class') continue;
            if (s.bindings.has(name) || s.globals.has(name) || s.nonlocals.has(name)) return false;
          }
        }
        // existing loads of `name` in this scope's subtree must not change meaning
        for (const ref of analysis.scopes.references) {
          if (ref.name !== name || !within(ref.scope, scope)) continue;
          if (classReadsGlobal(ref)) return false;
          const resolved = ref.resolvedScope;
          // (a load of an import of the same path is not one: it may run before the new import binds)
          if (resolved === scope && ref.candidates.every((c) => removedBindings.has(c))) continue;
          if (resolved === null || !within(resolved, scope) || resolved === scope) return false;
        }
        return true;
      };
      for (const candidate of candidates) if (isFree(candidate)) return candidate;
      const base = candidates[0]!;
      for (let n = 1; ; n++) {
        const fresh = `${base}_ssot${n === 1 ? '' : n}`;
        if (isFree(fresh)) return fresh;
      }
    }
  }
}

/**
 * Where the canonical import goes: at the first of the statements that sits
 * directly in the scope's body; when all are nested in blocks (`if
 * TYPE_CHECKING:`, `try:`), at the first one if they share their block, else
 * at the first one of each block — never only inside a block that some of
 * the replaced imports were outside of.
 */
function anchorsOf(statements: readonly SyntaxNode[], scope: Scope): Set<number> {
  const topLevel = statements.find((st) => isTopLevelIn(st, scope));
  if (topLevel) return new Set([topLevel.id]);
  const firstPerBlock = new Map<number, number>();
  for (const st of statements) if (!firstPerBlock.has(st.parent?.id ?? -1)) firstPerBlock.set(st.parent?.id ?? -1, st.id);
  return new Set(firstPerBlock.values());
}

/** A statement directly in the scope's body (not nested in `if`/`try`/`with`/loops). */
function isTopLevelIn(statement: SyntaxNode, scope: Scope): boolean {
  const parent = statement.parent;
  return parent?.id === scope.node.id || (parent?.type === 'block' && parent.parent?.id === scope.node.id);
}

interface StatementPlan {
  statement: SyntaxNode;
  removeClauses: Set<number>;
  additions: string[];
}

function importName(target: ImportTarget, local: string): string {
  return local === target.name ? target.name : `${target.name} as ${local}`;
}

function within(inner: Scope, outer: Scope): boolean {
  for (let s: Scope | null = inner; s; s = s.parent) if (s === outer) return true;
  return false;
}

function isClassName(name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1);
  const first = last.replace(/^_+/, '')[0];
  return first !== undefined && first === first.toUpperCase() && first !== first.toLowerCase();
}

/** `X = None` inside `except ImportError` / `ModuleNotFoundError` of the try that imports X. */
function isNoneFallback(other: Binding, imported: Binding): boolean {
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
function classReadsGlobal(ref: Reference): boolean {
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
function declaredElsewhere(binding: Binding, scopes: readonly Scope[]): boolean {
  return scopes.some((s) => s.globals.has(binding.name) || s.nonlocals.has(binding.name));
}

function unboundFindingFix(finding: RawFinding, rule: PlanRule | undefined): FindingFix {
  if (finding.kind === 'string-reference') {
    const target = rule ? suggestPath(finding.symbol, rule) : undefined;
    return { applicability: 'manual', reason: target ? `${REASONS.string}: change it to "${target}"` : `${REASONS.string} into a deprecated module: point it at what replaces it` };
  }
  if (finding.local === '*') return { applicability: 'manual', reason: REASONS.star };
  if (finding.kind === 'usage') return { applicability: 'manual', reason: REASONS.chain };
  return { applicability: 'manual', reason: REASONS.module };
}

/**
 * The dotted path to suggest for a string naming a deprecated path:
 * `<banned symbol><rest>` → `<canonical path><rest>`, or `<types class><rest>`
 * for an attribute of a deprecated class when the rule has `types`. A string
 * under a banned *module* has no one-to-one counterpart: no suggestion.
 */
export function suggestPath(value: string, rule: PlanRule): string | undefined {
  const canonical = `${rule.canonical.module}.${rule.canonical.name}`;
  const ban = rule.bans.find((b) => value === b.path || value.startsWith(`${b.path}.`));
  if (!ban || ban.kind === 'module') return undefined;
  const rest = value.slice(ban.path.length);
  // `<Class>.method` names something of the class: the `types` class has it, the instance may not
  if (rest && rule.types && isClassName(ban.path)) return `${rule.types.module}.${rule.types.name}${rest}`;
  return canonical + rest;
}

/**
 * Edits for one import statement: remove clauses (keeping commas and
 * parentheses valid) and add imports. `vanishing`: ids of every statement this
 * plan removes whole.
 */
function statementEdits(plan: StatementPlan, text: string, vanishing: ReadonlySet<number>): Edit[] {
  const { statement } = plan;
  const clauses = clausesOf(statement);
  const removeAll = clauses.length > 0 && clauses.every((c) => plan.removeClauses.has(c.id));
  const indent = indentationAt(text, statement.startIndex);
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  if (removeAll) {
    if (plan.additions.length) {
      return [{ start: statement.startIndex, end: statement.endIndex, text: plan.additions.join(newline + indent) }];
    }
    const edit = removeStatement(statement, text, vanishing);
    return edit ? [edit] : [];
  }
  const edits: Edit[] = [];
  let i = 0;
  while (i < clauses.length) {
    if (!plan.removeClauses.has(clauses[i]!.id)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < clauses.length && plan.removeClauses.has(clauses[j + 1]!.id)) j++;
    if (j + 1 < clauses.length) edits.push({ start: clauses[i]!.startIndex, end: clauses[j + 1]!.startIndex, text: '' });
    else edits.push({ start: clauses[i - 1]!.endIndex, end: clauses[j]!.endIndex, text: '' });
    i = j + 1;
  }
  if (plan.additions.length) {
    edits.push({ start: statement.endIndex, end: statement.endIndex, text: plan.additions.map((a) => newline + indent + a).join('') });
  }
  return edits;
}

function clausesOf(statement: SyntaxNode): SyntaxNode[] {
  const star = statement.namedChildren.find((c) => c?.type === 'wildcard_import');
  if (star) return [star];
  return statement.childrenForFieldName('name').filter((c): c is SyntaxNode => c !== null);
}

function indentationAt(text: string, index: number): string {
  let start = index;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < index && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/**
 * Delete a statement: with its line (and its trailing comment) when it is
 * alone on it; with its `;` when it shares the line; `pass` in its place when
 * its block would be left without statements (the first vanishing one).
 */
function removeStatement(statement: SyntaxNode, text: string, vanishing: ReadonlySet<number>): Edit | null {
  const parent = statement.parent;
  if (parent?.type === 'block') {
    const siblings = parent.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment');
    if (siblings.every((c) => vanishing.has(c.id))) {
      // an `if TYPE_CHECKING:` left empty goes as a whole (with the first of its statements)
      const guard = parent.parent;
      if (guard && isTypeCheckingGuard(guard, parent)) {
        return siblings[0]?.id === statement.id ? removeStatement(guard, text, new Set([...vanishing, guard.id])) : null;
      }
      if (siblings[0]?.id === statement.id) return { start: statement.startIndex, end: statement.endIndex, text: 'pass' };
    }
  }
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t';
  let before = statement.startIndex;
  while (before > 0 && isSpace(text[before - 1])) before--;
  let after = statement.endIndex;
  while (after < text.length && isSpace(text[after])) after++;
  if (text[after] === ';') {
    let end = after + 1;
    while (end < text.length && isSpace(text[end])) end++;
    return { start: statement.startIndex, end, text: '' };
  }
  if (before > 0 && text[before - 1] === ';') return { start: before - 1, end: statement.endIndex, text: '' };
  const atLineStart = before === 0 || text[before - 1] === '\n' || text[before - 1] === '\r';
  let end = after;
  if (text[end] === '#') while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
  if (atLineStart && (end >= text.length || text[end] === '\n' || text[end] === '\r')) {
    if (text[end] === '\r' && text[end + 1] === '\n') end += 2;
    else if (end < text.length) end += 1;
    return { start: before, end, text: '' };
  }
  return { start: statement.startIndex, end: statement.endIndex, text: 'pass' };
}

/** `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) with `body` as its only branch. */
function isTypeCheckingGuard(node: SyntaxNode, body: SyntaxNode): boolean {
  if (node.type !== 'if_statement' || node.childForFieldName('consequence')?.id !== body.id) return false;
  if (node.childrenForFieldName('alternative').some((c) => c !== null)) return false;
  return /^(typing\.|t\.)?TYPE_CHECKING$/.test(node.childForFieldName('condition')?.text ?? '');
}

/**
 * Names used inside string literals the analysis does not resolve: string
 * annotations it could not read (`cast("T", v)`, `TypeVar("T", bound="C")`,
 * strings that are not one expression) and the strings of `__all__` (re-exports).
 */
function namesInStrings(root: SyntaxNode, findings: readonly RawFinding[], relevant: Relevance): { annotations: Set<string>; exported: Set<string> } {
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

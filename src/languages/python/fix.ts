/**
 * Plans the rewrite of one Python file: every deprecated import binding moves
 * to the canonical binding its ban pairs it with, its references follow as
 * its migration shape says, and whatever cannot be changed safely is left
 * with a reason. Pure: tree + analysis in, edits out.
 *
 * Shapes (model/finding.ts, decided per run in engine/mappings.ts):
 * - `move` — the same object in a new home: the import is rewritten and keeps
 *   the local name (`import mock` → `from unittest import mock`, `from typing
 *   import Callable` → `from collections.abc import Callable`); no use changes.
 *   Names imported from a banned module (`from mock import patch`) move with it.
 * - `rename` — another object of the same kind: references are renamed to the
 *   canonical binding.
 * - `class-to-instance` — `L()` becomes the canonical instance; type positions
 *   use the rule's `types` class; other value uses are manual.
 *
 * A binding is migrated whole or not at all: when one of its uses needs a
 * person, none of its references change and its import stays, with the reason.
 * Attribute chains through an allowed module import (`mod.Old`, `pkg.mod.Old`)
 * are rewritten like plain uses of `Old`, per module binding and banned name,
 * the module import staying.
 * No alias is invented: a renamed binding takes the canonical name, or the
 * deprecated local name (`from M import canonical as Old`), or stays manual
 * naming what holds both names.
 *
 * Fix safety: moves and renames are safe; rewriting a `try: import … except
 * ImportError: X = None` fallback is unsafe (the fallback then guards the
 * canonical import, which may not be what the author meant); removing an
 * unused deprecated import from a package `__init__.py` is unsafe (other
 * modules may import the name from the package); a name moved from a banned
 * module whose replacement is another module (not a move) is unsafe (that
 * module's name may differ). Names re-exported through `__all__` or `import N
 * as N` are left to a person unless they move (a move keeps the name bound).
 */
import type { Edit } from '../../model/edit.js';
import { findBan, isAtOrUnder, mappedPath, targetPath, type Ban, type ImportTarget, type RawFinding, type UsageCategory } from '../../model/finding.js';
import type { FilePlan, FindingFix, IdentityUse } from '../../model/outcome.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import type { PlanRule } from '../adapter.js';
import type { PythonFileAnalysis } from './analyze.js';
import { checkUses } from './compat.js';
import { classReadsGlobal, declaredElsewhere, importGuardOf, isNoneFallback, namesInStrings, scopesWithin } from './fixContext.js';
import { anchorsOf, ImportEditor, isTopLevelIn, type AddedName } from './importEdits.js';
import { lookupScope, type Binding, type Reference, type Scope } from './scopes.js';

const TYPE_POSITIONS = new Set<UsageCategory>(['annotation', 'isinstance', 'spec', 'base-class']);

export const REASONS = {
  parse: 'file does not parse',
  args: 'arguments would be dropped: the canonical instance is not constructed',
  classAttribute: 'attribute of the deprecated class: the canonical instance may not have it',
  classAssign: 'assigns to the deprecated class: move this state to the canonical module by hand',
  typeNoTypes: 'type position: set `types:` in the rule to name the class to use',
  classValue: 'the class is used as a value: replace it with the instance or a factory by hand',
  star: 'star import: list the names it brings in, then re-run',
  string: 'string reference',
  chain: 'attribute access through a module import: replace with the canonical name by hand',
  chainGuarded: (name: string) =>
    `the import that binds \`${name}\` is guarded (\`try\`/\`except ImportError\` or \`warnings.catch_warnings()\`): the chain may reach another module, or none; rewrite it by hand`,
  chainRebound: (name: string, line: number) => `\`${name}\` is bound again at line ${line}: the chain may not reach the deprecated module; rewrite it by hand`,
  chainModuleValue: (name: string, line: number) =>
    `the module \`${name}\` is also used as a value at line ${line} (not as \`${name}.…\`): code there may read or replace the name on it; rewrite the chain by hand`,
  chainAssign: 'assigns to the name on the deprecated module: move this state to the canonical module by hand',
  patchedElsewhere: (path: string, where: string) =>
    `\`${path}\` is patched by name at ${where}: the chain reads it through its module at call time and sees the patch, the canonical name would not; change that patch first`,
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
  moduleChain: '`import a.b` binds `a`: its uses are attribute chains; rewrite them by hand (or import the module `as` a name)',
  otherModule: 'moved from a banned module to another module: that module\'s name may not be the same object',
  comparedElsewhere: (name: string, where: string) =>
    `\`${name}\` is compared by identity at ${where}, where it stays the deprecated object: after this fix the two differ (fix that comparison first)`,
  probe: 'the import is a probe (tried in `try`/`except ImportError`, its name never used): rewriting it changes what it tests; keep it, or change the probe by hand',
  warningsProbe: 'the import runs for its side effect inside `warnings.catch_warnings()` (its name is never used): keep it, or change it by hand',
  refersTo: (path: string, file: string) =>
    `refers to \`${path}\`, a deprecated import of ${file} that the migration changes: point it at the canonical import (that file's fix keeps the name until nothing refers to it)`,
  referredFrom: (where: string) => `other code refers to this module's name (${where}): replacing the class with the instance here would break it; change that reference first`,
  keptAlias: (where: string) => `kept as an alias of the canonical object: other code refers to this module's name (${where})`,
  deadImport: (path: string) =>
    `\`${path}\` does not exist in the tree, so this import always fails and the \`except ImportError\` branch is what runs today: rewriting it would make the canonical import run instead; decide by hand`,
} as const;

/** Why a binding's other uses stay: it is migrated whole or not at all. */
function keptWhole(reason: string, line: number): string {
  return `left as it is with the rest of this import (line ${line}: ${reason})`;
}

/** Why a renamed binding stays: both names it could take are bound here already. */
function namesTaken(canonical: string, deprecated: string, by: string): string {
  return canonical === deprecated
    ? `\`${canonical}\` is bound here already (${by}): rename one by hand, then re-run`
    : `\`${canonical}\` is bound here already (${by}), and \`${deprecated}\` is needed by other uses: rename one by hand, then re-run`;
}

interface Rewrite {
  readonly start: number;
  readonly end: number;
  readonly scope: Scope;
  readonly to: 'canonical' | 'types';
  readonly findingIndex: number | undefined;
  /** Inside a string annotation: no scope reference to check. */
  readonly inString: boolean;
}

interface Decision {
  readonly binding: Binding;
  readonly ban: Ban;
  readonly rule: PlanRule;
  /** Findings of this binding (its import, usages, rebindings). */
  readonly indices: number[];
  /** keep-name: the import is rewritten and keeps the local name; rename: references take the canonical binding's name. */
  readonly form: 'keep-name' | 'rename';
  /** Where the binding's name comes from after the fix. */
  readonly target: ImportTarget;
  applicability: 'safe' | 'unsafe';
  unsafeReason: string | undefined;
  /** The deprecated clause goes (false: it stays for type positions, being the `types` class). */
  remove: boolean;
  readonly rewrites: Rewrite[];
  readonly fallbackRenames: { node: SyntaxNode; findingIndex: number | undefined }[];
  /** Type-position uses of a binding that already is the `types` class: resolved without an edit. */
  readonly typeUses: number[];
  /** Uses reported with another binding they may also refer to: this one may go only if those are rewritten. */
  readonly sharedUses: number[];
  /**
   * Set when the binding stays whole as it is: why (the first use that needs
   * a person, or — `whole` — something about the binding itself), and the
   * uses that carry their own reason.
   */
  manual?: { reason: string; line: number; whole: boolean; uses: Set<number> };
  /** Import statement the fallback guards (its canonical import stays inside its own `try`). */
  readonly fallbackStatement: SyntaxNode | undefined;
  /** What a safe fix of a use says anyway (a new object became the shared one; where the object goes unchecked), by finding. */
  readonly notes: Map<number, string>;
  /** Other code refers to the name (where): it stays bound, as an alias of the canonical object. */
  keepAs?: string;
  /**
   * Set for attribute chains through an allowed module import (`mod.Old`):
   * `binding` is the module's binding, which stays; the chains are the uses.
   */
  readonly chain?: true;
}

export function planPythonFixes(
  root: SyntaxNode,
  text: string,
  analysis: PythonFileAnalysis,
  rules: ReadonlyMap<string, PlanRule>,
  /** `packageInit`: the file is a package's `__init__.py` (its unused imports may be re-exports). */
  /** `keep`: module-level names other files refer to (name → where): kept bound, or left to a person. */
  /** `patchedElsewhere`: deprecated paths other files name in a string (`patch("m.N")`; path → where). */
  options: {
    unsafe: boolean;
    packageInit?: boolean;
    keep?: ReadonlyMap<string, string>;
    comparedElsewhere?: ReadonlyMap<string, string>;
    patchedElsewhere?: ReadonlyMap<string, string>;
  },
): FilePlan {
  const { findings } = analysis;
  const perFinding: FindingFix[] = findings.map(() => ({ applicability: 'manual', reason: REASONS.ambiguous }));
  const applied = findings.map(() => false);
  if (root.hasError) {
    return { edits: [], perFinding: findings.map(() => ({ applicability: 'manual', reason: REASONS.parse })), applied };
  }
  const edits: Edit[] = [];
  const identityCompared: IdentityUse[] = [];
  const imports = new ImportEditor(text);
  const lineOf = (index: number) => findings[index] ? rowOf(root, findings[index]!.range.start) + 1 : 0;

  // findings not tied to a deprecated binding: strings, chains, star imports, bare `import a.b.M`
  const bindingFindings = new Map<Binding, number[]>();
  /** Attribute chains (`mod.Old`) by the module binding they start from, then by ban. */
  const chainFindings = new Map<Binding, Map<Ban, number[]>>();
  let referencesAt: Map<number, Reference> | undefined;
  findings.forEach((finding, index) => {
    const binding = analysis.bindingOf.get(finding);
    if (binding) {
      let list = bindingFindings.get(binding);
      if (!list) bindingFindings.set(binding, (list = []));
      list.push(index);
      return;
    }
    const rule = rules.get(finding.ruleId);
    const reference = rule?.bans.find((b) => b.referenceOf && (finding.symbol === b.path || finding.symbol.startsWith(`${b.path}.`)));
    if (reference?.referenceOf) {
      perFinding[index] = { applicability: 'manual', reason: REASONS.refersTo(reference.path, reference.referenceOf.file) };
      return;
    }
    if (finding.kind === 'usage' && rule) {
      // a name only a star import brings in (no dot) or an attribute chain through a module import
      if (!finding.local.includes('.')) {
        perFinding[index] = { applicability: 'manual', reason: REASONS.star };
        return;
      }
      const ban = findBan(rule.bans, finding.symbol);
      referencesAt ??= new Map(analysis.scopes.references.map((r) => [r.node.startIndex, r] as const));
      const base = referencesAt.get(finding.range.start)?.candidates.find((b) => b.import && b.import.qualifiedName !== null && b.kind !== 'star-import');
      if (ban && base && ban.kind === 'symbol' && ban.path === finding.symbol) {
        let byBan = chainFindings.get(base);
        if (!byBan) chainFindings.set(base, (byBan = new Map()));
        let list = byBan.get(ban);
        if (!list) byBan.set(ban, (list = []));
        list.push(index);
        return;
      }
    }
    const planned = unboundFindingFix(root, finding, rule);
    perFinding[index] = planned.fix;
    if (planned.edit && (planned.fix.applicability === 'safe' || options.unsafe)) {
      edits.push(planned.edit);
      applied[index] = true;
    }
  });

  // strings that name what to patch and stay as they are (a string a fix rewrites follows the name it patches)
  const patchTargets: IdentityUse[] = [];
  findings.forEach((f, i) => {
    if (f.kind !== 'string-reference' || perFinding[i]!.applicability === 'safe' || !isPatchTarget(root, f)) return;
    if (!patchTargets.some((u) => u.path === f.symbol)) patchTargets.push({ path: f.symbol, line: lineOf(i) });
  });
  const stringUses = namesInStrings(root, findings, analysis.relevant);
  /** The innermost scope whose node contains `index` (for a name inside a string). */
  const innermostScope = (index: number): Scope => {
    for (let n: SyntaxNode | null = root.descendantForIndex(index); n; n = n.parent) {
      const s = analysis.scopes.scopeOfNode(n);
      if (s) return s;
    }
    return analysis.scopes.module;
  };
  const setAll = (indices: readonly number[], fix: FindingFix) => {
    for (const i of indices) perFinding[i] = fix;
  };

  // ---- one decision per deprecated binding
  const decisions: Decision[] = [];
  for (const [binding, ban] of analysis.deprecatedBindings) {
    const rule = rules.get(ban.ruleId);
    const indices = bindingFindings.get(binding) ?? [];
    if (ban.referenceOf) {
      setAll(indices, { applicability: 'manual', reason: REASONS.refersTo(ban.path, ban.referenceOf.file) });
      continue;
    }
    if (!rule || !ban.target || !ban.shape) continue;
    const decision = decide(binding, ban, rule, indices);
    if (decision) decisions.push(decision);
  }
  for (const [base, byBan] of chainFindings) {
    for (const [ban, indices] of byBan) {
      const rule = rules.get(ban.ruleId);
      const decision = rule ? decideChain(base, ban, rule, indices) : null;
      if (decision) decisions.push(decision);
    }
  }

  // a binding whose shared uses are not all rewritten (with their owner) stays, whole
  // (the set of rewritten findings is built once, when a binding has shared uses: cost stays linear in the uses)
  let rewrittenSet: Set<number> | undefined;
  const rewrittenIndices = (): Set<number> => {
    if (rewrittenSet) return rewrittenSet;
    rewrittenSet = new Set<number>();
    for (const o of decisions) if (!o.manual) for (const r of o.rewrites) if (r.findingIndex !== undefined) rewrittenSet.add(r.findingIndex);
    return rewrittenSet;
  };
  for (const d of decisions) {
    if (d.manual || !d.sharedUses.length) continue;
    if (!d.sharedUses.every((i) => rewrittenIndices().has(i))) d.manual = { reason: REASONS.keptForManual, line: lineOf(d.sharedUses[0]!), whole: true, uses: new Set() };
  }

  // ---- names and imports, per scope and target
  const reserved = new Map<Scope, Set<string>>();
  const renamed = decisions.filter((d) => !d.manual && d.form === 'rename' && (d.applicability === 'safe' || options.unsafe));
  const groups = new Map<string, Decision[]>();
  for (const d of renamed) {
    const key = `${d.binding.scope.id}\0${targetPath(d.target)}\0${d.fallbackStatement?.id ?? ''}`;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(d);
  }
  for (const group of groups.values()) planRenameGroup(group);

  for (const d of decisions) {
    if (d.manual) {
      const manual = d.manual;
      for (const i of d.indices) {
        if (manual.whole) perFinding[i] = { applicability: 'manual', reason: manual.reason };
        else if (findings[i]!.kind === 'import') perFinding[i] = { applicability: 'manual', reason: `${REASONS.keptForManual} (line ${manual.line}: ${manual.reason})` };
        // a use that needs a person keeps its own reason; the others stay with it
        else if (!manual.uses.has(i)) perFinding[i] = { applicability: 'manual', reason: keptWhole(manual.reason, manual.line) };
      }
      continue;
    }
    const include = d.applicability === 'safe' || options.unsafe;
    const safeFix = (i: number): FindingFix => {
      const said = [d.keepAs ? REASONS.keptAlias(d.keepAs) : undefined, d.notes.get(i), d.ban.shapeNote].filter(Boolean).join('; ');
      return said ? { applicability: 'safe', reason: said } : { applicability: 'safe' };
    };
    // sets, not per-finding searches of the lists: a binding with 40,000 uses stays linear
    const changed = new Set<number | undefined>(d.typeUses);
    for (const r of d.rewrites) changed.add(r.findingIndex);
    for (const r of d.fallbackRenames) changed.add(r.findingIndex);
    for (const i of d.indices) {
      const fix: FindingFix = d.applicability === 'safe' ? safeFix(i) : { applicability: 'unsafe', reason: d.unsafeReason ?? REASONS.fallback };
      const finding = findings[i]!;
      // the import goes, or stays as the `types` class its remaining (type-position) uses need
      const fixed = finding.kind === 'import' || d.form === 'keep-name' || changed.has(i);
      if (fixed) {
        perFinding[i] = fix;
        applied[i] = include;
      }
    }
    if (!include) continue;
    if (d.form === 'keep-name') planKeepName(d);
  }

  edits.push(...imports.edits());
  edits.sort((a, b) => a.start - b.start || a.end - b.end);
  // module-level names this plan removes or rebinds: what other modules may import or patch from here
  const changedNames = decisions
    .filter((d) => !d.manual && !d.chain && d.form === 'rename' && !d.keepAs && d.binding.scope === analysis.scopes.module && (d.applicability === 'safe' || options.unsafe))
    .map((d) => d.binding.name);
  const extra = {
    ...(changedNames.length ? { changedNames: [...new Set(changedNames)] } : {}),
    ...(identityCompared.length ? { identityCompared } : {}),
    ...(patchTargets.length ? { patchTargets } : {}),
  };
  return { edits, perFinding, applied, ...extra };

  // ---------------------------------------------------------------------------

  /** What a binding needs, or null when nothing (its findings get their reasons here). */
  function decide(binding: Binding, ban: Ban, rule: PlanRule, indices: number[]): Decision | null {
    const info = binding.import!;
    const importIndex = indices.find((i) => findings[i]!.kind === 'import');
    const path = binding.kind === 'import' ? info.importedPath ?? info.qualifiedName! : info.qualifiedName!;
    const mapped = mappedPath(ban, path);
    if (!mapped) return null;
    const viaModule = path !== ban.path; // a name imported from (or under) a banned module
    const scope = binding.scope;

    if (binding.kind === 'star-import') {
      // `from M import *` of a banned module: the module path moves, or a person lists the names
      const statement = info.statement;
      const moduleNode = statement.childForFieldName('module_name');
      if (ban.kind === 'module' && moduleNode && mapped.includes('.')) {
        const fix: FindingFix = ban.shape === 'move' ? { applicability: 'safe' } : { applicability: 'unsafe', reason: REASONS.otherModule };
        setAll(indices, fix);
        if (fix.applicability === 'safe' || options.unsafe) {
          edits.push({ start: moduleNode.startIndex, end: moduleNode.endIndex, text: mapped });
          for (const i of indices) applied[i] = true;
        }
        return null;
      }
      setAll(indices, { applicability: 'manual', reason: REASONS.star });
      return null;
    }
    if (binding.kind === 'import' && info.alias === null && path.includes('.')) {
      // `import a.b.M` binds `a`: its uses are chains
      setAll(indices, { applicability: 'manual', reason: REASONS.moduleChain });
      return null;
    }
    // an import that is tried, not used: a probe (what it tests would change), or one that always fails
    const guard = importGuardOf(info.statement);
    if (guard && ban.deprecatedInfo?.missing) {
      setAll(indices, { applicability: 'manual', reason: REASONS.deadImport(path) });
      return null;
    }
    if (guard && !analysis.scopes.references.some((r) => r.candidates.includes(binding))) {
      setAll(indices, { applicability: 'manual', reason: guard === 'import-error' ? REASONS.probe : REASONS.warningsProbe });
      return null;
    }
    const dot = mapped.lastIndexOf('.');
    const target: ImportTarget = dot < 0 ? { module: '', name: mapped, local: mapped } : { module: mapped.slice(0, dot), name: mapped.slice(dot + 1), local: viaModule ? mapped.slice(dot + 1) : ban.target!.local };
    const keepName = ban.shape === 'move' || viaModule;
    const base: Decision = {
      binding,
      ban,
      rule,
      indices,
      form: keepName ? 'keep-name' : 'rename',
      target,
      applicability: viaModule && ban.shape !== 'move' ? 'unsafe' : 'safe',
      unsafeReason: viaModule && ban.shape !== 'move' ? REASONS.otherModule : undefined,
      remove: true,
      rewrites: [],
      fallbackRenames: [],
      typeUses: [],
      sharedUses: [],
      fallbackStatement: undefined,
      notes: new Map(),
    };
    if (keepName) return base;

    // ---- rename and class-to-instance: references change, so the scope must let them
    const refs = analysis.scopes.references.filter((r) => r.candidates.includes(binding));
    const others = (scope.bindings.get(binding.name) ?? []).filter((b) => b !== binding);
    const fallbacks: Binding[] = [];
    let blocked: string | undefined;
    for (const other of others) {
      if (other.import && analysis.deprecatedBindings.get(other)?.ruleId === rule.id) continue;
      if (isNoneFallback(other, binding)) fallbacks.push(other);
      else blocked = other.kind === 'del' ? REASONS.declared : REASONS.rebound;
    }
    if (declaredElsewhere(binding, analysis.scopes.scopes)) blocked = REASONS.declared;
    if (scope === analysis.scopes.module && analysis.scopes.references.some((r) => r.name === binding.name && classReadsGlobal(r))) blocked = REASONS.classRead;
    if (stringUses.exported.has(binding.name) && scope === analysis.scopes.module) blocked = REASONS.reexport;
    // `from M import N as N` is the explicit re-export form (PEP 484)
    if (info.alias !== null && info.alias === info.importedName && scope === analysis.scopes.module) blocked = REASONS.reexport;
    if (blocked) {
      setAll(indices, { applicability: 'manual', reason: blocked });
      return null;
    }
    // a use that may reach another binding is rewritable only when that one is a deprecated import
    // decided the same way (same target, same shape) in this scope
    const treatedAlike = (c: Binding) => {
      const other = c.import ? analysis.deprecatedBindings.get(c) : undefined;
      return other !== undefined && c.scope === scope && other.shape === ban.shape && other.target !== undefined && targetPath(other.target) === targetPath(ban.target!);
    };
    if (refs.some((r) => r.candidates.some((c) => c !== binding && !fallbacks.includes(c) && !treatedAlike(c)))) {
      setAll(indices, { applicability: 'manual', reason: REASONS.ambiguous });
      return null;
    }
    const decision: Decision = {
      ...base,
      applicability: fallbacks.length ? 'unsafe' : 'safe',
      unsafeReason: fallbacks.length ? REASONS.fallback : undefined,
      fallbackStatement: fallbacks.length ? info.statement : undefined,
    };
    const isClass = ban.shape === 'class-to-instance';
    const referredFrom = scope === analysis.scopes.module ? options.keep?.get(binding.name) : undefined;
    if (referredFrom && isClass) {
      setAll(indices, { applicability: 'manual', reason: REASONS.referredFrom(referredFrom) });
      return null;
    }
    if (referredFrom) decision.keepAs = referredFrom;
    // a binding of the rule's `types` class already is what type positions need
    const isTypesClass = rule.types !== undefined && info.qualifiedName === `${rule.types.module}.${rule.types.name}`;
    // the uses: scope references, and names inside string annotations (usage findings no reference matches)
    const uses: { index: number; node: SyntaxNode | null; start: number; end: number; scope: Scope }[] = [];
    const claimed = new Set<number>();
    const usageAt = new Map<number, number>();
    for (const i of indices) if (findings[i]!.kind === 'usage') usageAt.set(findings[i]!.range.start, i);
    for (const ref of refs) {
      const index = usageAt.get(ref.node.startIndex) ?? -1;
      if (index >= 0) claimed.add(index);
      uses.push({ index, node: ref.node, start: ref.node.startIndex, end: ref.node.endIndex, scope: ref.scope });
    }
    for (const index of indices) {
      const finding = findings[index]!;
      if (claimed.has(index) || finding.kind !== 'usage' || finding.usage !== 'annotation') continue;
      if (others.some((o) => o.node.startIndex === finding.range.start)) continue; // a rebinding
      uses.push({ index, node: null, start: finding.range.start, end: finding.range.end, scope: innermostScope(finding.range.start) });
    }
    const usageStarts = usageStartsOf();
    const manualUses = new Set<number>();
    const stayFor = (reason: string, line: number, whole = false) => {
      decision.manual ??= { reason, line, whole, uses: manualUses };
    };
    for (const use of uses) {
      const index = use.index;
      if (index < 0) {
        // a use that may also reach another deprecated binding is reported (and rewritten) with that one
        const shared = usageStarts.get(use.start);
        if (shared !== undefined) {
          decision.sharedUses.push(shared);
          continue;
        }
        // a suppressed use (`# ssot: ignore`) stays as it is, and so must the whole binding
        stayFor(REASONS.keptForSuppressed, rowOf(root, use.start) + 1, true);
        continue;
      }
      const category = findings[index]!.usage!;
      if (isTypesClass && TYPE_POSITIONS.has(category)) {
        decision.remove = false;
        decision.typeUses.push(index);
        continue;
      }
      const { reason, to } = isClass ? classUse(category, rule) : { reason: undefined, to: 'canonical' as const };
      if (reason) {
        perFinding[index] = { applicability: 'manual', reason };
        manualUses.add(index);
        stayFor(reason, lineOf(index));
        continue;
      }
      const node = use.node && isClass && to === 'canonical' ? use.node.parent! : use.node; // `L()` → instance
      if (node && to === 'canonical') {
        const manual = checkCanonicalUse(node, ban, isClass, binding.name, decision, index);
        if (manual) {
          perFinding[index] = { applicability: 'manual', reason: manual };
          manualUses.add(index);
          stayFor(manual, lineOf(index));
          continue;
        }
      }
      decision.rewrites.push({ start: node?.startIndex ?? use.start, end: node?.endIndex ?? use.end, scope: use.scope, to, findingIndex: index, inString: node === null });
    }
    // another file compares the deprecated object by identity and keeps it: handing out the canonical one here changes what it sees
    const comparedAt = options.comparedElsewhere?.get(ban.path);
    if (comparedAt && uses.length && decision.applicability === 'safe') {
      decision.applicability = 'unsafe';
      decision.unsafeReason = REASONS.comparedElsewhere(binding.name, comparedAt);
    }
    if (!uses.length && !fallbacks.length && options.packageInit && scope === analysis.scopes.module) {
      // unused here, but a package's names are its interface
      decision.applicability = 'unsafe';
      decision.unsafeReason = REASONS.packageExport;
    }
    for (const fallback of fallbacks) {
      const index = indices.find((i) => findings[i]!.kind === 'usage' && findings[i]!.usage === 'assignment-target' && findings[i]!.range.start === fallback.node.startIndex);
      decision.fallbackRenames.push({ node: fallback.node, findingIndex: index });
    }
    // a string annotation naming the binding is a use the analysis cannot rewrite
    if (stringUses.annotations.has(binding.name)) stayFor(REASONS.stringAnnotation, importIndex !== undefined ? lineOf(importIndex) : rowOf(root, binding.node.startIndex) + 1, true);
    // never half: a fallback is rewritten together with every use, or not at all
    if (decision.manual && fallbacks.length) decision.manual = { reason: `${REASONS.fallback}, and some uses need a manual change`, line: decision.manual.line, whole: true, uses: manualUses };
    return decision;
  }

  /**
   * Attribute chains through one module binding to one banned name (`mod.Old`,
   * `pkg.mod.Old`): rewritten to the canonical name under the same rules and
   * checks as plain uses of `Old`, all of them or none; the module import
   * stays (its other uses, if any, still need it). Manual when the chain may
   * not reach the deprecated module (the binding is guarded, rebound or used
   * as a value) or when code names the deprecated path in a string, as
   * `patch("m.Old")` does: a chain reads `m.Old` when it runs and sees the
   * patch, the canonical name would not.
   */
  function decideChain(base: Binding, ban: Ban, rule: PlanRule, indices: number[]): Decision | null {
    const stay = (reason: string) => {
      setAll(indices, { applicability: 'manual', reason });
      return null;
    };
    const mapped = ban.target && ban.shape ? mappedPath(ban, ban.path) : null;
    if (!mapped) return stay(REASONS.chain);
    const info = base.import!;
    const scope = base.scope;
    if (importGuardOf(info.statement)) return stay(REASONS.chainGuarded(base.name));
    // `import a.b` and `import a.c` bind the same package `a`
    const sameModule = (b: Binding) =>
      b === base ||
      (b.kind === 'import' && base.kind === 'import' && b.import?.alias === null && info.alias === null && b.import.qualifiedName === info.qualifiedName && !importGuardOf(b.import.statement));
    const other = (scope.bindings.get(base.name) ?? []).find((b) => !sameModule(b));
    if (other) return stay(REASONS.chainRebound(base.name, rowOf(root, other.node.startIndex) + 1));
    if (declaredElsewhere(base, analysis.scopes.scopes)) return stay(REASONS.declared);
    for (const ref of analysis.scopes.references) {
      if (!ref.candidates.some(sameModule)) continue;
      if (!ref.candidates.every(sameModule)) return stay(REASONS.ambiguous);
      const parent = ref.node.parent;
      if (parent?.type !== 'attribute' || parent.childForFieldName('object')?.id !== ref.node.id) {
        return stay(REASONS.chainModuleValue(base.name, rowOf(root, ref.node.startIndex) + 1));
      }
    }
    const patchedHere = patchTargets.find((u) => isAtOrUnder(u.path, ban.path));
    if (patchedHere) return stay(REASONS.patchedElsewhere(patchedHere.path, `line ${patchedHere.line}`));
    for (const [path, where] of options.patchedElsewhere ?? []) if (isAtOrUnder(path, ban.path)) return stay(REASONS.patchedElsewhere(path, where));

    const dot = mapped.lastIndexOf('.');
    const target: ImportTarget = dot < 0 ? { module: '', name: mapped, local: mapped } : { module: mapped.slice(0, dot), name: mapped.slice(dot + 1), local: ban.target!.local };
    const decision: Decision = {
      binding: base,
      ban,
      rule,
      indices,
      form: 'rename',
      target,
      applicability: 'safe',
      unsafeReason: undefined,
      remove: false,
      rewrites: [],
      fallbackRenames: [],
      typeUses: [],
      sharedUses: [],
      fallbackStatement: undefined,
      notes: new Map(),
      chain: true,
    };
    const isClass = ban.shape === 'class-to-instance';
    const manualUses = new Set<number>();
    for (const index of indices) {
      const finding = findings[index]!;
      const chain = nodeSpanning(root, finding.range.start, finding.range.end, 'attribute');
      const ref = referencesAt!.get(finding.range.start);
      if (!chain || !ref) return stay(REASONS.chain);
      const category = finding.usage!;
      // `mod.Old = …` / `del mod.Old` changes the deprecated module itself (`mod.Old.x = …` is a use of `Old`)
      const stored = category === 'assignment-target' && !(chain.parent?.type === 'attribute' && chain.parent.childForFieldName('object')?.id === chain.id);
      const { reason, to } = stored ? { reason: REASONS.chainAssign, to: 'canonical' as const } : isClass ? classUse(category, rule) : { reason: undefined, to: 'canonical' as const };
      if (reason) {
        perFinding[index] = { applicability: 'manual', reason };
        manualUses.add(index);
        decision.manual ??= { reason, line: lineOf(index), whole: false, uses: manualUses };
        continue;
      }
      const node = isClass && to === 'canonical' ? chain.parent! : chain; // `mod.Old()` → instance
      if (to === 'canonical') {
        const manual = checkCanonicalUse(node, ban, isClass, finding.local, decision, index);
        if (manual) {
          perFinding[index] = { applicability: 'manual', reason: manual };
          manualUses.add(index);
          decision.manual ??= { reason: manual, line: lineOf(index), whole: false, uses: manualUses };
          continue;
        }
      }
      decision.rewrites.push({ start: node.startIndex, end: node.endIndex, scope: ref.scope, to, findingIndex: index, inString: false });
    }
    const comparedAt = options.comparedElsewhere?.get(ban.path);
    if (comparedAt && decision.applicability === 'safe') {
      decision.applicability = 'unsafe';
      decision.unsafeReason = REASONS.comparedElsewhere(findings[indices[0]!]!.local, comparedAt);
    }
    return decision;
  }

  /**
   * What the program does with a use that becomes the canonical object must
   * fit it (members, sync/async, arguments: checkUses). Returns the reason
   * when that makes the use manual; else records what the decision must say:
   * unsafe with the verdict's reason, the notes (a new object became the
   * shared one, uses not followed), an identity comparison of a shared object.
   */
  function checkCanonicalUse(node: SyntaxNode, ban: Ban, isClass: boolean, name: string, decision: Decision, index: number): string | null {
    const { verdict, notes } = checkUses(node, ban.deprecatedInfo, ban.targetInfo, isClass, (other) => becomesTarget(other, targetPath(ban.target!)));
    if (verdict?.applicability === 'manual') return verdict.reason;
    // an object shared by the program (not a new one) compared here: fixes elsewhere that swap it change what this sees
    if (verdict?.identity && !isClass && !identityCompared.some((u) => u.path === ban.path)) identityCompared.push({ path: ban.path, line: lineOf(index) });
    if (verdict && decision.applicability === 'safe') {
      decision.applicability = 'unsafe';
      decision.unsafeReason = verdict.reason;
    }
    const said = [isClass ? `a new \`${name}\` object is now the shared \`${ban.target!.local}\`` : '', ...notes.map((n) => `${n}: not followed`)].filter(Boolean);
    if (said.length) decision.notes.set(index, said.join('; '));
    return null;
  }

  /** True when `node` is a use of a deprecated name that moves to `path` (`lm is legacy_manager`: both sides become one object). */
  function becomesTarget(node: SyntaxNode, path: string): boolean {
    if (node.type !== 'identifier' && node.type !== 'call') return false;
    const at = node.type === 'call' ? node.childForFieldName('function')?.startIndex : node.startIndex;
    return findings.some((f) => {
      if (f.kind !== 'usage' || f.range.start !== at) return false;
      const b = analysis.bindingOf.get(f);
      const ban = b ? analysis.deprecatedBindings.get(b) : undefined;
      return ban?.target !== undefined && targetPath(ban.target) === path && (node.type === 'identifier' || ban.shape === 'class-to-instance');
    });
  }

  /** Usage findings by start position (for uses reported with another binding). */
  function usageStartsOf(): Map<number, number> {
    const out = new Map<number, number>();
    findings.forEach((f, i) => {
      if (f.kind === 'usage' && !out.has(f.range.start)) out.set(f.range.start, i);
    });
    return out;
  }

  /** A keep-name move: the clause goes, `from <target> import <name> as <local>` comes (merged where the scope imports that module). */
  function planKeepName(d: Decision): void {
    const { binding } = d;
    const info = binding.import!;
    const local = binding.name;
    imports.removeClause(info.statement, info.clause);
    // an import of the same name from the target that stays already binds it here
    if (alreadyBound(binding.scope, local, targetPath(d.target), info.statement.startIndex)) return;
    const name: AddedName = { module: d.target.module, name: d.target.name, local };
    imports.addNames(binding.scope, [name], [info.statement], info.statement.startIndex);
  }

  /** A from-import of `path` binding `local` in `scope`, directly in its body, before `before`, that stays. */
  function alreadyBound(scope: Scope, local: string, path: string, before: number): boolean {
    return (scope.bindings.get(local) ?? []).some(
      (b) =>
        b.kind === 'from-import' &&
        b.import?.qualifiedName === path &&
        b.node.startIndex < before &&
        isTopLevelIn(b.import.statement, scope) &&
        !analysis.deprecatedBindings.has(b),
    );
  }

  /** Renames and class-to-instance rewrites of the bindings of one scope that share a target: one local name, one import. */
  function planRenameGroup(group: Decision[]): void {
    const scope = group[0]!.binding.scope;
    const { target, rule } = group[0]!;
    const kept = group.find((d) => d.keepAs !== undefined);
    const needCanonical = kept !== undefined || group.some((d) => d.rewrites.some((r) => r.to === 'canonical') || d.fallbackRenames.length);
    const needTypes = group.some((d) => d.rewrites.some((r) => r.to === 'types'));
    const removed = new Set<Binding>(group.filter((d) => d.remove).map((d) => d.binding));
    for (const d of group) {
      if (!d.remove) continue;
      for (const other of scope.bindings.get(d.binding.name) ?? []) if (d.fallbackRenames.some((f) => f.node.startIndex === other.node.startIndex)) removed.add(other);
    }
    const refScopes = new Set<Scope>([scope]);
    for (const d of group) for (const r of d.rewrites) refScopes.add(r.scope);
    const canonicalPath = targetPath(target);
    const typesPath = rule.types ? `${rule.types.module}.${rule.types.name}` : '';
    let firstRewrite = Number.POSITIVE_INFINITY;
    for (const d of group) {
      for (const r of d.rewrites) firstRewrite = Math.min(firstRewrite, r.start);
      for (const f of d.fallbackRenames) firstRewrite = Math.min(firstRewrite, f.node.startIndex);
    }
    // an ImportError fallback guards its own import (`X = None` must not rebind an import made elsewhere)
    const guarded = group.some((d) => d.fallbackRenames.length);
    const existingCanonical = needCanonical && !guarded && !kept ? visibleImportOf(scope, canonicalPath, refScopes, removed, firstRewrite) : undefined;
    const existingTypes = needTypes ? visibleImportOf(scope, typesPath, refScopes, removed, firstRewrite) : undefined;
    const taken = reserved.get(scope) ?? new Set<string>();
    reserved.set(scope, taken);
    const deprecatedNames = (to: 'canonical' | 'types') =>
      group.filter((d) => !d.chain && (d.rewrites.some((r) => r.to === to) || (to === 'canonical' && d.fallbackRenames.length))).map((d) => d.binding.name);
    const pick = (candidates: string[], path: string | null): { name: string } | { clash: string } => {
      let clash = '';
      for (const candidate of candidates) {
        const why = whyTaken(scope, candidate, path, refScopes, removed, taken);
        if (why === null) return { name: candidate };
        clash ||= why;
      }
      return { clash };
    };
    const stay = (reason: string) => {
      for (const d of group) d.manual = { reason, line: rowOf(root, d.binding.node.startIndex) + 1, whole: true, uses: new Set() };
    };
    let canonicalLocal = '';
    if (needCanonical) {
      if (existingCanonical) canonicalLocal = existingCanonical;
      else {
        // a deprecated name the `types` class needs (its type-position uses) is not the instance's to take
        const fallbackNames = deprecatedNames('canonical').filter((n) => !(needTypes && deprecatedNames('types').includes(n)));
        // a name other code refers to stays bound: the canonical object takes it as an alias
        const chosen = pick(kept ? [kept.binding.name] : [target.local, ...fallbackNames], guarded ? null : canonicalPath);
        if ('clash' in chosen) return stay(namesTaken(target.local, deprecatedNames('canonical')[0] ?? target.local, chosen.clash));
        canonicalLocal = chosen.name;
        taken.add(canonicalLocal);
      }
    }
    let typesLocal = '';
    if (needTypes && rule.types) {
      if (existingTypes) typesLocal = existingTypes;
      else {
        const chosen = pick([rule.types.local, ...deprecatedNames('types')], typesPath);
        if ('clash' in chosen) return stay(namesTaken(rule.types.local, deprecatedNames('types')[0] ?? rule.types.local, chosen.clash));
        typesLocal = chosen.name;
        taken.add(typesLocal);
      }
    }
    for (const d of group) {
      for (const r of d.rewrites) {
        const local = r.to === 'types' ? typesLocal : canonicalLocal;
        const binds = r.to === 'types' ? typesPath : canonicalPath;
        if (!r.inString && text.slice(r.start, r.end) === local && r.to === 'canonical' && kept) continue; // the name stays
        edits.push(r.inString ? { start: r.start, end: r.end, text: local } : { start: r.start, end: r.end, text: local, binds });
      }
      for (const f of d.fallbackRenames) edits.push({ start: f.node.startIndex, end: f.node.endIndex, text: canonicalLocal });
    }
    // the import statements: drop removed clauses; add the canonical (and types) import where the first stood
    const statements = [...new Set(group.map((d) => d.binding.import!.statement))];
    for (const d of group) if (d.remove) imports.removeClause(d.binding.import!.statement, d.binding.import!.clause);
    const names: AddedName[] = [];
    if (needCanonical && !existingCanonical) names.push({ module: target.module, name: target.name, local: canonicalLocal });
    if (needTypes && !existingTypes && rule.types) names.push({ module: rule.types.module, name: rule.types.name, local: typesLocal });
    if (names.length) {
      const anchors = anchorsOf(statements, scope);
      const before = Math.min(firstRewrite, ...anchors.map((a) => a.startIndex));
      // a fallback's canonical import stays inside its own `try` (never merged elsewhere)
      imports.addNames(scope, names, anchors, guarded ? -1 : before);
    }
  }

  /**
   * Local name of an existing import of `path` (one that stays) that every
   * reference scope sees as its only binding, bound before the first rewritten use.
   */
  function visibleImportOf(scope: Scope, path: string, scopes: Set<Scope>, removed: Set<Binding>, firstRewrite: number): string | undefined {
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
   * Null when `name` is free for the new import in `scope`: not bound there
   * except by a binding being removed or an import of the same `path` (null:
   * none is); not bound between any reference scope and `scope` (class scopes
   * in between are invisible); not declared `global` (module scope) or
   * `nonlocal` below, where a store would rebind the new import; and not
   * loaded anywhere below `scope` with another meaning. Otherwise what holds it.
   */
  function whyTaken(scope: Scope, name: string, path: string | null, scopes: Set<Scope>, removedBindings: Set<Binding>, takenNames: Set<string>): string | null {
    const describe = (b: Binding) => `${b.kind.replace(/-/g, ' ')} at line ${rowOf(root, b.node.startIndex) + 1}`;
    const compatible = (b: Binding) => removedBindings.has(b) || (path !== null && b.kind === 'from-import' && b.import?.qualifiedName === path);
    if (takenNames.has(name)) return 'by another import this fix adds';
    const own = (scope.bindings.get(name) ?? []).find((b) => !compatible(b));
    if (own) return describe(own);
    // declared global/nonlocal here: an import would bind the other scope's name
    if (scope.globals.has(name) || scope.nonlocals.has(name)) return `declared ${scope.globals.has(name) ? 'global' : 'nonlocal'} here`;
    const inside = scopesWithin(scope);
    for (const s of analysis.scopes.scopes) {
      if (scope.kind === 'module' && s.globals.has(name)) return 'declared global in a function';
      if (s !== scope && inside(s) && s.nonlocals.has(name)) return 'declared nonlocal in a nested function';
    }
    for (const rs of scopes) {
      if (rs === scope) continue;
      for (let s: Scope | null = rs; s && s !== scope; s = s.parent) {
        if (s !== rs && s.kind === 'class') continue;
        const inner = s.bindings.get(name)?.[0];
        if (inner) return describe(inner);
        if (s.globals.has(name) || s.nonlocals.has(name)) return 'declared global/nonlocal in a nested scope';
      }
    }
    // existing loads of `name` in this scope's subtree must not change meaning
    for (const ref of analysis.scopes.references) {
      if (ref.name !== name || !inside(ref.scope)) continue;
      if (classReadsGlobal(ref)) return `read by a class body at line ${rowOf(root, ref.node.startIndex) + 1}`;
      const resolved = ref.resolvedScope;
      // (a load of an import of the same path is not one: it may run before the new import binds)
      if (resolved === scope && ref.candidates.every((c) => removedBindings.has(c))) continue;
      if (resolved === null || !inside(resolved) || resolved === scope) {
        return resolved === null ? `a name used at line ${rowOf(root, ref.node.startIndex) + 1} (a builtin or undefined name)` : `used at line ${rowOf(root, ref.node.startIndex) + 1} with another meaning`;
      }
    }
    return null;
  }
}

/** What a use of a deprecated class becomes when the class is replaced by the canonical instance: the instance, the `types` class, or a person's change. */
function classUse(category: UsageCategory, rule: PlanRule): { reason: string | undefined; to: 'canonical' | 'types' } {
  if (category === 'call-no-args') return { reason: undefined, to: 'canonical' };
  if (category === 'call-with-args') return { reason: REASONS.args, to: 'canonical' };
  if (category === 'attribute') return { reason: REASONS.classAttribute, to: 'canonical' };
  if (category === 'assignment-target') return { reason: REASONS.classAssign, to: 'canonical' };
  if (TYPE_POSITIONS.has(category)) return rule.types ? { reason: undefined, to: 'types' } : { reason: REASONS.typeNoTypes, to: 'canonical' };
  return { reason: REASONS.classValue, to: 'canonical' };
}

/** Calls whose string argument names what they replace: `patch`, `patch.object` / `.dict` / `.multiple`, `(monkeypatch.)setattr` / `delattr`. */
const PATCH_CALLS = new Set(['patch', 'object', 'dict', 'multiple', 'setattr', 'delattr']);

/** A string reference that is the first or second positional argument of a patching call (`patch("m.N")`, `patch.object(m, "N")`). */
function isPatchTarget(root: SyntaxNode, finding: RawFinding): boolean {
  const node = nodeSpanning(root, finding.range.start, finding.range.end, 'string') ?? nodeSpanning(root, finding.range.start, finding.range.end, 'concatenated_string');
  const args = node?.parent;
  if (!node || args?.type !== 'argument_list' || args.parent?.type !== 'call') return false;
  const fn = args.parent.childForFieldName('function');
  const name = fn?.type === 'identifier' ? fn.text : fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : undefined;
  if (!name || !PATCH_CALLS.has(name)) return false;
  const positional = args.namedChildren.filter((c) => c && c.type !== 'keyword_argument' && c.type !== 'comment');
  return positional.slice(0, 2).some((c) => c?.id === node.id);
}

/** The node of `type` that spans exactly [start, end), or null. */
function nodeSpanning(root: SyntaxNode, start: number, end: number, type: string): SyntaxNode | null {
  for (let n: SyntaxNode | null = root.descendantForIndex(start); n; n = n.parent) {
    if (n.startIndex < start || n.endIndex > end) return null;
    if (n.startIndex === start && n.endIndex === end && n.type === type) return n;
  }
  return null;
}

function rowOf(root: SyntaxNode, index: number): number {
  return (root.descendantForIndex(index) ?? root).startPosition.row;
}

/**
 * Findings no binding owns (and not planned as chains, see decideChain): a
 * string reference to a moved path is rewritten (its content only; quotes and
 * prefix kept); other strings get the path to use; chains to banned modules,
 * chains in string annotations and star imports are manual.
 */
function unboundFindingFix(root: SyntaxNode, finding: RawFinding, rule: PlanRule | undefined): { fix: FindingFix; edit?: Edit } {
  if (finding.kind === 'string-reference') {
    const ban = rule?.bans.find((b) => finding.symbol === b.path || finding.symbol.startsWith(`${b.path}.`));
    const content = stringContent(root, finding.range.start, finding.range.end);
    if (ban?.shape === 'move' && content) {
      const to = mappedPath(ban, finding.symbol);
      if (to) return { fix: { applicability: 'safe' }, edit: { start: content.start, end: content.end, text: to } };
    }
    const target = rule ? suggestPath(finding.symbol, rule) : undefined;
    return { fix: { applicability: 'manual', reason: target ? `${REASONS.string}: change it to "${target}"` : `${REASONS.string} into a deprecated module: point it at what replaces it` } };
  }
  if (finding.local === '*') return { fix: { applicability: 'manual', reason: REASONS.star } };
  if (finding.kind === 'usage') return { fix: { applicability: 'manual', reason: REASONS.chain } };
  return { fix: { applicability: 'manual', reason: REASONS.moduleChain } };
}

/** The range of a plain string literal's content (one `string_content` child), or null (f-strings, concatenations, escapes). */
function stringContent(root: SyntaxNode, start: number, end: number): { start: number; end: number } | null {
  let node: SyntaxNode | null = root.descendantForIndex(start);
  while (node && !(node.startIndex === start && node.endIndex === end && node.type === 'string')) node = node.parent;
  if (!node) return null;
  const parts = node.namedChildren.filter((c) => c && c.type !== 'string_start' && c.type !== 'string_end');
  if (parts.length !== 1 || parts[0]!.type !== 'string_content') return null;
  return { start: parts[0]!.startIndex, end: parts[0]!.endIndex };
}

/**
 * The dotted path to suggest for a string naming a deprecated path:
 * `<banned symbol><rest>` → `<canonical path><rest>`, or `<types class><rest>`
 * for an attribute of a deprecated class replaced by an instance when the
 * rule has `types`. A string under a banned *module* has a counterpart only
 * when the module moves.
 */
export function suggestPath(value: string, rule: PlanRule): string | undefined {
  const ban = rule.bans.find((b) => value === b.path || value.startsWith(`${b.path}.`));
  if (!ban?.target) return undefined;
  if (ban.kind === 'module' && ban.shape !== 'move') return undefined;
  const rest = value.slice(ban.path.length);
  // `<Class>.method` names something of the class: the `types` class has it, the instance may not
  if (rest && rule.types && ban.shape === 'class-to-instance') return `${rule.types.module}.${rule.types.name}${rest}`;
  return mappedPath(ban, value) ?? undefined;
}

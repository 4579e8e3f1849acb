/**
 * `ssot prune` (issue 16): the deprecated modules nothing in the tree uses
 * any more, and — with `--apply` — their deletion as one gated, committed
 * phase (`prune`) that `ssot rollback --phase prune` undoes.
 *
 * A deprecated module is the module part of a rule's `deprecated` entries
 * (`from M import N` → M, `import M` → M) that is a file under the source
 * roots; a module that defines a canonical target or a `types` class is
 * where the names lead and is never one. Its references are found by the
 * scan itself, with every such module banned as a whole and suppressions
 * ignored (a line marked `# ssot: ignore` still imports it): imports of it or
 * of names from it (relative ones too), string references
 * (`patch("pkg.mod.X")`, `importlib.import_module("pkg.mod")`), attribute
 * chains. References in the module's own file do not count, nor do those in
 * other modules pruned with it (a greatest fixpoint: a deprecated module
 * used only by another unused one goes too).
 *
 * A package `__init__` that re-exports the module (`from .mod import X`) is
 * not a use by itself: the names it re-exports are searched for in turn, and
 * when nobody uses them the re-export goes with the module (the import
 * clauses and their `__all__` entries); when somebody does, the module is
 * used and the users are listed. Packages (`…/__init__.py` modules) are
 * listed but never deleted: ssot prune deletes module files only.
 *
 * Where the importers went is read from the phase history: each applied
 * phase's files are scanned at its commit and at its parent, and a phase
 * whose commit lowered a file's references to the module removed them.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Config, Rule } from '../config/compile.js';
import { processFile } from '../engine/file.js';
import { scan } from '../engine/run.js';
import type { LanguageAdapter } from '../languages/adapter.js';
import { adapterFor } from '../languages/registry.js';
import { UserError } from '../model/errors.js';
import { isAtOrUnder, type Ban, type Finding, type FindingKind } from '../model/finding.js';
import type { FileFix } from '../model/outcome.js';
import { oneLine, plural } from '../text/plural.js';
import { showFile, trackedAmong } from '../workspace/git.js';
import type { GateResult } from './gates.js';
import { prepareStepPhase, recordStepFailure, runGatedStep, type StepFailure, type StepRecord } from './stepPhase.js';
import type { PhaseProgress } from './runPhase.js';
import { isApplied, phaseStatesAtHead } from './state.js';

/** The phase id the prune step is recorded (and rolled back) under. */
export const PRUNE_PHASE = 'prune';

/** One place that names a deprecated module: 1-based line and column, root-relative posix file. */
export interface ModuleReference {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: FindingKind;
  /** The dotted path it reaches (`pkg.mod.X`). */
  readonly path: string;
  /** True when the file is itself a deprecated module pruned with this one (it does not keep it alive). */
  readonly alsoPruned: boolean;
}

/** A package `__init__` that imports the module or names from it. */
export interface ReExport {
  readonly file: string;
  readonly lines: readonly number[];
  /** The names it binds from the module (what users would import from the package). */
  readonly names: readonly string[];
  /** References to those names through the package, elsewhere in the tree. */
  readonly usedBy: readonly ModuleReference[];
}

/** A phase commit that removed references to the module from a file. */
export interface ReferenceRemoval {
  readonly phase: string;
  readonly commit: string;
  readonly file: string;
}

/**
 * `unused`: nothing outside it (and the modules pruned with it) refers to it;
 * `used`: `importers` or a used re-export keep it; `kept`: not deleted
 * whatever its use (a package, an untracked file, a re-export ssot cannot
 * remove), `reason` says why.
 */
export type PruneStatus = 'unused' | 'used' | 'kept';

export interface PruneModule {
  readonly module: string;
  /** Root-relative posix path of its file. */
  readonly file: string;
  readonly rules: readonly string[];
  readonly status: PruneStatus;
  readonly reason?: string;
  /** References outside its own file and outside its re-exports, in file and line order. */
  readonly importers: readonly ModuleReference[];
  readonly reExports: readonly ReExport[];
  /** Phase commits that removed references to it, oldest first; empty when the history does not tell (unknown). */
  readonly removedBy: readonly ReferenceRemoval[];
}

export interface PruneListing {
  readonly modules: readonly PruneModule[];
  /** Deprecated modules not considered, with why (no file, the canonical module). */
  readonly skipped: readonly { readonly rules: readonly string[]; readonly module: string; readonly reason: string }[];
  /** Files the search could not read (binary, not decodable): what they refer to is unknown, so `--apply` refuses. */
  readonly unreadable: readonly { readonly file: string; readonly message: string }[];
}

export interface PruneOutcome extends PruneListing {
  readonly status: 'done' | 'failed' | 'interrupted';
  readonly reason?: string;
  /** Files deleted (the unused modules) and files edited (their re-exports), as committed. */
  readonly deleted: readonly string[];
  readonly edited: readonly string[];
  readonly commitBefore: string;
  readonly commitAfter: string | null;
  readonly gates: readonly GateResult[];
  readonly failedGate?: GateResult;
}

export interface PruneOptions {
  readonly root: string;
  readonly config: Config;
  readonly rule?: string;
  readonly interpreter?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PhaseProgress) => void;
}

interface Candidate {
  readonly module: string;
  readonly file: string;
  readonly rules: string[];
  readonly isPackage: boolean;
}

function requirePruneSupport(adapter: LanguageAdapter): Required<Pick<LanguageAdapter, 'moduleFile' | 'removeReExports'>> {
  const { moduleFile, removeReExports } = adapter;
  if (!moduleFile || !removeReExports) throw new UserError(`ssot prune is not available for ${adapter.id} yet`);
  return { moduleFile, removeReExports };
}

/** The module a ban's deprecated entry lives in: M of `from M import N`, M of `import M`. */
function deprecatedModuleOf(ban: Ban): string | null {
  if (ban.kind === 'module') return ban.path;
  const dot = ban.path.lastIndexOf('.');
  return dot < 0 ? null : ban.path.slice(0, dot);
}

function candidatesOf(root: string, config: Config, adapter: LanguageAdapter, ruleFilter: string | undefined): { candidates: Candidate[]; skipped: PruneListing['skipped'] } {
  const { moduleFile } = requirePruneSupport(adapter);
  if (ruleFilter && !config.rules.some((r) => r.id === ruleFilter)) {
    throw new UserError(`--rule ${ruleFilter}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
  }
  // where any rule's names lead is never deprecated as a module
  const leadsHere = new Set(config.rules.flatMap((r) => [...r.canonical.targets.map((t) => t.module), ...(r.types ? [r.types.module] : [])]));
  const byModule = new Map<string, string[]>();
  for (const rule of config.rules.filter((r) => !ruleFilter || r.id === ruleFilter)) {
    for (const ban of rule.bans) {
      const module = deprecatedModuleOf(ban);
      if (module === null) continue;
      const rules = byModule.get(module) ?? [];
      if (!rules.includes(rule.id)) rules.push(rule.id);
      byModule.set(module, rules);
    }
  }
  const candidates: Candidate[] = [];
  const skipped: { rules: string[]; module: string; reason: string }[] = [];
  for (const [module, rules] of [...byModule].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (leadsHere.has(module)) {
      skipped.push({ rules, module, reason: 'defines the canonical objects (it is where the names lead)' });
      continue;
    }
    const file = moduleFile(root, config.sourceRoots, module);
    if (!file) {
      skipped.push({ rules, module, reason: `no file under the source roots (${config.sourceRoots.map((s) => s || '.').join(', ')})` });
      continue;
    }
    candidates.push({ module, file, rules, isPackage: path.posix.basename(file).startsWith('__init__.') });
  }
  return { candidates, skipped };
}

/** A config whose only rules ban each of `paths` as a whole, everywhere (no allowIn): the scan then finds every reference. */
function referenceConfig(config: Config, template: Rule, paths: readonly string[]): Config {
  const rules: Rule[] = paths.map((p, i) => {
    const id = `${PRUNE_PHASE}-${i}`;
    return { ...template, id, allowIn: [], bans: [{ ruleId: id, kind: 'module', path: p, source: `import ${p}` }] };
  });
  return { ...config, rules };
}

/** The longest of `paths` that `dotted` is at or under. */
function ownerOf(dotted: string, paths: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const p of paths) if (isAtOrUnder(dotted, p) && (!best || p.length > best.length)) best = p;
  return best;
}

async function referencesTo(
  root: string,
  config: Config,
  template: Rule,
  paths: readonly string[],
  unreadable: Map<string, string>,
): Promise<Map<string, Finding[]>> {
  const byPath = new Map<string, Finding[]>(paths.map((p) => [p, []]));
  if (!paths.length) return byPath;
  const result = await scan({ root, config: referenceConfig(config, template, paths), ignoreSuppressions: true });
  for (const e of result.errors) unreadable.set(e.file, e.message);
  for (const f of result.findings) {
    const owner = ownerOf(f.symbol, paths);
    if (owner) byPath.get(owner)!.push(f);
  }
  return byPath;
}

const referenceOf = (f: Finding, alsoPruned: boolean): ModuleReference => ({ file: f.file, line: f.line, column: f.column, kind: f.kind, path: f.symbol, alsoPruned });

/** One reference per file and line (an import and the usages it binds on one line are one place). */
function distinctByLine(refs: readonly ModuleReference[]): ModuleReference[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.file}:${r.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface Analysis {
  readonly candidate: Candidate;
  /** References outside the module's own file that are not re-exports. */
  readonly refs: readonly Finding[];
  readonly reExports: readonly { readonly file: string; readonly lines: number[]; readonly names: readonly string[]; readonly usedBy: readonly Finding[] }[];
  /** Why it cannot be deleted whatever its use, if so. */
  readonly keptReason?: string;
}

async function analyse(root: string, config: Config, adapter: LanguageAdapter, candidates: readonly Candidate[], unreadable: Map<string, string>): Promise<Analysis[]> {
  const { removeReExports } = requirePruneSupport(adapter);
  const template = config.rules[0]!;
  const refs = await referencesTo(
    root,
    config,
    template,
    candidates.map((c) => c.module),
    unreadable,
  );
  const tracked = await trackedAmong(root, candidates.map((c) => c.file));
  // package `__init__` files above each module that import it: re-exports, whose names are searched next
  const analyses: { candidate: Candidate; refs: Finding[]; inits: Map<string, { lines: number[]; names: readonly string[]; error?: string }> }[] = [];
  const reExportPaths: string[] = [];
  for (const candidate of candidates) {
    const mine = refs.get(candidate.module)!.filter((f) => f.file !== candidate.file);
    const inits = new Map<string, { lines: number[]; names: readonly string[]; error?: string }>();
    const others: Finding[] = [];
    for (const f of mine) {
      const pkg = path.posix.basename(f.file).startsWith('__init__.') ? adapter.moduleNameOf(f.file, config.sourceRoots) : null;
      if (f.kind !== 'import' || pkg === null || !isAtOrUnder(candidate.module, pkg) || pkg === candidate.module) {
        others.push(f);
        continue;
      }
      const entry = inits.get(f.file) ?? { lines: [], names: [] };
      if (!entry.lines.includes(f.line)) entry.lines.push(f.line);
      inits.set(f.file, entry);
    }
    for (const [file, entry] of inits) {
      const removal = await removeReExports({ rel: file, text: readFileSync(path.join(root, file), 'utf8'), sourceRoots: config.sourceRoots, modules: [candidate.module] });
      if ('error' in removal) inits.set(file, { ...entry, error: removal.error });
      else {
        const pkg = adapter.moduleNameOf(file, config.sourceRoots)!;
        inits.set(file, { ...entry, names: removal.names });
        reExportPaths.push(...removal.names.map((n) => `${pkg}.${n}`));
      }
    }
    analyses.push({ candidate, refs: others, inits });
  }
  const uses = await referencesTo(root, config, template, [...new Set(reExportPaths)], unreadable);
  return analyses.map(({ candidate, refs: others, inits }) => {
    const reExports = [...inits].map(([file, entry]) => {
      const pkg = adapter.moduleNameOf(file, config.sourceRoots)!;
      const usedBy = entry.names.flatMap((n) => uses.get(`${pkg}.${n}`) ?? []).filter((f) => f.file !== file);
      return { file, lines: entry.lines.sort((a, b) => a - b), names: entry.names, usedBy, error: entry.error };
    });
    const failed = reExports.find((r) => r.error);
    const keptReason = candidate.isPackage
      ? 'a package: ssot prune deletes module files only'
      : !tracked.has(candidate.file)
        ? 'not tracked by git (a rollback could not bring it back)'
        : failed
          ? `its re-export in ${failed.file} cannot be removed: ${failed.error}`
          : undefined;
    return { candidate, refs: others, reExports: reExports.map(({ error: _e, ...r }) => r), ...(keptReason ? { keptReason } : {}) };
  });
}

/**
 * The modules that go: the greatest set of deletable ones whose every
 * reference (and every use of their re-exports) lies in a file of the set.
 */
function prunableSet(analyses: readonly Analysis[]): Set<string> {
  const set = new Set(analyses.filter((a) => !a.keptReason).map((a) => a.candidate.file));
  let changed = true;
  while (changed) {
    changed = false;
    for (const a of analyses) {
      if (!set.has(a.candidate.file)) continue;
      const keptAlive = a.refs.some((f) => !set.has(f.file)) || a.reExports.some((r) => r.usedBy.some((f) => !set.has(f.file)));
      if (keptAlive) {
        set.delete(a.candidate.file);
        changed = true;
      }
    }
  }
  return set;
}

/** The phase commits that removed references to each module (scanning each applied phase's files before and after its commit). */
async function removalsFromHistory(root: string, config: Config, adapter: LanguageAdapter, modules: readonly Candidate[]): Promise<Map<string, ReferenceRemoval[]>> {
  const out = new Map<string, ReferenceRemoval[]>(modules.map((m) => [m.module, []]));
  if (!modules.length) return out;
  const states = await phaseStatesAtHead(root, config);
  const applications = states
    .filter(isApplied)
    .flatMap((s) => s.applications.filter((a) => a.commitAfter !== null).map((a) => ({ phase: s.id, application: a })))
    .sort((a, b) => a.application.order - b.application.order);
  const paths = modules.map((m) => m.module);
  const bans: Ban[] = paths.map((p) => ({ ruleId: PRUNE_PHASE, kind: 'module', path: p, source: `import ${p}` }));
  const needles = adapter.needles(bans).map((n) => Buffer.from(n, 'utf8'));
  const context = { adapter, sourceRoots: config.sourceRoots, mode: 'inventory' as const, ignoreSuppressions: true };
  const counts = async (commit: string, rel: string): Promise<Map<string, number>> => {
    const counted = new Map<string, number>();
    const bytes = await showFile(root, commit, rel);
    if (!bytes) return counted;
    const outcome = await processFile({ rel, bytes, bans, needles }, context);
    if (outcome.status !== 'findings') return counted;
    for (const f of outcome.findings) {
      const owner = ownerOf(f.symbol, paths);
      if (owner) counted.set(owner, (counted.get(owner) ?? 0) + 1);
    }
    return counted;
  };
  const fileOf = new Map(modules.map((m) => [m.module, m.file]));
  // every file of every phase commit at once (git reads them), then recorded in history order
  const compared = await Promise.all(
    applications.flatMap(({ phase, application }) =>
      application.files
        .filter((rel) => adapter.moduleNameOf(rel, config.sourceRoots) !== null)
        .map(async (rel) => {
          const commit = application.commitAfter!;
          const [before, after] = await Promise.all([counts(`${commit}^`, rel), counts(commit, rel)]);
          return { phase, commit, rel, before, after };
        }),
    ),
  );
  for (const { phase, commit, rel, before, after } of compared) {
    for (const [module, n] of before) {
      if (rel !== fileOf.get(module) && (after.get(module) ?? 0) < n) out.get(module)!.push({ phase, commit, file: rel });
    }
  }
  return out;
}

/** `ssot prune`: every deprecated module with its state (unused, used, kept), its remaining importers, and where the others went. */
export async function listPrunable(options: Pick<PruneOptions, 'root' | 'config' | 'rule'>): Promise<PruneListing> {
  const { root, config } = options;
  const adapter = adapterFor(config.language);
  const { candidates, skipped } = candidatesOf(root, config, adapter, options.rule);
  const unreadable = new Map<string, string>();
  const analyses = await analyse(root, config, adapter, candidates, unreadable);
  const prunable = prunableSet(analyses);
  const history = await removalsFromHistory(root, config, adapter, candidates);
  const modules: PruneModule[] = analyses.map((a) => {
    const { candidate } = a;
    const status: PruneStatus = a.keptReason ? 'kept' : prunable.has(candidate.file) ? 'unused' : 'used';
    const importers = distinctByLine(a.refs.map((f) => referenceOf(f, prunable.has(f.file))));
    const reExports = a.reExports.map((r) => ({ file: r.file, lines: r.lines, names: r.names, usedBy: distinctByLine(r.usedBy.map((f) => referenceOf(f, prunable.has(f.file)))) }));
    return {
      module: candidate.module,
      file: candidate.file,
      rules: candidate.rules,
      status,
      ...(a.keptReason ? { reason: a.keptReason } : {}),
      importers,
      reExports,
      removedBy: history.get(candidate.module) ?? [],
    };
  });
  return { modules, skipped, unreadable: [...unreadable].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([file, message]) => ({ file, message })) };
}

/** `ssot prune --apply`: deletes the unused modules (and their re-exports) as one gated, committed phase. */
export async function runPrune(options: PruneOptions): Promise<PruneOutcome> {
  const { root, config } = options;
  const progress = options.onProgress ?? (() => {});
  const head = await prepareStepPhase(root, config, PRUNE_PHASE, 'ssot prune --apply');
  const adapter = adapterFor(config.language);
  const { removeReExports } = requirePruneSupport(adapter);
  if (options.interpreter !== undefined) {
    // an explicit interpreter that cannot run is a usage error, never a quiet "compile check skipped"
    const why = await adapter.probeInterpreter?.(options.interpreter);
    if (why) throw new UserError(`--python ${options.interpreter}: ${why}`, { hint: 'name an interpreter that runs, or leave --python out to use the default' });
  }
  progress({ type: 'step', message: 'finding what still refers to the deprecated modules' });
  const listing = await listPrunable(options);
  if (listing.unreadable.length) {
    const first = listing.unreadable[0]!;
    throw new UserError(`cannot tell what ${plural(listing.unreadable.length, 'file')} refer${listing.unreadable.length === 1 ? 's' : ''} to: ${first.file} (${oneLine(first.message)})${listing.unreadable.length > 1 ? ', …' : ''}; nothing was deleted`, {
      hint: 'fix those files or leave them out with `exclude` in the config',
    });
  }
  const gates: GateResult[] = [];
  const unused = listing.modules.filter((m) => m.status === 'unused');
  const base = { ...listing, commitBefore: head, gates };
  if (!unused.length) return { ...base, status: 'done', deleted: [], edited: [], commitAfter: null };

  const removed = unused.map((m) => ({ file: m.file, original: readFileSync(path.join(root, m.file)) }));
  // each package `__init__` loses its re-exports of every module that goes (one edit per file)
  const initModules = new Map<string, string[]>();
  for (const m of unused) for (const r of m.reExports) initModules.set(r.file, [...(initModules.get(r.file) ?? []), m.module]);
  const fixes: FileFix[] = [];
  for (const [file, modules] of [...initModules].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (removed.some((r) => r.file === file)) continue;
    const original = readFileSync(path.join(root, file));
    const edited = await removeReExports({ rel: file, text: original.toString('utf8'), sourceRoots: config.sourceRoots, modules });
    if ('error' in edited) throw new Error(`${file}: ${edited.error} (listed as removable)`); // analyse() tried each module alone: a bug if the union fails
    fixes.push({ file, status: 'changed', original, updated: Buffer.from(edited.text), applied: { safe: edited.clauses, unsafe: 0 }, left: [] });
  }
  const rules = [...new Set(unused.flatMap((m) => m.rules))];
  const step: StepRecord = { root, phaseId: PRUNE_PHASE, head, rules, gates };
  const failed = (f: StepFailure): PruneOutcome => ({ ...base, status: f.status, reason: f.reason, deleted: [], edited: [], commitAfter: null, ...(f.failedGate ? { failedGate: f.failedGate } : {}) });
  // the edited `__init__` files must still compile (a deleted file cannot fail to)
  if (fixes.length && adapter.checkCompiles) {
    const compiled = await adapter.checkCompiles(
      fixes.map((f) => [f.file, f.updated!.toString('utf8')] as const),
      { interpreter: options.interpreter },
    );
    const broken = [...compiled.errors];
    if (broken.length) return failed(await recordStepFailure(step, `${broken[0]![0]} would not compile without its re-exports (${oneLine(broken[0]![1])}); nothing was changed`));
  }

  const result = await runGatedStep(step, {
    config,
    command: 'ssot prune --apply',
    signal: options.signal,
    progress,
    files: fixes,
    removed,
    changed: [...removed.map((r) => r.file), ...fixes.map((f) => f.file)],
    subject: `ssot(${PRUNE_PHASE}): ${plural(unused.length, 'unused deprecated module')} deleted [${rules.join(', ')}]`,
    description: 'Deprecated modules nothing in the tree imports or names any more, deleted by `ssot prune --apply`.',
    lines: [...unused.map((m) => `- ${m.file} (${m.module})`), ...fixes.map((f) => `- ${f.file}: re-exports of the deleted modules removed`)],
    commitRules: rules,
    applied: { fixes: unused.length, refused: [] },
  });
  if (result.status !== 'done') return failed(result);
  return { ...base, status: 'done', deleted: removed.map((r) => r.file), edited: fixes.map((f) => f.file), commitAfter: result.commit };
}

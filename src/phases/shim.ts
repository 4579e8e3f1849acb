/**
 * `ssot shim` (seed §1.4, §2B, §3A, contingency 3): every deprecated module
 * of a rule (its `allowIn` files, or those named with --module) becomes a
 * compatibility module whose deprecated names *are* the canonical objects —
 * the old instance name is the canonical instance, the old class name the
 * rule's `types` class (a factory returning the canonical instance where a
 * class maps to an instance and the rule has no `types`). It runs as a phase
 * (`shim`): preflight, `before` gates, write, `after` gates, one commit,
 * recorded — so `ssot rollback --phase shim` undoes it.
 *
 * `--check` asks the language adapter to import each deprecated module with
 * the project's interpreter and compare with `is` (legacy flag unset): exit 0
 * only when every deprecated name already is its canonical object.
 *
 * The module that defines a canonical target (or the `types` class) is never
 * a shim: it is where the names lead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config, Rule } from '../config/compile.js';
import { buildGrouping } from '../config/grouping.js';
import { addedImportLine, addedServiceImports, type AddedServiceImport } from '../engine/boundaries.js';
import { shapeRules } from '../engine/mappings.js';
import type { DelegationCheck, LanguageAdapter, ShimName } from '../languages/adapter.js';
import { adapterFor } from '../languages/registry.js';
import { UserError } from '../model/errors.js';
import type { FileFix } from '../model/outcome.js';
import { plural } from '../text/plural.js';
import { readIfExists } from '../workspace/files.js';
import type { GateResult } from './gates.js';
import { prepareStepPhase, recordStepFailure, runGatedStep, type StepFailure, type StepRecord } from './stepPhase.js';
import type { PhaseProgress } from './runPhase.js';

/** The phase id the shim step is recorded (and rolled back) under. */
export const SHIM_PHASE = 'shim';

/** One deprecated module of one rule. */
export interface DeprecatedModule {
  readonly rule: string;
  readonly module: string;
  /** Root-relative posix path of its file. */
  readonly file: string;
  readonly names: readonly ShimName[];
}

export interface NameDelegation {
  readonly rule: string;
  readonly module: string;
  readonly file: string;
  readonly name: string;
  /** `module.name` of the canonical object it must be. */
  readonly target: string;
  readonly bind: ShimName['bind'];
  readonly ok: boolean;
  readonly detail: string;
}

export interface ShimCheckResult {
  readonly ok: boolean;
  readonly names: readonly NameDelegation[];
  /** Deprecated modules left out, with why (the canonical module itself, no file under the source roots). */
  readonly skipped: readonly { readonly rule: string; readonly module: string; readonly reason: string }[];
}

export type ShimModuleStatus = 'shimmed' | 'delegates' | 'refused';

export interface ShimModuleOutcome extends DeprecatedModule {
  readonly status: ShimModuleStatus;
  readonly reason?: string;
  /** The private module that keeps the old implementation (with a legacy flag). */
  readonly legacyFile?: string;
  /** Definitions of deprecated names the shim replaced. */
  readonly dropped: readonly string[];
}

export interface ShimOutcome {
  readonly status: 'done' | 'failed' | 'interrupted';
  readonly reason?: string;
  readonly modules: readonly ShimModuleOutcome[];
  readonly skipped: ShimCheckResult['skipped'];
  readonly written: readonly string[];
  readonly commitBefore: string;
  readonly commitAfter: string | null;
  readonly gates: readonly GateResult[];
  readonly failedGate?: GateResult;
  /** Imports between services the compatibility modules add (as a fix phase's: refused when a boundary forbids one). */
  readonly serviceImports: readonly AddedServiceImport[];
}

export interface ShimOptions {
  readonly root: string;
  readonly config: Config;
  readonly rule?: string;
  /** Dotted modules to treat as deprecated modules (beside the rule's allowIn files). */
  readonly modules?: readonly string[];
  readonly interpreter?: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PhaseProgress) => void;
}

function requireShimSupport(adapter: LanguageAdapter): Required<Pick<LanguageAdapter, 'moduleFile' | 'legacyModuleOf' | 'buildShim' | 'checkDelegation'>> {
  const { moduleFile, legacyModuleOf, buildShim, checkDelegation } = adapter;
  if (!moduleFile || !legacyModuleOf || !buildShim || !checkDelegation) throw new UserError(`ssot shim is not available for ${adapter.id} yet`);
  return { moduleFile, legacyModuleOf, buildShim, checkDelegation };
}

const lastDot = (dotted: string) => dotted.lastIndexOf('.');

/** The deprecated modules of the selected rules, each with its names and what they must be bound to. */
export async function deprecatedModules(
  options: Pick<ShimOptions, 'root' | 'config' | 'rule' | 'modules'>,
): Promise<{ modules: DeprecatedModule[]; skipped: ShimCheckResult['skipped'] }> {
  const { root, config } = options;
  const adapter = adapterFor(config.language);
  const { moduleFile } = requireShimSupport(adapter);
  if (options.rule && !config.rules.some((r) => r.id === options.rule)) {
    throw new UserError(`--rule ${options.rule}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
  }
  const rules = (await shapeRules(config, root, adapter)).filter((r) => !options.rule || r.id === options.rule);
  const grouping = buildGrouping(config);
  const named = new Set(options.modules ?? []);
  const modules: DeprecatedModule[] = [];
  const skipped: { rule: string; module: string; reason: string }[] = [];
  const seenNamed = new Set<string>();
  for (const rule of rules) {
    const byModule = new Map<string, ShimName[]>();
    for (const ban of rule.bans) {
      if (ban.kind !== 'symbol' || !ban.target || lastDot(ban.path) < 0) continue;
      const module = ban.path.slice(0, lastDot(ban.path));
      const name = ban.path.slice(lastDot(ban.path) + 1);
      const toInstance = ban.shape === 'class-to-instance';
      const entry: ShimName =
        toInstance && rule.types
          ? { name, target: { module: rule.types.module, name: rule.types.name }, bind: 'object' }
          : { name, target: { module: ban.target.module, name: ban.target.name }, bind: toInstance ? 'factory' : 'object' };
      const list = byModule.get(module) ?? [];
      list.push(entry);
      byModule.set(module, list);
    }
    const leadsHere = new Set([...rule.canonical.targets.map((t) => t.module), ...(rule.types ? [rule.types.module] : [])]);
    for (const [module, names] of byModule) {
      const file = moduleFile(root, config.sourceRoots, module);
      const chosen = named.has(module) || (file !== null && grouping.allowed(rule.id, file));
      if (!chosen) continue;
      if (named.has(module)) seenNamed.add(module);
      if (leadsHere.has(module)) {
        skipped.push({ rule: rule.id, module, reason: 'defines the canonical objects (it is where the names lead)' });
        continue;
      }
      if (!file) {
        skipped.push({ rule: rule.id, module, reason: `no file under the source roots (${config.sourceRoots.map((s) => s || '.').join(', ')})` });
        continue;
      }
      modules.push({ rule: rule.id, module, file, names });
    }
  }
  for (const module of named) {
    if (!seenNamed.has(module)) throw new UserError(`--module ${module}: no deprecated name of ${options.rule ? `rule ${options.rule}` : 'any rule'} lives in that module`);
  }
  return { modules, skipped };
}

function checksOf(modules: readonly DeprecatedModule[]): DelegationCheck[] {
  return modules.flatMap((m) => m.names.map((n) => ({ module: m.module, name: n.name, targetModule: n.target.module, targetName: n.target.name, bind: n.bind })));
}

async function delegation(root: string, config: Config, modules: readonly DeprecatedModule[], interpreter: string | undefined): Promise<NameDelegation[]> {
  const adapter = adapterFor(config.language);
  const { checkDelegation } = requireShimSupport(adapter);
  const flags = config.rules.flatMap((r) => (r.shim.legacyFlag ? [r.shim.legacyFlag] : []));
  const results = await checkDelegation(root, config.sourceRoots, checksOf(modules), { interpreter, unset: flags });
  if (results === null) throw new UserError(`${interpreter ?? adapter.defaultInterpreter ?? 'the interpreter'} not found: the delegation check imports the modules`, { hint: 'pass --python PATH' });
  let i = 0;
  return modules.flatMap((m) =>
    m.names.map((n) => {
      const r = results[i++]!;
      return { rule: m.rule, module: m.module, file: m.file, name: n.name, target: `${n.target.module}.${n.target.name}`, bind: n.bind, ok: r.ok, detail: r.detail };
    }),
  );
}

/** `ssot shim --check`: does every deprecated name of the selected modules already resolve to its canonical object? */
export async function checkShims(options: ShimOptions): Promise<ShimCheckResult> {
  const { modules, skipped } = await deprecatedModules(options);
  const names = await delegation(options.root, options.config, modules, options.interpreter);
  return { ok: names.every((n) => n.ok), names, skipped };
}

function replacementOf(rule: Rule): string {
  return `\`${rule.canonical.statement}\``;
}

/** `ssot shim`: writes the compatibility modules as one gated, committed phase. */
export async function runShim(options: ShimOptions): Promise<ShimOutcome> {
  const { root, config } = options;
  const progress = options.onProgress ?? (() => {});
  const head = await prepareStepPhase(root, config, SHIM_PHASE, 'ssot shim');
  const adapter = adapterFor(config.language);
  const { legacyModuleOf, buildShim } = requireShimSupport(adapter);
  const { modules, skipped } = await deprecatedModules(options);
  progress({ type: 'step', message: `checking ${plural(modules.length, 'deprecated module')}` });
  const delegated = await delegation(root, config, modules, options.interpreter);
  const rulesById = new Map(config.rules.map((r) => [r.id, r]));
  const outcomes: ShimModuleOutcome[] = [];
  const fixes: FileFix[] = [];
  const created = new Set<string>();
  const gates: GateResult[] = [];
  for (const m of modules) {
    const rule = rulesById.get(m.rule)!;
    if (delegated.filter((d) => d.module === m.module && d.rule === m.rule).every((d) => d.ok)) {
      outcomes.push({ ...m, status: 'delegates', dropped: [] });
      continue;
    }
    const original = readFileSync(path.join(root, m.file));
    const legacy = rule.shim.legacyFlag ? { flag: rule.shim.legacyFlag, ...legacyModuleOf(m.file, m.module) } : null;
    if (legacy && readIfExists(path.join(root, legacy.rel))) {
      outcomes.push({ ...m, status: 'refused', reason: `${legacy.rel} exists already (the legacy module ssot would write)`, dropped: [] });
      continue;
    }
    const built = await buildShim({
      rel: m.file,
      module: m.module,
      text: original.toString('utf8'),
      ruleId: m.rule,
      names: m.names,
      replacement: replacementOf(rule),
      warning: rule.shim.warning,
      legacy,
    });
    if ('error' in built) {
      outcomes.push({ ...m, status: 'refused', reason: built.error, dropped: [] });
      continue;
    }
    const updated = Buffer.from(built.text);
    fixes.push({ file: m.file, status: 'changed', original, updated, applied: { safe: m.names.length, unsafe: 0 }, left: [] });
    if (legacy) {
      fixes.push({ file: legacy.rel, status: 'changed', original: Buffer.alloc(0), updated: original, applied: { safe: 0, unsafe: 0 }, left: [] });
      created.add(legacy.rel);
    }
    outcomes.push({ ...m, status: 'shimmed', dropped: built.dropped, ...(legacy ? { legacyFile: legacy.rel } : {}) });
  }
  // the compatibility modules import the canonical module: judged by the boundaries like any fix (a kept old implementation is the module's own imports, moved)
  const serviceImports = await addedServiceImports(root, config, fixes.filter((f) => !created.has(f.file)).map((f) => ({ file: f.file, original: f.original, updated: f.updated! })));
  const base = { modules: outcomes, skipped, commitBefore: head, gates, serviceImports };
  const step: StepRecord = { root, phaseId: SHIM_PHASE, head, rules: [...new Set(modules.map((m) => m.rule))], gates };
  const failed = (f: StepFailure): ShimOutcome => ({ ...base, status: f.status, reason: f.reason, written: [], commitAfter: null, ...(f.failedGate ? { failedGate: f.failedGate } : {}) });
  if (!fixes.length) return { ...base, status: 'done', written: [], commitAfter: null };
  const forbidden = serviceImports.filter((s) => s.forbiddenBy.length);
  if (forbidden.length) {
    return failed(
      await recordStepFailure(step, `refused: ${addedImportLine(forbidden[0]!)}${forbidden.length > 1 ? ` (and ${forbidden.length - 1} more)` : ''}; nothing was changed`, 'failed', undefined, { stage: 'boundaries', restored: [] }),
    );
  }

  const rules = [...new Set(outcomes.filter((o) => o.status === 'shimmed').map((o) => o.rule))];
  const shimmed = outcomes.filter((o) => o.status === 'shimmed');
  const refused = outcomes.filter((o) => o.status === 'refused').map((o) => ({ file: o.file, reason: o.reason! }));
  const result = await runGatedStep(step, {
    config,
    command: 'ssot shim',
    signal: options.signal,
    progress,
    files: fixes,
    created,
    changed: fixes.filter((f) => !created.has(f.file)).map((f) => f.file),
    subject: `ssot(${SHIM_PHASE}): ${plural(shimmed.length, 'compatibility module')} bound to the canonical objects [${rules.join(', ')}]`,
    description: 'Compatibility modules written by `ssot shim`: each deprecated name is the canonical object.',
    lines: shimmed.map((o) => `- ${o.file}: ${o.names.map((n) => `${n.name} → ${n.target.module}.${n.target.name}${n.bind === 'factory' ? ' (factory)' : ''}`).join(', ')}${o.legacyFile ? ` (old implementation kept in ${o.legacyFile})` : ''}`),
    commitRules: rules,
    applied: {
      fixes: shimmed.reduce((n, o) => n + o.names.length, 0),
      refused,
      serviceImports: serviceImports.map((s) => ({ file: s.file, line: s.line, module: s.module, fromService: s.fromService, toService: s.toService })),
    },
  });
  if (result.status !== 'done') return failed(result);
  return { ...base, status: 'done', written: result.written, commitAfter: result.commit };
}

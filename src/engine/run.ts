/**
 * The run pipeline: discovers files, runs each through processFile
 * (./file.ts) on all cores (./pool.ts), optionally through the content-hash
 * cache (./cache.ts), attaches service/phase/message, and returns plain data
 * — findings, per-file rewrites (fix mode) and what the run spent its work
 * on. `scan()` is the inventory; the fix engine (./fix.ts) is the same run in
 * fix mode. Findings come in file order, then position order within a file,
 * whatever thread processed them.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Config, Rule } from '../config/compile.js';
import { activeBanSets, buildGrouping, phaseFileProblems } from '../config/grouping.js';
import type { FileProblem, Finding } from '../model/finding.js';
import { findBan, isAtOrUnder, UNASSIGNED, type Ban, type ImportTarget } from '../model/finding.js';
import type { FileFinding, FileOutcome, FileRewrite, RunStats } from '../model/outcome.js';
import { TOOL_VERSION } from '../model/version.js';
import type { LanguageAdapter, PlanRule } from '../languages/adapter.js';
import { adapterFor, DEFAULT_LANGUAGE } from '../languages/registry.js';
import { discoverFiles, selectFiles } from '../workspace/discover.js';
import { cacheFileOf, cacheFingerprint, RACY_MARGIN_MS, readCacheEntries, writeCacheEntries, type CacheEntry } from './cache.js';
import { processFile, type RunMode } from './file.js';
import { shapeRules } from './mappings.js';
import { MAX_ROUNDS } from './rounds.js';
import { runJob, type PoolOptions, type RunJob } from './pool.js';

export interface ScanSummary {
  files: number;
  filesWithFindings: number;
  byService: Record<string, number>;
  byPhase: Record<string, number>;
  byRule: Record<string, number>;
  byKind: Record<string, number>;
}

export interface ScanResult {
  tool: 'ssot';
  version: string;
  /** Absolute path of the scanned root. */
  root: string;
  findings: Finding[];
  summary: ScanSummary;
  /** Files that could not be scanned (unreadable, binary, not UTF-8, broken links). */
  errors: FileProblem[];
  /** Scanned with caveats (syntax errors: findings may be incomplete). */
  warnings: FileProblem[];
  /**
   * The rules of the run, for reports that say each rule's advice once
   * (not part of the scan's JSON contract, which lists its keys).
   */
  rules: RuleSummary[];
}

/** A rule as reports show it: its id, the canonical import it moves to, its optional `message`. */
export interface RuleSummary {
  readonly id: string;
  /** The canonical import statement as written in the config. */
  readonly canonical: string;
  readonly message: string | undefined;
}

export interface ScanOptions {
  readonly root: string;
  readonly config: Config;
  readonly phase?: string;
  readonly service?: string;
  readonly rule?: string;
  /** Only these rules (a phase's subset); wins over `rule`. */
  readonly rules?: readonly string[];
  /** Only the discovered files this keeps (root-relative posix paths), e.g. `fix --phase --files GLOB`. */
  readonly only?: (rel: string) => boolean;
  /**
   * Exactly these files (root-relative posix paths), instead of walking the
   * tree: `ssot check FILE…`. Each is still subject to `include`, `exclude`
   * and .gitignore; missing ones are left out.
   */
  readonly paths?: readonly string[];
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Use the content-hash cache in `<root>/.ssot/cache` (default false: the
   * API does not write into the scanned tree unless asked; the CLI asks
   * unless `--no-cache`).
   */
  readonly cache?: boolean;
  /**
   * Fill each finding's `fix` and `reason`: how `ssot fix` plans to handle
   * it, planned from the same parse as the findings and cached with them
   * (the `annotate` mode). The plan is not validated here (as ruff marks a
   * finding fixable without applying the fix); `ssot fix` validates each file
   * it would write and leaves a file that fails as it was. Default false.
   */
  readonly annotate?: boolean;
  /**
   * Worker threads besides the main thread, started with the run. Default:
   * as many as the work pays for (./pool.ts), at most one per extra core; the
   * SSOT_WORKERS environment variable sets the number instead.
   */
  readonly workers?: number;
  /**
   * Keep findings on lines marked `# ssot: ignore` (default false): a
   * suppressed import still loads its module, and `ssot prune` must not
   * delete a module such a line imports. Such a run uses no cache.
   */
  readonly ignoreSuppressions?: boolean;
}

export interface PipelineOptions extends Omit<ScanOptions, 'annotate'> {
  readonly mode: RunMode;
  /** Fix mode: apply unsafe fixes too (default false). */
  readonly unsafe?: boolean;
  /** Fix mode: plan-apply rounds per file (default MAX_ROUNDS). */
  readonly rounds?: number;
}

/** A run's data: the scan result, per-file rewrites (fix mode) and where the work went. */
export interface PipelineResult {
  readonly result: ScanResult;
  /** Fix mode: the rewrite of every file with findings, by path; its findings are `result.findings` of that file, in order. */
  readonly rewrites: ReadonlyMap<string, FileRewrite>;
  readonly stats: RunStats;
}

/** The inventory: findings, summary and problems (with `annotate`, how each finding would be fixed). */
export async function scan(options: ScanOptions): Promise<ScanResult> {
  return (await runPipeline({ ...options, mode: options.annotate ? 'annotate' : 'inventory' })).result;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const startedAt = Date.now();
  const root = path.resolve(options.root);
  const { config, mode } = options;
  const grouping = buildGrouping(config);
  const discovered = options.paths
    ? selectFiles({ root, include: config.include, exclude: config.exclude, paths: options.paths })
    : await discoverFiles({ root, include: config.include, exclude: config.exclude });
  const rulesById = new Map(config.rules.map((r) => [r.id, r]));

  const files: string[] = [];
  const services: (string | null)[] = [];
  const phases: (string | null)[] = [];
  for (const rel of discovered.files) {
    const service = grouping.serviceOf(rel);
    const phase = grouping.phaseOf(rel);
    if ((options.service && service !== options.service) || (options.phase && phase !== options.phase)) continue;
    if (options.only && !options.only(rel)) continue;
    files.push(rel);
    services.push(service);
    phases.push(phase);
  }
  const adapter = adapterFor(config.language);
  // planning needs every ban's shape (what the names are in the tree); an inventory does not
  const shaped = mode === 'inventory' ? config.rules : await shapeRules(config, root, adapter);
  const ruleFilter = options.rules ?? options.rule;
  const { banSets, banSetOf } = activeBanSets({ ...config, rules: shaped }, grouping, files, ruleFilter);
  const rules = mode === 'inventory' ? [] : shaped.map((r) => [r.id, planRule(r)] as const);
  // a fix run reads what it plans: the cache is for the inventory and its annotation
  const cacheFile = options.cache && mode !== 'fix' && !options.ignoreSuppressions ? cacheFileOf(root) : null;
  const fingerprint = cacheFile ? cacheFingerprint(config.language, adapter.grammar, config.sourceRoots, mode === 'annotate' ? rules : null) : '';
  const job: RunJob = {
    root,
    files,
    banSetOf,
    banSets,
    sourceRoots: config.sourceRoots,
    language: config.language,
    mode,
    rules,
    unsafe: options.unsafe ?? false,
    rounds: options.rounds ?? MAX_ROUNDS,
    ...(options.ignoreSuppressions ? { ignoreSuppressions: true } : {}),
    cache: cacheFile ? { file: cacheFile, fingerprint, trustBefore: startedAt - RACY_MARGIN_MS } : null,
    imports: null,
  };
  const jobResult = await runJob(job, poolOptions(options.workers, options.onProgress));
  const cacheEntries = [...jobResult.cacheEntries];
  const outcomes = new Map(jobResult.outcomes);
  let parsedFiles = jobResult.parsedFiles;
  let parsedBytes = jobResult.parsedBytes;
  if (mode !== 'inventory') {
    // names other modules may import or patch from a file whose fix removes them: find those references,
    // then plan the owners again keeping what is referred to
    const referenced = await crossFileReferences({ root, config, adapter, files, discovered: discovered.files, outcomes, rules, workers: options.workers, cache: job.cache });
    cacheEntries.push(...referenced.cacheEntries);
    parsedFiles += referenced.parsedFiles;
    parsedBytes += referenced.parsedBytes;
    for (const [rel, found] of referenced.findingsByFile) {
      const index = files.indexOf(rel);
      if (index >= 0) outcomes.set(index, withFindings(outcomes.get(index), found));
    }
    // deprecated objects compared by identity anywhere in the tree (a phase run plans only part of it):
    // a fix elsewhere that hands out the canonical object changes what those comparisons see
    const compared = new Map<string, string>();
    // deprecated paths patched by name anywhere (`patch("m.N")`): code that reads `m.N` through its module when it runs sees the patch
    const patched = new Map<string, string>();
    const noteCompared = (rel: string, outcome: FileOutcome) => {
      if (outcome.status !== 'findings') return;
      for (const use of outcome.identityCompared ?? []) if (!compared.has(use.path)) compared.set(use.path, `${rel}:${use.line}`);
      for (const use of outcome.patchTargets ?? []) if (!patched.has(use.path)) patched.set(use.path, `${rel}:${use.line}`);
    };
    for (const [index, outcome] of outcomes) noteCompared(files[index]!, outcome);
    if (files.length < discovered.files.length && shaped.some((r) => r.bans.some((b) => b.shape && b.shape !== 'move'))) {
      const planned = new Set(files);
      const others = discovered.files.filter((f) => !planned.has(f));
      const sets = activeBanSets({ ...config, rules: shaped }, grouping, others, ruleFilter);
      const rest = await runJob({ ...job, files: others, banSets: sets.banSets, banSetOf: sets.banSetOf, mode: 'annotate' }, poolOptions(options.workers));
      parsedFiles += rest.parsedFiles;
      parsedBytes += rest.parsedBytes;
      for (const [index, outcome] of rest.outcomes) noteCompared(others[index]!, outcome);
    }
    const replans = new Map<number, ReplanNeeds>();
    for (const [rel, keep] of referenced.keepByOwner) {
      const index = files.indexOf(rel);
      if (index >= 0) replans.set(index, { keep });
    }
    // a file whose safe findings reach a path used that way in another file is planned again, knowing where
    const noteElsewhere = (uses: ReadonlyMap<string, string>, need: 'comparedElsewhere' | 'patchedElsewhere', reaches: (finding: FileFinding, path: string) => boolean) => {
      if (!uses.size) return;
      for (const [index, outcome] of outcomes) {
        if (outcome.status !== 'findings') continue;
        const rel = files[index]!;
        const here = new Map([...uses].filter(([p, where]) => !where.startsWith(`${rel}:`) && outcome.findings.some((f) => f.fix === 'safe' && reaches(f, p))));
        if (here.size) replans.set(index, { ...replans.get(index), [need]: here });
      }
    };
    noteElsewhere(compared, 'comparedElsewhere', (f, p) => f.symbol === p);
    // only attribute chains (`m.N`, a dotted local) read the name through its module
    noteElsewhere(patched, 'patchedElsewhere', (f, p) => f.kind === 'usage' && f.local.includes('.') && isAtOrUnder(p, f.symbol));
    for (const [index, context] of replans) {
      const rel = files[index]!;
      const replanned = await replanWith(job, index, context, adapter);
      const found = referenced.findingsByFile.get(rel);
      outcomes.set(index, found ? withFindings(replanned, found) : replanned);
    }
  }
  const complete = !options.service && !options.phase && ruleFilter === undefined && !options.only && !options.paths;
  if (cacheFile) saveCache(cacheFile, fingerprint, cacheEntries, complete);

  const findings: Finding[] = [];
  const rewrites = new Map<string, FileRewrite>();
  const errors: FileProblem[] = [...discovered.problems];
  const warnings: FileProblem[] = [
    ...discovered.notFollowed,
    ...phaseFileProblems(root, config).map((p) => ({ file: p.where, message: p.message })),
  ];
  for (const [index, outcome] of [...outcomes].sort((a, b) => a[0] - b[0])) {
    const rel = files[index]!;
    if (outcome.status === 'skipped') errors.push({ file: rel, message: outcome.reason });
    else if (outcome.status === 'findings') {
      if (outcome.parseErrors) warnings.push({ file: rel, message: 'has syntax errors; scanned what tree-sitter recovered' });
      if (outcome.warning) warnings.push({ file: rel, message: outcome.warning });
      if (outcome.rewrite) rewrites.set(rel, outcome.rewrite);
      for (const f of outcome.findings) findings.push(toFinding(f, rel, services[index]!, phases[index]!, rulesById.get(f.rule)!));
    }
  }
  const result: ScanResult = {
    tool: 'ssot',
    version: TOOL_VERSION,
    root,
    findings,
    summary: summarize(findings, files.length),
    errors,
    warnings,
    rules: config.rules.map((r) => ({ id: r.id, canonical: r.canonical.statement, message: r.message })),
  };
  const stats: RunStats = {
    files: files.length,
    parsedFiles,
    parsedBytes,
    cacheHits: jobResult.cacheHits,
    statHits: jobResult.statHits,
    workers: jobResult.workers,
  };
  return { result, rewrites, stats };
}

/** The plain-data part of a rule that planning reads (the job is cloned to workers). */
export function planRule(rule: Rule): PlanRule {
  return { id: rule.id, types: rule.types && { module: rule.types.module, name: rule.types.name, local: rule.types.local }, bans: rule.bans };
}

/**
 * How a job's threads are chosen: the number the caller or SSOT_WORKERS asks
 * for, else as many as the work pays for (./pool.ts), at most one per extra
 * core and no more than 7 (past that, reading files is the limit).
 */
export function poolOptions(requested: number | undefined, onProgress?: (done: number, total: number) => void): PoolOptions {
  const maxWorkers = Math.max(0, Math.min(availableParallelism() - 1, 7));
  const progress = onProgress ? { onProgress } : {};
  if (requested !== undefined) return { workers: Math.max(0, Math.floor(requested)), maxWorkers, ...progress };
  const fromEnv = process.env.SSOT_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '' && Number.isFinite(Number(fromEnv))) return { workers: Math.max(0, Math.floor(Number(fromEnv))), maxWorkers, ...progress };
  return { maxWorkers, ...progress };
}

/**
 * Keeps what this run used or created; an unfiltered run drops the rest
 * (files that changed or stopped needing a parse), a filtered run keeps the
 * old entries of the files it did not look at.
 */
function saveCache(file: string, fingerprint: string, used: readonly [string, CacheEntry][], complete: boolean): void {
  const previous = readCacheEntries(file, fingerprint);
  const next = complete ? new Map<string, CacheEntry>() : new Map(previous);
  for (const [key, entry] of used) next.set(key, entry);
  if (next.size === previous.size && [...next].every(([key, entry]) => previous.get(key)?.h === entry.h && previous.get(key)?.s === entry.s)) return;
  writeCacheEntries(file, fingerprint, next);
}

function toFinding(f: FileFinding, rel: string, service: string | null, phase: string | null, rule: Rule): Finding {
  const finding: Finding = {
    rule: f.rule,
    kind: f.kind,
    file: rel,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    symbol: f.symbol,
    local: f.local,
    usage: f.usage,
    service,
    phase,
    parseErrors: f.parseErrors,
    message: messageFor(f, rule),
  };
  if (f.fix !== undefined) finding.fix = f.fix;
  if (f.reason !== undefined) finding.reason = f.reason;
  if (f.scope !== undefined) finding.scope = f.scope;
  return finding;
}

export function messageFor(f: Pick<Finding, 'kind' | 'symbol' | 'local' | 'usage'>, rule: Rule): string {
  const target = targetStatement(findBan(rule.bans, f.symbol)?.target) ?? rule.canonical.statement;
  const base =
    f.kind === 'import'
      ? `\`${f.symbol}\` is deprecated; use \`${target}\``
      : f.kind === 'usage'
        ? `\`${f.local}\` uses deprecated \`${f.symbol}\` (${f.usage})`
        : `string refers to deprecated \`${f.symbol}\``;
  return rule.message ? `${base} — ${rule.message}` : base;
}

export function summarize(findings: readonly Finding[], files: number): ScanSummary {
  const count = (key: (f: Finding) => string) => {
    const out: Record<string, number> = {};
    for (const f of findings) out[key(f)] = (out[key(f)] ?? 0) + 1;
    return out;
  };
  return {
    files,
    filesWithFindings: new Set(findings.map((f) => f.file)).size,
    byService: count((f) => f.service ?? UNASSIGNED),
    byPhase: count((f) => f.phase ?? UNASSIGNED),
    byRule: count((f) => f.rule),
    byKind: count((f) => f.kind),
  };
}

/** `from M import N [as A]` for a target, as a message shows it. */
function targetStatement(target: ImportTarget | undefined): string | undefined {
  if (!target) return undefined;
  return `from ${target.module} import ${target.name}${target.local === target.name ? '' : ` as ${target.local}`}`;
}

interface CrossFileInput {
  readonly root: string;
  readonly config: Config;
  readonly adapter: LanguageAdapter;
  /** The run's files (outcome index → path). */
  readonly files: readonly string[];
  /** Every file of the tree: references may come from outside a --phase or --service filter. */
  readonly discovered: readonly string[];
  readonly outcomes: ReadonlyMap<number, FileOutcome>;
  readonly rules: RunJob['rules'];
  readonly workers: number | undefined;
  readonly cache: RunJob['cache'];
}

/**
 * References to names a fix removes from a module (`from M import N`, `M.N`,
 * `patch.object(M, "N")`, `"M.N"`): the names become bans of their own
 * (Ban.referenceOf) and the whole tree is run with them — the byte-level
 * stages look for the names themselves, so only files that spell one are
 * parsed. Returns the referring findings by file and, per owner file, the
 * names to keep with where they are referred to.
 */
async function crossFileReferences(input: CrossFileInput): Promise<{
  findingsByFile: Map<string, FileFinding[]>;
  keepByOwner: Map<string, Map<string, string>>;
  cacheEntries: [string, CacheEntry][];
  parsedFiles: number;
  parsedBytes: number;
}> {
  const empty = { findingsByFile: new Map(), keepByOwner: new Map(), cacheEntries: [], parsedFiles: 0, parsedBytes: 0 };
  const bans = referenceBans(
    [...input.outcomes].map(([index, outcome]) => [input.files[index]!, outcome] as const),
    input.adapter,
    input.config.sourceRoots,
  );
  if (!bans.length) return empty;
  const files = [...input.discovered];
  const job: RunJob = {
    root: input.root,
    files,
    banSetOf: new Uint32Array(files.length),
    banSets: [bans],
    sourceRoots: input.config.sourceRoots,
    language: input.config.language,
    mode: 'annotate',
    rules: referenceRules(bans),
    unsafe: false,
    rounds: MAX_ROUNDS,
    cache: input.cache,
    imports: null,
  };
  const result = await runJob(job, poolOptions(input.workers));
  const findingsByFile = new Map<string, FileFinding[]>();
  const keepByOwner = new Map<string, Map<string, string>>();
  for (const [index, outcome] of result.outcomes) {
    if (outcome.status !== 'findings' || !outcome.findings.length) continue;
    const rel = files[index]!;
    findingsByFile.set(rel, outcome.findings);
    for (const f of outcome.findings) {
      const ban = findBan(bans, f.symbol);
      if (!ban?.referenceOf || ban.referenceOf.file === rel) continue;
      let keep = keepByOwner.get(ban.referenceOf.file);
      if (!keep) keepByOwner.set(ban.referenceOf.file, (keep = new Map()));
      if (!keep.has(ban.referenceOf.name)) keep.set(ban.referenceOf.name, `${rel}:${f.line}`);
    }
  }
  return { findingsByFile, keepByOwner, cacheEntries: result.cacheEntries, parsedFiles: result.parsedFiles, parsedBytes: result.parsedBytes };
}

/** What a file's plan must know of other files (each map: name or path → where). */
interface ReplanNeeds {
  keep?: ReadonlyMap<string, string>;
  comparedElsewhere?: ReadonlyMap<string, string>;
  patchedElsewhere?: ReadonlyMap<string, string>;
}

/**
 * The names that files' fixes remove or rebind (FileOutcome.changedNames),
 * as bans of their own: `module.name`, each pointing back at its owner
 * (Ban.referenceOf). Sorted by path, so equal sets compare equal.
 */
export function referenceBans(outcomes: Iterable<readonly [string, FileOutcome]>, adapter: LanguageAdapter, sourceRoots: readonly string[]): Ban[] {
  const bans: Ban[] = [];
  for (const [rel, outcome] of outcomes) {
    if (outcome.status !== 'findings' || !outcome.changedNames?.length) continue;
    const module = adapter.moduleNameOf(rel, sourceRoots);
    if (!module) continue;
    for (const name of outcome.changedNames) {
      const ruleId = outcome.findings.find((f) => f.kind === 'import' && f.local === name)?.rule ?? outcome.findings[0]!.rule;
      bans.push({ ruleId, kind: 'symbol', path: `${module}.${name}`, source: `${name} of ${rel}`, referenceOf: { file: rel, name } });
    }
  }
  return bans.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The plan rules of reference bans: one per rule id, no types. */
export function referenceRules(bans: readonly Ban[]): RunJob['rules'] {
  const byRule = new Map<string, Ban[]>();
  for (const ban of bans) {
    let list = byRule.get(ban.ruleId);
    if (!list) byRule.set(ban.ruleId, (list = []));
    list.push(ban);
  }
  return [...byRule].map(([id, list]) => [id, { id, bans: list, types: undefined }] as const);
}

/** One file of a job planned again, on this thread, knowing what other files need (names they refer to, objects they compare). */
async function replanWith(
  job: RunJob,
  index: number,
  needs: ReplanNeeds,
  adapter: LanguageAdapter,
): Promise<FileOutcome> {
  const rel = job.files[index]!;
  const bans = job.banSets[job.banSetOf[index]!]!;
  const needles = adapter.needles(bans).map((n) => Buffer.from(n, 'utf8'));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.join(job.root, rel));
  } catch (error) {
    return { status: 'skipped', reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)}), skipped` };
  }
  const context = { adapter, sourceRoots: job.sourceRoots, mode: job.mode, rules: new Map(job.rules), unsafe: job.unsafe, rounds: job.rounds, ignoreSuppressions: job.ignoreSuppressions ?? false, ...needs };
  return processFile({ rel, bytes, bans, needles }, context, { prefilter: false });
}

/**
 * A file's outcome with findings of another pass added, in position order
 * (the rewrite's finding indices follow; the added ones are left, manual).
 */
function withFindings(outcome: FileOutcome | undefined, added: readonly FileFinding[]): FileOutcome {
  if (!outcome || outcome.status === 'clean') return { status: 'findings', findings: [...added], parseErrors: false };
  if (outcome.status === 'skipped') return outcome;
  const tagged = [...outcome.findings.map((f, i) => ({ f, old: i })), ...added.map((f) => ({ f, old: -1 }))].sort(
    (a, b) => a.f.range.start - b.f.range.start || a.f.range.end - b.f.range.end,
  );
  const findings = tagged.map((t) => t.f);
  if (!outcome.rewrite) return { ...outcome, findings };
  const newIndex = new Map(tagged.map((t, i) => [t.old, i]));
  const left = [...outcome.rewrite.left, ...added.map((f) => ({ line: f.line, applicability: 'manual' as const, reason: f.reason ?? 'refers to a name another fix changes' }))].sort((a, b) => a.line - b.line);
  return { ...outcome, findings, rewrite: { ...outcome.rewrite, fixed: outcome.rewrite.fixed.map((i) => newIndex.get(i)!), left } };
}

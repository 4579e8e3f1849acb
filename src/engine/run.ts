/**
 * `scan()`: the inventory. Discovers files, runs each through the staged
 * per-file scan (./scanFile.ts) on all cores (./pool.ts), optionally through
 * the content-hash cache (./cache.ts), attaches service/phase/message, and
 * returns plain data that every reporter (text, JSON, SARIF, Markdown) is a
 * pure function of. Findings come in file order, then position order within
 * a file, whatever thread scanned them.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Config, Rule } from '../config/compile.js';
import type { Ban, FileProblem, Finding } from '../model/finding.js';
import { TOOL_VERSION } from '../model/version.js';
import { discoverFiles } from '../workspace/discover.js';
import { cacheFileOf, cacheFingerprint, RACY_MARGIN_MS, readCacheEntries, writeCacheEntries, type CacheEntry } from './cache.js';
import { buildGrouping } from '../config/grouping.js';
import { runScanJob, startWorkers, stopWorkers, type ScanJob, type StartedWorkers } from './pool.js';
import type { FileFinding, WorkerFileFix } from './file.js';

export type { WorkerFileFix };

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
}

export interface ScanOptions {
  readonly root: string;
  readonly config: Config;
  readonly phase?: string;
  readonly service?: string;
  readonly rule?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /**
   * Use the content-hash cache in `<root>/.ssot/cache` (default false: the
   * API does not write into the scanned tree unless asked; the CLI asks
   * unless `--no-cache`).
   */
  readonly cache?: boolean;
  /**
   * Fill each finding's `fix` and `reason`: how `ssot fix` plans to handle
   * it, planned from the same parse as the findings and cached with them.
   * The plan is not validated here (as ruff marks a finding fixable without
   * applying the fix); `ssot fix` validates each file it would write and
   * leaves a file that fails as it was. Default false.
   */
  readonly annotate?: boolean;
  /**
   * Worker threads besides the main thread. Default: one per extra core for
   * runs of at least WORKER_THRESHOLD files, none below; the SSOT_WORKERS
   * environment variable overrides the default.
   */
  readonly workers?: number;
  /** Workers started early (startWorkers); the scan uses or stops them. */
  readonly started?: StartedWorkers;
}

/** Placeholder service/phase key in summaries for findings outside every service/phase. */
export const UNASSIGNED = '(none)';

/** Below this many files a worker costs more to start than it saves. */
export const WORKER_THRESHOLD = 400;

/** What the last scan() in this process spent its work on (for `npm run bench`'s report). */
export const lastScanStats = { files: 0, parsedFiles: 0, parsedBytes: 0, cacheHits: 0, statHits: 0, workers: 0 };

export async function scan(options: ScanOptions): Promise<ScanResult> {
  return (await scanInternal(options, null)).result;
}

/**
 * A scan for the fix engine: the workers also plan every file with
 * findings from their own parse and run the validated fix rounds
 * (src/fix/rounds.ts); the fixed texts come back by file.
 */
export async function scanForFixes(
  options: Omit<ScanOptions, 'annotate' | 'cache'>,
  mode: { unsafe: boolean; rounds: number },
): Promise<{ result: ScanResult; fixes: Map<string, WorkerFileFix> }> {
  return scanInternal({ ...options, annotate: true, cache: false }, mode);
}

async function scanInternal(
  options: ScanOptions,
  fixMode: { unsafe: boolean; rounds: number } | null,
): Promise<{ result: ScanResult; fixes: Map<string, WorkerFileFix> }> {
  const startedAt = Date.now();
  const root = path.resolve(options.root);
  const { config } = options;
  const grouping = buildGrouping(config);
  const discovered = await discoverFiles({ root, include: config.include, exclude: config.exclude });
  const rulesById = new Map(config.rules.map((r) => [r.id, r]));
  const activeRules = options.rule ? config.rules.filter((r) => r.id === options.rule) : config.rules;
  const allBans = activeRules.flatMap((r) => r.bans);
  const rulesWithAllowIn = activeRules.filter((r) => r.allowIn.length);

  // one array per distinct set of active bans: workers get each set once, plans are cached per array
  const banSets: Ban[][] = [];
  const banSetIds = new Map<string, number>();
  const banSetFor = (rel: string): number => {
    const allowedIds = rulesWithAllowIn.filter((r) => grouping.allowed(r.id, rel)).map((r) => r.id);
    const key = allowedIds.join('\0');
    let id = banSetIds.get(key);
    if (id === undefined) {
      id = banSets.length;
      banSets.push(allowedIds.length ? allBans.filter((b) => !allowedIds.includes(b.ruleId)) : allBans);
      banSetIds.set(key, id);
    }
    return id;
  };

  const files: string[] = [];
  const services: (string | null)[] = [];
  const phases: (string | null)[] = [];
  for (const rel of discovered.files) {
    const service = grouping.serviceOf(rel);
    const phase = grouping.phaseOf(rel);
    if ((options.service && service !== options.service) || (options.phase && phase !== options.phase)) continue;
    files.push(rel);
    services.push(service);
    phases.push(phase);
  }
  const banSetOf = new Uint32Array(files.length);
  for (let i = 0; i < files.length; i++) banSetOf[i] = banSetFor(files[i]!);

  const fixRules = options.annotate
    ? config.rules.map((r) => [r.id, { id: r.id, canonical: fixTarget(r.canonical), types: r.types && fixTarget(r.types), bans: r.bans }] as const)
    : null;
  const cacheFile = options.cache ? cacheFileOf(root) : null;
  const fingerprint = cacheFile ? cacheFingerprint(config.language, config.sourceRoots, fixRules) : '';
  const job: ScanJob = {
    root,
    files,
    banSetOf,
    banSets,
    sourceRoots: config.sourceRoots,
    language: config.language,
    fixRules,
    fixMode,
    cache: cacheFile ? { file: cacheFile, fingerprint, trustBefore: startedAt - RACY_MARGIN_MS } : null,
  };
  const workers = workerCount(options.workers, files.length);
  const ran = await runScanJob(job, workers, options.onProgress, options.started);
  if (cacheFile) saveCache(cacheFile, fingerprint, ran.cacheEntries, !options.service && !options.phase && !options.rule);
  Object.assign(lastScanStats, { files: files.length, parsedFiles: ran.parsedFiles, parsedBytes: ran.parsedBytes, cacheHits: ran.cacheHits, statHits: ran.statHits, workers });

  const findings: Finding[] = [];
  const fixes = new Map<string, WorkerFileFix>();
  const errors: FileProblem[] = [...discovered.problems];
  const warnings: FileProblem[] = [];
  for (const [index, outcome] of ran.outcomes) {
    const rel = files[index]!;
    if (outcome.status === 'skipped') errors.push({ file: rel, message: outcome.reason });
    else if (outcome.status === 'findings') {
      if (outcome.parseErrors) warnings.push({ file: rel, message: 'has syntax errors; scanned what tree-sitter recovered' });
      if (outcome.fix) fixes.set(rel, outcome.fix);
      for (const f of outcome.findings) findings.push(toFinding(f, rel, services[index]!, phases[index]!, rulesById.get(f.rule)!));
    }
  }
  const result: ScanResult = {
    tool: 'ssot',
    version: TOOL_VERSION,
    root,
    findings,
    summary: summarize(findings, countScanned(discovered.files, grouping, options)),
    errors,
    warnings,
  };
  return { result, fixes };
}

/** The plain-data part of a canonical/types target that planning reads (the job is cloned to workers). */
function fixTarget(target: { module: string; name: string; local: string }): { module: string; name: string; local: string } {
  return { module: target.module, name: target.name, local: target.local };
}

function workerCount(requested: number | undefined, files: number): number {
  if (requested !== undefined) return Math.max(0, Math.floor(requested));
  const fromEnv = process.env.SSOT_WORKERS;
  if (fromEnv !== undefined && fromEnv !== '' && Number.isFinite(Number(fromEnv))) return Math.max(0, Math.floor(Number(fromEnv)));
  if (files < WORKER_THRESHOLD) return 0;
  return Math.min(availableParallelism() - 1, 7, Math.floor(files / WORKER_THRESHOLD));
}

/**
 * Runs `use` with the workers a large scan will use already starting (at
 * most one per extra core; none when SSOT_WORKERS says so, or when `wanted`
 * is false), so they load while the config is read and the tree walked; the
 * ones the scan did not take are stopped afterwards. A scan of few files
 * stops them unused: they cost a moment of another core, never wall time.
 */
export async function withScanWorkers<T>(wanted: boolean, use: (started: StartedWorkers) => Promise<T>): Promise<T> {
  const started = startWorkers(wanted ? workerCount(undefined, Number.MAX_SAFE_INTEGER) : 0, 'python');
  try {
    return await use(started);
  } finally {
    stopWorkers(started);
  }
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

function countScanned(files: string[], grouping: ReturnType<typeof buildGrouping>, options: ScanOptions): number {
  if (!options.service && !options.phase) return files.length;
  return files.filter(
    (rel) => (!options.service || grouping.serviceOf(rel) === options.service) && (!options.phase || grouping.phaseOf(rel) === options.phase),
  ).length;
}

function toFinding(f: FileFinding, rel: string, service: string | null, phase: string | null, rule: Rule): Finding {
  const { range: _range, ...rest } = f;
  return {
    rule: rest.rule,
    kind: rest.kind,
    file: rel,
    line: rest.line,
    column: rest.column,
    endLine: rest.endLine,
    endColumn: rest.endColumn,
    symbol: rest.symbol,
    local: rest.local,
    usage: rest.usage,
    service,
    phase,
    parseErrors: rest.parseErrors,
    message: messageFor(f, rule),
    ...(rest.fix === undefined ? {} : { fix: rest.fix }),
    ...(rest.reason === undefined ? {} : { reason: rest.reason }),
  };
}

export function messageFor(f: Pick<Finding, 'kind' | 'symbol' | 'local' | 'usage'>, rule: Rule): string {
  const target = rule.canonical.statement;
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

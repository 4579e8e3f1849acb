/**
 * Findings at past commits, without checking anything out: each commit's
 * tree is listed (`git ls-tree`), its files selected with the config's
 * include/exclude, and every distinct file version — (path, active bans, git
 * blob id) — is processed once, however many commits hold it: first from the
 * history cache (`.ssot/cache/history.json`, content-addressed by blob id
 * under the scan cache's fingerprint), then, for the versions never seen,
 * in one run over all cores reading the blobs from git. So a month of daily
 * points costs one scan of the oldest tree plus the files that changed
 * since, and a repeated run costs the tree listings.
 *
 * Counts use the current config for every commit (the series answers "how
 * many of today's findings were there then"), in annotate mode so each
 * point also says how many a fix would handle.
 */
import picomatch from 'picomatch';
import type { Config } from '../config/compile.js';
import { activeBanSets, buildGrouping } from '../config/grouping.js';
import { UNASSIGNED, type Applicability } from '../model/finding.js';
import type { FileOutcome } from '../model/outcome.js';
import { adapterFor } from '../languages/registry.js';
import { treeFiles, type TreeFile } from '../workspace/gitHistory.js';
import { bansKey, cacheFingerprint, historyCacheFileOf, readCacheEntries, writeCacheEntries, type CacheEntry } from './cache.js';
import { MAX_ROUNDS } from './rounds.js';
import { runJob, type RunJob } from './pool.js';
import { shapeRules } from './mappings.js';
import { planRule, poolOptions, referenceBans, referenceRules } from './run.js';
import type { Ban } from '../model/finding.js';

/** Findings of one commit, counted. */
export interface CommitCounts {
  readonly commit: string;
  /** Files selected by the config in that commit's tree. */
  readonly files: number;
  readonly filesWithFindings: number;
  readonly total: number;
  /** Phase id (or `(none)`) → findings. */
  readonly byPhase: Record<string, number>;
  /** Service name (or `(none)`) → findings. */
  readonly byService: Record<string, number>;
  readonly byRule: Record<string, number>;
  readonly byKind: Record<string, number>;
  /** How `ssot fix` would handle them, as the scan annotates. */
  readonly byFix: Record<Applicability, number>;
  /** Files that could not be read or decoded. */
  readonly skipped: number;
}

/** What the history run spent its work on (for the bench and the tests). */
export interface HistoryStats {
  readonly commits: number;
  /** (path, bans, blob) versions across all commits. */
  readonly versions: number;
  /** Of those, answered by the history cache. */
  readonly cached: number;
  /** Read from git and processed in this run. */
  readonly processed: number;
  readonly parsedFiles: number;
  readonly workers: number;
}

export interface ScanCommitsOptions {
  readonly root: string;
  readonly config: Config;
  /** Commit ids, in the order the counts come back. */
  readonly commits: readonly string[];
  /** Their trees, when the caller listed them (treesAlong); else each is listed here. */
  readonly trees?: readonly (readonly TreeFile[])[];
  /** Read and write `.ssot/cache/history.json` (default false, as for scan). */
  readonly cache?: boolean;
  readonly workers?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function scanCommits(options: ScanCommitsOptions): Promise<{ counts: CommitCounts[]; stats: HistoryStats }> {
  const { root, config } = options;
  const grouping = buildGrouping(config);
  const included = picomatch([...config.include], { dot: true });
  const excluded = config.exclude.length ? picomatch([...config.exclude], { dot: true }) : () => false;
  // most paths appear in every commit: match each once
  const selected = new Map<string, boolean>();
  const select = (f: TreeFile) => {
    let keep = selected.get(f.path);
    if (keep === undefined) selected.set(f.path, (keep = included(f.path) && !excluded(f.path)));
    return keep;
  };
  const listed = options.trees ?? (await Promise.all(options.commits.map((commit) => treeFiles(root, commit))));
  const trees: TreeFile[][] = listed.map((tree) => tree.filter(select));

  // planning needs each ban's shape (class to instance, rename, …), decided from today's tree as a scan does
  const adapter = adapterFor(config.language);
  const shaped = await shapeRules(config, root, adapter);
  // the bans of every path that appears anywhere, computed once per path
  const paths = [...new Set(trees.flatMap((t) => t.map((f) => f.path)))].sort();
  const { banSets, banSetOf } = activeBanSets({ ...config, rules: shaped }, grouping, paths);
  const setOfPath = new Map(paths.map((p, i) => [p, banSetOf[i]!]));
  const keys = banSets.map(bansKey);
  // keys are built once per file version (snapshots share TreeFile objects) and once per path
  const prefixOf = new Map<string, string>();
  const keyOf = new Map<TreeFile, string>();
  const versionKey = (f: TreeFile): string => {
    let key = keyOf.get(f);
    if (key === undefined) {
      let prefix = prefixOf.get(f.path);
      if (prefix === undefined) prefixOf.set(f.path, (prefix = `${keys[setOfPath.get(f.path)!]}:${f.path}:`));
      keyOf.set(f, (key = prefix + f.blob));
    }
    return key;
  };

  const rules = shaped.map((r) => [r.id, planRule(r)] as const);
  const cacheFile = options.cache ? historyCacheFileOf(root) : null;
  const fingerprint = cacheFile ? cacheFingerprint(config.language, adapter.grammar, config.sourceRoots, rules) : '';
  const stored = cacheFile ? readCacheEntries(cacheFile, fingerprint) : new Map<string, CacheEntry>();

  /** A job over file versions read from git (each with the bans of banSets[banSetOf[i]]), planned as a scan plans. */
  const blobJob = (files: readonly TreeFile[], jobBanSets: RunJob['banSets'], jobBanSetOf: Uint32Array, jobRules: RunJob['rules']): RunJob => ({
    root,
    files: files.map((f) => f.path),
    banSetOf: jobBanSetOf,
    banSets: jobBanSets,
    sourceRoots: config.sourceRoots,
    language: config.language,
    mode: 'annotate',
    rules: jobRules,
    unsafe: false,
    rounds: MAX_ROUNDS,
    blobs: { cwd: root, oids: files.map((f) => f.blob) },
    cache: null,
    imports: null,
  });
  const outcomes = new Map<string, FileOutcome>();
  const missing = new Map<string, TreeFile>();
  /** Every version the window holds, once. */
  const versions = new Map<string, TreeFile>();
  let cached = 0;
  for (const tree of trees) {
    for (const f of tree) {
      const key = versionKey(f);
      if (versions.has(key)) continue;
      versions.set(key, f);
      const entry = stored.get(key);
      if (entry && entry.h === f.blob) {
        outcomes.set(key, entry.o);
        cached++;
      } else {
        missing.set(key, f);
      }
    }
  }

  const todo = [...missing.values()];
  let parsedFiles = 0;
  let workers = 0;
  if (todo.length) {
    const job = blobJob(todo, banSets, new Uint32Array(todo.map((f) => setOfPath.get(f.path)!)), rules);
    const result = await runJob(job, poolOptions(options.workers, options.onProgress));
    parsedFiles = result.parsedFiles;
    workers = result.workers;
    const found = new Map(result.outcomes);
    todo.forEach((f, index) => outcomes.set(versionKey(f), found.get(index) ?? { status: 'clean' }));
  }

  // as a scan does: names a commit's fixes would remove from a module, referred to from other files of
  // that commit (`patch.object(M, "N")`, `"M.N"`), are findings of those files. Commits with the same such
  // names share one pass, and each (names, file version) is processed once, from the cache when it can.
  const referenceKeyOf: string[] = [];
  const referenceGroups = new Map<string, { bans: Ban[]; versions: Map<string, TreeFile> }>();
  trees.forEach((tree, i) => {
    const bans = referenceBans(
      tree.map((f) => [f.path, outcomes.get(versionKey(f))!] as const),
      adapter,
      config.sourceRoots,
    );
    const key = bans.length ? bansKey(bans) : '';
    referenceKeyOf.push(key);
    if (!key) return;
    let group = referenceGroups.get(key);
    if (!group) referenceGroups.set(key, (group = { bans, versions: new Map() }));
    for (const f of tree) group.versions.set(referenceVersionKey(key, f), f);
  });
  let referenceProcessed = 0;
  for (const [, group] of referenceGroups) {
    const pending: [string, TreeFile][] = [];
    for (const [key, f] of group.versions) {
      versions.set(key, f);
      const entry = stored.get(key);
      if (entry && entry.h === f.blob) {
        outcomes.set(key, entry.o);
        cached++;
      } else pending.push([key, f]);
    }
    if (!pending.length) continue;
    const job = blobJob(pending.map(([, f]) => f), [group.bans], new Uint32Array(pending.length), referenceRules(group.bans));
    const result = await runJob(job, poolOptions(options.workers));
    parsedFiles += result.parsedFiles;
    workers = Math.max(workers, result.workers);
    referenceProcessed += pending.length;
    const found = new Map(result.outcomes);
    pending.forEach(([key], index) => {
      const outcome = found.get(index) ?? { status: 'clean' as const };
      outcomes.set(key, outcome);
    });
  }

  if (cacheFile) {
    // keep the versions this run used: a window that slides drops the ones it left behind
    const next = new Map<string, CacheEntry>();
    for (const [key, f] of versions) next.set(key, { h: f.blob, o: outcomes.get(key)! });
    if (todo.length || referenceProcessed || next.size !== stored.size) writeCacheEntries(cacheFile, fingerprint, next);
  }

  const counts = options.commits.map((commit, i) => {
    const key = referenceKeyOf[i]!;
    const referring = (f: TreeFile): FileOutcome | undefined => (key ? outcomes.get(referenceVersionKey(key, f)) : undefined);
    return countCommit(commit, trees[i]!, (f) => outcomes.get(versionKey(f))!, grouping, referring);
  });
  return { counts, stats: { commits: options.commits.length, versions: versions.size, cached, processed: todo.length, parsedFiles, workers } };
}

/** The history cache's key of a file version searched for the references of one set of names (`bansKey` of them). */
function referenceVersionKey(namesKey: string, f: TreeFile): string {
  return `ref:${namesKey}:${f.path}:${f.blob}`;
}

function countCommit(
  commit: string,
  tree: readonly TreeFile[],
  outcomeOf: (f: TreeFile) => FileOutcome,
  grouping: ReturnType<typeof buildGrouping>,
  referringOf: (f: TreeFile) => FileOutcome | undefined,
): CommitCounts {
  const byPhase: Record<string, number> = {};
  const byService: Record<string, number> = {};
  const byRule: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  const byFix: Record<Applicability, number> = { safe: 0, unsafe: 0, manual: 0 };
  const add = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);
  let total = 0;
  let filesWithFindings = 0;
  let skipped = 0;
  for (const f of tree) {
    const outcome = outcomeOf(f);
    if (outcome.status === 'skipped') skipped++;
    const referring = referringOf(f);
    const found = [
      ...(outcome.status === 'findings' ? outcome.findings : []),
      // references to names other files' fixes remove, added as the scan adds them (run.ts, withFindings)
      ...(referring?.status === 'findings' ? referring.findings : []),
    ];
    if (!found.length) continue;
    filesWithFindings++;
    const phase = grouping.phaseOf(f.path) ?? UNASSIGNED;
    const service = grouping.serviceOf(f.path) ?? UNASSIGNED;
    for (const finding of found) {
      total++;
      add(byPhase, phase);
      add(byService, service);
      add(byRule, finding.rule);
      add(byKind, finding.kind);
      byFix[finding.fix ?? 'manual']++;
    }
  }
  return { commit, files: tree.length, filesWithFindings, total, byPhase, byService, byRule, byKind, byFix, skipped };
}

/**
 * The import graph of a tree: every file the config's `include` selects,
 * with the module it defines and the modules its imports may load. Built
 * by the same pool as a scan (each thread reads its files once and asks the
 * language adapter for their edges — a cheap lexer, a parse only where it
 * is unsure), through `.ssot/cache/imports.json`: a file whose stat
 * signature is unchanged is not read again, so a repeated build costs a
 * stat per file.
 */
import path from 'node:path';
import type { Config } from '../config/compile.js';
import { UserError } from '../model/errors.js';
import type { FileProblem } from '../model/finding.js';
import type { ImportGraph } from '../model/importGraph.js';
import { adapterFor } from '../languages/registry.js';
import { discoverFiles } from '../workspace/discover.js';
import { cacheFingerprint, importsCacheFileOf, RACY_MARGIN_MS, readCacheEntries, writeCacheEntries, type ImportsCacheEntry } from './cache.js';
import { decodeEdges } from './edges.js';
import { runJob, type ImportsStats, type RunJob } from './pool.js';
import { poolOptions } from './run.js';

export interface GraphOptions {
  readonly root: string;
  readonly config: Config;
  /** Read and write `<root>/.ssot/cache/imports.json` (default true). */
  readonly cache?: boolean;
  /** Worker threads besides the main thread (default as a scan: by file count, SSOT_WORKERS). */
  readonly workers?: number;
}

export interface ImportGraphRun {
  readonly graph: ImportGraph;
  /** Files that could not be read (their edges are empty). */
  readonly problems: readonly FileProblem[];
  readonly stats: ImportsStats & { readonly files: number; readonly workers: number };
}

/**
 * The files the graph would hold and the module each defines — the graph
 * without its edges, so without reading a file: what a question about where
 * modules live (which service defines `M`) needs.
 */
export async function listModules(options: Pick<GraphOptions, 'root' | 'config'>): Promise<Pick<ImportGraph, 'files' | 'modules'> & { readonly problems: readonly FileProblem[] }> {
  const root = path.resolve(options.root);
  const { config } = options;
  const adapter = adapterFor(config.language);
  const { files, problems } = await discoverFiles({ root, include: config.include, exclude: config.exclude });
  return { files, modules: files.map((rel) => adapter.moduleNameOf(rel, config.sourceRoots)), problems };
}

export async function buildImportGraph(options: GraphOptions): Promise<ImportGraphRun> {
  const startedAt = Date.now();
  const root = path.resolve(options.root);
  const { config } = options;
  const adapter = adapterFor(config.language);
  const support = adapter.imports;
  if (!support) throw new UserError(`the ${config.language} language adapter has no import graph`);
  const listed = await listModules({ root, config });
  const { files } = listed;
  const cacheFile = options.cache === false ? null : importsCacheFileOf(root);
  const fingerprint = cacheFile ? cacheFingerprint(config.language, adapter.grammar, config.sourceRoots, 'imports') : '';
  const job: RunJob = {
    root,
    files,
    // no bans: the scan part of each file settles at once, only the edges are read
    banSetOf: new Uint32Array(files.length),
    banSets: [[]],
    sourceRoots: config.sourceRoots,
    language: config.language,
    mode: 'inventory',
    rules: [],
    unsafe: false,
    rounds: 0,
    cache: null,
    imports: { cache: cacheFile ? { file: cacheFile, fingerprint, trustBefore: startedAt - RACY_MARGIN_MS } : null },
  };
  const result = await runJob(job, poolOptions(options.workers));
  if (cacheFile) saveImportsCache(cacheFile, fingerprint, result.importsCacheEntries);

  const encoded: string[] = new Array<string>(files.length).fill('');
  for (const [index, text] of result.imports) encoded[index] = text;
  const graph: ImportGraph = { files, modules: listed.modules, edges: encoded.map(decodeEdges) };
  const problems = [...listed.problems, ...result.outcomes.filter(([, o]) => o.status === 'skipped').map(([i, o]) => ({ file: files[i]!, message: (o as { reason: string }).reason }))];
  return { graph, problems, stats: { files: files.length, workers: result.workers, ...result.importsStats } };
}

/** The entries of this (always complete) run replace the file's; unchanged entries are not written again. */
function saveImportsCache(file: string, fingerprint: string, used: readonly [string, ImportsCacheEntry][]): void {
  const previous = readCacheEntries<ImportsCacheEntry>(file, fingerprint);
  if (used.length === previous.size && used.every(([rel, entry]) => previous.get(rel)?.s === entry.s)) return;
  writeCacheEntries(file, fingerprint, new Map(used));
}

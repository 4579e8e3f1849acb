/**
 * Runs processFile (./file.ts) over all cores: the main thread and
 * `workers` worker threads claim chunks of the file list from one shared
 * counter (no messages per file), each reads, prefilters and — for the few
 * files that need it — parses its files, and hands back only what is not
 * clean. Results are placed by file index, so the output does not depend on
 * which thread processed which file.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Ban } from '../model/finding.js';
import { contentHash } from '../model/hash.js';
import type { FileOutcome } from '../model/outcome.js';
import type { PlanRule } from '../languages/adapter.js';
import { adapterFor, type LanguageId } from '../languages/registry.js';
import { BlobReader } from '../workspace/gitHistory.js';
import { ReusedReadBuffer } from '../workspace/readBuffer.js';
import { bansKey, entryKey, readCacheEntries, statSignature, type CacheEntry, type ImportsCacheEntry } from './cache.js';
import { encodeEdges } from './edges.js';
import { prefilterFile, processFile, type FileContext, type FileInput, type RunMode } from './file.js';

/** Everything a thread needs to process its share of the files (structured-clonable). */
export interface RunJob {
  /** Absolute scan root. */
  readonly root: string;
  /** Posix paths relative to the root, in result order. */
  readonly files: readonly string[];
  /** Per file: index into `banSets`. */
  readonly banSetOf: Uint32Array;
  /** Distinct sets of active bans (rules minus those allowed in the file). */
  readonly banSets: readonly (readonly Ban[])[];
  readonly sourceRoots: readonly string[];
  readonly language: LanguageId;
  readonly mode: RunMode;
  /** Rules to plan fixes with, by id (annotate and fix modes). */
  readonly rules: readonly (readonly [string, PlanRule])[];
  /** Fix mode: apply unsafe fixes too, and the plan-apply rounds per file. */
  readonly unsafe: boolean;
  readonly rounds: number;
  /** Keep findings on `# ssot: ignore` lines (ScanOptions.ignoreSuppressions). */
  readonly ignoreSuppressions?: boolean;
  /**
   * Read each file's bytes from git instead of the work tree: `oids[i]` is
   * the blob of `files[i]` (one repository, `cwd` inside it). Such a job has
   * no cache (its caller keys outcomes by blob, see ./history.ts).
   */
  readonly blobs?: { readonly cwd: string; readonly oids: readonly string[] };
  /** The content-hash cache to consult, or null. */
  readonly cache: JobCache | null;
  /**
   * Also read every file's edges of the import graph (the language's
   * `imports.moduleImports`) in the same pass, through its own cache when
   * given; null: not wanted.
   */
  readonly imports: { readonly cache: JobCache | null } | null;
}

export interface JobCache {
  readonly file: string;
  readonly fingerprint: string;
  /** Epoch ms: a file whose mtime or ctime is not older gets no stat signature (it may change within a clock tick). */
  readonly trustBefore: number;
}

/** What the import step of a job did (for the bench's report of where the graph's time goes). */
export interface ImportsStats {
  /** Files whose edges were read from their bytes by the cheap lexer. */
  lexed: number;
  /** Files the lexer was unsure of, parsed instead. */
  parsed: number;
  /** Files whose edges came from the cache without reading them. */
  statHits: number;
}

export interface JobResult {
  /** Outcomes that are not clean, by file index. */
  readonly outcomes: [number, FileOutcome][];
  /** Cache entries this run used or created (key → entry). */
  readonly cacheEntries: [string, CacheEntry][];
  /** Files that went through the full parse, and their bytes (for the report of where time goes). */
  parsedFiles: number;
  parsedBytes: number;
  cacheHits: number;
  /** Files not even read: their stat signature matched the cache. */
  statHits: number;
  /** With `job.imports`: every file's encoded edges, by file index. */
  readonly imports: [number, string][];
  /** Import cache entries this run used or created (path → entry). */
  readonly importsCacheEntries: [string, ImportsCacheEntry][];
  readonly importsStats: ImportsStats;
}

const CHUNK = 32;

/**
 * A worker joins when the main thread's pace says more than this much work
 * (milliseconds of one thread) is left for each thread. Below it a worker
 * costs more than it saves: it takes ~0.2–0.3 s to start (a node isolate,
 * the bundle, the grammar) while the main thread goes on, then shares two
 * cores with the main thread's GC and the merge. Measured on two cores, scan
 * `--no-cache`, adaptive pool (then 400 ms) vs main thread only: rich (100
 * files) 0.91 vs 0.81 s, celery 0.65 vs 0.56, dateparser 0.50 vs 0.47,
 * stdlib sample (6 MB) 1.17 vs 1.11, synthetic 1/10 (20 MB) 0.96 vs 0.77;
 * synthetic 1× (153 MB, ~2.3 s of work) 2.53 vs 2.66 and pylib (229 MB)
 * 18.1 vs 24.4 s, where it pays.
 */
export const WORKER_WORTH_MS = 1200;
const CLEAN: FileOutcome = { status: 'clean' };

/** Set by the bundler (scripts/bundle.mjs): the bundle's workers run its launcher; absent in the plain tsc build. */
declare const __SSOT_WORKER_FILE__: string | undefined;
/** The file a scan worker runs, relative to this module. */
const WORKER_FILE = typeof __SSOT_WORKER_FILE__ === 'string' ? __SSOT_WORKER_FILE__ : './worker.js';

/** Claim protocol state per worker, in shared memory. */
const NOT_STARTED = 0;
const STARTED = 1;
const CANCELLED = 2;

/** Processes files of a job in one thread, through the cache when the job has one; shared by the main thread and the workers. */
export class JobRunner {
  private readonly context: FileContext;
  private readonly needles: Buffer[][];
  private readonly bansKeys: string[];
  private cacheEntries: Map<string, CacheEntry> | undefined;
  private readonly blobReader: BlobReader | undefined;
  private importsEntries: Map<string, ImportsCacheEntry> | undefined;
  /** Files are read into it one at a time; the bytes of a file that is parsed are copied out. */
  private readonly reader = new ReusedReadBuffer();
  readonly result: JobResult = {
    outcomes: [],
    cacheEntries: [],
    parsedFiles: 0,
    parsedBytes: 0,
    cacheHits: 0,
    statHits: 0,
    imports: [],
    importsCacheEntries: [],
    importsStats: { lexed: 0, parsed: 0, statHits: 0 },
  };

  constructor(private readonly job: RunJob) {
    const adapter = adapterFor(job.language);
    this.context = { adapter, sourceRoots: job.sourceRoots, mode: job.mode, rules: new Map(job.rules), unsafe: job.unsafe, rounds: job.rounds, ignoreSuppressions: job.ignoreSuppressions ?? false };
    this.needles = job.banSets.map((bans) => adapter.needles(bans).map((n) => Buffer.from(n, 'utf8')));
    this.bansKeys = job.cache ? job.banSets.map(bansKey) : [];
    this.blobReader = job.blobs ? new BlobReader(job.blobs.cwd) : undefined;
  }

  /** Reads the job's caches now rather than at the first file that needs them. */
  loadCaches(): void {
    if (this.job.cache) this.scanEntries(this.job.cache);
    if (this.job.imports?.cache) this.importEntries(this.job.imports.cache);
  }

  /** The scan cache's entries, read once per thread. */
  private scanEntries(cache: JobCache): Map<string, CacheEntry> {
    return (this.cacheEntries ??= readCacheEntries(cache.file, cache.fingerprint));
  }

  /** The imports cache's entries, read once per thread. */
  private importEntries(cache: JobCache): Map<string, ImportsCacheEntry> {
    return (this.importsEntries ??= readCacheEntries<ImportsCacheEntry>(cache.file, cache.fingerprint));
  }

  /** Ends what the runner started (the git blob reader of a history job). */
  close(): void {
    this.blobReader?.close();
  }

  async runRange(from: number, to: number): Promise<void> {
    // a history job asks git for the whole chunk at once: one round trip, not one per file
    const reads = this.blobReader && this.job.blobs ? this.blobReader.readAll(this.job.blobs.oids.slice(from, to)) : null;
    for (const read of reads ?? []) read.catch(() => {}); // each rejection is seen when its file is processed
    for (let index = from; index < to; index++) {
      const outcome = await this.runFile(index, reads?.[index - from]);
      if (outcome.status !== 'clean') this.result.outcomes.push([index, outcome]);
    }
  }

  private async runFile(index: number, read?: Promise<Buffer>): Promise<FileOutcome> {
    const { job } = this;
    const rel = job.files[index]!;
    const file = path.join(job.root, rel);
    const set = job.banSetOf[index]!;
    let key = '';
    let cached: CacheEntry | undefined;
    let signature: string | null = null;
    // the import graph's edges: from their cache when the file is unchanged, else read below
    const importsSignature = job.imports?.cache ? statSignature(file, job.imports.cache.trustBefore) : null;
    const importsWanted = job.imports !== null && !this.importsFromCache(index, rel, importsSignature);
    if (job.banSets[set]!.length === 0 && !importsWanted) return CLEAN; // nothing to scan for, edges known: not even read
    if (job.cache) {
      key = entryKey(this.bansKeys[set]!, rel);
      cached = this.scanEntries(job.cache).get(key);
      signature = statSignature(file, job.cache.trustBefore);
      // unchanged since a run that read it (size, mtime, ctime, inode): no need to read it again
      if (cached?.s !== undefined && signature !== null && cached.s === signature && !importsWanted) {
        if (cached.h) this.result.cacheHits++;
        this.result.statHits++;
        this.result.cacheEntries.push([key, cached]);
        return cached.o;
      }
    }
    let bytes: Buffer;
    try {
      bytes = read ? await read : this.reader.read(file);
    } catch (error) {
      if (importsWanted) this.result.imports.push([index, '']);
      return { status: 'skipped', reason: `cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}), skipped` };
    }
    if (importsWanted) await this.readImports(index, rel, importsSignature, bytes);
    if (cached?.s !== undefined && signature !== null && cached.s === signature) {
      // read for its imports only: the scan outcome is still the cached one
      if (cached.h) this.result.cacheHits++;
      this.result.statHits++;
      this.result.cacheEntries.push([key, cached]);
      return cached.o;
    }
    const input: FileInput = { rel, bytes, bans: job.banSets[set]!, needles: this.needles[set]! };
    const settled = prefilterFile(input, this.context);
    if (settled) {
      if (job.cache && signature !== null) this.result.cacheEntries.push([key, { h: '', o: settled, s: signature }]);
      return settled;
    }
    // from here the bytes outlive the next read (a parse, its outcome): a copy of their own
    const owned: FileInput = read ? input : { ...input, bytes: Buffer.from(bytes) };
    if (!job.cache) return this.parse(owned);
    const hash = contentHash(bytes);
    const withSignature = (entry: CacheEntry): CacheEntry => (signature === null ? { h: entry.h, o: entry.o } : { h: entry.h, o: entry.o, s: signature });
    if (cached && cached.h === hash) {
      this.result.cacheHits++;
      this.result.cacheEntries.push([key, withSignature(cached)]);
      return cached.o;
    }
    const outcome = await this.parse(owned);
    this.result.cacheEntries.push([key, withSignature({ h: hash, o: outcome })]);
    return outcome;
  }

  /** Edges of a file unchanged since a run that read them (stat signature); false when it must be read. */
  private importsFromCache(index: number, rel: string, signature: string | null): boolean {
    const cache = this.job.imports?.cache;
    if (!cache || signature === null) return false;
    const entry = this.importEntries(cache).get(rel);
    if (!entry || signature !== entry.s) return false;
    this.result.imports.push([index, entry.e]);
    this.result.importsCacheEntries.push([rel, entry]);
    this.result.importsStats.statHits++;
    return true;
  }

  /** A file's edges from its bytes (none for a binary or non-UTF-8 file: the scan reports those). */
  private async readImports(index: number, rel: string, signature: string | null, bytes: Buffer): Promise<void> {
    const graph = this.context.adapter.imports;
    let encoded = '';
    const probe = bytes.length > 8000 ? bytes.subarray(0, 8000) : bytes;
    if (graph && !probe.includes(0) && isUtf8(bytes)) {
      const { edges, parsed } = await graph.moduleImports({ rel, bytes, sourceRoots: this.job.sourceRoots });
      if (parsed) this.result.importsStats.parsed++;
      else this.result.importsStats.lexed++;
      encoded = encodeEdges(edges);
    }
    this.result.imports.push([index, encoded]);
    if (signature !== null) this.result.importsCacheEntries.push([rel, { s: signature, e: encoded }]);
  }

  private parse(input: FileInput): Promise<FileOutcome> {
    this.result.parsedFiles++;
    this.result.parsedBytes += input.bytes.length;
    return processFile(input, this.context, { prefilter: false });
  }
}

export interface WorkerInit {
  readonly job: RunJob;
  /** Int32Array view: [0] next unclaimed file index, [1] files done, [2 + w] claim state of worker w. */
  readonly shared: SharedArrayBuffer;
  readonly worker: number;
}

/** Claims and processes chunks until none is left. `afterChunk` lets the main thread breathe. */
export async function drainJob(runner: JobRunner, total: number, counters: Int32Array, afterChunk?: (files: number) => Promise<void> | void): Promise<void> {
  for (;;) {
    const from = Atomics.add(counters, 0, CHUNK);
    if (from >= total) return;
    const to = Math.min(total, from + CHUNK);
    await runner.runRange(from, to);
    Atomics.add(counters, 1, to - from);
    if (afterChunk) await afterChunk(to - from);
  }
}

export interface PoolOptions {
  /**
   * Exactly this many workers, started with the job (SSOT_WORKERS, tests).
   * Undefined: as many as the work pays for, at most `maxWorkers`.
   */
  readonly workers?: number;
  /** The most workers the run may start when the work asks for them. */
  readonly maxWorkers: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Starts one worker thread (the tests give one that fails). */
  readonly spawn?: (language: LanguageId) => Worker;
  /** The remaining work per thread (ms) above which a worker joins (default WORKER_WORTH_MS; tests lower it). */
  readonly workerWorthMs?: number;
}

/** Starts a scan worker: it compiles the grammar at once, then waits for its job (./worker.ts). */
export function spawnScanWorker(language: LanguageId): Worker {
  return new Worker(new URL(WORKER_FILE, import.meta.url), { workerData: { language } });
}

/**
 * Processes every file of `job` with the main thread, plus worker threads
 * as the options say: none before the run; one joins when the main thread's
 * pace says the work left pays for it. A worker still starting when the main
 * thread runs out of work is stopped instead of waited for; one that fails
 * before it claims a file costs nothing but its start (the main thread does
 * its share).
 */
export async function runJob(job: RunJob, options: PoolOptions): Promise<JobResult & { workers: number }> {
  const total = job.files.length;
  const max = options.workers ?? options.maxWorkers;
  const shared = new SharedArrayBuffer(4 * (2 + max));
  const counters = new Int32Array(shared);
  const spawn = options.spawn ?? spawnScanWorker;
  const threads: { worker: Worker; done: Promise<JobResult | Error | null> }[] = [];
  const addWorker = () => {
    const w = threads.length;
    const worker = spawn(job.language);
    const done = new Promise<JobResult | Error | null>((resolve) => {
      worker.once('message', (message: JobResult) => resolve(message));
      worker.once('error', (error) => resolve(error));
      worker.once('exit', (code) => {
        if (Atomics.load(counters, 2 + w) === CANCELLED) resolve(null);
        else resolve(new Error(`scan worker ${w} exited with code ${code} before reporting`));
      });
    });
    worker.postMessage({ job, shared, worker: w } satisfies WorkerInit);
    threads.push({ worker, done });
  };
  for (let w = 0; w < (options.workers ?? 0); w++) addWorker();

  const runner = new JobRunner(job);
  // the pace below is the files' own: reading the caches (a cached run of synthetic 1x: ~0.25 s for
  // its 4.8 MB scan cache) before the clock starts, or a run of stat hits looked slow enough to start
  // two workers that were stopped before they claimed a file
  runner.loadCaches();
  const began = performance.now();
  let doneHere = 0;
  try {
    await drainJob(runner, total, counters, async (files) => {
      doneHere += files;
      options.onProgress?.(Math.min(total, Atomics.load(counters, 1)), total);
      if (options.workers === undefined && threads.length < max) {
        // the main thread's pace so far, applied to what nobody has claimed yet, shared by every thread
        const left = Math.max(0, total - Atomics.load(counters, 0));
        const perThreadMs = (left * (performance.now() - began)) / doneHere / (1 + threads.length);
        if (perThreadMs > (options.workerWorthMs ?? WORKER_WORTH_MS)) addWorker();
      }
      if (threads.length) await new Promise<void>((resolve) => setImmediate(resolve));
    });
  } finally {
    runner.close();
  }
  const results: JobResult[] = [runner.result];
  for (let w = 0; w < threads.length; w++) {
    const { worker, done } = threads[w]!;
    if (Atomics.compareExchange(counters, 2 + w, NOT_STARTED, CANCELLED) === NOT_STARTED) {
      // never claimed anything: its share was done here
      await worker.terminate();
      continue;
    }
    const outcome = await done;
    if (outcome instanceof Error) throw outcome;
    if (outcome) results.push(outcome);
  }
  options.onProgress?.(total, total);
  const sum = (of: (r: JobResult) => number) => results.reduce((total, r) => total + of(r), 0);
  return {
    outcomes: results.flatMap((r) => r.outcomes).sort((a, b) => a[0] - b[0]),
    cacheEntries: results.flatMap((r) => r.cacheEntries),
    parsedFiles: sum((r) => r.parsedFiles),
    parsedBytes: sum((r) => r.parsedBytes),
    cacheHits: sum((r) => r.cacheHits),
    statHits: sum((r) => r.statHits),
    imports: results.flatMap((r) => r.imports),
    importsCacheEntries: results.flatMap((r) => r.importsCacheEntries),
    importsStats: { lexed: sum((r) => r.importsStats.lexed), parsed: sum((r) => r.importsStats.parsed), statHits: sum((r) => r.importsStats.statHits) },
    workers: threads.length,
  };
}

/** Worker side of the claim protocol: false when the main thread already cancelled this worker. */
export function startClaiming(counters: Int32Array, worker: number): boolean {
  return Atomics.compareExchange(counters, 2 + worker, NOT_STARTED, STARTED) === NOT_STARTED;
}

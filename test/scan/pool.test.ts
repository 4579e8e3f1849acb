/**
 * The worker pool and the content-hash cache change how fast a scan runs,
 * never what it finds: results with workers, with a warm cache, after an
 * edit and after deleting the cache all equal a plain single-thread scan.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { writeSyntheticCorpus } from '../../bench/synthetic.js';
import { loadConfig, type Config } from '../../src/config/compile.js';
import { Worker } from 'node:worker_threads';
import { cacheFileOf, RACY_MARGIN_MS } from '../../src/engine/cache.js';
import { runPipeline, type ScanOptions, type ScanResult } from '../../src/engine/run.js';
import { runJob, type RunJob } from '../../src/engine/pool.js';
import { activeBanSets, buildGrouping } from '../../src/config/grouping.js';
import { discoverFiles } from '../../src/workspace/discover.js';
import type { RunStats } from '../../src/model/outcome.js';

/** The inventory, keeping the stats the run returns for the assertions below. */
let lastScanStats: RunStats;
async function scan(options: ScanOptions): Promise<ScanResult> {
  const run = await runPipeline({ ...options, mode: 'inventory' });
  lastScanStats = run.stats;
  return run.result;
}

let root: string;
let config: Config;

before(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ssot-pool-'));
  writeSyntheticCorpus(root, 0.02);
  config = await loadConfig(root);
});

after(() => rmSync(root, { recursive: true, force: true }));

const plain = () => scan({ root, config, workers: 0 });
const comparable = (r: ScanResult) => ({ findings: r.findings, errors: r.errors, warnings: r.warnings, summary: r.summary });

test('the corpus has findings to compare', async () => {
  const result = await plain();
  assert.ok(result.findings.length > 20, `${result.findings.length} findings`);
  assert.ok(!existsSync(cacheFileOf(root)), 'no cache unless asked');
});

test('workers find exactly what one thread finds, in the same order', async () => {
  const expected = comparable(await plain());
  for (const workers of [1, 3]) {
    const result = await scan({ root, config, workers });
    assert.equal(lastScanStats.workers, workers);
    assert.deepEqual(comparable(result), expected, `${workers} worker(s)`);
  }
});

test('findings are ordered by file, then position', async () => {
  const { findings } = await scan({ root, config, workers: 2 });
  for (let i = 1; i < findings.length; i++) {
    const a = findings[i - 1]!;
    const b = findings[i]!;
    const ordered = a.file < b.file || (a.file === b.file && (a.line < b.line || (a.line === b.line && a.column <= b.column)));
    assert.ok(ordered, `${a.file}:${a.line}:${a.column} before ${b.file}:${b.line}:${b.column}`);
  }
});

test('the cache: warm runs, edits and deletion never change the result', async () => {
  const expected = comparable(await plain());
  const cold = await scan({ root, config, cache: true, workers: 1 });
  assert.deepEqual(comparable(cold), expected, 'first run with the cache');
  assert.ok(existsSync(cacheFileOf(root)), 'cache written');
  assert.equal(lastScanStats.cacheHits, 0);
  const parsed = lastScanStats.parsedFiles;
  assert.ok(parsed > 0);

  const warm = await scan({ root, config, cache: true, workers: 1 });
  assert.deepEqual(comparable(warm), expected, 'warm run');
  assert.equal(lastScanStats.parsedFiles, 0, 'nothing parsed on a warm run');
  assert.equal(lastScanStats.cacheHits, parsed);

  // an edit that adds a finding to a file that had one: only that file is parsed again
  const file = cold.findings[0]!.file;
  appendFileSync(path.join(root, file), '\n\nfrom netra_backend.app.redis_manager import RedisManager as _Late\n');
  const edited = await scan({ root, config, cache: true, workers: 0 });
  assert.equal(lastScanStats.parsedFiles, 1);
  assert.deepEqual(comparable(edited), comparable(await plain()), 'after an edit');
  assert.ok(edited.findings.some((f) => f.file === file && f.local === '_Late'));

  // a corrupt cache is a cold run, not an error
  writeFileSync(cacheFileOf(root), '{ not json');
  assert.deepEqual(comparable(await scan({ root, config, cache: true })), comparable(await plain()), 'corrupt cache');
  rmSync(path.join(root, '.ssot'), { recursive: true, force: true });
  assert.deepEqual(comparable(await scan({ root, config, cache: true })), comparable(await plain()), 'deleted cache');
  assert.match(readFileSync(path.join(root, '.ssot/cache/.gitignore'), 'utf8'), /^\*$/m);
});

test('the cache is keyed by the bans: another rule set does not reuse entries', async () => {
  await scan({ root, config, cache: true });
  const rule = config.rules[0]!.id;
  const filtered = await scan({ root, config, cache: true, rule });
  assert.equal(lastScanStats.cacheHits, 0, 'different bans, different entries');
  assert.deepEqual(comparable(filtered), comparable(await scan({ root, config, rule, workers: 0 })));
});

test('the cache skips reading files whose stat signature is unchanged, and never misses an edit', async () => {
  rmSync(path.join(root, '.ssot'), { recursive: true, force: true });
  // files modified within RACY_MARGIN_MS of a run get no signature: let the corpus (and earlier edits) age past it
  await new Promise((resolve) => setTimeout(resolve, RACY_MARGIN_MS + 200));
  const expected = comparable(await plain());
  await scan({ root, config, cache: true, workers: 0 });
  const warm = await scan({ root, config, cache: true, workers: 0 });
  assert.deepEqual(comparable(warm), expected, 'warm run');
  assert.equal(lastScanStats.statHits, lastScanStats.files, 'no file read on a warm run');
  assert.equal(lastScanStats.parsedFiles, 0);

  // an edit (fresh mtime and ctime): that file is read again and the new finding is there
  const file = warm.findings[0]!.file;
  appendFileSync(path.join(root, file), '\nfrom netra_backend.app.redis_manager import RedisManager as _Later\n');
  const edited = await scan({ root, config, cache: true, workers: 0 });
  assert.equal(lastScanStats.statHits, lastScanStats.files - 1);
  assert.equal(lastScanStats.parsedFiles, 1);
  assert.ok(edited.findings.some((f) => f.file === file && f.local === '_Later'));
  assert.deepEqual(comparable(edited), comparable(await plain()), 'after the edit');
  // the edited file stays unsigned while its change is recent: the next run reads it again
  await scan({ root, config, cache: true, workers: 0 });
  assert.equal(lastScanStats.statHits, lastScanStats.files - 1);
});

/** The corpus as one inventory job for the pool itself. */
async function inventoryJob(): Promise<RunJob> {
  const { files } = await discoverFiles({ root, include: config.include, exclude: config.exclude });
  const { banSets, banSetOf } = activeBanSets(config, buildGrouping(config), files);
  return { root, files, banSetOf, banSets, sourceRoots: config.sourceRoots, language: config.language, mode: 'inventory', rules: [], unsafe: false, rounds: 1, cache: null, imports: null };
}

test('a small run stays in the main thread; workers join when the work is worth them', async () => {
  const job = await inventoryJob();
  assert.ok(job.files.length > 64, `${job.files.length} files: more than two chunks`);
  // one chunk (32 files): nothing is left once the main thread has measured its pace, whatever the machine's speed
  const few = { ...job, files: job.files.slice(0, 32), banSetOf: job.banSetOf.slice(0, 32) };
  assert.equal((await runJob(few, { maxWorkers: 1 })).workers, 0, 'a run of one chunk never starts a thread');
  const alone = await runJob(job, { workers: 0, maxWorkers: 1 });
  const joined = await runJob(job, { maxWorkers: 1, workerWorthMs: 0 });
  assert.equal(joined.workers, 1, 'any work left is worth one when the bar is 0 ms');
  assert.deepEqual(joined.outcomes, alone.outcomes);
  assert.equal((await runJob(job, { maxWorkers: 0, workerWorthMs: 0 })).workers, 0, 'never more than maxWorkers');
});

test('a worker that died before claiming a file never loses one: the main thread scans its share', async () => {
  const job = await inventoryJob();
  const expected = await runJob(job, { workers: 0, maxWorkers: 0 });
  const dead = new Worker('throw new Error("failed while loading")', { eval: true });
  dead.on('error', () => {});
  await new Promise((resolve) => dead.once('exit', resolve));
  const result = await runJob(job, { workers: 1, maxWorkers: 1, spawn: () => dead });
  assert.deepEqual(result.outcomes, expected.outcomes);
  // and one that fails while it loads, after the job started
  const failing = await runJob(job, {
    workers: 1,
    maxWorkers: 1,
    spawn: () => new Worker('throw new Error("failed while loading")', { eval: true }),
  });
  assert.deepEqual(failing.outcomes, expected.outcomes);
});

/**
 * A scan worker thread: compiles the grammar as soon as it starts (see
 * startWorkers in ./pool.ts), then waits for its job, claims chunks of the
 * shared file list and reports its non-clean outcomes once, when no chunk is
 * left.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getParser, type LanguageId } from '../parsing/treeSitter.js';
import { drainJob, FileScanner, startClaiming, type WorkerInit } from './pool.js';

const warm = getParser((workerData as { language: LanguageId }).language);
parentPort!.once('message', (init: WorkerInit) => {
  void (async () => {
    await warm;
    const counters = new Int32Array(init.shared);
    if (!startClaiming(counters, init.worker)) return; // the main thread did it all; it terminates this worker
    const scanner = new FileScanner(init.job);
    await drainJob(scanner, init.job.files.length, counters);
    parentPort!.postMessage(scanner.result);
  })();
});

/**
 * A worker thread of a run: compiles the grammar as soon as it starts (see
 * spawnScanWorker in ./pool.ts), then waits for its job, claims chunks of the
 * shared file list and reports its non-clean outcomes once, when no chunk is
 * left.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { adapterFor, type LanguageId } from '../languages/registry.js';
import { getParser } from '../parsing/treeSitter.js';
import { drainJob, JobRunner, startClaiming, type WorkerInit } from './pool.js';

const warm = getParser(adapterFor((workerData as { language: LanguageId }).language).grammar);
parentPort!.once('message', (init: WorkerInit) => {
  void (async () => {
    await warm;
    const counters = new Int32Array(init.shared);
    if (!startClaiming(counters, init.worker)) return; // the main thread did it all; it terminates this worker
    const runner = new JobRunner(init.job);
    try {
      await drainJob(runner, init.job.files.length, counters);
    } finally {
      runner.close();
    }
    parentPort!.postMessage(runner.result);
  })();
});

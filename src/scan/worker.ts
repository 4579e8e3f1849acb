/**
 * A scan worker thread: claims chunks of the shared file list and reports
 * its non-clean outcomes once, when no chunk is left (see ./pool.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { drainJob, FileScanner, startClaiming, type WorkerInit } from './pool.js';

const init = workerData as WorkerInit;
const counters = new Int32Array(init.shared);
if (startClaiming(counters, init.worker)) {
  const scanner = new FileScanner(init.job);
  await drainJob(scanner, init.job.files.length, counters);
  parentPort!.postMessage(scanner.result);
}

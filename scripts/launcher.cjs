#!/usr/bin/env node
'use strict';
/*
 * The ssot launcher (dist/cli/ssot.cjs, written from this template by
 * scripts/bundle.mjs): runs the one-file bundle beside it with V8's code
 * cache, in the main thread and in every scan worker (the bundle starts the
 * CLI or the worker, whichever thread it finds itself in).
 *
 * Why: Node 20 has no code cache for ES modules and no module compile cache
 * (22.1+); compiling the CLI's JavaScript on every start cost more than the
 * rest of a small run. The cache holds V8's compiled code for the functions a
 * scan and a fix run use; it is written at build time and rewritten after a
 * run whose node rejected it (another node version or V8 flags), like
 * Python's __pycache__. Its name carries a hash of the bundle, so it never
 * serves another bundle; a missing or unwritable cache only costs speed.
 */
const BUNDLE = '@@BUNDLE@@';
const CACHE = '@@CACHE@@';
const VERSION = '@@VERSION@@';

const { isMainThread } = require('node:worker_threads');
const argv = process.argv;
if (isMainThread && argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
  // what the CLI prints for it, without loading the CLI
  process.stdout.write(`${VERSION}\n`);
  return;
}

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');
const v8 = require('node:v8');

// V8 recompiles a WebAssembly function with its optimising compiler once it
// has run for a budget of 1.8 M (V8's default): the config's import specs and
// one small file already spend it, and the run then ends waiting ~0.1 s for
// background compiles of the parser's largest functions (93 ms for one) that
// it never uses. Measured side by side: a one-file scan 0.39 → 0.29 s wall; a
// tree that parses for seconds spends this budget in its first ~200 KB and
// runs optimised code from there (synthetic 1×, 8,006 files: +1.8%, within
// noise). Set before the bundle is compiled and the same in every thread: the
// flag is part of the code cache's check. A budget given on node's command
// line wins (node refuses it in NODE_OPTIONS).
const TIERING = '--wasm-tiering-budget';
if (!process.execArgv.some((a) => a.startsWith(TIERING))) {
  v8.setFlagsFromString(`${TIERING}=50000000`);
}

const bundle = path.join(__dirname, BUNDLE);
const cacheFile = path.join(__dirname, CACHE);
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// the bundle is ASCII (scripts/bundle.mjs checks): latin1 is the same text, read without decoding UTF-8
const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'latin1')), { filename: bundle, cachedData });
const stale = cachedData === undefined || script.cachedDataRejected === true;
// SSOT_CODE_CACHE=write: the build's training runs (each adds the functions it compiled)
if (isMainThread && (stale || process.env.SSOT_CODE_CACHE === 'write') && process.env.SSOT_CODE_CACHE !== 'off') {
  process.once('exit', () => {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cacheFile);
    } catch {
      try {
        fs.rmSync(temp, { force: true });
      } catch {
        // a read-only install: the next run compiles again
      }
    }
  });
}
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, require, bundleModule, bundle, __dirname);

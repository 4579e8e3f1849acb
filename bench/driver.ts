/**
 * Runs the inventory in-process the way the CLI does (loadConfig → run →
 * renderJson) and, with --stats, prints what the run spent its work on
 * (files, parsed files and bytes, workers) as one JSON line on stderr — the
 * funnel in RESULTS.md. Also handy for `node --cpu-prof dist/bench/driver.js ROOT`.
 */
import { loadConfig } from '../src/config/compile.js';
import { renderJson } from '../src/report/json.js';
import { runPipeline } from '../src/engine/run.js';

const root = process.argv[2] ?? '.';
const config = await loadConfig(root);
const { result, stats } = await runPipeline({ root, config, mode: 'inventory' });
process.stdout.write([...renderJson(result)].join(''));
if (process.argv.includes('--stats')) process.stderr.write(`${JSON.stringify(stats)}\n`);

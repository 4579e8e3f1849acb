/**
 * Checks that the cheap second stage is exact on a corpus: every file that
 * contains a needle but that the stage declares finding-free is parsed and
 * analysed anyway, and must have no finding. Slow on purpose (it parses what
 * the scan skips); run it after changing the analyzer or the prefilter:
 *
 *   npm run build && node dist/bench/verifyPrefilter.js bench/.corpora/pylib
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../src/config/compile.js';
import { adapterFor } from '../src/languages/registry.js';
import { prefilterFile, processFile } from '../src/engine/file.js';
import { discoverFiles } from '../src/workspace/discover.js';

const root = path.resolve(process.argv[2] ?? '.');
const config = await loadConfig(root);
const adapter = adapterFor(config.language);
const bans = config.rules.flatMap((r) => r.bans);
const needles = adapter.needles(bans).map((n) => Buffer.from(n, 'utf8'));
const context = { adapter, sourceRoots: config.sourceRoots, mode: 'inventory' as const };
const withoutStage2 = { ...context, adapter: { ...adapter, mayHaveFindings: undefined } };
const { files } = await discoverFiles({ root, include: config.include, exclude: config.exclude });
let candidates = 0;
let skipped = 0;
let wrong = 0;
for (const rel of files) {
  const bytes = readFileSync(path.join(root, rel));
  const input = { rel, bytes, bans, needles };
  if (prefilterFile(input, withoutStage2) !== null) continue;
  candidates++;
  if (prefilterFile(input, context) === null) continue;
  skipped++;
  const outcome = await processFile(input, context, { prefilter: false });
  if (outcome.status === 'findings' && outcome.findings.length) {
    wrong++;
    for (const f of outcome.findings) process.stdout.write(`WRONGLY SKIPPED ${rel}:${f.line}:${f.column} ${f.kind} ${f.symbol}\n`);
  }
}
process.stdout.write(`${files.length} files, ${candidates} contain a needle, ${skipped} of those skipped by the second stage, ${wrong} wrongly\n`);
process.exitCode = wrong ? 1 : 0;

/**
 * `npm run bench`: ssot against ruff's TID251 and ripgrep on the same
 * corpora, side by side, and bench/RESULTS.md from the figures.
 *
 *   npm run bench                 full run (pylib, synthetic 1×/2×/4×), writes bench/RESULTS.md
 *   npm run bench -- --quick      < 1 minute (stdlib sample, synthetic 0.1×, one run), writes bench/.corpora/RESULTS-quick.md
 *   npm run bench -- --runs 7     more timed runs per tool (default 5; quick: 1)
 *   npm run bench -- --only synthetic-1x   one corpus (writes bench/.corpora/RESULTS-partial.md)
 *   npm run bench -- --profile-all         CPU profile of every corpus (default: synthetic-1x)
 *   npm run bench -- --one-file            only `ssot check FILE` (pre-commit) on each corpus
 *   npm run bench -- --only history        only the history benchmark (a month of daily commits on synthetic-1x; --quick: 0.1×)
 *
 * Exit status: 1 when ssot misses a finding ruff reports (or a tool fails),
 * 0 otherwise; the targets are reported in RESULTS.md, not enforced, because
 * wall times on a shared machine are evidence, not a test.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_EXCLUDE, loadConfig } from '../src/config/compile.js';
import { activeBanSets, buildGrouping } from '../src/config/grouping.js';
import { prefilterFile } from '../src/engine/file.js';
import { discoverFiles } from '../src/workspace/discover.js';
import { TOOL_VERSION } from '../src/model/version.js';
import { adapterFor } from '../src/languages/registry.js';
import { compareFindings, readRuff, readSsot, type Agreement } from './compare.js';
import { MANY_USES_SHAPES, measureManyUses, renderManyUses } from './manyUses.js';
import { prepareOneFile, prepareProject, preparePylib, prepareSynthetic, SMALL_PROJECTS, type Corpus } from './corpora.js';
import { measure, summarize, type Measurement, type Summary } from './measure.js';
import { STAGES, stagesOfProfiles } from './profile.js';
import { benchHistory, renderHistoryBench, type HistoryBench } from './history.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const repo = path.resolve(here, '../..');
const cli = path.join(repo, 'dist/cli/ssot.cjs');
/** The unbundled build of the same code: its modules keep their file names, which the profile's stages are told apart by. */
const unbundledCli = path.join(repo, 'dist/src/cli/main.js');
const corporaDir = path.join(repo, 'bench/.corpora');
const outDir = path.join(corporaDir, 'out');

interface Args {
  quick: boolean;
  runs: number;
  only: string[];
  profile: boolean;
  profileAll: boolean;
  /** Only the "One file" measurement (`ssot check FILE`), written to bench/.corpora/RESULTS-one-file.md. */
  oneFile: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, runs: 0, only: [], profile: true, profileAll: false, oneFile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--only') args.only.push(argv[++i]!);
    else if (a === '--no-profile') args.profile = false;
    else if (a === '--profile-all') args.profileAll = true;
    else if (a === '--one-file') args.oneFile = true;
    else {
      process.stderr.write(`bench: unknown argument ${a}\nusage: npm run bench -- [--quick] [--runs N] [--only CORPUS] [--no-profile] [--profile-all] [--one-file]\n`);
      process.exit(2);
    }
  }
  if (!args.runs) args.runs = args.quick ? 1 : 5;
  if (args.quick) args.profile = false;
  return args;
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function toolVersion(command: string, args: string[], hint: string): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    process.stderr.write(`bench: \`${command}\` not found — ${hint}\n`);
    process.exit(2);
  }
}

type Tool = 'ssot scan' | 'ssot fix --dry-run' | 'ruff TID251' | 'rg -l';
const TOOLS: Tool[] = ['ssot scan', 'ssot fix --dry-run', 'ruff TID251', 'rg -l'];

interface CorpusResult {
  readonly corpus: Corpus;
  readonly needles: string[];
  readonly rgFiles: number;
  readonly timings: Map<Tool, Measurement[]>;
  readonly warm: { ssot: Measurement[]; ruff: Measurement[] } | null;
  readonly agreement: Agreement;
  readonly ruffFiles: number;
  readonly funnel: Funnel;
  readonly profile: ReturnType<typeof stagesOfProfiles> | null;
  readonly oneFile: OneFileResult;
  readonly graph: GraphCost;
  readonly failures: string[];
}

/** `ssot check FILE` as pre-commit runs it (from the root, one file, no cache), next to node's own start-up. */
interface OneFileResult {
  readonly withFindings: { readonly file: string; readonly findings: number; readonly runs: Measurement[] };
  readonly clean: { readonly file: string; readonly runs: Measurement[] };
  /** `node -e 0`: the floor of any node CLI. */
  readonly node: Measurement[];
  /** `ssot --version`: node plus loading ssot's modules, before any work. */
  readonly version: Measurement[];
  /** `ssot --help`: every command module loaded (to list them). */
  readonly help: Measurement[];
}

/** The "One file" section: `ssot check FILE` next to node's own start-up, per corpus. */
function renderOneFile(results: readonly { corpus: Corpus; oneFile: OneFileResult }[], runs: number): string[] {
  const lines: string[] = [];
  const push = (...more: string[]) => lines.push(...more);
  push('## One file: `ssot check FILE` (pre-commit)', '');
  push(
    `As a pre-commit hook runs it: from the corpus root, one file, the config found above it, no cache, \`--format json\`; ${runs} run(s) each, alternating. The file list is checked without walking the tree, so the cost does not grow with the tree. \`node -e 0\` is the floor of any node CLI; \`ssot --version\` adds loading the bundle (targets: within 0.06 s of \`node -e 0\`), \`ssot --help\` loads every command module. Wall median (min–max) and CPU (user + system) median, seconds. Target: \`ssot check FILE\` ≤ 0.15 s, on any tree.`,
    '',
    '| corpus | files in the tree | file checked | findings | ssot check FILE | CPU | clean file | CPU | node -e 0 | CPU | ssot --version | CPU | ssot --help | CPU | check ≤ 0.15 s | --version ≤ node + 0.06 s |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  );
  for (const r of results) {
    const o = r.oneFile;
    const wall = (ms: Measurement[]) => summarize(ms.map((m) => m.wall));
    const cpu = (ms: Measurement[]) => summarize(ms.map((m) => m.cpu)).median.toFixed(3);
    const w = wall(o.withFindings.runs);
    push(
      `| ${r.corpus.name} | ${r.corpus.files} | \`${o.withFindings.file}\` | ${o.withFindings.findings} | ${fmt(w, 3)} | ${cpu(o.withFindings.runs)} | ${fmt(wall(o.clean.runs), 3)} | ${cpu(o.clean.runs)} | ${fmt(wall(o.node), 3)} | ${cpu(o.node)} | ${fmt(wall(o.version), 3)} | ${cpu(o.version)} | ${fmt(wall(o.help), 3)} | ${cpu(o.help)} | ${mark(w.median <= 0.15)} | ${mark(wall(o.version).median <= wall(o.node).median + 0.06)} |`,
    );
  }
  push('');

  return lines;
}

async function benchOneFile(corpus: Corpus, scanJson: string, outPrefix: string, runs: number, env: NodeJS.ProcessEnv, failures: string[]): Promise<OneFileResult> {
  const findings = (JSON.parse(readFileSync(scanJson, 'utf8')) as { findings: { file: string; line: number; column: number }[] }).findings;
  const withFindings = findings[0]?.file ?? '';
  const config = await loadConfig(corpus.root);
  const { files } = await discoverFiles({ root: corpus.root, include: config.include, exclude: config.exclude });
  const flagged = new Set(findings.map((f) => f.file));
  const clean = files.find((f) => !flagged.has(f)) ?? files[0]!;
  const out = `${outPrefix}.one-file.json`;
  if (!withFindings) throw new Error(`bench: the scan of ${corpus.name} found nothing (or failed): ${scanJson}`);
  const check = (file: string) => [process.execPath, cli, 'check', file, '--format', 'json'];
  // correctness first: the one-file check reports what the tree scan reports in that file
  measure(check(withFindings), { cwd: corpus.root, stdoutFile: out, env });
  const got = (JSON.parse(readFileSync(out, 'utf8')) as { findings: { file: string; line: number; column: number }[] }).findings.map((f) => `${f.file}:${f.line}:${f.column}`);
  const want = findings.filter((f) => f.file === withFindings).map((f) => `${f.file}:${f.line}:${f.column}`);
  if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`ssot check ${withFindings} reported ${got.length} findings, the tree scan ${want.length}`);
  const result: OneFileResult = {
    withFindings: { file: withFindings, findings: want.length, runs: [] },
    clean: { file: clean, runs: [] },
    node: [],
    version: [],
    help: [],
  };
  for (let run = 0; run < runs; run++) {
    result.node.push(measure([process.execPath, '-e', '0'], { cwd: corpus.root, stdoutFile: out, env }));
    result.version.push(measure([process.execPath, cli, '--version'], { cwd: corpus.root, stdoutFile: out, env }));
    result.help.push(measure([process.execPath, cli, '--help'], { cwd: corpus.root, stdoutFile: out, env }));
    result.withFindings.runs.push(measure(check(withFindings), { cwd: corpus.root, stdoutFile: out, env }));
    result.clean.runs.push(measure(check(clean), { cwd: corpus.root, stdoutFile: out, env }));
  }
  const median = summarize(result.withFindings.runs.map((m) => m.wall)).median;
  log(`${corpus.name}: ssot check one file: ${median.toFixed(3)} s (node -e 0: ${summarize(result.node.map((m) => m.wall)).median.toFixed(3)} s)`);
  return result;
}

/** The import graph of the whole tree, as `ssot affected FILE` builds it (process start-up included). */
interface GraphCost {
  /** Files in the graph, and how the last cold build got their imports. */
  readonly files: number;
  readonly lexed: number;
  readonly parsed: number;
  /** No cache: every file read. */
  readonly cold: Measurement[];
  /** With .ssot/cache/imports.json populated by one untimed run: only stat signatures checked. */
  readonly cached: Measurement[];
  /** Tests the changed file affects, of all test files (a sanity check that the graph is connected). */
  readonly affected: number;
  readonly totalTests: number;
}

function commandsFor(corpus: Corpus, needles: string[], outPrefix: string): Record<Tool, { cmd: string[]; out: string }> {
  const rgExcludes = DEFAULT_EXCLUDE.flatMap((glob) => ['-g', `!${glob}`]);
  return {
    'ssot scan': { cmd: [process.execPath, cli, 'scan', corpus.root, '--format', 'json', '--no-cache'], out: `${outPrefix}.ssot.json` },
    'ssot fix --dry-run': { cmd: [process.execPath, cli, 'fix', corpus.root, '--all', '--dry-run'], out: `${outPrefix}.fix.txt` },
    'ruff TID251': {
      cmd: ['ruff', 'check', '--config', corpus.ruffConfig, '--no-cache', '--output-format', 'json', '--exit-zero', corpus.root],
      out: `${outPrefix}.ruff.json`,
    },
    'rg -l': {
      cmd: ['rg', '-l', '-F', '--hidden', '-g', '*.py', '-g', '*.pyi', ...rgExcludes, ...needles.flatMap((n) => ['-e', n]), corpus.root],
      out: `${outPrefix}.rg.txt`,
    },
  };
}

function okCode(tool: Tool, code: number, out: string): boolean {
  if (tool === 'rg -l') return code === 0 || code === 1; // 1: no match
  // 2 with a report: files it could not read or decode (the stdlib's own test data has some), each in the
  // report's errors, while every other file is scanned (issue 18); a config error gives no report
  if (tool === 'ssot scan') return code === 0 || (code === 2 && reportsOnlyFileErrors(out));
  // (fix --dry-run meets the same files; the scan of the same corpus says which)
  if (tool === 'ssot fix --dry-run') return code === 0 || code === 1 || code === 2;
  return code === 0;
}

/** The scan's JSON report parses, and each of its errors is about a file. */
function reportsOnlyFileErrors(out: string): boolean {
  try {
    const report = readSsot(out);
    return report.errors.length > 0 && report.errors.every((e) => typeof e.file === 'string' && e.file !== '');
  } catch {
    return false;
  }
}

async function benchCorpus(corpus: Corpus, args: Args): Promise<CorpusResult> {
  const failures: string[] = [];
  const config = await loadConfig(corpus.root);
  const bans = config.rules.flatMap((r) => r.bans);
  const needles = adapterFor(config.language).needles(bans);
  const outPrefix = path.join(outDir, corpus.name);
  const commands = commandsFor(corpus, needles, outPrefix);
  const env = { ...process.env, CI: '1' }; // no progress bars

  // the same files for both tools, or the comparison means nothing
  const shown = execFileSync('ruff', ['check', '--config', corpus.ruffConfig, '--show-files', corpus.root], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ruffFiles = shown.split('\n').filter((l) => l.endsWith('.py') || l.endsWith('.pyi')).length;

  // warm the page cache (every tool reads the same files), untimed
  measure(commands['rg -l'].cmd, { cwd: corpus.root, stdoutFile: commands['rg -l'].out, env });
  measure(['ruff', 'check', '--config', corpus.ruffConfig, '--no-cache', '--output-format', 'json', '--exit-zero', corpus.root], { cwd: corpus.root, stdoutFile: commands['ruff TID251'].out, env });
  const timings = new Map<Tool, Measurement[]>(TOOLS.map((t) => [t, []]));
  for (let run = 0; run < args.runs; run++) {
    // alternate the order so neither tool always runs right after the other
    const order = run % 2 === 0 ? TOOLS : [...TOOLS].reverse();
    for (const tool of order) {
      const m = measure(commands[tool].cmd, { cwd: corpus.root, stdoutFile: commands[tool].out, env });
      if (!okCode(tool, m.code, commands[tool].out)) failures.push(`${tool} exited with ${m.code}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      timings.get(tool)!.push(m);
    }
    log(`${corpus.name}: run ${run + 1}/${args.runs}: ${order.map((t) => `${t} ${timings.get(t)!.at(-1)!.wall.toFixed(2)} s`).join(', ')}`);
  }

  const scanFailed = failures.find((f) => f.startsWith('ssot scan '));
  if (scanFailed) throw new Error(`${corpus.name}: ${scanFailed}`);
  const agreement = compareFindings(corpus.root, readRuff(commands['ruff TID251'].out), readSsot(commands['ssot scan'].out));
  const rgFiles = readFileSync(commands['rg -l'].out, 'utf8').split('\n').filter(Boolean).length;
  if (agreement.missing.length) failures.push(`ssot misses ${agreement.missing.length} ruff finding(s)`);
  if (agreement.ssotFiles !== ruffFiles) failures.push(`file sets differ: ssot scanned ${agreement.ssotFiles} files, ruff ${ruffFiles}`);

  let warm: CorpusResult['warm'] = null;
  if (!args.quick) {
    // repeated runs: ssot with .ssot/cache, ruff with its cache, both populated by an untimed run first
    const ruffCache = path.join(corporaDir, 'ruff-cache', corpus.name);
    rmSync(ruffCache, { recursive: true, force: true });
    rmSync(path.join(corpus.root, '.ssot'), { recursive: true, force: true });
    const ssotWarm = [process.execPath, cli, 'scan', corpus.root, '--format', 'json'];
    const ruffWarm = ['ruff', 'check', '--config', corpus.ruffConfig, '--cache-dir', ruffCache, '--output-format', 'json', '--exit-zero', corpus.root];
    measure(ssotWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ssot-warm.json`, env });
    measure(ruffWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ruff-warm.json`, env });
    warm = { ssot: [], ruff: [] };
    for (let run = 0; run < args.runs; run++) {
      if (run % 2 === 0) {
        warm.ssot.push(measure(ssotWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ssot-warm.json`, env }));
        warm.ruff.push(measure(ruffWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ruff-warm.json`, env }));
      } else {
        warm.ruff.push(measure(ruffWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ruff-warm.json`, env }));
        warm.ssot.push(measure(ssotWarm, { cwd: corpus.root, stdoutFile: `${outPrefix}.ssot-warm.json`, env }));
      }
    }
    const cold = readFileSync(commands['ssot scan'].out, 'utf8');
    const cached = readFileSync(`${outPrefix}.ssot-warm.json`, 'utf8');
    if (findingsOf(cold) !== findingsOf(cached)) failures.push('ssot findings with the cache differ from a cold run');
    rmSync(path.join(corpus.root, '.ssot'), { recursive: true, force: true });
    log(`${corpus.name}: cached: ssot ${summarize(warm.ssot.map((m) => m.wall)).median.toFixed(2)} s, ruff ${summarize(warm.ruff.map((m) => m.wall)).median.toFixed(2)} s`);
  }

  const graph = graphCost(corpus, args, outPrefix, env, failures);
  log(`${corpus.name}: import graph of ${graph.files} files: cold ${summarize(graph.cold.map((m) => m.wall)).median.toFixed(2)} s, cached ${summarize(graph.cached.map((m) => m.wall)).median.toFixed(2)} s`);

  const funnel = await funnelOf(corpus);
  const oneFile = await benchOneFile(corpus, commands['ssot scan'].out, outPrefix, args.runs, env, failures);
  let profile: CorpusResult['profile'] = null;
  if (args.profile && (args.profileAll || corpus.name === 'synthetic-1x')) {
    // one thread, so the profile is the whole CPU cost in one place
    const profDir = path.join(outDir, `${corpus.name}.prof`);
    rmSync(profDir, { recursive: true, force: true });
    log(`${corpus.name}: CPU profile (one thread) …`);
    measure([process.execPath, '--cpu-prof', `--cpu-prof-dir=${profDir}`, unbundledCli, 'scan', corpus.root, '--format', 'json', '--no-cache'], {
      cwd: corpus.root,
      stdoutFile: `${outPrefix}.prof.json`,
      env: { ...env, SSOT_WORKERS: '0' },
    });
    profile = stagesOfProfiles(profDir);
  }
  return { corpus, needles, rgFiles, timings, warm, agreement, ruffFiles, funnel, profile, oneFile, graph, failures };
}

/** `ssot affected` on the canonical module's file, cold and cached. */
function graphCost(corpus: Corpus, args: Args, outPrefix: string, env: NodeJS.ProcessEnv, failures: string[]): GraphCost {
  const out = `${outPrefix}.affected.json`;
  // any file will do for the cost (the whole graph is built either way); a widely imported one shows the selection works
  const changed = canonicalFile(corpus);
  const cold: Measurement[] = [];
  const cached: Measurement[] = [];
  const command = (cache: boolean) => [process.execPath, cli, 'affected', '--root', corpus.root, '--format', 'json', ...(cache ? [] : ['--no-cache']), changed];
  rmSync(path.join(corpus.root, '.ssot'), { recursive: true, force: true });
  measure(command(true), { cwd: corpus.root, stdoutFile: out, env }); // populates the cache, untimed
  for (let run = 0; run < args.runs; run++) {
    for (const [list, cache] of [[cold, false], [cached, true]] as const) {
      const m = measure(command(cache), { cwd: corpus.root, stdoutFile: out, env });
      if (m.code !== 0) failures.push(`ssot affected exited with ${m.code}: ${m.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      list.push(m);
    }
  }
  rmSync(path.join(corpus.root, '.ssot'), { recursive: true, force: true });
  measure(command(false), { cwd: corpus.root, stdoutFile: out, env });
  const result = JSON.parse(readFileSync(out, 'utf8')) as { tests: string[]; totalTests: number; graph: { files: number; lexed: number; parsed: number } };
  return { files: result.graph.files, lexed: result.graph.lexed, parsed: result.graph.parsed, cold, cached, affected: result.tests.length, totalTests: result.totalTests };
}

/** The canonical module's file: what a migration's every fix starts importing. */
function canonicalFile(corpus: Corpus): string {
  const config = readFileSync(path.join(corpus.root, 'ssot.config.yaml'), 'utf8');
  const statement = /(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))/.exec(config.slice(config.indexOf('canonical')));
  const module = statement?.[1] ?? statement?.[2] ?? '';
  for (const rel of [`${module.replace(/\./g, '/')}.py`, `${module.replace(/\./g, '/')}/__init__.py`]) {
    if (existsSync(path.join(corpus.root, rel))) return rel;
  }
  return execFileSync('rg', ['--files', '-g', '*.py', corpus.root], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }).split('\n')[0]!.slice(corpus.root.length + 1);
}

interface Funnel {
  readonly files: number;
  readonly bytes: number;
  /** Files that contain a needle (or sit inside a banned package): stage 1. */
  readonly needleFiles: number;
  readonly needleBytes: number;
  /** Files the second stage sends to the parser. */
  readonly parsedFiles: number;
  readonly parsedBytes: number;
}

/** How many files each stage lets through, computed in this process with the scan's own stage functions. */
async function funnelOf(corpus: Corpus): Promise<Funnel> {
  const config = await loadConfig(corpus.root);
  const adapter = adapterFor(config.language);
  const grouping = buildGrouping(config);
  const { files } = await discoverFiles({ root: corpus.root, include: config.include, exclude: config.exclude });
  const { banSets, banSetOf } = activeBanSets(config, grouping, files);
  const needlesOf = banSets.map((bans) => adapter.needles(bans).map((n) => Buffer.from(n, 'utf8')));
  const out = { files: 0, bytes: 0, needleFiles: 0, needleBytes: 0, parsedFiles: 0, parsedBytes: 0 };
  const context = { adapter, sourceRoots: config.sourceRoots };
  const withoutStage2 = { ...context, adapter: { ...adapter, mayHaveFindings: undefined } };
  for (const [i, rel] of files.entries()) {
    const bytes = readFileSync(path.join(corpus.root, rel));
    const input = { rel, bytes, bans: banSets[banSetOf[i]!]!, needles: needlesOf[banSetOf[i]!]! };
    out.files++;
    out.bytes += bytes.length;
    if (prefilterFile(input, withoutStage2) !== null) continue;
    out.needleFiles++;
    out.needleBytes += bytes.length;
    if (prefilterFile(input, context) !== null) continue;
    out.parsedFiles++;
    out.parsedBytes += bytes.length;
  }
  return out;
}

function findingsOf(json: string): string {
  return JSON.stringify((JSON.parse(json) as { findings: unknown }).findings);
}

// ---------------------------------------------------------------------------
// report

const fmt = (s: Summary, digits = 2) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function machine(): string[] {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? 'unknown';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  return [
    `- cores: ${cpus.length} (available parallelism ${os.availableParallelism()}), CPU: ${model} @ ${cpus[0]?.speed ?? '?'} MHz`,
    `- memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, OS: ${os.type()} ${os.release()} ${os.arch()}`,
  ];
}

function gitHead(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'bench'], { cwd: repo, encoding: 'utf8' }).trim() ? ' + uncommitted changes' : '';
    return `${head}${dirty}`;
  } catch {
    return 'unknown';
  }
}

function renderResults(results: CorpusResult[], args: Args, versions: Record<string, string>, load: { start: number[]; end: number[] }, startedAt: Date, seconds: number, history: HistoryBench | null): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(
    '# Benchmark results',
    '',
    `Generated by \`npm run bench${args.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${startedAt.toISOString()} in ${Math.round(seconds)} s. Rerun it to reproduce; every figure below comes from that one run.`,
    '',
    '## Machine and versions',
    '',
    ...machine(),
    `- load average (1/5/15 min) at start: ${load.start.map((l) => l.toFixed(2)).join(' / ')}, at end: ${load.end.map((l) => l.toFixed(2)).join(' / ')} — the machine is shared; other processes ran during the benchmark`,
    ...Object.entries(versions).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Method',
    '',
    `- Wall time of one process per timing (spawn to exit), peak RSS of that process (wait4). ${args.runs} timed run(s) per tool and corpus after an untimed rg and ruff run (so every tool reads from the page cache); the order of the tools alternates between runs. Figures: median (min–max), seconds.`,
    '- Cold runs: `ssot scan PATH --format json --no-cache`, `ssot fix PATH --all --dry-run` (scans and plans every fix, writes nothing; ssot has no scan cache in fix), `ruff check --select TID251 --no-cache --output-format json --exit-zero` with the equivalent `[lint.flake8-tidy-imports.banned-api]` config (bench/.corpora/<corpus>.ruff.toml), `rg -l -F -e NEEDLE…` with ssot\'s needles (the text-search floor).',
    '- Same files for all: *.py and *.pyi, ssot\'s default excludes (ruff `exclude` set to the same names), .gitignore honoured; the file counts of ssot and `ruff --show-files` are checked to be equal.',
    '- Agreement: every ruff TID251 finding (file, line) must be an ssot finding on the same file and line (ssot reports more: usages, string references). A miss fails the run.',
    '',
  );

  push('## Cold runs', '', '| corpus | files | MB | ssot scan | ssot fix --dry-run | ruff TID251 | rg -l | scan ÷ ruff (≤ 1.0; largest synthetic ≤ 0.5) | fix ÷ ruff (≤ 2.0) | scan ÷ rg | ssot peak RSS MB (≤ 400) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  const largest = results.filter((r) => r.corpus.scale !== undefined).sort((a, b) => b.corpus.scale! - a.corpus.scale!)[0];
  for (const r of results) {
    const s = (t: Tool) => summarize(r.timings.get(t)!.map((m) => m.wall));
    const scanLimit = r === largest && results.length > 1 ? 0.5 : 1;
    const scanS = s('ssot scan');
    const fixS = s('ssot fix --dry-run');
    const ruffS = s('ruff TID251');
    const rgS = s('rg -l');
    const rss = Math.max(...r.timings.get('ssot scan')!.map((m) => m.maxRssMb), ...r.timings.get('ssot fix --dry-run')!.map((m) => m.maxRssMb));
    const scanRuff = scanS.median / ruffS.median;
    const fixRuff = fixS.median / ruffS.median;
    const scanRg = scanS.median / rgS.median;
    push(
      `| ${r.corpus.name} | ${r.corpus.files} | ${(r.corpus.bytes / 1e6).toFixed(1)} | ${fmt(scanS)} | ${fmt(fixS)} | ${fmt(ruffS)} | ${fmt(rgS, 3)} | ${scanRuff.toFixed(2)} ${mark(scanRuff <= scanLimit)} | ${fixRuff.toFixed(2)} ${mark(fixRuff <= 2)} | ${scanRg.toFixed(1)} | ${rss.toFixed(0)} ${mark(rss <= 400)} |`,
    );
  }
  push('', 'Peak RSS of the other tools (max over runs): ' + results.map((r) => `${r.corpus.name}: ruff ${Math.max(...r.timings.get('ruff TID251')!.map((m) => m.maxRssMb)).toFixed(0)} MB, rg ${Math.max(...r.timings.get('rg -l')!.map((m) => m.maxRssMb)).toFixed(0)} MB`).join('; ') + '.', '');
  push(
    '`ssot scan` reports every finding with how `ssot fix` would handle it (`fix`/`reason`): the workers plan each file with findings from the tree they parsed for the scan. `ssot fix --all --dry-run` also validates every rewrite (incremental reparse, name resolution), runs the fix rounds until nothing changes and compiles every rewritten file with python3 (one process per core); it writes nothing.',
    '',
  );

  const synthetic = results.filter((r) => r.corpus.scale !== undefined && r.corpus.scale >= 1).sort((a, b) => a.corpus.scale! - b.corpus.scale!);
  const base = synthetic.find((r) => r.corpus.scale === 1);
  if (base && synthetic.length > 1) {
    push('## Linear growth (synthetic corpus)', '', '| scale | files | MB | ssot scan median | × the 1× time | target | ruff median | × the 1× time |', '|---:|---:|---:|---:|---:|---:|---:|---:|');
    const t1 = summarize(base.timings.get('ssot scan')!.map((m) => m.wall)).median;
    const r1 = summarize(base.timings.get('ruff TID251')!.map((m) => m.wall)).median;
    for (const r of synthetic) {
      const t = summarize(r.timings.get('ssot scan')!.map((m) => m.wall)).median;
      const rt = summarize(r.timings.get('ruff TID251')!.map((m) => m.wall)).median;
      const limit = 1.1 * r.corpus.scale!;
      push(`| ${r.corpus.scale}× | ${r.corpus.files} | ${(r.corpus.bytes / 1e6).toFixed(1)} | ${t.toFixed(2)} | ${(t / t1).toFixed(2)} ${mark(t / t1 <= limit)} | ≤ ${limit.toFixed(1)} | ${rt.toFixed(2)} | ${(rt / r1).toFixed(2)} |`);
    }
    push('');
  }

  const warm = results.filter((r) => r.warm);
  if (warm.length) {
    push('## Repeated runs with caches', '', 'ssot with its content-hash cache (`.ssot/cache`, populated by one untimed run) against ruff with its cache (`--cache-dir`, populated the same way).', '', '| corpus | ssot scan (cached) | ruff TID251 (cached) | ssot ÷ ruff (≤ 1.5) |', '|---|---:|---:|---:|');
    for (const r of warm) {
      const s = summarize(r.warm!.ssot.map((m) => m.wall));
      const f = summarize(r.warm!.ruff.map((m) => m.wall));
      push(`| ${r.corpus.name} | ${fmt(s)} | ${fmt(f)} | ${(s.median / f.median).toFixed(2)} ${mark(s.median / f.median <= 1.5)} |`);
    }
    push('');
  }

  push(...renderOneFile(results, args.runs));

  push(
    '## Import graph',
    '',
    'The module graph of the whole tree (every file, not only those a scan parses), as `ssot affected FILE --format json` builds it for a change to the canonical module: cold (`--no-cache`: every file read) and with `.ssot/cache/imports.json` (stat signatures checked only). Process start-up included; CPU is user+sys of the whole process tree (workers included).',
    '',
    '| corpus | files | lexed / parsed | cold wall s | cold CPU s | cached wall s | cached CPU s | affected tests |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of results) {
    const g = r.graph;
    push(
      `| ${r.corpus.name} | ${g.files} | ${g.lexed} / ${g.parsed} | ${fmt(summarize(g.cold.map((m) => m.wall)))} | ${fmt(summarize(g.cold.map((m) => m.cpu)))} | ${fmt(summarize(g.cached.map((m) => m.wall)))} | ${fmt(summarize(g.cached.map((m) => m.cpu)))} | ${g.affected} of ${g.totalTests} |`,
    );
  }
  push('');
  push('## Agreement with ruff', '', '| corpus | ruff TID251 findings | missed by ssot | ssot findings (all kinds) | ssot import findings | ssot import lines ruff does not flag | ruff syntax errors | ssot files / ruff files | ssot errors / warnings |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const a = r.agreement;
    push(`| ${r.corpus.name} | ${a.ruffFindings} | ${a.missing.length} ${mark(a.missing.length === 0)} | ${a.ssotFindings} | ${a.ssotImportFindings} | ${a.extraImports.length} | ${a.ruffSyntaxErrors} | ${a.ssotFiles} / ${r.ruffFiles} | ${a.ssotErrors} / ${a.ssotWarnings} |`);
  }
  push('');
  for (const r of results) {
    if (r.agreement.missing.length) {
      push(`Missed on ${r.corpus.name} (file:line:column — ruff message):`, '', ...r.agreement.missing.slice(0, 50).map((m) => `- \`${m.file}:${m.line}:${m.column}\` — ${m.message}`), '');
    }
    if (r.agreement.extraImports.length) {
      push(`ssot import findings ruff does not report on ${r.corpus.name} (first 10):`, '', ...r.agreement.extraImports.slice(0, 10).map((m) => `- \`${m.file}:${m.line}\` ${m.symbol}`), '');
    }
  }

  push('## Where the time goes', '');
  push('What each stage lets through (the scan\'s own stage functions, run once in the benchmark process):', '');
  push('| corpus | files | stage 1: contain a needle | stage 2: parsed with tree-sitter | needles |', '|---|---:|---:|---:|---|');
  for (const r of results) {
    const f = r.funnel;
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    push(`| ${r.corpus.name} | ${f.files} (${mb(f.bytes)}) | ${f.needleFiles} (${mb(f.needleBytes)}) | ${f.parsedFiles} (${mb(f.parsedBytes)}) | ${r.needles.map((n) => `\`${n}\``).join(', ')} |`);
  }
  push('');
  const profiled = results.filter((r) => r.profile);
  if (profiled.length) {
    push('CPU profile of `ssot scan --no-cache` in one thread (`SSOT_WORKERS=0 node --cpu-prof`), self time per stage: the whole CPU cost of a cold scan in one place. The timed runs above spread the per-file stages over the main thread and one worker per extra core.', '');
    push(`| stage | ${profiled.map((r) => r.corpus.name).join(' | ')} |`, `|---|${profiled.map(() => '---:').join('|')}|`);
    for (const stage of STAGES) {
      push(`| ${stage} | ${profiled.map((r) => `${r.profile!.perStage.get(stage)!.toFixed(0)} ms (${((100 * r.profile!.perStage.get(stage)!) / r.profile!.totalMs).toFixed(0)}%)`).join(' | ')} |`);
    }
    push(`| **total** | ${profiled.map((r) => `${r.profile!.totalMs.toFixed(0)} ms`).join(' | ')} |`, '');
  }

  if (history) push(...renderHistoryBench(history));

  const failures = results.flatMap((r) => r.failures.map((f) => `${r.corpus.name}: ${f}`));
  push('## Verdict', '');
  if (failures.length) push(...failures.map((f) => `- ✗ ${f}`));
  else push('- ✓ ssot reports every finding ruff reports, on every corpus; no tool failed.');
  push('');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const startedAt = new Date();
  const loadStart = os.loadavg();
  const versions: Record<string, string> = {
    ssot: `${TOOL_VERSION} (git ${gitHead()})`,
    node: process.version,
    ruff: toolVersion('ruff', ['--version'], 'install it with `pip install ruff`'),
    ripgrep: toolVersion('rg', ['--version'], 'install the Debian package `ripgrep`'),
    python3: toolVersion('python3', ['--version'], 'the pylib corpus is the python3 library'),
  };
  if (!existsSync(cli)) {
    process.stderr.write(`bench: ${cli} missing — run \`npm run build\` first\n`);
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  const corpora: Corpus[] = [];
  const wanted = (name: string) => !args.only.length || args.only.includes(name);
  if (args.quick) {
    if (wanted('stdlib-sample')) corpora.push(preparePylib(corporaDir, true, log));
    if (wanted('synthetic-tenth')) corpora.push(prepareSynthetic(corporaDir, 0.1, log, 'tenth'));
  } else {
    // small trees first (most repositories), then the large ones
    if (wanted('one-file')) corpora.push(prepareOneFile(corporaDir));
    for (const project of SMALL_PROJECTS) {
      if (!wanted(`project-${project.name}`)) continue;
      const corpus = prepareProject(corporaDir, project, log);
      if (corpus) corpora.push(corpus);
    }
    if (wanted('pylib')) corpora.push(preparePylib(corporaDir, false, log));
    for (const scale of [1, 2, 4]) if (wanted(`synthetic-${scale}x`)) corpora.push(prepareSynthetic(corporaDir, scale, log));
  }
  if (args.oneFile) {
    const measured: { corpus: Corpus; oneFile: OneFileResult }[] = [];
    const failures: string[] = [];
    const env = { ...process.env, CI: '1' };
    for (const corpus of corpora) {
      const scanOut = path.join(outDir, `${corpus.name}.ssot.json`);
      const scanned = measure([process.execPath, cli, 'scan', corpus.root, '--format', 'json', '--no-cache'], { cwd: corpus.root, stdoutFile: scanOut, env });
      if (scanned.code !== 0) throw new Error(`bench: ssot scan ${corpus.name} exited ${scanned.code}: ${scanned.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      measured.push({ corpus, oneFile: await benchOneFile(corpus, scanOut, path.join(outDir, corpus.name), args.runs, env, failures) });
    }
    const load = os.loadavg();
    const report = [
      '# One file: `ssot check FILE`',
      '',
      `Generated by \`npm run bench -- --one-file\` on ${startedAt.toISOString()} (ssot ${versions.ssot}, node ${versions.node}); load average at end ${load.map((l) => l.toFixed(2)).join(' / ')}.`,
      '',
      ...renderOneFile(measured, args.runs),
      ...failures.map((f) => `- ✗ ${f}`),
      '',
    ].join('\n');
    const target = path.join(corporaDir, 'RESULTS-one-file.md');
    writeFileSync(target, report);
    process.stdout.write(report);
    if (failures.length) process.exitCode = 1;
    return;
  }
  const results: CorpusResult[] = [];
  for (const corpus of corpora) {
    log(`${corpus.name}: ${corpus.files} files, ${(corpus.bytes / 1e6).toFixed(1)} MB`);
    results.push(await benchCorpus(corpus, args));
  }
  // the history benchmark: a month of daily commits on the base synthetic corpus
  let history: HistoryBench | null = null;
  if (wanted('history') || (!args.only.length && !args.quick) || (args.quick && !args.only.length)) {
    const base = corpora.find((c) => c.name === (args.quick ? 'synthetic-tenth' : 'synthetic-1x')) ?? (args.quick ? prepareSynthetic(corporaDir, 0.1, log, 'tenth') : prepareSynthetic(corporaDir, 1, log));
    history = benchHistory(base, corporaDir, outDir, cli, args.runs, log);
  }
  // one file with many uses of a name (the fault suite's cost case, issue 18): not in --quick, nor with --only
  let manyUses = '';
  if (!args.quick && !args.only.length) {
    log('one file with 40,000 uses of a deprecated name (in functions, on one line, in one chain)');
    manyUses = renderManyUses(MANY_USES_SHAPES.map((shape) => measureManyUses(40_000, shape === 'functions' ? 300 : 120, shape)));
  }
  const report = renderResults(results, args, versions, { start: loadStart, end: os.loadavg() }, startedAt, (Date.now() - started) / 1000, history) + (manyUses ? `\n${manyUses}` : '');
  const target = args.quick || args.only.length ? path.join(corporaDir, args.quick ? 'RESULTS-quick.md' : 'RESULTS-partial.md') : path.join(repo, 'bench/RESULTS.md');
  writeFileSync(target, report);
  process.stdout.write(report);
  log(`wrote ${path.relative(process.cwd(), target) || target}`);
  const failures = results.flatMap((r) => r.failures);
  if (failures.length) {
    for (const r of results) for (const m of r.agreement.missing.slice(0, 20)) log(`MISSED ${r.corpus.name}: ${m.file}:${m.line}:${m.column} ${m.message}`);
    process.exitCode = 1;
  }
}

await main();

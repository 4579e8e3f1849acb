/**
 * `ssot scan` (inventory, exit 0), `ssot check` (CI gate: exit 1 when
 * findings remain — with `--baseline`, only new ones) and `ssot baseline`
 * (record today's findings, or `--prune` the stale entries). Each takes a
 * root directory, a list of files (pre-commit), or `--since REF`.
 */
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../../config/compile.js';
import { buildGrouping } from '../../config/grouping.js';
import { findPhase, findRule, requireService } from '../../config/select.js';
import { BASELINE_FILE, baselineOf, compareWithBaseline, mergeBaselines, pruneBaseline, readBaseline, writeBaseline, type Baseline } from '../../engine/baseline.js';
import { checkBoundaries, withBoundaryFindings } from '../../engine/boundaries.js';
import { scan, summarize, type ScanResult } from '../../engine/run.js';
import { UserError } from '../../model/errors.js';
import { plural } from '../../text/plural.js';
import type { CheckBaseline } from '../../report/baseline.js';
import { renderGithub, staleMessage } from '../../report/github.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { renderSarif } from '../../report/sarif.js';
import { renderConcise, renderStatistics, renderText, statistics } from '../../report/text.js';
import { NO_COLORS, type Colors } from '../../text/colors.js';
import { colorsFor, emit, progressBar, terminalWidth, type Output } from '../io.js';
import { resolveTargets, type Targets } from '../targets.js';

export const FORMATS = ['text', 'concise', 'json', 'sarif', 'markdown', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface ScanCliOptions {
  config?: string;
  format: Format;
  phase?: string;
  service?: string;
  rule?: string;
  output?: string;
  /** False with --no-cache. */
  cache?: boolean;
  /** Counts by rule, kind and reason instead of the findings (text and json). */
  statistics?: boolean;
  since?: string;
  root?: string;
  baseline?: string;
  strictBaseline?: boolean;
  /** Check the config's boundaries too (`check` and `baseline`: the gate; `scan` is the migration's inventory). */
  boundaries?: boolean;
}

export interface ScanRun {
  readonly result: ScanResult;
  readonly targets: Targets;
  readonly config: Config;
}

export async function runScan(args: readonly string[], options: ScanCliOptions): Promise<ScanRun> {
  return scanWith(await resolveTargets(args, options), options);
}

async function scanWith(targets: Targets, options: ScanCliOptions): Promise<ScanRun> {
  const { root } = targets;
  const config = await loadConfig(root, options.config);
  if (options.phase) findPhase(config, options.phase);
  if (options.service) requireService(config, options.service);
  if (options.rule) findRule(config, options.rule);
  const progress = progressBar('scanning');
  let result: ScanResult;
  try {
    result = await scan({
      root,
      config,
      phase: options.phase,
      service: options.service,
      rule: options.rule,
      ...(targets.paths ? { paths: targets.paths } : {}),
      onProgress: progress.update,
      // a file list costs per file: reading and rewriting the whole tree's cache would cost more than it saves
      cache: options.cache !== false && !targets.paths,
      // each finding says how `ssot fix` would handle it (`fix`, `reason`), planned from the scan's own parse
      annotate: true,
    });
    // the boundaries' findings: not with --rule (a rule of the migration), else for the same files
    if (options.boundaries && config.boundaries.length && !options.rule) {
      const grouping = buildGrouping(config);
      const paths = targets.paths ? new Set(targets.paths) : undefined;
      const only = (rel: string) =>
        (!paths || paths.has(rel)) && (!options.phase || grouping.phaseOf(rel) === options.phase) && (!options.service || grouping.serviceOf(rel) === options.service);
      result = withBoundaryFindings(result, await checkBoundaries({ root, config, only, cache: options.cache !== false }));
    }
  } finally {
    progress.stop();
  }
  return { result, targets, config };
}

export interface RenderExtras {
  readonly baseline?: CheckBaseline;
  /** For `--format github`: whether findings fail the run. */
  readonly level: 'error' | 'warning';
  /** Counts by rule, kind and reason instead of the findings (text and json). */
  readonly statistics?: boolean;
}

/** The report in `format`; with a baseline, text, concise, Markdown and statistics show only the new findings. */
export function renderScan(result: ScanResult, format: Format, toFile: boolean, extras: RenderExtras = { level: 'warning' }): Output {
  const { baseline } = extras;
  const shown = baseline ? newOnly(result, baseline) : result;
  // on a terminal the problems go to stderr (reportProblems) and lines wrap to its width; a report file keeps them, unwrapped
  const colors = toFile ? NO_COLORS : colorsFor(process.stdout);
  const layout = toFile ? {} : { problems: false, width: terminalWidth(process.stdout) };
  if (extras.statistics) {
    if (format === 'json') return `${JSON.stringify(statistics(shown.findings), null, 2)}\n`;
    if (format !== 'text' && format !== 'concise') throw new UserError(`--statistics prints text or json, not ${format}`);
    return renderStatistics(shown, colors, layout);
  }
  switch (format) {
    case 'json':
      return renderJson(result, baseline);
    case 'sarif':
      return renderSarif(result, baseline);
    case 'markdown':
      return renderMarkdown(shown);
    case 'github':
      return renderGithub(result, { level: extras.level, pathPrefix: workspacePrefix(result.root), ...(baseline ? { baseline } : {}) });
    case 'concise': {
      const text = renderConcise(shown, colors, layout);
      return baseline ? text + baselineLines(baseline, colors) : text;
    }
    default: {
      const text = renderText(shown, colors, layout);
      return baseline ? text + baselineLines(baseline, colors) : text;
    }
  }
}

function newOnly(result: ScanResult, baseline: CheckBaseline): ScanResult {
  const findings = result.findings.filter((_, i) => baseline.states[i] === 'new');
  return { ...result, findings, summary: summarize(findings, result.summary.files) };
}

function baselineLines(baseline: CheckBaseline, colors: Colors): string {
  const unchanged = baseline.states.filter((s) => s === 'unchanged').length;
  const out = [`${plural(unchanged, 'finding')} accepted by the baseline ${baseline.file}`];
  if (baseline.absent.length) {
    const say = baseline.strict ? colors.red : colors.yellow;
    out.push(say(`${plural(baseline.absent.length, 'baseline entry', 'baseline entries')} no longer occur${baseline.absent.length === 1 ? 's' : ''} (stale${baseline.strict ? ', --strict-baseline' : ''}):`));
    for (const e of baseline.absent) out.push(`  ${e.file}  ${staleMessage(e, baseline.file)}`);
  }
  return `${out.join('\n')}\n`;
}

/** Paths in workflow commands are relative to the workspace (the working directory in Actions): the root's place in it. */
function workspacePrefix(root: string): string {
  const rel = path.relative(process.cwd(), root).split(path.sep).join('/');
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `${rel}/` : '';
}

/** A path as messages show it: relative to the working directory when under it. */
function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** One `warning:`/`error:` line per file that was skipped or scanned with caveats, on stderr, whatever the format. */
export function reportProblems(result: ScanResult): void {
  const colors = colorsFor(process.stderr);
  for (const w of result.warnings) process.stderr.write(`${colors.yellow('warning')}: ${w.file}: ${w.message}\n`);
  for (const e of result.errors) process.stderr.write(`${colors.red('error')}: ${e.file}: ${e.message}\n`);
}

/**
 * 2 when a file could not be scanned (read, decoded, analysed): a green
 * gate must not hide files nobody looked at; else, for `check`, 1 when
 * findings remain; else 0.
 */
export function exitCodeOfScan(result: Pick<ScanResult, 'errors' | 'findings'>, gate: boolean): number {
  if (result.errors.length) return 2;
  return gate && result.findings.length ? 1 : 0;
}

function addTargetOptions(command: Command): Command {
  return command
    .argument('[paths...]', 'the root of the tree (default .), or files to check (the config is found above them)')
    .option('-c, --config <file>', 'config file (default: ssot.config.yaml in the root)')
    .option('--since <ref>', 'only the files changed since the merge base of REF and HEAD (committed, staged, unstaged, untracked)')
    .option('--root <dir>', 'with files: the root they belong to (default: the nearest directory above them with an ssot config)')
    .option('--no-cache', 'neither read nor write the content-hash cache in ROOT/.ssot/cache');
}

export function addScanOptions(command: Command): Command {
  return addTargetOptions(command)
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--phase <id>', 'only files of this phase')
    .option('--service <name>', 'only files of this service')
    .option('--rule <id>', 'only this rule')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--statistics', 'print counts by rule, kind and reason instead of the findings (text or json)');
}

/** The check's view of a baseline: which findings it accepts, and its stale entries among what the run looked at. */
function checkBaseline(run: ScanRun, baseline: Baseline, file: string, options: ScanCliOptions): CheckBaseline {
  const grouping = buildGrouping(run.config);
  const paths = run.targets.paths ? new Set(run.targets.paths) : undefined;
  const looked = (entry: { file: string; rule: string }) =>
    (!paths || paths.has(entry.file)) &&
    (!options.phase || grouping.phaseOf(entry.file) === options.phase) &&
    (!options.service || grouping.serviceOf(entry.file) === options.service) &&
    (!options.rule || entry.rule === options.rule);
  const comparison = compareWithBaseline(run.result.findings, baseline, looked);
  return { file, states: comparison.states, absent: comparison.absent, strict: Boolean(options.strictBaseline) };
}

export function registerScanCommands(program: Command): void {
  addScanOptions(program.command('scan').description('inventory deprecated imports, their usages and string references (exit 0)')).action(
    async (args: string[], options: ScanCliOptions) => {
      const run = await runScan(args, options);
      if (run.targets.note) process.stderr.write(`ssot: ${run.targets.note}\n`);
      await emit(renderScan(run.result, options.format, Boolean(options.output), { level: 'warning', statistics: options.statistics }), options.output);
      reportProblems(run.result);
      process.exitCode = exitCodeOfScan(run.result, false);
    },
  );
  addScanOptions(program.command('check').description('CI gate: exit 1 when any finding remains — deprecated imports and boundary violations (with --baseline: any new one), 0 when none, 2 on usage or config errors'))
    .option('--baseline <file>', 'fail only on findings not in this baseline (written by `ssot baseline`); report its stale entries')
    .option('--strict-baseline', 'with --baseline: stale entries (accepted findings that are gone) fail the check too')
    .action(async (args: string[], options: ScanCliOptions) => {
      if (options.strictBaseline && !options.baseline) throw new UserError('--strict-baseline needs --baseline FILE');
      // a bad baseline file is a usage error before any work
      const accepted = options.baseline ? readBaseline(path.resolve(options.baseline)) : undefined;
      const run = await runScan(args, { ...options, boundaries: true });
      if (run.targets.note) process.stderr.write(`ssot: ${run.targets.note}\n`);
      const baseline = accepted ? checkBaseline(run, accepted, options.baseline!, options) : undefined;
      await emit(renderScan(run.result, options.format, Boolean(options.output), { level: 'error', statistics: options.statistics, ...(baseline ? { baseline } : {}) }), options.output);
      reportProblems(run.result);
      // a file that could not be scanned is 2 whatever the baseline says: a green gate must not hide it
      const failing = baseline ? baseline.states.some((s) => s === 'new') || (baseline.strict && baseline.absent.length > 0) : run.result.findings.length > 0;
      process.exitCode = run.result.errors.length ? 2 : failing ? 1 : 0;
    });
  addTargetOptions(program.command('baseline').description("record today's findings as accepted (`ssot check --baseline` then fails only on new ones); --prune removes stale entries"))
    .option('-o, --output <file>', `the baseline file (default: ROOT/${BASELINE_FILE})`)
    .option('--prune', 'only remove the entries that no longer occur; never add one')
    .action(async (args: string[], options: ScanCliOptions & { prune?: boolean }) => {
      const run = await runScan(args, { ...options, format: 'text', boundaries: true });
      const file = path.resolve(options.output ?? path.join(run.targets.root, BASELINE_FILE));
      const shown = displayPath(file);
      if (options.prune) {
        const old = readBaseline(file);
        const paths = run.targets.paths ? new Set(run.targets.paths) : undefined;
        const stale = compareWithBaseline(run.result.findings, old, (e) => !paths || paths.has(e.file)).absent;
        const pruned = pruneBaseline(old, stale);
        writeBaseline(file, pruned);
        process.stdout.write(`${shown}: removed ${plural(stale.length, 'stale entry', 'stale entries')}, ${pruned.entries.length} kept\n`);
      } else {
        if (run.targets.paths) throw new UserError('`ssot baseline` records the whole tree; pass the root, not files', { hint: 'to drop entries of fixed files, use `ssot baseline --prune FILE…`' });
        const baseline = baselineOf(run.result.findings);
        writeBaseline(file, baseline);
        const files = new Set(baseline.entries.map((e) => e.file)).size;
        process.stdout.write(`${shown}: ${plural(baseline.entries.length, 'entry', 'entries')} in ${plural(files, 'file')}\n`);
      }
      reportProblems(run.result);
      process.exitCode = exitCodeOfScan(run.result, false);
    });
  program
    .command('merge-baseline')
    .description('git merge driver for baseline files: keeps what either side added, drops what either side removed (see README)')
    .argument('<base>', 'the common ancestor\'s version (%O)')
    .argument('<ours>', 'our version, overwritten with the result (%A)')
    .argument('<theirs>', 'their version (%B)')
    .action((base: string, ours: string, theirs: string) => {
      const merged = mergeBaselines(readBaseline(path.resolve(base)), readBaseline(path.resolve(ours)), readBaseline(path.resolve(theirs)));
      writeBaseline(path.resolve(ours), merged);
      process.exitCode = 0;
    });
}

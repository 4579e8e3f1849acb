/** `ssot scan` (inventory, exit 0) and `ssot check` (CI gate: exit 1 when findings remain). */
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { findPhase, findRule, requireService } from '../../config/select.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { renderSarif } from '../../report/sarif.js';
import { renderConcise, renderStatistics, renderText, statistics } from '../../report/text.js';
import { scan, withScanWorkers, type ScanResult } from '../../engine/run.js';
import type { StartedWorkers } from '../../engine/pool.js';
import { colorsFor, emit, progressBar, resolveRoot, terminalWidth } from '../io.js';
import { UserError } from '../../model/errors.js';
import { NO_COLORS } from '../../text/colors.js';

export const FORMATS = ['text', 'concise', 'json', 'sarif', 'markdown'] as const;
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
}

export async function runScan(pathArg: string | undefined, options: ScanCliOptions): Promise<ScanResult> {
  const root = resolveRoot(pathArg);
  return withScanWorkers(true, (started) => scanWith(root, options, started));
}

async function scanWith(root: string, options: ScanCliOptions, started: StartedWorkers): Promise<ScanResult> {
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
      onProgress: progress.update,
      cache: options.cache !== false,
      // each finding says how `ssot fix` would handle it (`fix`, `reason`), planned from the scan's own parse
      annotate: true,
      started,
    });
  } finally {
    progress.stop();
  }
  return result;
}

export function renderScan(result: ScanResult, format: Format, toFile: boolean, options: { statistics?: boolean } = {}): string {
  // on a terminal the problems go to stderr (reportProblems) and lines wrap to its width; a report file keeps them, unwrapped
  const colors = toFile ? NO_COLORS : colorsFor(process.stdout);
  const layout = toFile ? {} : { problems: false, width: terminalWidth(process.stdout) };
  if (options.statistics) {
    if (format === 'json') return `${JSON.stringify(statistics(result.findings), null, 2)}\n`;
    if (format !== 'text' && format !== 'concise') throw new UserError(`--statistics prints text or json, not ${format}`);
    return renderStatistics(result, colors, layout);
  }
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'markdown':
      return renderMarkdown(result);
    case 'concise':
      return renderConcise(result, colors, layout);
    default:
      return renderText(result, colors, layout);
  }
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

export function addScanOptions(command: Command): Command {
  return command
    .argument('[path]', 'root of the monorepo to scan', '.')
    .option('-c, --config <file>', 'config file (default: ssot.config.yaml in PATH)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]).default('text'))
    .option('--phase <id>', 'only files of this phase')
    .option('--service <name>', 'only files of this service')
    .option('--rule <id>', 'only this rule')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--statistics', 'print counts by rule, kind and reason instead of the findings (text or json)')
    .option('--no-cache', 'neither read nor write the content-hash cache in PATH/.ssot/cache');
}

export function registerScanCommands(program: Command): void {
  addScanOptions(program.command('scan').description('inventory deprecated imports, their usages and string references (exit 0)')).action(
    async (pathArg: string, options: ScanCliOptions) => {
      const result = await runScan(pathArg, options);
      emit(renderScan(result, options.format, Boolean(options.output), options), options.output);
      reportProblems(result);
      process.exitCode = exitCodeOfScan(result, false);
    },
  );
  addScanOptions(
    program.command('check').description('CI gate: exit 1 when any finding remains, 0 when none, 2 on usage or config errors'),
  ).action(async (pathArg: string, options: ScanCliOptions) => {
    const result = await runScan(pathArg, options);
    emit(renderScan(result, options.format, Boolean(options.output), options), options.output);
    reportProblems(result);
    process.exitCode = exitCodeOfScan(result, true);
  });
}

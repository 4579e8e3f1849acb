/** `ssot scan` (inventory, exit 0) and `ssot check` (CI gate: exit 1 when findings remain). */
import path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { UserError } from '../../model/errors.js';
import { renderJson } from '../../report/json.js';
import { renderMarkdown } from '../../report/markdown.js';
import { renderSarif } from '../../report/sarif.js';
import { renderText } from '../../report/text.js';
import { scan, withScanWorkers, type ScanResult } from '../../engine/run.js';
import type { StartedWorkers } from '../../engine/pool.js';
import { colorsFor, emit, progressBar } from '../io.js';

export const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
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
}

export function resolveRoot(pathArg: string | undefined): string {
  const root = path.resolve(pathArg ?? '.');
  if (!existsSync(root)) throw new UserError(`${pathArg}: no such directory`);
  if (!statSync(root).isDirectory()) throw new UserError(`${pathArg}: not a directory`);
  return root;
}

export async function runScan(pathArg: string | undefined, options: ScanCliOptions): Promise<ScanResult> {
  const root = resolveRoot(pathArg);
  return withScanWorkers(true, (started) => scanWith(root, options, started));
}

async function scanWith(root: string, options: ScanCliOptions, started: StartedWorkers): Promise<ScanResult> {
  const config = await loadConfig(root, options.config);
  if (options.phase && !config.phases.some((p) => p.id === options.phase)) {
    throw new UserError(`--phase ${options.phase}: no such phase (known: ${config.phases.map((p) => p.id).join(', ') || 'none'})`);
  }
  if (options.service && !config.services.some((s) => s.name === options.service)) {
    throw new UserError(`--service ${options.service}: no such service (known: ${config.services.map((s) => s.name).join(', ') || 'none'})`);
  }
  if (options.rule && !config.rules.some((r) => r.id === options.rule)) {
    throw new UserError(`--rule ${options.rule}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
  }
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

export function render(result: ScanResult, format: Format, toFile: boolean): string {
  switch (format) {
    case 'json':
      return renderJson(result);
    case 'sarif':
      return renderSarif(result);
    case 'markdown':
      return renderMarkdown(result);
    default:
      // on a terminal the problems go to stderr (reportProblems); a report file keeps them
      return toFile
        ? renderText(result, colorsFor({ isTTY: false } as NodeJS.WriteStream))
        : renderText(result, colorsFor(process.stdout), { problems: false });
  }
}

/** One `warning:`/`error:` line per file that was skipped or scanned with caveats, on stderr, whatever the format. */
export function reportProblems(result: ScanResult): void {
  const colors = colorsFor(process.stderr);
  for (const w of result.warnings) process.stderr.write(`${colors.yellow('warning')}: ${w.file}: ${w.message}\n`);
  for (const e of result.errors) process.stderr.write(`${colors.red('error')}: ${e.file}: ${e.message}\n`);
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
    .option('--no-cache', 'neither read nor write the content-hash cache in PATH/.ssot/cache');
}

export function registerScanCommands(program: Command): void {
  addScanOptions(program.command('scan').description('inventory deprecated imports, their usages and string references (exit 0)')).action(
    async (pathArg: string, options: ScanCliOptions) => {
      const result = await runScan(pathArg, options);
      emit(render(result, options.format, Boolean(options.output)), options.output);
      reportProblems(result);
      process.exitCode = 0;
    },
  );
  addScanOptions(
    program.command('check').description('CI gate: exit 1 when any finding remains, 0 when none, 2 on usage or config errors'),
  ).action(async (pathArg: string, options: ScanCliOptions) => {
    const result = await runScan(pathArg, options);
    emit(render(result, options.format, Boolean(options.output)), options.output);
    reportProblems(result);
    process.exitCode = result.findings.length ? 1 : 0;
  });
}

/**
 * `ssot report [PATH] --format html|markdown|json [-o FILE] [--monitor WATCH.json]`:
 * the migration report — the HTML dashboard, the Markdown post-completion
 * report, or the JSON document both are views of. Also the daily update of
 * `ssot status --format markdown` (status.ts), from the same document.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { UserError } from '../../model/errors.js';
import { migrationReport, type ReportOptions } from '../../phases/report.js';
import type { HistoryEvery } from '../../phases/history.js';
import { renderDashboardHtml, type DashboardAssets } from '../../report/dashboard.js';
import { renderReportMarkdown } from '../../report/migrationMarkdown.js';
import type { MonitorSummary, ReportDocument } from '../../report/reportData.js';
import { emit, resolveRoot, withRootAndConfig } from '../io.js';
import { withHistoryWindow } from './history.js';

interface ReportCliOptions {
  config?: string;
  format: 'html' | 'markdown' | 'json';
  output?: string;
  monitor?: string;
  since?: string;
  every: HistoryEvery;
  cache?: boolean;
}

/** The Chart.js and annotation-plugin browser bundles shipped in their npm packages (UMD builds). */
export function dashboardAssets(): DashboardAssets {
  const require = createRequire(import.meta.url);
  const bundle = (pkg: string, file: string) => {
    const dir = path.dirname(require.resolve(pkg));
    try {
      return readFileSync(path.join(dir, file), 'utf8');
    } catch (error) {
      throw new UserError(`cannot read the ${pkg} browser bundle (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { hint: 'reinstall ssot: `npm ci`' });
    }
  };
  return { chartJs: bundle('chart.js', 'chart.umd.min.js'), annotationJs: bundle('chartjs-plugin-annotation', 'chartjs-plugin-annotation.min.js') };
}

/** The verdict of a watch report: the last `type: "verdict"` line of `ssot monitor watch --format json` (or a single JSON object). */
export function readMonitorSummary(file: string): MonitorSummary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`--monitor ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const candidates: unknown[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      candidates.push(JSON.parse(line));
    } catch {
      // a pretty-printed single document: tried whole below
    }
  }
  if (!candidates.length) {
    try {
      candidates.push(JSON.parse(text));
    } catch {
      // not JSON at all
    }
  }
  const verdict = candidates
    .reverse()
    .find((c): c is Record<string, unknown> => typeof c === 'object' && c !== null && ((c as { type?: unknown }).type === 'verdict' || (!('type' in c) && 'outcome' in c)));
  const outcome = verdict?.outcome;
  if (!verdict || (outcome !== 'pass' && outcome !== 'breach' && outcome !== 'no data') || !Array.isArray(verdict.signals)) {
    throw new UserError(`--monitor ${file}: not a watch report (no verdict with outcome and signals)`, {
      hint: 'write one with `ssot monitor watch … --format json > FILE`',
    });
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    file,
    outcome,
    exitCode: num(verdict.exitCode) ?? (outcome === 'pass' ? 0 : outcome === 'breach' ? 1 : 3),
    reason: typeof verdict.reason === 'string' ? verdict.reason : '',
    startedAt: typeof verdict.startedAt === 'string' ? verdict.startedAt : null,
    elapsedMs: num(verdict.elapsedMs),
    intervals: num(verdict.intervals),
    signals: verdict.signals as MonitorSummary['signals'],
  };
}

export async function reportDocument(root: string, options: { config?: string; monitor?: string } & Omit<ReportOptions, 'root' | 'config'>): Promise<ReportDocument> {
  const monitor = options.monitor === undefined ? null : readMonitorSummary(options.monitor);
  const config = await loadConfig(root, options.config);
  const report = await migrationReport({ root, config, since: options.since, every: options.every, cache: options.cache });
  return { ...report, monitor };
}

export function registerReportCommand(program: Command): void {
  withHistoryWindow(
    withRootAndConfig(program.command('report').description('the migration report: HTML dashboard, Markdown post-completion report, or its JSON')),
    'the commit before the first phase commit, else 30 days ago',
  )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['html', 'markdown', 'json']).default('html'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--monitor <file>', 'include the verdict of a watch report (`ssot monitor watch --format json` output)')
    .option('--no-cache', 'neither read nor write the history cache in PATH/.ssot/cache')
    .action(async (pathArg: string, options: ReportCliOptions) => {
      const root = resolveRoot(pathArg);
      const doc = await reportDocument(root, { ...options, cache: options.cache !== false });
      const text =
        options.format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : options.format === 'markdown' ? renderReportMarkdown(doc) : renderDashboardHtml(doc, dashboardAssets());
      await emit(text, options.output);
      process.exitCode = 0;
    });
}

/** `ssot status [PATH]`: phases done / pending / rolled back, remaining findings, last gate results; `--format markdown` is the daily update. */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { migrateHistory } from '../history.js';
import { renderStatusText } from '../../report/phases.js';
import { renderStatusMarkdown } from '../../report/migrationMarkdown.js';
import { phaseStatus } from '../../phases/status.js';
import { colorsFor, emit, resolveRoot, withRootAndConfig } from '../io.js';
import { reportDocument } from './report.js';

interface StatusCliOptions {
  config?: string;
  format: 'text' | 'json' | 'markdown';
  since?: string;
  monitor?: string;
  output?: string;
}

export function registerStatusCommand(program: Command): void {
  withRootAndConfig(program.command('status').description('where the migration stands: phase states, remaining findings, last gate results'))
    .addOption(new Option('-f, --format <format>', 'output format (markdown: the daily update)').choices(['text', 'json', 'markdown']).default('text'))
    .option('--since <date|ref>', 'markdown: the window of "what changed" (default: 24 hours ago)')
    .option('--monitor <file>', 'markdown: include the verdict of a watch report')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (pathArg: string, options: StatusCliOptions) => {
      const root = resolveRoot(pathArg);
      if (options.format === 'markdown') {
        // the daily update is a view of `ssot report --format json --since <yesterday>`
        const since = options.since ?? `${new Date(Date.now() - 86_400_000).toISOString().slice(0, 16)}Z`;
        const doc = await reportDocument(root, { config: options.config, monitor: options.monitor, since, every: 'auto', cache: true });
        await emit(renderStatusMarkdown(doc), options.output);
        process.exitCode = 0;
        return;
      }
      const config = await loadConfig(root, options.config);
      await migrateHistory(root);
      const status = await phaseStatus({ root, config });
      await emit(options.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status, options.output ? undefined : colorsFor(process.stdout)), options.output);
      process.exitCode = 0;
    });
}

/** `ssot history [PATH] [--since DATE|REF] [--every day|commit|auto]`: findings per phase and service over the branch's commits. */
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { computeHistory, type HistoryEvery } from '../../phases/history.js';
import { renderHistoryCsv, renderHistoryJson, renderHistoryText } from '../../report/history.js';
import { colorsFor, emit, progressBar, resolveRoot, withRootAndConfig } from '../io.js';

interface HistoryCliOptions {
  config?: string;
  since?: string;
  every: HistoryEvery;
  format: 'text' | 'json' | 'csv';
  output?: string;
  cache?: boolean;
}

/** `--since` and `--every`, shared by `history` and `report`. */
export function withHistoryWindow(command: Command, defaultSince: string): Command {
  return command
    .option('--since <date|ref>', `start of the series: a date (YYYY-MM-DD) or a commit, branch or tag (default: ${defaultSince})`)
    .addOption(new Option('--every <step>', 'one point per commit, per day, or auto (every commit up to 100, else daily)').choices(['day', 'commit', 'auto']).default('auto'));
}

export function registerHistoryCommand(program: Command): void {
  withHistoryWindow(withRootAndConfig(program.command('history').description('findings per phase and service at past commits of the branch, with phase commits and rollbacks')), '30 days ago')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'csv']).default('text'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--no-cache', 'neither read nor write the history cache in PATH/.ssot/cache')
    .action(async (pathArg: string, options: HistoryCliOptions) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const progress = progressBar('reading history');
      let history;
      try {
        history = await computeHistory({ root, config, since: options.since, every: options.every, cache: options.cache !== false, onProgress: progress.update });
      } finally {
        progress.stop();
      }
      const text =
        options.format === 'json' ? renderHistoryJson(history) : options.format === 'csv' ? renderHistoryCsv(history) : renderHistoryText(history, options.output ? undefined : colorsFor(process.stdout));
      await emit(text, options.output);
      process.exitCode = 0;
    });
}

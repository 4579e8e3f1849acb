/** `ssot status [PATH]`: phases done / pending / rolled back, remaining findings, last gate results. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { migrateHistory } from '../history.js';
import { renderStatusText } from '../../report/phases.js';
import { phaseStatus } from '../../phases/status.js';
import { colorsFor, resolveRoot, withRootAndConfig, withTextJsonFormat } from '../io.js';

export function registerStatusCommand(program: Command): void {
  withTextJsonFormat(withRootAndConfig(program.command('status').description('where the migration stands: phase states, remaining findings, last gate results')))
    .action(async (pathArg: string, options: { config?: string; format: 'text' | 'json' }) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      await migrateHistory(root);
      const status = await phaseStatus({ root, config });
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status, colorsFor(process.stdout)));
      process.exitCode = 0;
    });
}

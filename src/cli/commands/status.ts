/** `ssot status [PATH]`: phases done / pending / rolled back, remaining findings, last gate results. */
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { renderStatusText } from '../../phases/render.js';
import { phaseStatus } from '../../phases/status.js';
import { colorsFor } from '../io.js';
import { resolveRoot } from './scan.js';

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description('where the migration stands: phase states, remaining findings, last gate results')
    .argument('[path]', 'root of the monorepo (where ssot.config.yaml is)', '.')
    .option('-c, --config <file>', 'config file (default: ssot.config.yaml in PATH)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (pathArg: string, options: { config?: string; format: 'text' | 'json' }) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const status = await phaseStatus({ root, config });
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status, colorsFor(process.stdout)));
      process.exitCode = 0;
    });
}

/**
 * `ssot recover [PATH]`: undoes a phase or rollback that was interrupted
 * (kill, crash, second Ctrl-C), from its on-disk journal.
 * (The guard that stops other commands while a journal exists is
 * ../journalGuard.ts.)
 */
import type { Command } from 'commander';
import { recoverInterrupted } from '../../phases/recover.js';
import { renderRecover } from '../../report/phases.js';
import { migrateHistory } from '../history.js';
import { colorsFor, locked, resolveRoot } from '../io.js';

export function registerRecoverCommand(program: Command): void {
  program
    .command('recover')
    .description('put the tree back after an interrupted `fix --phase` or `rollback` (from its journal)')
    .argument('[path]', 'root of the monorepo (where ssot.config.yaml is)', '.')
    .option('--force', 'recover even though the process that started it seems to be running')
    .action(async (pathArg: string, options: { force?: boolean }) => {
      const root = resolveRoot(pathArg);
      const result = await locked(
        root,
        'ssot recover',
        async () => {
          await migrateHistory(root);
          return recoverInterrupted(root, { force: options.force });
        },
        { force: options.force },
      );
      process.stdout.write(renderRecover(result, colorsFor(process.stdout)));
      process.exitCode = 0;
    });
}

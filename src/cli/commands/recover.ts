/**
 * `ssot recover [PATH]`: undoes a phase or rollback that was interrupted
 * (kill, crash, second Ctrl-C), from its on-disk journal.
 *
 * It also installs the guard every tree-reading command passes first: while a
 * journal exists they stop with exit 2 and point here (status still runs, to
 * show it).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { requireNoJournal } from '../../phases/journal.js';
import { recoverInterrupted } from '../../phases/recover.js';
import { renderRecover } from '../../report/phases.js';
import { colorsFor, locked, resolveRoot } from '../io.js';

/** Commands whose first argument is the ssot root and that must not run over a half-done phase. */
const GUARDED = new Set(['scan', 'check', 'fix', 'plan', 'rollback', 'verify']);

export function registerRecoverCommand(program: Command): void {
  program.hook('preAction', (_program, actionCommand) => {
    if (!GUARDED.has(actionCommand.name())) return;
    const first = actionCommand.processedArgs[0];
    const root = path.resolve(typeof first === 'string' ? first : '.');
    if (existsSync(root)) requireNoJournal(root);
  });
  program
    .command('recover')
    .description('put the tree back after an interrupted `fix --phase` or `rollback` (from its journal)')
    .argument('[path]', 'root of the monorepo (where ssot.config.yaml is)', '.')
    .option('--force', 'recover even though the process that started it seems to be running')
    .action(async (pathArg: string, options: { force?: boolean }) => {
      const root = resolveRoot(pathArg);
      const result = await locked(root, 'ssot recover', () => recoverInterrupted(root, { force: options.force }), { force: options.force });
      process.stdout.write(renderRecover(result, colorsFor(process.stdout)));
      process.exitCode = 0;
    });
}

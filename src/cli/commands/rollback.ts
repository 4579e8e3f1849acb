/** `ssot rollback [PATH] --phase ID | --file PATH | --all`: undo with history kept, gates re-run, recorded. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { UserError } from '../../model/errors.js';
import { renderRollbackOutcome } from '../../report/phases.js';
import { rollback, type RollbackTarget } from '../../phases/rollback.js';
import { colorsFor, locked, resolveRoot, withRootAndConfig } from '../io.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { phaseProgressPrinter } from '../phaseProgress.js';

interface RollbackCliOptions {
  config?: string;
  phase?: string;
  file?: string;
  all?: boolean;
}

function targetOf(options: RollbackCliOptions): RollbackTarget {
  const given = [options.phase !== undefined, options.file !== undefined, Boolean(options.all)].filter(Boolean).length;
  if (given !== 1) {
    throw new UserError('say what to roll back: exactly one of --phase ID, --file PATH, --all', { hint: '`ssot status` lists the done phases' });
  }
  if (options.phase !== undefined) return { kind: 'phase', phase: options.phase };
  if (options.file !== undefined) return { kind: 'file', file: options.file };
  return { kind: 'all' };
}

function describeRollback(target: RollbackTarget): string {
  return target.kind === 'phase' ? `ssot rollback --phase ${target.phase}` : target.kind === 'file' ? `ssot rollback --file ${target.file}` : 'ssot rollback --all';
}

export function registerRollbackCommand(program: Command): void {
  withRootAndConfig(program.command('rollback').description('undo a phase (git revert), one file, or every phase; the after gates run again'))
    .option('--phase <id>', 'revert the commit(s) of this phase')
    .option('--file <path>', 'restore one file to how it was before its phase, as a commit')
    .option('--all', 'revert every done phase, newest first')
    .action(async (pathArg: string, options: RollbackCliOptions) => {
      const target = targetOf(options);
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const outcome = await locked(root, describeRollback(target), () =>
        withInterrupt((signal) => rollback({ root, config, target, signal, onProgress: phaseProgressPrinter() }), UNDOING),
      );
      process.stdout.write(renderRollbackOutcome(outcome, colorsFor(process.stdout)));
      process.exitCode = outcome.status === 'done' ? 0 : outcome.status === 'interrupted' ? 130 : 1;
    });
}

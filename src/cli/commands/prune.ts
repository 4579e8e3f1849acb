/** `ssot prune [PATH] [--apply | --check] [--rule ID]`: the deprecated modules nothing uses any more, and their deletion as a phase. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { adapterFor, DEFAULT_LANGUAGE } from '../../languages/registry.js';
import { listPrunable, runPrune } from '../../phases/prune.js';
import { renderPruneListing, renderPruneOutcome } from '../../report/prune.js';
import { UserError } from '../../model/errors.js';
import { colorsFor, locked, resolveRoot, withRootAndConfig, withTextJsonFormat } from '../io.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { phaseProgressPrinter } from '../phaseProgress.js';

interface PruneCliOptions {
  config?: string;
  format: 'text' | 'json';
  apply?: boolean;
  check?: boolean;
  rule?: string;
  python?: string;
}

export function registerPruneCommand(program: Command): void {
  withTextJsonFormat(
    withRootAndConfig(
      program
        .command('prune')
        .description('list the deprecated modules nothing imports or names any more (with the importers of the others); --apply deletes them as a gated, committed phase'),
    ),
  )
    .option('--apply', 'delete the unused modules (and their unused re-exports) as the phase "prune": gates, one commit, `ssot rollback --phase prune` undoes it')
    .option('--check', 'exit 1 when a deprecated module is unused (left to delete), 0 otherwise')
    .option('--rule <id>', 'only the deprecated modules of this rule')
    .option('--python <path>', `the interpreter that compiles the edited __init__ files (default: ${adapterFor(DEFAULT_LANGUAGE).defaultInterpreter ?? 'none'})`)
    .action(async (pathArg: string, options: PruneCliOptions) => {
      if (options.apply && options.check) throw new UserError('--apply and --check exclude each other', { hint: '--check only lists; --apply deletes' });
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const common = { root, config, rule: options.rule, interpreter: options.python };
      if (!options.apply) {
        const listing = await listPrunable(common);
        process.stdout.write(options.format === 'json' ? `${JSON.stringify(listing, null, 2)}\n` : renderPruneListing(listing, colorsFor(process.stdout)));
        process.exitCode = options.check && listing.modules.some((m) => m.status === 'unused') ? 1 : 0;
        return;
      }
      // a writer: one per tree, as fix, shim and rollback (the lock is taken after the config loaded)
      const outcome = await locked(root, 'ssot prune --apply', () => withInterrupt((signal) => runPrune({ ...common, signal, onProgress: phaseProgressPrinter() }), UNDOING));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(outcome, null, 2)}\n` : renderPruneOutcome(outcome, colorsFor(process.stdout)));
      process.exitCode = outcome.status === 'done' ? 0 : outcome.status === 'interrupted' ? 130 : 1;
    });
}

/** `ssot shim [PATH] [--check] [--rule ID] [--module M…]`: compatibility modules bound to the canonical objects, as a phase. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { adapterFor, DEFAULT_LANGUAGE } from '../../languages/registry.js';
import { checkShims, runShim } from '../../phases/shim.js';
import { renderShimCheck, renderShimOutcome } from '../../report/shim.js';
import { colorsFor, locked, resolveRoot, withRootAndConfig, withTextJsonFormat } from '../io.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { phaseProgressPrinter } from '../phaseProgress.js';

interface ShimCliOptions {
  config?: string;
  format: 'text' | 'json';
  check?: boolean;
  rule?: string;
  module?: string[];
  python?: string;
}

export function registerShimCommand(program: Command): void {
  withTextJsonFormat(
    withRootAndConfig(
      program
        .command('shim')
        .description('turn deprecated modules into compatibility modules whose names are the canonical objects (a gated, committed phase); --check: exit 1 unless they all delegate'),
    ),
  )
    .option('--check', 'only verify (imports each deprecated module): exit 0 when every deprecated name is its canonical object, 1 otherwise')
    .option('--rule <id>', 'only this rule')
    .option('--module <dotted...>', 'also treat these modules as deprecated modules (default: the files in each rule\'s allowIn)')
    .option('--python <path>', `the interpreter that imports the modules (default: ${adapterFor(DEFAULT_LANGUAGE).defaultInterpreter ?? 'none'})`)
    .action(async (pathArg: string, options: ShimCliOptions) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const common = { root, config, rule: options.rule, modules: options.module, interpreter: options.python };
      if (options.check) {
        const result = await checkShims(common);
        process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderShimCheck(result, colorsFor(process.stdout)));
        process.exitCode = result.ok ? 0 : 1;
        return;
      }
      // a writer: one per tree, as fix, rollback and recover (the lock is taken after the config loaded)
      const outcome = await locked(root, 'ssot shim', () => withInterrupt((signal) => runShim({ ...common, signal, onProgress: phaseProgressPrinter() }), UNDOING));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(outcome, null, 2)}\n` : renderShimOutcome(outcome, colorsFor(process.stdout)));
      process.exitCode = outcome.status === 'done' ? 0 : outcome.status === 'interrupted' ? 130 : 1;
    });
}

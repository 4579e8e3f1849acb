/** `ssot verify [PATH]`: compliance of done phases, canonical targets resolve, every gate passes — exit 0 only when all hold. */
import type { Command } from 'commander';
import { loadConfig } from '../../config/compile.js';
import { renderVerifyText } from '../../report/phases.js';
import { verify } from '../../phases/verify.js';
import { colorsFor, locked, resolveRoot, withRootAndConfig, withTextJsonFormat } from '../io.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { phaseProgressPrinter } from '../phaseProgress.js';

export function registerVerifyCommand(program: Command): void {
  withTextJsonFormat(withRootAndConfig(program.command('verify').description('validation suite: done phases compliant, canonical targets resolve, all gates pass (exit 1 otherwise)')))
    .action(async (pathArg: string, options: { config?: string; format: 'text' | 'json' }) => {
      const root = resolveRoot(pathArg);
      const config = await loadConfig(root, options.config);
      const result = await locked(root, 'ssot verify', () => withInterrupt((signal) => verify({ root, config, signal, onProgress: phaseProgressPrinter() }), UNDOING));
      process.stdout.write(options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderVerifyText(result, colorsFor(process.stdout)));
      process.exitCode = result.ok ? 0 : 1;
    });
}

/** Live progress of the phase commands (fix, rollback, verify) on stderr: which gate runs, how it ended, what ssot is doing. */
import type { PhaseProgress } from '../phases/runPhase.js';
import { describeGateEnd } from '../report/phases.js';
import type { Colors } from '../text/colors.js';
import { colorsFor } from './io.js';

export function phaseProgressPrinter(colors: Colors = colorsFor(process.stderr)): (event: PhaseProgress) => void {
  return (event) => {
    switch (event.type) {
      case 'gate-start':
        process.stderr.write(colors.dim(`  … gate ${event.gate.name} (${event.moment}): ${event.gate.run}\n`));
        break;
      case 'gate-end': {
        const r = event.result;
        const mark = r.ok ? colors.green('✔') : colors.red('✘');
        process.stderr.write(`  ${mark} gate ${r.name} (${r.moment}): ${describeGateEnd(r)}\n`);
        break;
      }
      default:
        process.stderr.write(colors.dim(`  · ${event.message}\n`));
    }
  };
}

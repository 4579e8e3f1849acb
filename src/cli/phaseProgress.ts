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
        const mark = r.skipped ? '–' : r.ok ? colors.green('✔') : colors.red('✘');
        process.stderr.write(`  ${mark} gate ${r.name} (${r.moment}): ${describeGateEnd(r)}\n`);
        break;
      }
      case 'trial-start': {
        const what = event.files === 0 ? 'the baseline, no fix applied' : `fixes of ${event.files} of ${event.of} files`;
        process.stderr.write(colors.dim(`  … trial ${event.trial}/${event.maxTrials} of gate ${event.gate}: ${what}\n`));
        break;
      }
      case 'trial-end': {
        const r = event.result;
        const mark = r.ok ? colors.green('✔') : colors.red('✘');
        const tests = r.failedTests?.length ? ` (${r.failedTests.length} failing test${r.failedTests.length === 1 ? '' : 's'})` : '';
        process.stderr.write(`  ${mark} trial ${event.trial.trial}: ${describeGateEnd(r)}${tests}\n`);
        break;
      }
      default:
        process.stderr.write(colors.dim(`  · ${event.message}\n`));
    }
  };
}

/**
 * `ssot monitor baseline` and `ssot monitor watch`: commander wiring only. The
 * commands themselves (commands.ts → loop, judge, report) are imported when one
 * runs, so other ssot commands do not pay for loading node-redis, ws and zod.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { BaselineFlags, WatchFlags } from './monitorRun.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function parseFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError("expected 'text' or 'json'");
  return value;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1');
  return n;
}

function addSourceOptions(command: Command): Command {
  return command
    .option('--config <file>', "YAML file whose 'monitor:' key holds sources and thresholds")
    .option('--redis <url>', 'Redis to sample with INFO and CLIENT LIST (repeatable)', collect)
    .option('--metrics <url>', 'Prometheus text endpoint to scrape (repeatable)', collect)
    .option('--probe <url>', 'synthetic probe: http(s):// request or ws(s):// round trip (repeatable)', collect)
    .option('--interval <duration>', 'time between samples (default 5s)')
    .option('--format <format>', 'text or json (JSON lines)', parseFormat, 'text');
}

export function registerMonitorCommand(program: Command): void {
  const monitor = program
    .command('monitor')
    .description('capture a health baseline, then watch a rollout and roll back on Redis, WebSocket 1011 or golden-path latency regressions');

  addSourceOptions(monitor.command('baseline').description('sample the sources for a while and write a baseline file'))
    .option('--duration <duration>', 'how long to sample (default 2m)')
    .requiredOption('--out <file>', 'baseline file to write (JSON)')
    .action(async (flags: BaselineFlags) => (await import('./monitorRun.js')).baselineCommand(flags));

  addSourceOptions(
    monitor
      .command('watch')
      .description('compare live signals with a baseline; exit 0 pass, 1 breach, 3 no data')
      .addHelpText(
        'after',
        '\nSources default to the baseline\'s when none are given. Thresholds live under monitor.thresholds in --config.\nExit codes: 0 pass, 1 confirmed breach, 2 usage error, 3 no data.',
      ),
  )
    .requiredOption('--baseline <file>', 'baseline file written by ssot monitor baseline')
    .option('--duration <duration>', 'how long to watch (default 10m)')
    .option('--on-breach <command>', 'run this shell command once when a breach is confirmed')
    .option('--rollback-phase <id>', 'run ssot rollback --phase ID once when a breach is confirmed')
    .option('--strict', 'a signal still inconclusive when the window ends counts as a breach')
    .option('--consecutive <n>', 'failing intervals that confirm a breach (default 3)', parsePositiveInt)
    .option('--action-timeout <duration>', 'stop waiting for the breach action after this long', '10m')
    .action(async (flags: WatchFlags) => (await import('./monitorRun.js')).watchCommand(flags));
}

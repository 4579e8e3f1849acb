/**
 * `ssot fix [PATH]`: without --phase, fixes every file (no gates, no commit,
 * inside or outside git); with --phase ID or --all, the gated, journaled,
 * committed phase flow of src/phases/runPhase.ts. --diff and --dry-run write
 * nothing in either mode.
 *
 * Also home of the small CLI helpers the other phase commands share: Ctrl-C
 * handling and live gate progress on stderr.
 */
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { loadConfig } from '../../config/compile.js';
import { UserError } from '../../model/errors.js';
import { computeFixes, writeFileFixes } from '../../engine/fix.js';
import type { FixRun } from '../../engine/types.js';
import { describeGateEnd } from '../../phases/gates.js';
import { requireNoJournal } from '../../phases/journal.js';
import { renderFixSummary, renderPhaseOutcome, renderRunAll } from '../../report/phases.js';
import { findPhase, ruleFilterFor, runAllPhases, runPhase, type PhaseOutcome, type PhaseProgress } from '../../phases/runPhase.js';
import type { Colors } from '../../report/text.js';
import { colorsFor, withRootAndConfig } from '../io.js';
import { resolveRoot } from './scan.js';
import { withScanWorkers } from '../../engine/run.js';
import type { StartedWorkers } from '../../engine/pool.js';

export interface FixCliOptions {
  config?: string;
  phase?: string;
  all?: boolean;
  rule?: string;
  diff?: boolean;
  dryRun?: boolean;
  unsafe?: boolean;
  python?: string;
  allowDirty?: boolean;
}

/** Exit code of a phase run: 0 done, 1 failed, 130 interrupted (as a shell reports SIGINT). */
export function exitCodeOf(outcome: Pick<PhaseOutcome, 'status'>): number {
  return outcome.status === 'done' ? 0 : outcome.status === 'interrupted' ? 130 : 1;
}

/**
 * Runs `work` with Ctrl-C / SIGTERM turned into an abort: the first signal
 * stops the running gate and lets the command undo what it did; a second one
 * quits at once (the on-disk journal then lets `ssot recover` finish).
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      process.stderr.write(`\nssot: ${signal === 'SIGINT' ? 'interrupted' : `got ${signal}`} — stopping and putting the tree back (press Ctrl-C again to quit now; \`ssot recover\` would then finish the job)\n`);
      controller.abort();
    } else {
      process.stderr.write('ssot: quitting now; run `ssot recover` to put the tree back\n');
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Live progress on stderr: which gate runs, how it ended, what ssot is doing. */
export function progressPrinter(colors: Colors = colorsFor(process.stderr)): (event: PhaseProgress) => void {
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

export function warnIfNoPython(run: Pick<FixRun, 'pythonAvailable'>): void {
  if (!run.pythonAvailable) process.stderr.write('warning: python3 not found; compile validation skipped\n');
}

/** Unified diffs of every file the run would change. */
export function renderDiff(run: FixRun): string {
  const out: string[] = [];
  for (const f of run.files) {
    if (f.status !== 'changed' || !f.updated) continue;
    out.push(createTwoFilesPatch(`a/${f.file}`, `b/${f.file}`, f.original.toString('utf8'), f.updated.toString('utf8'), undefined, undefined, { context: 3 }));
  }
  return out.join('');
}

export async function runFixCommand(pathArg: string | undefined, options: FixCliOptions): Promise<number> {
  if (options.phase !== undefined && options.all) throw new UserError('--phase and --all exclude each other', { hint: 'pass one phase, or --all for every pending phase in order' });
  const root = resolveRoot(pathArg);
  const gated = (options.phase !== undefined || Boolean(options.all)) && !options.diff && !options.dryRun;
  // an ungated run scans at once: its workers load while the config is read
  return withScanWorkers(!gated, (started) => fixWith(root, options, gated, started));
}

async function fixWith(root: string, options: FixCliOptions, gated: boolean, started: StartedWorkers): Promise<number> {
  const config = await loadConfig(root, options.config);
  requireNoJournal(root);
  const python = options.python;
  const colors = colorsFor(process.stdout);

  if (!gated) {
    let phase: string | undefined;
    let rule = options.rule;
    if (options.phase !== undefined) {
      const p = findPhase(config, options.phase);
      phase = p.id;
      rule = ruleFilterFor(config, p, options.rule).filter;
    } else if (rule && !config.rules.some((r) => r.id === rule)) {
      throw new UserError(`--rule ${rule}: no such rule (known: ${config.rules.map((r) => r.id).join(', ')})`);
    }
    const run = await computeFixes({ root, config, phase, rule, unsafe: options.unsafe, python, started });
    warnIfNoPython(run);
    if (options.diff) {
      process.stdout.write(renderDiff(run));
      return 0;
    }
    const written = options.dryRun ? null : writeFileFixes(root, run.files);
    process.stdout.write(renderFixSummary(run, written, colors));
    return 0;
  }

  const progress = progressPrinter();
  const common = { root, config, rule: options.rule, unsafe: options.unsafe, python, allowDirty: options.allowDirty, onProgress: progress };
  if (options.phase !== undefined) {
    const phase = findPhase(config, options.phase);
    process.stderr.write(`phase ${phase.id}${phase.title ? ` — ${phase.title}` : ''}${phase.risk ? ` (risk: ${phase.risk})` : ''}\n`);
    const outcome = await withInterrupt((signal) => runPhase({ ...common, phase: phase.id, signal }));
    if (!outcome.pythonAvailable) warnIfNoPython(outcome);
    process.stdout.write(renderPhaseOutcome(outcome, colors));
    return exitCodeOf(outcome);
  }
  let warned = false;
  const result = await withInterrupt((signal) =>
    runAllPhases({
      ...common,
      signal,
      onPhaseStart: (phase) => process.stderr.write(`\nphase ${phase.id}${phase.title ? ` — ${phase.title}` : ''}${phase.risk ? ` (risk: ${phase.risk})` : ''}\n`),
      onPhaseEnd: (outcome) => {
        if (!outcome.pythonAvailable && !warned) {
          warned = true;
          warnIfNoPython(outcome);
        }
        process.stdout.write(renderPhaseOutcome(outcome, colors));
      },
    }),
  );
  process.stdout.write(`\n${renderRunAll(result, colors)}`);
  const last = result.outcomes.at(-1);
  return last ? exitCodeOf(last) : 0;
}

export function registerFixCommand(program: Command): void {
  withRootAndConfig(program.command('fix').description('apply fixes: every file at once, or one gated, committed phase at a time (--phase / --all)'))
    .option('--phase <id>', 'run one phase: before gates, fixes, after gates, one commit; undone on any failure')
    .option('--all', 'run every pending phase in order, stopping at the first failure')
    .option('--rule <id>', 'only this rule')
    .option('--diff', 'print a unified diff of the fixes and write nothing')
    .option('--dry-run', 'write nothing; print the summary')
    .option('--unsafe', 'apply unsafe fixes too (review them)')
    .option('--python <path>', 'interpreter for compile validation (default: python3)')
    .option('--allow-dirty', 'with --phase/--all: run despite uncommitted tracked changes (files that have them are left out)')
    .action(async (pathArg: string, options: FixCliOptions) => {
      process.exitCode = await runFixCommand(pathArg, options);
    });
}

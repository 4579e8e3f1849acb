/**
 * `ssot fix [PATH]`: without --phase, fixes every file (no gates, no commit,
 * inside or outside git); with --phase ID or --all, the gated, journaled,
 * committed phase flow of src/phases/runPhase.ts. --diff and --dry-run write
 * nothing in either mode.
 */
import type { Command } from 'commander';
import { createTwoFilesPatch } from 'diff';
import { loadConfig } from '../../config/compile.js';
import { findPhase, findRule } from '../../config/select.js';
import { UserError } from '../../model/errors.js';
import type { CompileCheck, FixRun } from '../../model/outcome.js';
import { computeFixes } from '../../engine/fix.js';
import { adapterFor, DEFAULT_LANGUAGE } from '../../languages/registry.js';
import type { StartedWorkers } from '../../engine/pool.js';
import { withScanWorkers } from '../../engine/run.js';
import { writeFileFixes } from '../../engine/write.js';
import { requireNoJournal } from '../../phases/journal.js';
import { IMPLICIT_PHASE, runAllPhases } from '../../phases/runAll.js';
import { ruleFilterFor, runPhase, type PhaseOutcome } from '../../phases/runPhase.js';
import { renderFixSummary, renderPhaseOutcome, renderRunAll } from '../../report/phases.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { colorsFor, resolveRoot, withRootAndConfig } from '../io.js';
import { phaseProgressPrinter } from '../phaseProgress.js';

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
  isolate?: boolean;
  retryCulprits?: boolean;
}

/** Exit code of a phase run: 0 done, 1 failed, 130 interrupted (as a shell reports SIGINT). */
export function exitCodeOf(outcome: Pick<PhaseOutcome, 'status'>): number {
  return outcome.status === 'done' ? 0 : outcome.status === 'interrupted' ? 130 : 1;
}

/** Says once (on stderr) why the compile check did not run, when it did not. */
function warnCompileCheck(check: CompileCheck): void {
  if (check.note) process.stderr.write(`warning: ${check.note}\n`);
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
  const compileCheck = options.python === undefined ? {} : { interpreter: options.python };
  const colors = colorsFor(process.stdout);

  if (!gated) {
    let phase: string | undefined;
    let rule = options.rule;
    if (options.phase !== undefined) {
      const p = findPhase(config, options.phase);
      phase = p.id;
      rule = ruleFilterFor(config, p, options.rule).filter;
    } else if (rule) {
      findRule(config, rule);
    }
    const run = await computeFixes({ root, config, phase, rule, unsafe: options.unsafe, compileCheck, started });
    warnCompileCheck(run.compileCheck);
    for (const f of run.files) if (f.warning) process.stderr.write(`warning: ${f.file}: ${f.warning}\n`);
    if (options.diff) {
      process.stdout.write(renderDiff(run));
      return 0;
    }
    const written = options.dryRun ? null : writeFileFixes(root, run.files);
    process.stdout.write(renderFixSummary(run, written, colors));
    return 0;
  }

  const progress = phaseProgressPrinter();
  const common = {
    root,
    config,
    rule: options.rule,
    unsafe: options.unsafe,
    compileCheck,
    allowDirty: options.allowDirty,
    isolate: options.isolate,
    retryCulprits: options.retryCulprits,
    onProgress: progress,
  };
  if (options.phase !== undefined) {
    const phase = findPhase(config, options.phase);
    process.stderr.write(`phase ${phase.id}${phase.title ? ` — ${phase.title}` : ''}${phase.risk ? ` (risk: ${phase.risk})` : ''}\n`);
    const outcome = await withInterrupt((signal) => runPhase({ ...common, phase: phase.id, signal }), UNDOING);
    warnCompileCheck(outcome.compileCheck);
    process.stdout.write(renderPhaseOutcome(outcome, colors));
    return exitCodeOf(outcome);
  }
  let warned = false;
  if (!config.phases.length) process.stderr.write(`no phases configured: running every file as one phase "${IMPLICIT_PHASE.id}" (gated, committed, rollback-able)\n`);
  const result = await withInterrupt((signal) =>
    runAllPhases({
      ...common,
      signal,
      onPhaseStart: (phase) => process.stderr.write(`\nphase ${phase.id}${phase.title ? ` — ${phase.title}` : ''}${phase.risk ? ` (risk: ${phase.risk})` : ''}\n`),
      onPhaseEnd: (outcome) => {
        if (outcome.compileCheck.note && !warned) {
          warned = true;
          warnCompileCheck(outcome.compileCheck);
        }
        process.stdout.write(renderPhaseOutcome(outcome, colors));
      },
    }),
    UNDOING,
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
    .option('--python <path>', `interpreter for compile validation (default: ${adapterFor(DEFAULT_LANGUAGE).defaultInterpreter ?? 'none'})`)
    .option('--allow-dirty', 'with --phase/--all: run despite uncommitted tracked changes (files that have them are left out)')
    .option('--isolate', 'with --phase/--all: when an after gate fails, find the files whose fixes break it and commit the phase without them (as `onFailure: isolate`)')
    .option('--retry-culprits', 'with --phase/--all: try the files earlier runs held back as culprits again')
    .action(async (pathArg: string, options: FixCliOptions) => {
      process.exitCode = await runFixCommand(pathArg, options);
    });
}

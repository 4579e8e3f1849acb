/**
 * `ssot fix [PATH]`: without --phase, fixes every file (no gates, no commit,
 * inside or outside git); with --phase ID or --all, the gated, journaled,
 * committed phase flow of src/phases/runPhase.ts. --diff and --dry-run write
 * nothing in either mode.
 */
import path from 'node:path';
import { Option, type Command } from 'commander';
import picomatch from 'picomatch';
import { createTwoFilesPatch } from 'diff';
import { loadConfig, type Config, type Phase } from '../../config/compile.js';
import { findPhase, findRule } from '../../config/select.js';
import { UserError } from '../../model/errors.js';
import type { FileProblem } from '../../model/finding.js';
import type { CompileCheck, FixRun } from '../../model/outcome.js';
import { addedImportLine, addedServiceImports } from '../../engine/boundaries.js';
import { computeFixes } from '../../engine/fix.js';
import { adapterFor, DEFAULT_LANGUAGE } from '../../languages/registry.js';
import { writeFileFixes } from '../../engine/write.js';
import { requireNoJournal } from '../../phases/journal.js';
import { IMPLICIT_PHASE, runAllPhases } from '../../phases/runAll.js';
import { ruleFilterFor, runPhase, type PhaseOutcome } from '../../phases/runPhase.js';
import { renderFixSummary, renderPhaseOutcome, renderRunAll } from '../../report/phases.js';
import { renderFixRunJson, renderPhaseOutcomeJson, renderRunAllJson } from '../../report/fixJson.js';
import { UNDOING, withInterrupt } from '../interrupt.js';
import { colorsFor, locked, resolveRoot, withRootAndConfig } from '../io.js';
import { phaseProgressPrinter } from '../phaseProgress.js';
import { migrateHistory } from '../history.js';

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
  files?: string[];
  limit?: string;
  unpin?: string[];
  format: 'text' | 'json';
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

/** One `error:` line on stderr per file the run could not read, decode, analyse or write. */
function reportFileProblems(errors: readonly FileProblem[], failedWrites: readonly { file: string; reason: string }[]): void {
  const colors = colorsFor(process.stderr);
  for (const e of errors) process.stderr.write(`${colors.red('error')}: ${e.file}: ${e.message}\n`);
  for (const f of failedWrites) process.stderr.write(`${colors.red('error')}: ${f.file}: cannot write (${f.reason}); left as it was\n`);
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

/** `--limit N`: a whole number of files, at least 1. */
function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(n) || n < 1) throw new UserError(`--limit ${text}: must be a whole number of files, at least 1`);
  return n;
}

/** A path typed relative to the cwd (or to the root) → root-relative posix. */
function rootRelative(root: string, file: string): string {
  const fromCwd = path.relative(root, path.resolve(file)).split(path.sep).join('/');
  return fromCwd.startsWith('../') || fromCwd === '..' ? file.split(path.sep).join('/').replace(/^\.\//, '') : fromCwd;
}

/** A glob typed relative to the cwd → root-relative (globs are matched against root-relative paths). */
function rootGlob(root: string, glob: string): string {
  const prefix = path.relative(root, process.cwd()).split(path.sep).join('/');
  const plain = glob.replace(/^\.\//, '');
  return prefix && !prefix.startsWith('..') ? `${prefix}/${plain}` : plain;
}

export async function runFixCommand(pathArg: string | undefined, options: FixCliOptions): Promise<number> {
  if (options.format === 'json' && options.diff) throw new UserError('--diff prints a patch, not json', { hint: 'drop --format json, or use --dry-run --format json for the data' });
  if (options.phase !== undefined && options.all) throw new UserError('--phase and --all exclude each other', { hint: 'pass one phase, or --all for every pending phase in order' });
  const partial = options.files?.length || options.limit !== undefined || options.unpin?.length;
  if (partial && options.phase === undefined) {
    throw new UserError('--files, --limit and --unpin apply to one phase', { hint: 'pass --phase ID (`ssot plan` lists the phases)' });
  }
  const root = resolveRoot(pathArg);
  const gated = (options.phase !== undefined || Boolean(options.all)) && !options.diff && !options.dryRun;
  return fixWith(root, options, gated);
}

async function fixWith(root: string, options: FixCliOptions, gated: boolean): Promise<number> {
  const config = await loadConfig(root, options.config);
  const writes = gated || (!options.diff && !options.dryRun);
  if (!writes) return fixLocked(root, config, options, gated);
  const command = `ssot fix${options.phase !== undefined ? ` --phase ${options.phase}` : options.all ? ' --all' : ''}`;
  return locked(root, command, () => fixLocked(root, config, options, gated));
}

async function fixLocked(root: string, config: Config, options: FixCliOptions, gated: boolean): Promise<number> {
  requireNoJournal(root);
  if (options.python !== undefined) {
    // an explicit interpreter that cannot run is a usage error, never a quiet "validation skipped"
    const why = await adapterFor(config.language).probeInterpreter?.(options.python);
    if (why) throw new UserError(`--python ${options.python}: ${why}`, { hint: 'name an interpreter that runs, or leave --python out to use the default' });
  }
  const compileCheck = options.python === undefined ? {} : { interpreter: options.python };
  const colors = colorsFor(process.stdout);

  if (!gated) {
    let phase: string | undefined;
    let rules: readonly string[] | undefined;
    if (options.phase !== undefined) {
      const p = findPhase(config, options.phase);
      phase = p.id;
      rules = ruleFilterFor(config, p, options.rule).filter;
    } else if (options.rule) {
      findRule(config, options.rule);
      rules = [options.rule];
    }
    const only = options.files?.length ? picomatch(options.files.map((g) => rootGlob(root, g)), { dot: true }) : undefined;
    const run = await computeFixes({ root, config, phase, ...(rules ? { rules } : {}), ...(only ? { only } : {}), unsafe: options.unsafe, compileCheck });
    warnCompileCheck(run.compileCheck);
    for (const f of run.files) if (f.warning) process.stderr.write(`warning: ${f.file}: ${f.warning}\n`);
    if (options.diff) {
      process.stdout.write(renderDiff(run));
      reportFileProblems(run.errors, []);
      return run.errors.length ? 2 : 0;
    }
    // the imports between services the fixes add: one a boundary forbids refuses the run before any write
    const changed = run.files.filter((f) => f.status === 'changed' && f.updated);
    const added = await addedServiceImports(root, config, changed.map((f) => ({ file: f.file, original: f.original, updated: f.updated! })));
    const forbidden = added.filter((a) => a.forbiddenBy.length);
    if (forbidden.length && !options.dryRun) {
      const more = forbidden.length > 1 ? ` (and ${forbidden.length - 1} more; \`ssot fix --dry-run\` lists them)` : '';
      process.stdout.write(options.format === 'json' ? renderFixRunJson(run, [], added) : `${colors.red(`✘ ssot fix refused: ${addedImportLine(forbidden[0]!)}${more}; nothing was written`)}\n`);
      return 1;
    }
    // one file that cannot be written is that file's outcome: the others are still written
    const writes = options.dryRun ? null : writeFileFixes(root, run.files, 'each');
    process.stdout.write(options.format === 'json' ? renderFixRunJson(run, writes?.written ?? null, added) : renderFixSummary(run, writes?.written ?? null, colors, added));
    reportFileProblems(run.errors, writes?.failed ?? []);
    return run.errors.length || writes?.failed.length ? 2 : 0;
  }

  await migrateHistory(root);
  // a phase's header is said with its first progress, so a preflight refusal stays one line
  const printer = phaseProgressPrinter();
  let header: string | null = null;
  const progress: typeof printer = (event) => {
    if (header !== null) process.stderr.write(header);
    header = null;
    printer(event);
  };
  const headerOf = (phase: Phase) => `phase ${phase.id}${phase.title ? ` — ${phase.title}` : ''}${phase.risk ? ` (risk: ${phase.risk})` : ''}\n`;
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
    const part = {
      ...(options.files?.length ? { files: options.files.map((g) => rootGlob(root, g)) } : {}),
      ...(options.limit !== undefined ? { limit: parseLimit(options.limit) } : {}),
      ...(options.unpin?.length ? { unpin: options.unpin.map((f) => rootRelative(root, f)) } : {}),
    };
    header = headerOf(phase);
    const outcome = await withInterrupt((signal) => runPhase({ ...common, ...part, phase: phase.id, signal }), UNDOING);
    warnCompileCheck(outcome.compileCheck);
    process.stdout.write(options.format === 'json' ? renderPhaseOutcomeJson(root, outcome) : renderPhaseOutcome(outcome, colors));
    return exitCodeOf(outcome);
  }
  let warned = false;
  if (!config.phases.length) process.stderr.write(`no phases configured: running every file as one phase "${IMPLICIT_PHASE.id}" (gated, committed, rollback-able)\n`);
  const result = await withInterrupt((signal) =>
    runAllPhases({
      ...common,
      signal,
      onPhaseStart: (phase) => {
        header = `\n${headerOf(phase)}`;
      },
      onPhaseEnd: (outcome) => {
        if (outcome.compileCheck.note && !warned) {
          warned = true;
          warnCompileCheck(outcome.compileCheck);
        }
        // json: one document at the end; text: each phase as it ends
        if (options.format !== 'json') process.stdout.write(renderPhaseOutcome(outcome, colors));
      },
    }),
    UNDOING,
  );
  process.stdout.write(options.format === 'json' ? renderRunAllJson(root, result) : `\n${renderRunAll(result, colors)}`);
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
    .option('--files <glob...>', 'with --phase: only the phase\'s files these globs match; the rest stays pending')
    .option('--limit <n>', 'with --phase: fix at most N files (the first in path order); the rest stays pending')
    .option('--unpin <file...>', 'with --phase: fix files pinned by `ssot rollback --file` again')
    .addOption(new Option('-f, --format <format>', 'output format (json: the data of the run)').choices(['text', 'json']).default('text'))
    .option('--isolate', 'with --phase/--all: when an after gate fails, find the files whose fixes break it and commit the phase without them (as `onFailure: isolate`)')
    .option('--retry-culprits', 'with --phase/--all: try the files earlier runs held back as culprits again')
    .action(async (pathArg: string, options: FixCliOptions) => {
      process.exitCode = await runFixCommand(pathArg, options);
    });
}

/**
 * `ssot verify` — the seed's validation suite (§3.2, §7.1) as one table:
 *   - compliance: no safe or unsafe finding left in the phases marked done
 *     (files rolled back one by one and culprits held back are exempt and
 *     named; with no phases configured, the whole tree must comply); the
 *     manual findings left there are listed with their locations;
 *   - canonical targets resolve: each `canonical` (and `types`) target is
 *     defined where the language adapter looks (Python: the module file under
 *     `sourceRoots` binds the name at module level, directly, through a star
 *     import it can follow, or as a submodule);
 *   - every gate passes, told about every file the done phases changed (so an
 *     affected-tests gate runs the tests of the whole migration so far); a
 *     gate with nothing to check is reported as skipped, never as passed.
 * `ok` only when all hold: a failing gate always fails verify.
 */
import type { Config, Gate } from '../config/compile.js';
import { computeFixes } from '../engine/fix.js';
import type { Finding, ImportTarget } from '../model/finding.js';
import { plural } from '../text/plural.js';
import { adapterFor } from '../languages/registry.js';
import { checkGates, runGates, type GateMoment, type GateResult } from './gates.js';
import { requireNoJournal } from './journal.js';
import type { PhaseProgress } from './runPhase.js';
import { filesInForce, gateSelection } from './affected.js';
import { appendEvent, gateRecords, phaseStates, phaseStatesAtHead, readState, type CulpritRecord } from './state.js';

export type VerifyCheckKind = 'compliance' | 'canonical' | 'gate';

export interface VerifyCheck {
  readonly kind: VerifyCheckKind;
  /** Phase id, canonical statement, or gate name. */
  readonly name: string;
  readonly ok: boolean;
  /** A gate that had nothing to check (ok, but not a pass). */
  readonly skipped?: boolean;
  readonly detail: string;
  /** For a failing gate: the last lines of its output. */
  readonly tail?: readonly string[];
  /** For a compliance check: the manual findings left in the phase's files, where they are. */
  readonly manual?: readonly ManualLocation[];
  /** For a compliance check: files held back as culprits of a gate. */
  readonly culprits?: readonly CulpritRecord[];
}

export interface ManualLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checks: VerifyCheck[];
  readonly gates: GateResult[];
  /** Files changed by the done phases, which the gates were told about, and the tests they affect (null: no import graph). */
  readonly selection: { readonly changed: number; readonly affected: number | null };
}

export interface VerifyOptions {
  readonly root: string;
  readonly config: Config;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: PhaseProgress) => void;
}

export async function verify(options: VerifyOptions): Promise<VerifyResult> {
  const { root, config } = options;
  requireNoJournal(root);
  checkGates(root, config.gates);
  const progress = options.onProgress ?? (() => {});
  const checks: VerifyCheck[] = [];

  progress({ type: 'step', message: 'checking compliance' });
  checks.push(...(await complianceChecks(root, config)));

  progress({ type: 'step', message: 'resolving canonical targets' });
  for (const target of canonicalTargets(config)) {
    const resolved = await adapterFor(config.language).resolveExport(root, config.sourceRoots, target.module, target.name);
    checks.push({ kind: 'canonical', name: target.statement, ok: resolved.ok, detail: resolved.detail });
  }

  progress({ type: 'step', message: 'finding the tests the done phases affect' });
  const done = phaseStates(config, readState(root)).filter((s) => s.status === 'done');
  const selection = await gateSelection(root, config, [...new Set(done.flatMap(filesInForce))].sort());
  const gates = await runGates(root, config.gates, {
    moment: 'verify',
    stopOnFailure: false,
    signal: options.signal,
    selection,
    failedTestOf: adapterFor(config.language).imports?.failedTestOf,
    onStart: (gate: Gate, moment: GateMoment) => progress({ type: 'gate-start', gate, moment }),
    onEnd: (result: GateResult) => progress({ type: 'gate-end', result }),
  });
  for (const g of gates) {
    checks.push({ kind: 'gate', name: g.name, ok: g.ok, ...(g.skipped ? { skipped: true } : {}), detail: gateDetail(g), ...(g.ok ? {} : { tail: g.tail }) });
  }
  if (options.signal?.aborted) {
    // an interrupted run proves nothing: every gate it did not finish counts as failing
    for (const gate of config.gates.filter((g) => !gates.some((r) => r.name === g.name))) checks.push({ kind: 'gate', name: gate.name, ok: false, detail: 'not run (interrupted)' });
  }
  if (!config.gates.length) checks.push({ kind: 'gate', name: '(none)', ok: true, detail: 'no gates configured' });
  const ok = checks.every((c) => c.ok);
  appendEvent(root, { type: 'verified', at: new Date().toISOString(), ok, gates: gateRecords(gates) });
  return { ok, checks, gates, selection: { changed: selection.changed.length, affected: selection.affected?.length ?? null } };
}

function gateDetail(g: GateResult): string {
  if (g.skipped) return `skipped: ${g.skipped}`;
  if (g.ok) {
    const what = g.selection && g.selection.affected !== null && g.selection.affected > 0 ? ` (${plural(g.selection.affected, 'affected test file')})` : '';
    return `passed in ${(g.durationMs / 1000).toFixed(1)}s${what}`;
  }
  if (g.failedTests?.length) return `${plural(g.failedTests.length, 'failing test')}: ${g.failedTests.slice(0, 3).join(', ')}${g.failedTests.length > 3 ? ', …' : ''}`;
  if (g.interrupted) return 'interrupted';
  if (g.timedOut) return 'timed out';
  return g.exitCode === null ? `killed by ${g.signal ?? 'a signal'}` : `exit ${g.exitCode}`;
}

async function complianceChecks(root: string, config: Config): Promise<VerifyCheck[]> {
  const run = await computeFixes({ root, config, compileCheck: false });
  // what a phase's `ssot fix` applies is the safe fixes: an unsafe one left behind needs a review, like a manual one
  const fixable = run.findings.filter((f) => f.fix === 'safe');
  const manualIn = (pred: (f: Finding) => boolean): ManualLocation[] =>
    run.findings.filter((f) => pred(f) && f.fix !== 'safe').map((f) => ({ file: f.file, line: f.line, column: f.column, reason: f.reason ?? 'manual' }));
  const describe = (left: typeof fixable): string => {
    const files = [...new Set(left.map((f) => f.file))];
    const where = left.slice(0, 3).map((f) => `${f.file}:${f.line}`).join(', ');
    return `${left.length} fixable finding${left.length === 1 ? '' : 's'} left in ${files.length} file${files.length === 1 ? '' : 's'}: ${where}${left.length > 3 ? ', …' : ''}`;
  };
  if (!config.phases.length) {
    const manual = manualIn(() => true);
    return [
      {
        kind: 'compliance',
        name: '(whole tree)',
        ok: fixable.length === 0,
        detail: fixable.length ? describe(fixable) : `no fixable finding left${manual.length ? `; ${manual.length} for a person (manual or unsafe)` : ''}`,
        ...(manual.length ? { manual } : {}),
      },
    ];
  }
  const states = (await phaseStatesAtHead(root, config)).filter((s) => s.status === 'done');
  if (!states.length) return [{ kind: 'compliance', name: '(no phase done)', ok: true, detail: 'no phase is done yet; nothing to hold to compliance' }];
  return states.map((state) => {
    const exempt = new Set(state.rolledBackFiles);
    const culprits = new Set(state.culprits.map((c) => c.file));
    const mine = (f: Finding) => f.phase === state.id && !exempt.has(f.file) && !culprits.has(f.file);
    const left = fixable.filter(mine);
    const manual = manualIn(mine);
    const notes = [
      manual.length ? `${manual.length} for a person (manual or unsafe)` : '',
      culprits.size ? `held back as culprits of a gate: ${[...culprits].join(', ')}` : '',
      exempt.size ? `rolled back by hand: ${[...exempt].join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return {
      kind: 'compliance' as const,
      name: `phase ${state.id}`,
      ok: left.length === 0,
      detail: left.length ? describe(left) : `no fixable finding left${notes ? `; ${notes}` : ''}`,
      ...(manual.length ? { manual } : {}),
      ...(state.culprits.length ? { culprits: state.culprits } : {}),
    };
  });
}

function canonicalTargets(config: Config): (ImportTarget & { statement: string })[] {
  const seen = new Map<string, ImportTarget & { statement: string }>();
  for (const rule of config.rules) {
    for (const target of [...rule.canonical.targets.map((t) => ({ ...t, statement: rule.canonical.statement })), rule.types]) {
      if (target && !seen.has(`${target.module}:${target.name}`)) seen.set(`${target.module}:${target.name}`, target);
    }
  }
  return [...seen.values()];
}

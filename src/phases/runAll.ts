/**
 * `ssot fix --all`: the pending (and rolled-back) phases in config order,
 * stopping at the first failure.
 */
import type { Phase } from '../config/compile.js';
import { dependsOnSelection, gatesFor } from './gates.js';
import { ruleFilterFor, runPhase, type PhaseOutcome, type RunPhaseOptions } from './runPhase.js';
import { phaseStatesAtHead } from './state.js';

/** The phase `ssot fix --all` runs when the config declares none: every file, every rule. */
export const IMPLICIT_PHASE: Phase = {
  id: 'all',
  title: 'every file (no phases configured)',
  risk: undefined,
  files: [],
  include: ['**'],
  rules: undefined,
};

export interface RunAllOptions extends Omit<RunPhaseOptions, 'phase' | 'reuseBeforeGates'> {
  readonly onPhaseStart?: (phase: Phase) => void;
  readonly onPhaseEnd?: (outcome: PhaseOutcome) => void;
}

export interface RunAllResult {
  readonly outcomes: PhaseOutcome[];
  /** Phases not run because they are done already. */
  readonly alreadyDone: { readonly phase: string; readonly commit: string | null }[];
  /** Phases not reached because an earlier one failed. */
  readonly notReached: string[];
}

/**
 * `ssot fix --all`: pending (and rolled-back) phases in config order, stopping
 * at the first failure; with `retryCulprits`, done phases holding culprits
 * too. A phase's passing `after` gates stand in for the next phase's
 * `before` gates: between the two, only the commit happened, so the tree
 * they check is the same — except for gates told about the change (affected
 * tests, `{changed}`), whose next run checks another change.
 */
export async function runAllPhases(input: RunAllOptions): Promise<RunAllResult> {
  // a config without phases runs every file as one implicit phase
  const options = input.config.phases.length ? input : { ...input, config: { ...input.config, phases: [IMPLICIT_PHASE] } };
  const states = await phaseStatesAtHead(options.root, options.config);
  // a --rule no phase can take is a usage error before any phase runs, not after the first commits
  for (const phase of options.config.phases) ruleFilterFor(options.config, phase, options.rule);
  const outcomes: PhaseOutcome[] = [];
  const alreadyDone: RunAllResult['alreadyDone'] = [];
  const notReached: string[] = [];
  let reuse = new Map<string, string>();
  let stopped = false;
  for (const phase of options.config.phases) {
    const state = states.find((s) => s.id === phase.id);
    if (state?.status === 'done' && !(options.retryCulprits && state.culprits.length)) {
      alreadyDone.push({ phase: phase.id, commit: state.applications.at(-1)?.commitAfter ?? null });
      reuse = new Map();
      continue;
    }
    if (stopped) {
      notReached.push(phase.id);
      continue;
    }
    options.onPhaseStart?.(phase);
    const outcome = await runPhase({ ...options, phase: phase.id, reuseBeforeGates: reuse });
    outcomes.push(outcome);
    options.onPhaseEnd?.(outcome);
    if (outcome.status !== 'done') {
      stopped = true;
      continue;
    }
    reuse = new Map();
    const beforeNames = new Set(gatesFor(options.config.gates, 'before').filter((g) => !dependsOnSelection(g)).map((g) => g.name));
    const wrote = outcome.commitAfter !== null;
    for (const result of outcome.gates) {
      if (!result.ok || !beforeNames.has(result.name)) continue;
      if (wrote && result.moment === 'after') reuse.set(result.name, `after ${phase.id}`);
      if (!wrote && result.moment === 'before') reuse.set(result.name, result.reusedFrom ?? `before ${phase.id}`);
    }
  }
  return { outcomes, alreadyDone, notReached };
}

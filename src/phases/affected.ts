/**
 * `ssot affected` and the change every gate is told about: which files a
 * change touches (given, a phase's, or a branch's since a ref), and the
 * tests they affect through the import graph (engine/affected.ts).
 */
import path from 'node:path';
import type { Config } from '../config/compile.js';
import { findPhase } from '../config/select.js';
import { selectAffectedTests, type AffectedTests } from '../engine/affected.js';
import { computeFixes } from '../engine/fix.js';
import { buildImportGraph, type ImportGraphRun } from '../engine/graph.js';
import { UserError } from '../model/errors.js';
import { adapterFor } from '../languages/registry.js';
import { changedSince } from '../workspace/git.js';
import type { GateSelection } from './gates.js';
import { phaseStates, readState, type PhaseState } from './state.js';

export type AffectedTarget =
  /** Root-relative posix paths. */
  | { readonly kind: 'files'; readonly files: readonly string[] }
  | { readonly kind: 'phase'; readonly phase: string }
  | { readonly kind: 'since'; readonly ref: string };

export interface AffectedResult extends AffectedTests {
  readonly root: string;
  readonly target: AffectedTarget;
  /** For a phase: the files it committed (done) or the ones it would change (pending or rolled back). */
  readonly phaseFiles?: 'committed' | 'planned';
  readonly graph: ImportGraphRun['stats'];
}

export interface AffectedOptions {
  readonly root: string;
  readonly config: Config;
  readonly target: AffectedTarget;
  /** Use the import graph's cache (default true). */
  readonly cache?: boolean;
  /** Follow imports made only for type checkers. */
  readonly typeChecking?: boolean;
}

export async function affectedTests(options: AffectedOptions): Promise<AffectedResult> {
  const { root, config, target } = options;
  if (!adapterFor(config.language).imports) throw new UserError(`the ${config.language} language adapter has no import graph, so ssot cannot tell affected tests`);
  let changed: readonly string[];
  let phaseFiles: AffectedResult['phaseFiles'];
  if (target.kind === 'files') changed = target.files;
  else if (target.kind === 'since') changed = await changedSince(root, target.ref);
  else {
    findPhase(config, target.phase);
    const state = phaseStates(config, readState(root)).find((s) => s.id === target.phase)!;
    if (state.status === 'done') {
      changed = filesInForce(state);
      phaseFiles = 'committed';
    } else {
      changed = await plannedFiles(root, config, state);
      phaseFiles = 'planned';
    }
  }
  const run = await buildImportGraph({ root, config, cache: options.cache });
  const selection = selectAffectedTests(run.graph, config, changed, { typeChecking: options.typeChecking });
  return { ...selection, root: path.resolve(root), target, ...(phaseFiles ? { phaseFiles } : {}), graph: run.stats };
}

/** The files a done phase changed and that are still as it left them (not rolled back one by one). */
export function filesInForce(state: PhaseState): string[] {
  const rolledBack = new Set(state.rolledBackFiles);
  return [...new Set(state.applications.flatMap((a) => a.files))].filter((f) => !rolledBack.has(f)).sort();
}

/** The files a pending phase would write (its culprits held back). */
async function plannedFiles(root: string, config: Config, state: PhaseState): Promise<string[]> {
  const run = await computeFixes({ root, config, phase: state.id, compileCheck: false });
  const heldBack = new Set(state.culprits.map((c) => c.file));
  return run.files.filter((f) => f.status === 'changed' && !heldBack.has(f.file)).map((f) => f.file);
}

/**
 * What the gates of a run are told: `changed`, and the tests they affect
 * (null when the language has no import graph). The graph comes through
 * its cache, so a phase pays for it once per changed file.
 */
export async function gateSelection(root: string, config: Config, changed: readonly string[]): Promise<GateSelection> {
  if (!adapterFor(config.language).imports) return { changed, affected: null };
  const run = await buildImportGraph({ root, config });
  return { changed, affected: selectAffectedTests(run.graph, config, changed).tests };
}

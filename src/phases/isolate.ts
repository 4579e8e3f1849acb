/**
 * Culprit isolation: an `after` gate with `onFailure: isolate` failed on a
 * phase's written files. Instead of undoing the phase, ssot re-runs that gate
 * on the restored tree plus subsets of the fixes (./culpritSearch.ts) until
 * it has the smallest sets whose fixes make the gate fail; the tree is then
 * left holding the fixes of the largest set that passed, for the phase to
 * commit.
 *
 * The import graph narrows the search first: a failing test (its id in the
 * gate's output) can only be broken by the changed files it loads, so the
 * other files' fixes stay applied as the context of every trial, and only
 * the suspects are split. When the context alone fails (the graph missed a
 * dependency, or the output named no test), the search runs over every
 * file from the true baseline. Culprits that import each other are tried
 * once more together at the end: fixes that only work as a pair (a module
 * and the test asserting what it now returns) are kept.
 *
 * Every trial runs under the phase's journal (written before the first
 * byte changed, naming every file with its original bytes), so a `kill -9`
 * at any moment leaves a tree `ssot recover` puts back byte for byte. Each
 * trial is told the phase's whole affected selection (every trial runs the
 * same tests), its own changed files, and `SSOT_ISOLATION_TRIAL`.
 */
import path from 'node:path';
import type { Config, Gate } from '../config/compile.js';
import { changedFilesReachedBy, importConnectedGroups } from '../engine/affected.js';
import { buildImportGraph } from '../engine/graph.js';
import type { FileFix } from '../model/outcome.js';
import { adapterFor } from '../languages/registry.js';
import { writeFileAtomic } from '../workspace/files.js';
import { searchCulprits, TrialBudgetSpent, type SearchResult } from './culpritSearch.js';
import { runGate, type GateResult, type GateSelection } from './gates.js';
import type { CulpritRecord } from './state.js';

export interface TrialRecord {
  /** 1-based; trial 1 is the baseline (no fix applied). */
  readonly trial: number;
  /** Files whose fixes the trial applied. */
  readonly files: readonly string[];
  readonly ok: boolean;
  readonly durationMs: number;
  readonly failedTests: readonly string[];
}

export interface IsolateInput {
  readonly root: string;
  readonly config: Config;
  readonly gate: Gate;
  readonly phase: string;
  /** The phase's files, all written with their fixes when isolation starts. */
  readonly files: readonly FileFix[];
  /** The failing run on all the files. */
  readonly failed: GateResult;
  /** The whole phase's selection: every trial runs the same affected tests. */
  readonly selection: GateSelection;
  readonly maxTrials: number;
  readonly signal?: AbortSignal;
  readonly onTrialStart?: (trial: number, files: readonly string[]) => void;
  readonly onTrialEnd?: (trial: TrialRecord, result: GateResult) => void;
}

export interface IsolationOutcome {
  /** isolated: culprits found (or the bound hit); baseline-red: the gate fails without any fix; interrupted: Ctrl-C during a trial. */
  readonly status: 'isolated' | 'baseline-red' | 'interrupted';
  readonly culprits: readonly CulpritRecord[];
  /** Files whose fixes the tree now holds: the largest set a trial proved to pass. */
  readonly kept: readonly string[];
  /** Files neither blamed nor proven (the bound stopped the search): held back, tried again by the next run. */
  readonly unresolved: readonly string[];
  readonly trials: readonly TrialRecord[];
  readonly boundHit: boolean;
  /** The gate's result on exactly `kept` (a trial's), or on the baseline when it is red. */
  readonly result: GateResult | undefined;
}

class Interrupted extends Error {}

export async function isolateCulprits(input: IsolateInput): Promise<IsolationOutcome> {
  const { root, files, config } = input;
  const adapter = adapterFor(config.language);
  const names = files.map((f) => f.file);
  const byName = new Map(files.map((f) => [f.file, f]));
  // what each file holds now: every fix is written
  const holdsFix = new Set(names);
  const results = new Map<string, GateResult>([[keyOf(names), input.failed]]);
  const trials: TrialRecord[] = [];

  /** The tree as it was plus exactly `applied`'s fixes; compiled caches of flipped files are dropped (a byte cache keyed by mtime and size could serve the other version). */
  const setTree = (applied: readonly string[]) => {
    const wanted = new Set(applied);
    const flipped: string[] = [];
    for (const name of names) {
      if (wanted.has(name) === holdsFix.has(name)) continue;
      const fix = byName.get(name)!;
      writeFileAtomic(path.join(root, name), wanted.has(name) ? fix.updated! : fix.original);
      if (wanted.has(name)) holdsFix.add(name);
      else holdsFix.delete(name);
      flipped.push(name);
    }
    if (flipped.length) adapter.forgetCompiled?.(root, flipped);
  };

  /** One gate run with exactly `applied`'s fixes (each set at most once). */
  const trial = async (applied: readonly string[]): Promise<boolean> => {
    const known = results.get(keyOf(applied));
    if (known) return known.ok;
    if (trials.length >= input.maxTrials) throw new TrialBudgetSpent();
    if (input.signal?.aborted) throw new Interrupted();
    setTree(applied);
    const number = trials.length + 1;
    input.onTrialStart?.(number, applied);
    const result = await runGate(root, input.gate, {
      moment: 'after',
      phase: input.phase,
      signal: input.signal,
      selection: { changed: applied, affected: input.selection.affected },
      env: { SSOT_ISOLATION_TRIAL: String(number) },
      failedTestOf: adapter.imports?.failedTestOf,
    });
    if (result.interrupted || input.signal?.aborted) throw new Interrupted();
    results.set(keyOf(applied), result);
    const record: TrialRecord = { trial: number, files: [...applied], ok: result.ok, durationMs: result.durationMs, failedTests: result.failedTests ?? [] };
    trials.push(record);
    input.onTrialEnd?.(record, result);
    return result.ok;
  };
  const search = (items: readonly string[], context: readonly string[]) =>
    searchCulprits({ items, test: async (subset) => ((await trial([...context, ...subset])) ? 'pass' : 'fail') });

  const graph = adapter.imports ? (await buildImportGraph({ root, config })).graph : null;
  let found: SearchResult<string>;
  let context: readonly string[] = [];
  try {
    const suspects = graph ? suspectsOf(input, graph, names) : null;
    if (suspects && suspects.length < names.length) {
      context = names.filter((n) => !suspects.includes(n));
      found = await search(suspects, context);
      if (found.baselineFails && !found.boundHit) {
        // the other files' fixes fail on their own: the graph did not tell the whole story
        context = [];
        found = await search(names, context);
      }
    } else {
      found = await search(names, context);
    }
  } catch (error) {
    if (error instanceof Interrupted) return { status: 'interrupted', culprits: [], kept: [], unresolved: names, trials, boundHit: false, result: undefined };
    throw error;
  }
  if (found.baselineFails) {
    setTree([]);
    return { status: 'baseline-red', culprits: [], kept: [], unresolved: names, trials, boundHit: found.boundHit, result: results.get(keyOf(context)) };
  }
  let kept = [...context, ...found.kept];
  let culpritSets = found.culprits.map((set) => [...set]);
  // culprits that import each other may only work together: try each such group once more on what is kept
  if (graph && !found.boundHit) {
    const blamed = culpritSets.flat();
    for (const group of importConnectedGroups(graph, config, blamed)) {
      try {
        if (await trial([...kept, ...group])) {
          kept = [...kept, ...group];
          culpritSets = culpritSets.map((set) => set.filter((f) => !group.includes(f))).filter((set) => set.length);
        }
      } catch (error) {
        if (error instanceof TrialBudgetSpent) break;
        if (error instanceof Interrupted) return { status: 'interrupted', culprits: [], kept: [], unresolved: names, trials, boundHit: false, result: undefined };
        throw error;
      }
    }
  }
  kept = names.filter((n) => kept.includes(n));
  setTree(kept);
  const at = new Date().toISOString();
  const culprits: CulpritRecord[] = culpritSets.flatMap((set) => {
    // the output of the trial that showed the set failing: the set alone on the context
    const shown = results.get(keyOf([...context, ...set])) ?? input.failed;
    return set.map((file) => ({
      file,
      gate: input.gate.name,
      tests: shown.failedTests ?? [],
      tail: shown.tail,
      with: set.filter((other) => other !== file),
      at,
    }));
  });
  return {
    status: 'isolated',
    culprits,
    kept,
    unresolved: found.unresolved.filter((f) => !kept.includes(f)),
    trials,
    boundHit: found.boundHit,
    result: results.get(keyOf(kept)),
  };
}

/**
 * The files whose fixes can have broken the failing tests the gate's output
 * named: those the failing test files (and their support files) load. Null
 * when the output named none, or one the graph cannot place.
 */
function suspectsOf(input: IsolateInput, graph: Parameters<typeof changedFilesReachedBy>[0], names: readonly string[]): string[] | null {
  const support = adapterFor(input.config.language).imports;
  const failed = input.failed.failedTests ?? [];
  if (!support || !failed.length) return null;
  const cwd = path.resolve(input.root, input.gate.cwd ?? '.');
  const known = new Set(graph.files);
  const testFiles = new Set<string>();
  for (const id of failed) {
    const file = support.testFileOf(id);
    // the runner names files from its own root: the gate's directory, or the ssot root
    const fromCwd = path.relative(input.root, path.resolve(cwd, file)).split(path.sep).join('/');
    const candidate = known.has(fromCwd) ? fromCwd : known.has(file) ? file : null;
    if (candidate === null) return null;
    testFiles.add(candidate);
  }
  const reached = changedFilesReachedBy(graph, input.config, [...testFiles], names);
  return reached ? names.filter((n) => reached.has(n)) : null;
}

function keyOf(subset: readonly string[]): string {
  return [...subset].sort().join('\0');
}

/**
 * Affected tests: for a set of changed files, the test files that load one
 * of them — directly or through other files — or that a test-runner support
 * file above them (pytest's `conftest.py`, loaded for every test in its
 * folder and below) loads, plus the changed test files themselves. Imports
 * made only for type checkers load nothing at run time and are not
 * followed unless asked.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from '../config/compile.js';
import { chainOf, dependenciesOf, dependentsOf, indexGraph, type ImportGraph } from '../model/importGraph.js';
import { adapterFor } from '../languages/registry.js';

/** Why a test is affected. */
export type AffectedReason =
  /** The test file itself changed. */
  | { readonly kind: 'changed' }
  /** It loads a changed module: `chain` runs from the test to the changed file (or to the last file that imports a changed, deleted module). */
  | { readonly kind: 'imports'; readonly chain: readonly string[]; readonly module: string }
  /** A support file above it changed or loads a changed module (`chain` starts at that file). */
  | { readonly kind: 'support'; readonly support: string; readonly chain: readonly string[]; readonly module: string | null };

export interface AffectedTests {
  /** The changed files asked about (root-relative posix), sorted. */
  readonly changed: readonly string[];
  /** Affected test files, sorted: what a test runner should run. */
  readonly tests: readonly string[];
  /** Support files above the affected tests (the runner loads them itself), sorted. */
  readonly support: readonly string[];
  readonly reasons: ReadonlyMap<string, AffectedReason>;
  /** Changed files the graph does not hold (deleted, or not selected by `include`): only their modules' importers count. */
  readonly outside: readonly string[];
  /** Test files in the tree (the denominator of the selection). */
  readonly totalTests: number;
}

export interface AffectedOptions {
  /** Follow imports made only for type checkers (default false). */
  readonly typeChecking?: boolean;
}

/** The affected tests of `changed` (root-relative posix paths) in `graph`, by the config's `testFiles` and the language's support files. */
export function selectAffectedTests(graph: ImportGraph, config: Config, changed: readonly string[], options: AffectedOptions = {}): AffectedTests {
  const adapter = adapterFor(config.language);
  const support = adapter.imports;
  const supportNames = new Set(support?.testSupportFiles ?? []);
  const isTest = picomatch([...config.testFiles], { dot: true });
  const index = indexGraph(graph);
  const changedSet = new Set(changed);
  const changedModules = new Set<string>();
  for (const rel of changedSet) {
    const module = adapter.moduleNameOf(rel, config.sourceRoots);
    if (module) changedModules.add(module);
  }
  const reasons = dependentsOf(graph, index, changedModules, options);
  const files = graph.files;
  const chainFiles = (i: number) => {
    const chain = chainOf(reasons, i);
    const list = chain.files.map((f) => files[f]!);
    // the last link: the changed file that defines the module (absent when it was deleted)
    const definer = [...changedSet].find((rel) => adapter.moduleNameOf(rel, config.sourceRoots) === chain.changedModule);
    if (definer && definer !== list.at(-1)) list.push(definer);
    return { chain: list, module: chain.changedModule };
  };
  /** Why a file (index) is touched by the change, or null. */
  const touched = (i: number): { chain: readonly string[]; module: string | null } | null => {
    if (changedSet.has(files[i]!)) return { chain: [files[i]!], module: null };
    return reasons.has(i) ? chainFiles(i) : null;
  };

  const supportAbove = supportFilesAbove(graph, supportNames);

  const tests: string[] = [];
  const supportFiles = new Set<string>();
  const why = new Map<string, AffectedReason>();
  let totalTests = 0;
  files.forEach((rel, i) => {
    if (!isTest(rel) || supportNames.has(path.posix.basename(rel))) return;
    totalTests++;
    const above = supportAbove(rel);
    let reason: AffectedReason | null = null;
    if (changedSet.has(rel)) reason = { kind: 'changed' };
    else if (reasons.has(i)) reason = { kind: 'imports', ...chainFiles(i) };
    else {
      for (const s of above) {
        const t = touched(s);
        if (t) {
          reason = { kind: 'support', support: files[s]!, chain: t.chain, module: t.module };
          break;
        }
      }
    }
    if (!reason) return;
    tests.push(rel);
    why.set(rel, reason);
    for (const s of above) supportFiles.add(files[s]!);
  });
  return {
    changed: [...changedSet].sort(),
    tests,
    support: [...supportFiles].sort(),
    reasons: why,
    outside: [...changedSet].filter((rel) => !index.indexOf.has(rel)).sort(),
    totalTests,
  };
}

/** For a file, the indices of the support files (conftest.py) in its folder and above, outermost first. */
function supportFilesAbove(graph: ImportGraph, supportNames: ReadonlySet<string>): (rel: string) => number[] {
  const supportByDir = new Map<string, number>();
  graph.files.forEach((rel, i) => {
    if (supportNames.has(path.posix.basename(rel))) supportByDir.set(path.posix.dirname(rel), i);
  });
  return (rel) => {
    const found: number[] = [];
    let dir = path.posix.dirname(rel);
    for (;;) {
      const at = supportByDir.get(dir);
      if (at !== undefined) found.push(at);
      if (dir === '.') break;
      dir = path.posix.dirname(dir);
    }
    return found.reverse(); // outermost first, as the runner loads them
  };
}

/**
 * The files of `changed` that the tests in `testFiles` can reach: what they
 * and the support files above them load (forward closure). Null when a test
 * file is not in the graph (then nothing can be ruled out).
 */
export function changedFilesReachedBy(graph: ImportGraph, config: Config, testFiles: readonly string[], changed: readonly string[], options: AffectedOptions = {}): Set<string> | null {
  const supportNames = new Set(adapterFor(config.language).imports?.testSupportFiles ?? []);
  const index = indexGraph(graph);
  const above = supportFilesAbove(graph, supportNames);
  const start: number[] = [];
  for (const rel of testFiles) {
    const at = index.indexOf.get(rel);
    if (at === undefined) return null;
    start.push(at, ...above(rel));
  }
  const reached = dependenciesOf(graph, index, start, options);
  return new Set(changed.filter((rel) => {
    const at = index.indexOf.get(rel);
    return at !== undefined && reached.has(at);
  }));
}

/**
 * Files of `changed` that import each other (directly, in either direction),
 * as groups of two or more: fixes that may only work together (a module and
 * the test that asserts what it now returns).
 */
export function importConnectedGroups(graph: ImportGraph, config: Config, changed: readonly string[]): string[][] {
  const adapter = adapterFor(config.language);
  const index = indexGraph(graph);
  const parent = new Map(changed.map((f) => [f, f]));
  const find = (f: string): string => {
    let root = f;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(f, root);
    return root;
  };
  const moduleToFile = new Map<string, string>();
  for (const rel of changed) {
    const module = adapter.moduleNameOf(rel, config.sourceRoots);
    if (module) moduleToFile.set(module, rel);
  }
  for (const rel of changed) {
    const at = index.indexOf.get(rel);
    if (at === undefined) continue;
    for (const edge of graph.edges[at]!) {
      const other = moduleToFile.get(edge.module);
      if (other && other !== rel) parent.set(find(rel), find(other));
    }
  }
  const groups = new Map<string, string[]>();
  for (const rel of changed) {
    const root = find(rel);
    const list = groups.get(root);
    if (list) list.push(rel);
    else groups.set(root, [rel]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}

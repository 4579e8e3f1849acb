/**
 * The import graph of a tree, as plain data: which module each file
 * defines, which modules each file's imports may load, and the queries on
 * it (who depends on a changed module, and through which chain). Language
 * neutral: a language adapter turns a file into edges; module names are
 * dotted paths compared for equality only.
 */

/** One module a file's imports may load: an edge of the import graph. */
export interface ModuleEdge {
  /**
   * Absolute dotted module name (relative imports resolved). It may name no
   * file of the tree (a library), or an attribute rather than a module
   * (`from a import b` loads `a`, and `a.b` when that is a module).
   */
  readonly module: string;
  /** Every import of it sits inside a function or class body (it loads when that code runs). */
  readonly nested: boolean;
  /** Every import of it is for type checkers only (`if TYPE_CHECKING:`): nothing loads it at run time. */
  readonly typeChecking: boolean;
}

/**
 * One module an import statement names, where it names it (boundaries,
 * engine/boundaries.ts). `import a.b, c` names two; `from M import x, y`
 * names M, with x and y as `names` (one of them may be a module under M).
 */
export interface ImportStatement {
  /** Absolute dotted module (relative imports resolved). */
  readonly module: string;
  /** For `from M import …`: the imported names (`*` for a star import); empty for `import M`. */
  readonly names: readonly string[];
  /** 1-based line and 1-based code-point columns of the module's name in the statement. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface ImportGraph {
  /** Root-relative posix paths of every file of the tree, sorted. */
  readonly files: readonly string[];
  /** Per file (same index): the module it defines, or null when it lies under no source root. */
  readonly modules: readonly (string | null)[];
  /** Per file (same index): the modules its imports may load. */
  readonly edges: readonly (readonly ModuleEdge[])[];
}

/** Why a file depends on a change: it imports `module`, which is changed itself (`via` null) or defined by the dependent file `via`. */
export interface DependencyReason {
  readonly module: string;
  /** Index of the file defining `module` that is itself a dependent; null when `module` is a changed one. */
  readonly via: number | null;
}

export interface DependentsOptions {
  /** Follow imports made only for type checkers (default false: they load nothing at run time). */
  readonly typeChecking?: boolean;
}

/** Files defining each module, and files importing each module (any module named by an edge). */
export interface GraphIndex {
  readonly definedBy: ReadonlyMap<string, readonly number[]>;
  readonly importers: ReadonlyMap<string, readonly { readonly file: number; readonly edge: ModuleEdge }[]>;
  readonly indexOf: ReadonlyMap<string, number>;
}

export function indexGraph(graph: ImportGraph): GraphIndex {
  const definedBy = new Map<string, number[]>();
  const importers = new Map<string, { file: number; edge: ModuleEdge }[]>();
  const indexOf = new Map<string, number>();
  graph.files.forEach((file, i) => {
    indexOf.set(file, i);
    const module = graph.modules[i];
    if (module) {
      const list = definedBy.get(module);
      if (list) list.push(i);
      else definedBy.set(module, [i]);
    }
    for (const edge of graph.edges[i]!) {
      const list = importers.get(edge.module);
      if (list) list.push({ file: i, edge });
      else importers.set(edge.module, [{ file: i, edge }]);
    }
  });
  return { definedBy, importers, indexOf };
}

/**
 * Every file that loads one of `changedModules`, directly or through other
 * files, with the first reason found (breadth first: the shortest chain).
 * Module names rather than files start the walk, so a deleted file's
 * module (no longer in the tree) still finds its importers.
 */
export function dependentsOf(graph: ImportGraph, index: GraphIndex, changedModules: Iterable<string>, options: DependentsOptions = {}): Map<number, DependencyReason> {
  const reasons = new Map<number, DependencyReason>();
  const queued = new Set<string>();
  const queue: { module: string; via: number | null }[] = [];
  for (const module of changedModules) {
    if (queued.has(module)) continue;
    queued.add(module);
    queue.push({ module, via: null });
  }
  for (let head = 0; head < queue.length; head++) {
    const { module, via } = queue[head]!;
    for (const { file, edge } of index.importers.get(module) ?? []) {
      if (edge.typeChecking && !options.typeChecking) continue;
      if (reasons.has(file)) continue;
      reasons.set(file, { module, via });
      const defined = graph.modules[file];
      if (defined && !queued.has(defined)) {
        queued.add(defined);
        queue.push({ module: defined, via: file });
      }
    }
  }
  return reasons;
}

/** The chain of files from a dependent back to the change: `[dependent, …, file defining the changed module or null]`. */
export function chainOf(reasons: ReadonlyMap<number, DependencyReason>, file: number): { files: number[]; changedModule: string } {
  const files = [file];
  let reason = reasons.get(file);
  const seen = new Set<number>([file]);
  while (reason && reason.via !== null && !seen.has(reason.via)) {
    files.push(reason.via);
    seen.add(reason.via);
    reason = reasons.get(reason.via);
  }
  return { files, changedModule: reason?.module ?? '' };
}

/**
 * Every file the given files load, directly or through others (forward
 * closure, the start files included), by index. Imports made only for type
 * checkers are not followed unless asked.
 */
export function dependenciesOf(graph: ImportGraph, index: GraphIndex, start: Iterable<number>, options: DependentsOptions = {}): Set<number> {
  const seen = new Set<number>();
  const queue: number[] = [];
  for (const file of start) {
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(file);
  }
  for (let head = 0; head < queue.length; head++) {
    for (const edge of graph.edges[queue[head]!]!) {
      if (edge.typeChecking && !options.typeChecking) continue;
      for (const file of index.definedBy.get(edge.module) ?? []) {
        if (seen.has(file)) continue;
        seen.add(file);
        queue.push(file);
      }
    }
  }
  return seen;
}

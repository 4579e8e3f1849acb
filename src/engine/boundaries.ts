/**
 * Imports between services, and what the config's boundaries
 * (model/boundary.ts) say of them: the findings of `ssot check`, and the
 * imports a fix adds (a phase that adds one a contract forbids is refused).
 *
 * A module maps to a service through the file of the tree that defines it
 * (the services' globs); an import of a module no file defines (a library)
 * is between no services. The import graph (./graph.ts, cached) says which
 * files can import another service at all; only those are parsed for their
 * statements and positions.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/compile.js';
import { buildGrouping, type Grouping } from '../config/grouping.js';
import { contractsForbidding, type Contract, type ServiceImport } from '../model/boundary.js';
import type { FileProblem, Finding } from '../model/finding.js';
import type { ImportGraph, ImportStatement } from '../model/importGraph.js';
import { adapterFor } from '../languages/registry.js';
import { buildImportGraph, listModules } from './graph.js';
import { summarize, type ScanResult } from './run.js';

/** The tree's modules by name → defining file, and each file's service. */
interface ModuleTree {
  readonly config: Config;
  readonly grouping: Grouping;
  readonly fileOf: ReadonlyMap<string, string>;
}

/** …with the import graph, which says which files can import another service at all. */
interface Tree extends ModuleTree {
  readonly graph: ImportGraph;
}

function moduleTreeOf(config: Config, graph: Pick<ImportGraph, 'files' | 'modules'>): ModuleTree {
  const fileOf = new Map<string, string>();
  graph.files.forEach((rel, i) => {
    const module = graph.modules[i];
    // a package's `__init__.py` and a stub next to a module define the same name: the first (sorted) wins
    if (module && !fileOf.has(module)) fileOf.set(module, rel);
  });
  return { config, grouping: buildGrouping(config), fileOf };
}

async function treeOf(root: string, config: Config, cache: boolean | undefined): Promise<Tree> {
  const { graph } = await buildImportGraph({ root, config, ...(cache === undefined ? {} : { cache }) });
  return { ...moduleTreeOf(config, graph), graph };
}

/** The longest module at or above `dotted` that a file of the tree defines, or null. */
function definedAtOrAbove(tree: ModuleTree, dotted: string): { module: string; file: string } | null {
  let module = dotted;
  for (;;) {
    const file = tree.fileOf.get(module);
    if (file) return { module, file };
    const dot = module.lastIndexOf('.');
    if (dot < 0) return null;
    module = module.slice(0, dot);
  }
}

/** The modules of the tree one statement imports: `M.n` for each name that is a module, else `M` (or the nearest package above it the tree defines). */
function importedModules(tree: ModuleTree, statement: ImportStatement): { module: string; file: string }[] {
  const out = new Map<string, string>();
  let attributes = statement.names.length === 0;
  for (const name of statement.names) {
    const file = name === '*' ? undefined : tree.fileOf.get(`${statement.module}.${name}`);
    if (file) out.set(`${statement.module}.${name}`, file);
    else attributes = true;
  }
  if (attributes) {
    const found = definedAtOrAbove(tree, statement.module);
    if (found) out.set(found.module, found.file);
  }
  return [...out].map(([module, file]) => ({ module, file }));
}

/** The imports of `text` (the file `rel`) that cross from its service into another. */
async function serviceImportsOfText(tree: ModuleTree, rel: string, text: string): Promise<ServiceImport[]> {
  const fromService = tree.grouping.serviceOf(rel);
  const support = adapterFor(tree.config.language).imports;
  if (fromService === null || !support) return [];
  const out: ServiceImport[] = [];
  for (const statement of await support.importStatements({ rel, text, sourceRoots: tree.config.sourceRoots })) {
    for (const { module, file } of importedModules(tree, statement)) {
      const toService = tree.grouping.serviceOf(file);
      if (toService === null || toService === fromService) continue;
      const { line, column, endLine, endColumn } = statement;
      out.push({ file: rel, line, column, endLine, endColumn, module, moduleFile: file, fromService, toService });
    }
  }
  return out;
}

/** Files whose graph edges reach a module another service defines (the only ones that can cross a boundary). */
function crossingCandidates(tree: Tree, keep: (rel: string) => boolean): string[] {
  const out: string[] = [];
  tree.graph.files.forEach((rel, i) => {
    if (!keep(rel)) return;
    const own = tree.grouping.serviceOf(rel);
    if (own === null) return;
    const crosses = tree.graph.edges[i]!.some((edge) => {
      const file = tree.fileOf.get(edge.module);
      const service = file === undefined ? null : tree.grouping.serviceOf(file);
      return service !== null && service !== own;
    });
    if (crosses) out.push(rel);
  });
  return out;
}

export interface BoundaryCheck {
  /** One finding per import and contract that forbids it, in file then position order. */
  readonly findings: Finding[];
  /** Files that could not be read. */
  readonly problems: FileProblem[];
}

export interface BoundaryCheckOptions {
  readonly root: string;
  readonly config: Config;
  /** Only the importing files this keeps (a check of some files, one phase or service). */
  readonly only?: (rel: string) => boolean;
  /** Use the import graph's cache (default true). */
  readonly cache?: boolean;
}

/** The violations of the config's boundaries in the tree, as findings (kind `boundary`, rule: the contract's name). */
export async function checkBoundaries(options: BoundaryCheckOptions): Promise<BoundaryCheck> {
  const { config } = options;
  if (!config.boundaries.length || !adapterFor(config.language).imports) return { findings: [], problems: [] };
  const root = path.resolve(options.root);
  const tree = await treeOf(root, config, options.cache);
  const findings: Finding[] = [];
  const problems: FileProblem[] = [];
  for (const rel of crossingCandidates(tree, options.only ?? (() => true))) {
    let text: string;
    try {
      text = readFileSync(path.join(root, rel), 'utf8');
    } catch (error) {
      problems.push({ file: rel, message: `cannot read for the boundary check (${(error as NodeJS.ErrnoException).code ?? String(error)})` });
      continue;
    }
    for (const imp of await serviceImportsOfText(tree, rel, text)) {
      for (const contract of contractsForbidding(config.boundaries, imp)) findings.push(boundaryFinding(imp, contract, tree.grouping.phaseOf(rel)));
    }
  }
  return { findings, problems };
}

function boundaryFinding(imp: ServiceImport, contract: Contract, phase: string | null): Finding {
  return {
    rule: contract.name,
    kind: 'boundary',
    file: imp.file,
    line: imp.line,
    column: imp.column,
    endLine: imp.endLine,
    endColumn: imp.endColumn,
    symbol: imp.module,
    local: imp.module,
    usage: null,
    service: imp.fromService,
    phase,
    parseErrors: false,
    message: boundaryMessage(imp, contract),
    scope: '',
    boundary: { contract: contract.name, type: contract.type, toService: imp.toService, moduleFile: imp.moduleFile },
  };
}

/** `netra_backend imports `auth_service.x` (service auth_service), which contract 'services are independent' (independence) forbids`. */
export function boundaryMessage(imp: ServiceImport, contract: Contract): string {
  return `${imp.fromService} imports \`${imp.module}\` (service ${imp.toService}), which contract '${contract.name}' (${contract.type}) forbids`;
}

/** An import between services a fix adds, with the contracts that forbid it (empty: allowed). */
export interface AddedServiceImport extends ServiceImport {
  readonly forbiddenBy: readonly string[];
}

/**
 * The imports between services that rewriting `files` (original → updated
 * bytes) adds: a module of another service the updated text imports and the
 * original did not (its first statement). Empty without services.
 * `cache: false` neither reads nor writes the import graph's cache (a fix
 * outside the phases writes only the files it fixes).
 */
export async function addedServiceImports(
  root: string,
  config: Config,
  files: readonly { readonly file: string; readonly original: Buffer; readonly updated: Buffer }[],
): Promise<AddedServiceImport[]> {
  if (!config.services.length || !files.length || !adapterFor(config.language).imports) return [];
  // where each module lives is all it asks: the file list, no file read (a graph of 32,006 files cost
  // fix --dry-run 3.5 s of reads and most of its heap)
  const tree = moduleTreeOf(config, await listModules({ root: path.resolve(root), config }));
  const out: AddedServiceImport[] = [];
  for (const f of files) {
    const before = await serviceImportsOfText(tree, f.file, f.original.toString('utf8'));
    const after = await serviceImportsOfText(tree, f.file, f.updated.toString('utf8'));
    // an import between services is a pair of file and module (as import-linter's graph): a second statement of a module the file imported is nothing new
    const had = new Set(before.map((imp) => imp.module));
    for (const imp of after) {
      if (had.has(imp.module)) continue;
      had.add(imp.module);
      out.push({ ...imp, forbiddenBy: contractsForbidding(config.boundaries, imp).map((c) => c.name) });
    }
  }
  return out;
}

/** `auth_service/x.py:3 imports analytics_service.y — contract 'services are independent'`: a refused import in one line. */
export function addedImportLine(imp: AddedServiceImport): string {
  const contracts = imp.forbiddenBy.length ? ` — contract ${imp.forbiddenBy.map((c) => `'${c}'`).join(', ')}` : '';
  return `${imp.file}:${imp.line} imports ${imp.module} (${imp.fromService} → ${imp.toService})${contracts}`;
}

/** A scan's result with boundary findings added: file order (as a run sorts paths), then position; summary and problems updated. */
export function withBoundaryFindings(result: ScanResult, check: BoundaryCheck): ScanResult {
  if (!check.findings.length && !check.problems.length) return result;
  const findings = [...result.findings, ...check.findings]
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (a.f.file < b.f.file ? -1 : a.f.file > b.f.file ? 1 : a.f.line - b.f.line || a.f.column - b.f.column || a.i - b.i))
    .map(({ f }) => f);
  return { ...result, findings, summary: summarize(findings, result.summary.files), errors: [...result.errors, ...check.problems] };
}

/**
 * The seam a language plugs into: everything ssot knows about a language
 * lives behind this interface, in `languages/<id>/`, and is reached only
 * through `languages/registry.ts`. Python is the first adapter; a second one
 * implements the same interface with its own grammar, scopes and planner.
 */
import type { Ban, ImportSpec, ImportTarget, RawFinding } from '../model/finding.js';
import type { ImportStatement, ModuleEdge } from '../model/importGraph.js';
import type { FilePlan } from '../model/outcome.js';
import type { SymbolInfo } from '../model/symbols.js';
import type { Range } from '../model/range.js';
import type { Grammar } from '../parsing/treeSitter.js';

/** A rule as planning reads it (plain data: it is cloned to worker threads). */
export interface PlanRule {
  readonly id: string;
  /** The rule's bans, each with its target and (when planning) its shape. */
  readonly bans: readonly Ban[];
  /** The class for type positions where a deprecated class becomes a canonical instance. */
  readonly types: ImportTarget | undefined;
}

export interface FileAnalysisInput {
  /** Posix path relative to the root. */
  readonly rel: string;
  /** Decoded text, BOM removed. */
  readonly text: string;
  /** Bans active in this file (rules whose allowIn matches it are left out). */
  readonly bans: readonly Ban[];
  readonly sourceRoots: readonly string[];
  /** Keep findings on lines with an inline suppression (`# ssot: ignore`): `ssot prune` counts every import. */
  readonly ignoreSuppressions?: boolean;
  /**
   * Also plan the fixes (nothing is written) from the same parse and
   * analysis, so a scan can say how each finding would be fixed without
   * parsing the file again.
   */
  readonly plan?: {
    readonly rules: ReadonlyMap<string, PlanRule>;
    readonly unsafe: boolean;
    /**
     * Check the planned rewrite (reparse, name resolution) and answer in
     * `problem`. A scan's annotation skips it, as ruff marks a diagnostic
     * fixable without applying the fix: `ssot fix` validates every file it
     * would write.
     */
    readonly validate: boolean;
    /** Module-level names other files refer to (name → where, for the reason): the fix keeps them bound, or leaves them to a person. */
    readonly keep?: ReadonlyMap<string, string>;
    /** Deprecated paths other files compare by identity (path → where): a fix here that hands out another object is unsafe. */
    readonly comparedElsewhere?: ReadonlyMap<string, string>;
    /** Deprecated paths (or paths under them) that code names in a string, as `patch("m.N")` does (path → where): a fix here that stops reading them through their module is manual. */
    readonly patchedElsewhere?: ReadonlyMap<string, string>;
  };
}

export interface FileAnalysis {
  readonly findings: RawFinding[];
  readonly parseErrors: boolean;
  /** 0-based lines with an inline suppression: rule ids, or null for every rule. */
  readonly suppressions: Map<number, Set<string> | null>;
  /** Ranges of the import statements findings belong to, for suppression on any of their lines. */
  readonly statementRanges: Map<RawFinding, Range>;
  /** Optional: each finding's enclosing scope as a qualified name ('' at module level), see `Finding.scope`. */
  readonly enclosingScopes?: Map<RawFinding, string>;
  /** With `plan` in the input: the plan of this text, and (when validated) why applying it would be refused, or null. */
  readonly plan?: FilePlan & { readonly problem: string | null };
}

/** The result of a compile check: `ran` false when the checker is not available (`note` says why, once). */
export interface CompileCheckResult {
  readonly ran: boolean;
  readonly note?: string;
  /** Root-relative path → why it does not compile; files that compile are absent. */
  readonly errors: ReadonlyMap<string, string>;
}

/** Where a canonical target is defined, as `ssot verify` reports it. */
export interface ExportResolution {
  readonly ok: boolean;
  readonly detail: string;
}

/** One deprecated name of a compatibility module and what it is bound to. */
export interface ShimName {
  readonly name: string;
  /** The canonical object (`from target.module import target.name`). */
  readonly target: { readonly module: string; readonly name: string };
  /** `object`: the name is the target; `factory`: a callable returning the target (a class replaced by an instance, no `types`). */
  readonly bind: 'object' | 'factory';
}

export interface ShimModuleInput {
  /** Posix path of the deprecated module, relative to the root. */
  readonly rel: string;
  /** Its dotted module name. */
  readonly module: string;
  readonly text: string;
  readonly ruleId: string;
  readonly names: readonly ShimName[];
  /** The import new code uses, for the warning and the comment. */
  readonly replacement: string;
  /** Emit a DeprecationWarning (or the language's equivalent) on import. */
  readonly warning: boolean;
  /** With a legacy flag: the environment variable and the private module that keeps the old implementation. */
  readonly legacy: { readonly flag: string; readonly rel: string; readonly module: string } | null;
}

/** The compatibility module's text and the definitions it dropped, or why none can be written. */
export type ShimModuleOutput = { readonly text: string; readonly dropped: readonly string[] } | { readonly error: string };

/** `ssot prune`: a package `__init__` that re-exports names of modules being deleted. */
export interface ReExportRemovalInput {
  /** Posix path of the `__init__` file, relative to the root. */
  readonly rel: string;
  readonly text: string;
  readonly sourceRoots: readonly string[];
  /** Dotted modules being deleted: imports of them or of names from them go. */
  readonly modules: readonly string[];
}

/** The text without those imports (and their names out of the export list), or why it cannot be written. */
export type ReExportRemovalOutput =
  | { readonly text: string; /** Local names no longer bound. */ readonly names: readonly string[]; /** Import clauses removed. */ readonly clauses: number }
  | { readonly error: string };

/** Is `module.name` the canonical object (`bind` as in ShimName)? */
export interface DelegationCheck {
  readonly module: string;
  readonly name: string;
  readonly targetModule: string;
  readonly targetName: string;
  readonly bind: 'object' | 'factory';
}

export interface DelegationResult {
  readonly ok: boolean;
  /** What the name is (or why it could not be checked), one line. */
  readonly detail: string;
}

/**
 * What the import graph of a tree needs of its language (`ssot affected`,
 * gates that know the change, culprit isolation).
 */
export interface ImportGraphSupport {
  /** Globs of test files when the config sets no `testFiles` (pytest's `test_*.py` and `*_test.py`). */
  readonly defaultTestFiles: readonly string[];
  /**
   * Base names of files the test runner loads for every test in their folder
   * and below (pytest: `conftest.py`): what they load affects those tests.
   */
  readonly testSupportFiles: readonly string[];
  /**
   * The modules a file's imports may load, from its raw bytes (valid UTF-8),
   * sorted by module; `parsed` when a cheap read was unsure and the file was
   * parsed instead.
   */
  moduleImports(input: { readonly rel: string; readonly bytes: Buffer; readonly sourceRoots: readonly string[] }): Promise<{ readonly edges: ModuleEdge[]; readonly parsed: boolean }>;
  /** The import statements of a file's text, each with the module it names and where (service boundaries). */
  importStatements(input: { readonly rel: string; readonly text: string; readonly sourceRoots: readonly string[] }): Promise<ImportStatement[]>;
  /** The id of a failing test a line of the test runner's output names (pytest: `FAILED a/test_x.py::test_y - …`), or null. */
  failedTestOf(line: string): string | null;
  /** The file a test id names, relative to the runner's root (pytest: the part before `::`). */
  testFileOf(id: string): string;
}

export interface LanguageAdapter {
  readonly id: string;
  readonly grammar: Grammar;
  /** Files the language owns when the config sets no `include`. */
  readonly defaultInclude: readonly string[];
  /** The commented starter ssot.config.yaml `ssot init` writes. */
  readonly starterConfig: string;
  /** What the compile check runs when the CLI names no interpreter (for `--help`); absent without a compile check. */
  readonly defaultInterpreter?: string;
  /** One import statement as written in the config (`deprecated`, `canonical`, `types`), or the reason it is not one. */
  parseImportSpec(text: string): Promise<ImportSpec | { error: string }>;
  /**
   * The encoding a source file is read and written in, from its bytes (a
   * BOM, a declaration such as Python's PEP 263 coding line), or why the
   * language itself refuses the file. Absent: UTF-8 (a UTF-8 BOM kept).
   */
  sourceEncoding?(bytes: Buffer): { readonly encoding: string; readonly bom: boolean } | { readonly error: string };
  /**
   * Byte strings of which at least one must occur in a file that can hold a
   * finding for `bans` (checked on raw bytes before decoding).
   */
  needles(bans: readonly Ban[]): string[];
  /** True when a file's location alone can make it reach a ban without naming it (e.g. relative imports inside the banned package). */
  alwaysCandidate(rel: string, bans: readonly Ban[], sourceRoots: readonly string[]): boolean;
  /**
   * Optional cheap second stage on the raw bytes (valid UTF-8) of a file that
   * passed `needles`/`alwaysCandidate`: false only when the file provably holds
   * no finding for `bans` (so it need not be parsed), true when it may.
   */
  mayHaveFindings?(input: { readonly rel: string; readonly bytes: Buffer; readonly bans: readonly Ban[]; readonly sourceRoots: readonly string[] }): boolean;
  /** Findings of one file, and with `input.plan` the fixes planned from the same parse. Never writes. */
  analyzeFile(input: FileAnalysisInput): Promise<FileAnalysis>;
  /**
   * Optional check that rewritten files still compile (Python: `compile()`
   * with the project's interpreter). `interpreter`: the CLI's choice
   * (`--python`), undefined for the language's default.
   */
  /**
   * Whether an interpreter the user named (`--python`) can be run: null when
   * it can, else why not in a few words. Called before anything else, so an
   * explicit choice is never quietly downgraded to "validation skipped".
   */
  probeInterpreter?(interpreter: string): Promise<string | null>;
  checkCompiles?(sources: readonly (readonly [string, string])[], options: { readonly interpreter?: string }): Promise<CompileCheckResult>;
  /** What each dotted path is in the tree under `root` (module, class, instance, …; `unknown` when not defined there). */
  describeSymbols(root: string, sourceRoots: readonly string[], paths: readonly string[]): Promise<Map<string, SymbolInfo>>;
  /** The dotted module name of a file under the source roots, or null. */
  moduleNameOf(rel: string, sourceRoots: readonly string[]): string | null;
  /** The file of a dotted module under the source roots (root-relative posix), or null. */
  moduleFile?(root: string, sourceRoots: readonly string[], module: string): string | null;
  /** The private module a shim keeps the old implementation in, next to `rel`. */
  legacyModuleOf?(rel: string, module: string): { rel: string; module: string };
  /** `ssot shim`: the compatibility module for one deprecated module. */
  buildShim?(input: ShimModuleInput): Promise<ShimModuleOutput>;
  /** `ssot prune`: a package `__init__` without its re-exports of deleted modules. */
  removeReExports?(input: ReExportRemovalInput): Promise<ReExportRemovalOutput>;
  /**
   * `ssot shim --check`: runs the project's code to answer whether each
   * deprecated name is the canonical object; null when the interpreter is
   * missing. `unset`/`set`: environment changes (the legacy flag).
   */
  checkDelegation?(
    root: string,
    sourceRoots: readonly string[],
    checks: readonly DelegationCheck[],
    options: { readonly interpreter?: string; readonly unset?: readonly string[]; readonly set?: Readonly<Record<string, string>> },
  ): Promise<DelegationResult[] | null>;
  /**
   * Optional: drops what the language's runtime compiled from `files`
   * (root-relative) and caches by modification time and size (Python's
   * `__pycache__`), after ssot switched them between two versions in quick
   * succession (culprit isolation): a cache entry could match the other version.
   */
  forgetCompiled?(root: string, files: readonly string[]): void;
  /** The import graph: optional (a language without it has no `ssot affected`, and gates get no affected tests). */
  readonly imports?: ImportGraphSupport;
  /** Does `module` (under `sourceRoots` of `root`) define `name` at module level? */
  resolveExport(root: string, sourceRoots: readonly string[], module: string, name: string): Promise<ExportResolution>;
}

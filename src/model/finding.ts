/**
 * Language-neutral data: import specs, import targets, bans, findings. No I/O here.
 *
 * Positions inside the program are `Range`s (./range.ts); a reported
 * `Finding` carries 1-based lines and code-point columns, converted once at
 * the edge when findings are built.
 */
import type { Range } from './range.js';
import type { SymbolInfo } from './symbols.js';

/** One import statement written in the config (`from M import N as A` / `import M`), as the language adapter parsed it. */
export interface ImportSpec {
  readonly kind: 'from' | 'import';
  /** Absolute dotted module path (config imports are never relative). */
  readonly module: string;
  /** For `from`: the imported names; `*` for a star import. Empty for `import M`. */
  readonly names: readonly { readonly name: string; readonly alias?: string }[];
  /** For `import M as A`. */
  readonly alias?: string;
}

/**
 * How a deprecated binding moves to its canonical one:
 * - `move`: the same object in a new home — the import changes, every use keeps its shape;
 * - `rename`: a different object of the same kind (instance → instance, class → class, …) —
 *   references are renamed to the canonical binding;
 * - `class-to-instance`: a deprecated class replaced by a shared canonical instance — `L()`
 *   becomes the instance, type positions use the rule's `types` class.
 */
export type MigrationShape = 'move' | 'rename' | 'class-to-instance';

/**
 * A banned dotted path. `symbol` comes from `from M import N` (bans M.N and
 * everything under it); `module` from `import M` (bans M and everything under it).
 */
export interface Ban {
  readonly ruleId: string;
  readonly kind: 'symbol' | 'module';
  readonly path: string;
  /** The config entry it came from, for messages. */
  readonly source: string;
  /** The rule's `types` class path: a binding of exactly this path used only in type positions is not a finding. */
  readonly typesPath?: string;
  /** What it moves to: the canonical binding paired with it (`from target.module import target.name`). */
  readonly target?: ImportTarget;
  /** `mode:` of the rule when the config sets it (it wins over what ssot infers). */
  readonly mode?: 'move' | 'replace';
  /** Decided before a run that plans fixes (see engine/mappings.ts); absent in an inventory. */
  readonly shape?: MigrationShape;
  /** Why the shape is what it is, when ssot inferred it from the names alone (shown with the fix). */
  readonly shapeNote?: string;
  /** Paths under a banned module mapped explicitly (`map:` in the rule): deprecated path → canonical path. */
  readonly pathMap?: readonly (readonly [string, string])[];
  /** `file:line` of the config entry, for errors found later (at run time). */
  readonly configLocation?: string;
  /**
   * Set for a ban derived from another file's fix: a module-level name that
   * file's deprecated import binds and its fix removes or rebinds. A reference
   * to it elsewhere (`from M import N`, `M.N`, `patch.object(M, "N")`) would
   * break: it is a finding there, and the owner's fix keeps the name or is left
   * to a person.
   */
  readonly referenceOf?: { readonly file: string; readonly name: string };
  /** What the deprecated name and its target are in the tree (members, async-ness), when planning. */
  readonly deprecatedInfo?: SymbolInfo;
  readonly targetInfo?: SymbolInfo;
}

/** The dotted path a ban's target names (`unittest.mock` for `from unittest import mock`). */
export function targetPath(target: ImportTarget): string {
  return `${target.module}.${target.name}`;
}

/**
 * Where `path` (at or under `ban.path`) lives after the migration: the
 * target path plus the rest, unless an explicit map entry covers it
 * (longest prefix wins). Null when the ban has no target.
 */
export function mappedPath(ban: Ban, path: string): string | null {
  let best: readonly [string, string] | undefined;
  for (const entry of ban.pathMap ?? []) {
    if (isAtOrUnder(path, entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  if (best) return best[1] + path.slice(best[0].length);
  if (!ban.target) return null;
  return targetPath(ban.target) + path.slice(ban.path.length);
}

/** `boundary`: an import between services that a contract of `boundaries:` forbids (engine/boundaries.ts); its rule is the contract's name. */
export type FindingKind = 'import' | 'usage' | 'string-reference' | 'boundary';

export type UsageCategory =
  | 'call-no-args'
  | 'call-with-args'
  | 'attribute'
  | 'annotation'
  | 'isinstance'
  | 'spec'
  | 'base-class'
  | 'assignment-target'
  | 'other';

export type Applicability = 'safe' | 'unsafe' | 'manual';

/** What the analysis of one file found, before grouping (positions still as ranges). */
export interface RawFinding {
  readonly ruleId: string;
  readonly kind: FindingKind;
  readonly range: Range;
  /** The banned dotted path this finding reaches (e.g. `pkg.mod.Name`). */
  readonly symbol: string;
  /** The local name or expression text in the file (`AuthRedisManager`, `a.b.M.N`). */
  readonly local: string;
  readonly usage: UsageCategory | null;
}

/** A finding as reported: 1-based lines, 1-based code-point columns, posix path relative to the root. */
export interface Finding {
  rule: string;
  kind: FindingKind;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  symbol: string;
  local: string;
  usage: UsageCategory | null;
  service: string | null;
  phase: string | null;
  parseErrors: boolean;
  message: string;
  fix?: Applicability;
  reason?: string;
  /**
   * The qualified name of the innermost named scope the finding is in
   * (`Class.method`, `function.inner`); '' at module level. Filled by the
   * language adapter; absent when it does not know. Baseline entries are
   * keyed by it, so edits elsewhere in the file do not move them.
   */
  scope?: string;
  /** For a `boundary` finding: the contract, and the service and file of the imported module (`symbol`). */
  boundary?: { readonly contract: string; readonly type: 'forbidden' | 'independence' | 'layers'; readonly toService: string; readonly moduleFile: string };
}

/**
 * A name imported from a module: `from module import name [as local]` — a
 * rule's canonical target, its `types` class, or what a fix places.
 */
export interface ImportTarget {
  readonly module: string;
  readonly name: string;
  /** Local name the statement binds (alias or name). */
  readonly local: string;
}

/** Placeholder service/phase key in summaries for findings outside every service/phase. */
export const UNASSIGNED = '(none)';

export interface FileProblem {
  file: string;
  message: string;
}

/** True when `path` is `prefix` or lies under it (`a.b` is under `a`, `ab` is not). */
export function isAtOrUnder(path: string, prefix: string): boolean {
  return path === prefix || (path.length > prefix.length && path.startsWith(prefix) && path.charCodeAt(prefix.length) === 46);
}

/** The first ban that covers `path`, if any. */
export function findBan(bans: readonly Ban[], path: string): Ban | undefined {
  for (const ban of bans) if (isAtOrUnder(path, ban.path)) return ban;
  return undefined;
}

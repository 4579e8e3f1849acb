/**
 * Language-neutral data: import specs, import targets, bans, findings. No I/O here.
 *
 * Positions inside the program are `Range`s (./range.ts); a reported
 * `Finding` carries 1-based lines and code-point columns, converted once at
 * the edge when findings are built.
 */
import type { Range } from './range.js';

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
}

export type FindingKind = 'import' | 'usage' | 'string-reference';

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

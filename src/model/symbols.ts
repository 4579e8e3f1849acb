/**
 * What a dotted name is, as the language adapter resolved it from the
 * scanned tree: the facts that decide how a migration may rewrite its uses
 * (a move keeps every use; a class replaced by an instance changes calls).
 */

/** `unknown`: not defined in the scanned tree (a third-party or standard-library name), or not decidable statically. */
export type SymbolKind = 'module' | 'class' | 'instance' | 'function' | 'constant' | 'unknown';

/** What a function or method accepts (`self`/`cls` of a method excluded). */
export interface ParameterInfo {
  /** Positional parameters without a default. */
  readonly required: number;
  /** Positional parameters in all (Infinity with `*args`). */
  readonly positional: number;
  /** Parameters that can be passed by keyword. */
  readonly keywords: readonly string[];
  /** Keyword-only parameters without a default. */
  readonly requiredKeywords: readonly string[];
  /** `**kwargs`: any keyword fits. */
  readonly anyKeyword: boolean;
}

/** One member of a class: a method (sync or async, with its parameters), a property, or an attribute. */
export interface MemberInfo {
  readonly kind: 'method' | 'property' | 'attribute';
  readonly async?: boolean;
  readonly parameters?: ParameterInfo;
  /** Where it is defined: root-relative file and 1-based line. */
  readonly definedAt?: { readonly file: string; readonly line: number };
}

export interface SymbolInfo {
  readonly kind: SymbolKind;
  /**
   * The dotted path of the definition, after following re-exports and aliases
   * (`pkg.old.Client` re-exported from `pkg.core.Client` has identity
   * `pkg.core.Client`); two names with the same identity are the same object.
   */
  readonly identity: string;
  /**
   * For `unknown`: the module it would live in is part of the tree (or the
   * name is a missing module of a package in the tree), yet it is not
   * defined there — importing it fails.
   */
  readonly missing?: boolean;
  /** For an instance: the class it is built from (`x = Client()`), when known. */
  readonly classIdentity?: string;
  /** Where it is defined: root-relative file and 1-based line. */
  readonly definedAt?: { readonly file: string; readonly line: number };
  /**
   * For a class, and an instance of a class in the tree: its members — methods
   * (with async-ness and parameters), properties, class attributes and
   * `self.x = …` attributes — its in-tree bases' included.
   */
  readonly members?: Readonly<Record<string, MemberInfo>>;
  /** False when a base class lies outside the tree (or `__getattr__` is defined): a member missing from `members` may still exist. */
  readonly membersComplete?: boolean;
  /** For a function: it is `async def`; for a class: what its constructor accepts. */
  readonly async?: boolean;
  readonly parameters?: ParameterInfo;
}

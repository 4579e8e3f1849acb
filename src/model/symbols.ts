/**
 * What a dotted name is, as the language adapter resolved it from the
 * scanned tree: the facts that decide how a migration may rewrite its uses
 * (a move keeps every use; a class replaced by an instance changes calls).
 */

/** `unknown`: not defined in the scanned tree (a third-party or standard-library name), or not decidable statically. */
export type SymbolKind = 'module' | 'class' | 'instance' | 'function' | 'constant' | 'unknown';

export interface SymbolInfo {
  readonly kind: SymbolKind;
  /**
   * The dotted path of the definition, after following re-exports and aliases
   * (`pkg.old.Client` re-exported from `pkg.core.Client` has identity
   * `pkg.core.Client`); two names with the same identity are the same object.
   */
  readonly identity: string;
  /** For an instance: the class it is built from (`x = Client()`), when known. */
  readonly classIdentity?: string;
  /** Where it is defined: root-relative file and 1-based line. */
  readonly definedAt?: { readonly file: string; readonly line: number };
}

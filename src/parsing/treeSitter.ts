/**
 * Loads web-tree-sitter and the grammar .wasm a language adapter names. One
 * Parser per grammar per thread; parsers are cheap to reuse, trees must be
 * deleted by the caller (they live in wasm memory).
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';
import { moduleOptions } from './wasmCursor.js';

const require = createRequire(import.meta.url);

/** A tree-sitter grammar as a language adapter ships it. */
export interface Grammar {
  /** Stable name (`python`): one parser per name per thread. */
  readonly id: string;
  /** The npm package that ships the grammar (its version is part of the scan cache's fingerprint). */
  readonly package: string;
  /** The .wasm file, as a module path resolvable from here (`tree-sitter-python/tree-sitter-python.wasm`). */
  readonly wasm: string;
}

let initialised: Promise<void> | undefined;
const parsers = new Map<string, Promise<Parser>>();

/** A ready parser for `grammar`; created once per thread and reused. */
export function getParser(grammar: Grammar): Promise<Parser> {
  let parser = parsers.get(grammar.id);
  if (!parser) {
    parser = (async () => {
      // the module object is kept: ./wasmCursor.ts calls its cursor functions directly
      initialised ??= Parser.init(moduleOptions as Parameters<typeof Parser.init>[0]);
      await initialised;
      const lang = await Language.load(require.resolve(grammar.wasm));
      const p = new Parser();
      p.setLanguage(lang);
      return p;
    })();
    parsers.set(grammar.id, parser);
  }
  return parser;
}

export type { Node as WasmNode, Tree } from 'web-tree-sitter';
/** What the analyses read: the lazily built plain-JS mirror of a tree (./liteTree.ts). */
export type { LiteNode as SyntaxNode } from './liteTree.js';

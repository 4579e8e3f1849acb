/**
 * Loads web-tree-sitter and grammar .wasm files shipped by the grammar packages.
 * One Parser per language per thread; parsers are cheap to reuse, trees must be
 * deleted by the caller (they live in wasm memory).
 */
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

export type LanguageId = 'python';

const GRAMMAR_WASM: Record<LanguageId, string> = {
  python: 'tree-sitter-python/tree-sitter-python.wasm',
};

let initialised: Promise<void> | undefined;
const parsers = new Map<LanguageId, Promise<Parser>>();

/** A ready parser for `language`; created once and reused. */
export function getParser(language: LanguageId): Promise<Parser> {
  let parser = parsers.get(language);
  if (!parser) {
    parser = (async () => {
      initialised ??= Parser.init();
      await initialised;
      const lang = await Language.load(require.resolve(GRAMMAR_WASM[language]));
      const p = new Parser();
      p.setLanguage(lang);
      return p;
    })();
    parsers.set(language, parser);
  }
  return parser;
}

export type { Node as WasmNode, Tree } from 'web-tree-sitter';
/** What the analyses read: the lazily built plain-JS mirror of a tree (./liteTree.ts). */
export type { LiteNode as SyntaxNode } from './liteTree.js';

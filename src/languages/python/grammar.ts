import type { Grammar } from '../../parsing/treeSitter.js';

/** tree-sitter-python, as shipped (wasm) by its npm package. */
export const PYTHON_GRAMMAR: Grammar = {
  id: 'python',
  package: 'tree-sitter-python',
  wasm: 'tree-sitter-python/tree-sitter-python.wasm',
};

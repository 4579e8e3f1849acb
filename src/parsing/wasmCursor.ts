/**
 * Direct calls into web-tree-sitter's wasm cursor functions, for copying a
 * tree out of wasm (./liteTree.ts) without the per-call marshalling of
 * TreeCursor's methods.
 *
 * Why: every TreeCursor method writes the cursor's four words into the
 * binding's transfer buffer with `setValue`, calls the wasm function, and
 * reads the four words back — eight generic heap accesses around a call
 * that itself takes tens of nanoseconds. Copying the children of one node
 * takes six such calls per child; on a 2.3 MB file whose 40,000 functions
 * all use a deprecated name that was two thirds of the analysis (issue 18).
 *
 * How: the wasm side keeps the cursor in its transfer buffer between calls
 * (each navigation function reads it from there and writes the moved cursor
 * back; each query function only reads it). So a walk writes the cursor
 * once, makes its calls, and reads it back once, into the TreeCursor, which
 * stays the owner of the cursor (and frees it).
 *
 * The binding is the Emscripten module object web-tree-sitter fills in from
 * the options given to `Parser.init` — its documented way to configure the
 * module — and the function names are those of web-tree-sitter's
 * `lib/tree-sitter.c`. `rawCursorBinding` checks every one; when any is
 * missing (another web-tree-sitter), LiteTree uses TreeCursor's methods, and
 * test/parsing/liteTree.test.ts checks that both copy the same trees.
 */
import type { Tree, TreeCursor } from 'web-tree-sitter';

/** The wasm functions a walk calls: each takes the tree's address and reads the cursor from the transfer buffer. */
export interface RawCursorBinding {
  readonly HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_goto_descendant_wasm(tree: number, index: number): void;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_current_descendant_index_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
}

const FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_goto_descendant_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_current_descendant_index_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
] as const;

/** The module object given to `Parser.init` (filled in by it). */
export const moduleOptions: Record<string, unknown> = {};

let checked: RawCursorBinding | null | undefined;
let transferWord = 0;

/** The binding, once `Parser.init(moduleOptions)` is done and it has every function a walk needs; else null. */
export function rawCursorBinding(): RawCursorBinding | null {
  if (checked !== undefined) return checked;
  const module = moduleOptions as Partial<Record<string, unknown>>;
  const complete = module.HEAP32 instanceof Int32Array && FUNCTIONS.every((name) => typeof module[name] === 'function');
  if (!complete) return (checked = null);
  const binding = module as unknown as RawCursorBinding;
  // _ts_init only stores the language versions in the buffer and returns its address
  transferWord = binding._ts_init() >> 2;
  return (checked = binding);
}

/** For tests: walk with TreeCursor's methods even where the binding is there. */
export function disableRawCursor(disabled: boolean): void {
  checked = disabled ? null : undefined;
}

/** The tree's address in wasm memory (web-tree-sitter's internal handle). */
export function treeAddress(tree: Tree): number {
  return (tree as unknown as { 0: number })[0];
}

type CursorWords = { 0: number; 1: number; 2: number; 3: number };

/** Puts `cursor` into the transfer buffer, where the raw calls read it. */
export function loadCursor(binding: RawCursorBinding, cursor: TreeCursor): void {
  const heap = binding.HEAP32;
  const words = cursor as unknown as CursorWords;
  heap[transferWord] = words[0];
  heap[transferWord + 1] = words[1];
  heap[transferWord + 2] = words[2];
  heap[transferWord + 3] = words[3];
}

/** Reads the moved cursor back into `cursor` (its stack may have been reallocated, so the words change). */
export function storeCursor(binding: RawCursorBinding, cursor: TreeCursor): void {
  // read the views again: a call may have grown the memory, which replaces them
  const heap = binding.HEAP32;
  const words = cursor as unknown as CursorWords;
  words[0] = heap[transferWord]!;
  words[1] = heap[transferWord + 1]!;
  words[2] = heap[transferWord + 2]!;
  words[3] = heap[transferWord + 3]!;
}

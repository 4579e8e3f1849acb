/**
 * A plain-JavaScript mirror of a tree-sitter tree, built lazily: a node's
 * children are copied from the wasm tree the first time they are asked for,
 * then every access is a JS property read.
 *
 * Why: each property read on a web-tree-sitter Node crosses into wasm and
 * allocates (and `parent` re-descends from the root) — analysing a tree that
 * way cost twice its parse. With the mirror, an analysis pays only for the
 * nodes it visits, so skipping the statements that cannot matter (see
 * `relevantStatements` in languages/python/analyze.ts) skips their copying too.
 *
 * LiteNode implements the subset of the Node API the analyses use, with the
 * same meaning (indices are UTF-16 string indices, rows 0-based). The wasm
 * tree must stay alive while nodes are still being materialised: call
 * `dispose()` (or delete the tree) only when the analysis is done.
 */
import type { Language, Tree, TreeCursor } from 'web-tree-sitter';
import { loadCursor, rawCursorBinding, storeCursor, treeAddress, type RawCursorBinding } from './wasmCursor.js';

export interface Point {
  readonly row: number;
  readonly column: number;
}

export class LiteTree {
  readonly root: LiteNode;
  readonly language: Language;
  private cursor: TreeCursor | null;
  private readonly types: string[];
  private readonly fields: (string | null)[];
  private lineStarts: number[] | undefined;
  /** Per node type: named or not (a property of the type, aliases included — one wasm call per type, not per node). */
  private readonly namedTypes: Map<number, boolean>;
  /** web-tree-sitter's wasm cursor functions, called directly (./wasmCursor.ts), or null: TreeCursor's methods. */
  private readonly raw: RawCursorBinding | null;
  private readonly address: number;
  private readonly scratch: LiteNode[] = [];
  private readonly scratchByDepth: LiteNode[][] = [];
  /** @internal tree-sitter's answer for the root (one call instead of a walk). */
  readonly rootHasError: boolean;

  constructor(
    tree: Tree,
    readonly source: string,
  ) {
    this.language = tree.language;
    this.types = tree.language.types;
    this.fields = tree.language.fields;
    this.namedTypes = namedTypesOf(tree.language);
    this.cursor = tree.walk();
    this.raw = rawCursorBinding();
    this.address = treeAddress(tree);
    const cursor = this.cursor;
    this.root = new LiteNode(this, null, 0, cursor.nodeType, NAMED, null, cursor.startIndex, cursor.endIndex);
    this.rootHasError = tree.rootNode.hasError;
  }

  /** Frees the wasm cursor; the tree itself belongs to the caller. Nodes not yet materialised cannot be afterwards. */
  dispose(): void {
    this.cursor?.delete();
    this.cursor = null;
  }

  /**
   * Copies the children of `node` out of the wasm tree (once per node): all
   * of them, or with `namedOnly` only the named ones (the analyses rarely
   * ask for a keyword or a bracket; copying those too was four nodes in ten).
   * `named`, the named ones copied before, are reused: a node is one object.
   */
  materialize(node: LiteNode, namedOnly: boolean, named: readonly LiteNode[] | undefined): readonly LiteNode[] {
    const cursor = this.cursor;
    if (!cursor) throw new Error('internal: syntax tree read after it was disposed');
    if (this.raw) return this.materializeRaw(node, namedOnly, named, cursor, this.raw);
    // TreeCursor's methods: always every child (namedChildren then filters them)
    if (named) throw new Error('internal: named children copied without the raw cursor');
    cursor.gotoDescendant(node.id);
    const children: LiteNode[] = [];
    if (!cursor.gotoFirstChild()) return NO_NODES;
    const withFields = node.isNamed; // anonymous nodes have no fields
    do {
      const typeId = cursor.nodeTypeId;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const fieldId = withFields ? cursor.currentFieldId : 0;
      const missing = start === end && cursor.nodeIsMissing;
      // (an ERROR leaf — an unexpected character — is not named, an ERROR node is: ask the node)
      let isNamed = typeId === ERROR_TYPE_ID ? undefined : this.namedTypes.get(typeId);
      if (isNamed === undefined) {
        isNamed = typeId === ERROR_TYPE_ID ? cursor.nodeIsNamed : this.language.nodeTypeIsNamed(typeId);
        if (typeId !== ERROR_TYPE_ID) this.namedTypes.set(typeId, isNamed);
      }
      children.push(
        new LiteNode(
          this,
          node,
          cursor.currentDescendantIndex,
          this.types[typeId] ?? 'ERROR',
          (isNamed ? NAMED : 0) | (missing ? MISSING : 0),
          fieldId ? (this.fields[fieldId] ?? null) : null,
          start,
          end,
        ),
      );
    } while (cursor.gotoNextSibling());
    return children;
  }

  /** Whether `materialize` can copy the named children alone (with the raw cursor). */
  get copiesNamedAlone(): boolean {
    return this.raw !== null;
  }

  /** `materialize` with the same calls made straight into wasm: the cursor is written once and read back once. */
  private materializeRaw(node: LiteNode, namedOnly: boolean, named: readonly LiteNode[] | undefined, cursor: TreeCursor, b: RawCursorBinding): readonly LiteNode[] {
    const tree = this.address;
    // gathered in one reused array, then copied at their exact count: most nodes have a few
    // children, and an array grown by push keeps room for 17
    const children = this.scratch;
    children.length = 0;
    let reused = 0;
    loadCursor(b, cursor);
    b._ts_tree_cursor_goto_descendant_wasm(tree, node.id);
    if (b._ts_tree_cursor_goto_first_child_wasm(tree)) {
      const withFields = node.isNamed;
      do {
        const typeId = b._ts_tree_cursor_current_node_type_id_wasm(tree);
        const isNamed = this.rawIsNamed(typeId, b, tree);
        if (!isNamed && namedOnly) {
          // childForFieldName may then look among the named ones only when no other child fills a field
          if (withFields && b._ts_tree_cursor_current_field_id_wasm(tree) !== 0) node.markAnonymousFields();
          continue;
        }
        if (isNamed && named) {
          children.push(named[reused++]!);
          continue;
        }
        children.push(this.rawNode(node, typeId, isNamed, withFields, b, tree));
      } while (b._ts_tree_cursor_goto_next_sibling_wasm(tree));
    }
    storeCursor(b, cursor);
    if (named && reused !== named.length) throw new Error('internal: the named children changed between two copies');
    return children.length === 0 ? NO_NODES : children.slice();
  }

  /** Whether the cursor's node, of `typeId`, is named: a property of the type (asked once per type), except for ERROR, asked of the node. */
  private rawIsNamed(typeId: number, b: RawCursorBinding, tree: number): boolean {
    // (an ERROR leaf — an unexpected character — is not named, an ERROR node is)
    if (typeId === ERROR_TYPE_ID) return b._ts_tree_cursor_current_node_is_named_wasm(tree) === 1;
    let isNamed = this.namedTypes.get(typeId);
    if (isNamed === undefined) this.namedTypes.set(typeId, (isNamed = this.language.nodeTypeIsNamed(typeId)));
    return isNamed;
  }

  /** A node for the cursor's node, a child of `parent` (its field read only when `withFields`: anonymous parents have none). */
  private rawNode(parent: LiteNode, typeId: number, isNamed: boolean, withFields: boolean, b: RawCursorBinding, tree: number): LiteNode {
    const start = b._ts_tree_cursor_start_index_wasm(tree);
    const end = b._ts_tree_cursor_end_index_wasm(tree);
    const fieldId = withFields ? b._ts_tree_cursor_current_field_id_wasm(tree) : 0;
    const missing = start === end && b._ts_tree_cursor_current_node_is_missing_wasm(tree) === 1;
    return new LiteNode(
      this,
      parent,
      b._ts_tree_cursor_current_descendant_index_wasm(tree),
      this.types[typeId] ?? 'ERROR',
      (isNamed ? NAMED : 0) | (missing ? MISSING : 0),
      fieldId ? (this.fields[fieldId] ?? null) : null,
      start,
      end,
    );
  }

  /**
   * Copies the named children of `top` and of every named node below it in
   * one walk of the wasm tree — the cursor moves to a first child, a next
   * sibling, a parent, instead of descending from the root once per node as
   * `materialize` does — leaving out what lies below a node `skip` accepts
   * (that node itself is copied). Nodes copied before are reused, so a node
   * stays one object. Without the raw cursor calls it copies nothing: the
   * nodes are then copied when asked for, as always.
   */
  copyNamedSubtree(top: LiteNode, skip: ((node: LiteNode) => boolean) | undefined): void {
    const cursor = this.cursor;
    if (!cursor) throw new Error('internal: syntax tree read after it was disposed');
    const b = this.raw;
    if (!b) return;
    const tree = this.address;
    loadCursor(b, cursor);
    b._ts_tree_cursor_goto_descendant_wasm(tree, top.id);
    const frames: CopyFrame[] = [];
    // each frame gathers its children in the reused array of its depth, copied at their exact count when done
    const gathered = this.scratchByDepth;
    const frameOf = (node: LiteNode): CopyFrame => {
      const kids = (gathered[frames.length] ??= []);
      kids.length = 0;
      return { node, existing: node.copiedNamed, at: 0, kids };
    };
    let frame: CopyFrame | undefined = b._ts_tree_cursor_goto_first_child_wasm(tree) ? frameOf(top) : (top.setNamedIfUnset(NO_NODES), undefined);
    while (frame) {
      // the cursor is on a child of frame.node (a named node, so its children can fill fields)
      const typeId = b._ts_tree_cursor_current_node_type_id_wasm(tree);
      const isNamed = this.rawIsNamed(typeId, b, tree);
      let into: LiteNode | undefined;
      if (!isNamed) {
        if (b._ts_tree_cursor_current_field_id_wasm(tree) !== 0) frame.node.markAnonymousFields();
      } else {
        let child: LiteNode;
        if (frame.existing) {
          child = frame.existing[frame.at++]!;
          if (!child) throw new Error('internal: the named children changed between two copies');
        } else {
          child = this.rawNode(frame.node, typeId, true, true, b, tree);
          frame.kids.push(child);
        }
        if (!skip?.(child)) into = child;
      }
      if (into) {
        if (b._ts_tree_cursor_goto_first_child_wasm(tree)) {
          frames.push(frame);
          frame = frameOf(into);
          continue;
        }
        into.setNamedIfUnset(NO_NODES);
      }
      // the next sibling, or up to the next frame that has one
      while (frame && !b._ts_tree_cursor_goto_next_sibling_wasm(tree)) {
        finishFrame(frame);
        frame = frames.pop();
        if (frame) b._ts_tree_cursor_goto_parent_wasm(tree);
      }
    }
    storeCursor(b, cursor);
  }

  point(index: number): Point {
    const starts = this.rowStarts();
    const row = rowOf(starts, index);
    return { row, column: index - starts[row]! };
  }

  /**
   * The whole rows [start, end) touches: from the start of `start`'s row to
   * the \n that ends `end`'s row (or the end of the text). Found in the row
   * index, so its cost does not grow with the length of the line.
   */
  rowSpan(start: number, end: number): { from: number; to: number } {
    const starts = this.rowStarts();
    const next = rowOf(starts, end) + 1;
    return { from: starts[rowOf(starts, start)]!, to: next < starts.length ? starts[next]! - 1 : this.source.length };
  }

  private rowStarts(): number[] {
    return (this.lineStarts ??= lineStartsOf(this.source));
  }
}

/** One named node of `copyNamedSubtree`'s walk: its named children copied so far, or the ones copied before. */
interface CopyFrame {
  readonly node: LiteNode;
  readonly existing: readonly LiteNode[] | undefined;
  /** The next of `existing` to meet. */
  at: number;
  readonly kids: LiteNode[];
}

function finishFrame(frame: CopyFrame): void {
  if (frame.existing) {
    if (frame.at !== frame.existing.length) throw new Error('internal: the named children changed between two copies');
    return;
  }
  frame.node.setNamedIfUnset(frame.kids.length === 0 ? NO_NODES : frame.kids.slice());
}

/** LiteNode.flags bits. */
const NAMED = 1;
const MISSING = 2;
/** Some anonymous child fills a field (so the named children alone do not answer childForFieldName). */
const ANONYMOUS_FIELDS = 4;

/**
 * A node of the mirror. A file's analysis holds every node of the
 * statements it visits until it is done (tens of bytes each, 12 for a
 * two-line function): the fields are only what the analyses read, flags
 * are packed, and a leaf's children are one shared empty array.
 */
export class LiteNode {
  private kids: readonly LiteNode[] | undefined;
  private named: readonly LiteNode[] | undefined;

  constructor(
    private readonly owner: LiteTree,
    readonly parent: LiteNode | null,
    /** Unique in its tree: the node's pre-order index (tree-sitter's descendant index). */
    readonly id: number,
    readonly type: string,
    /** NAMED | MISSING | ANONYMOUS_FIELDS */
    private flags: number,
    /** The field this node fills in its parent, or null. */
    readonly fieldName: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }

  /** The tree this node belongs to (for its language). */
  get tree(): LiteTree {
    return this.owner;
  }

  get children(): readonly LiteNode[] {
    return (this.kids ??= this.owner.materialize(this, false, this.named));
  }

  get namedChildren(): readonly LiteNode[] {
    if (this.named === undefined) this.named = this.kids === undefined && this.owner.copiesNamedAlone ? this.owner.materialize(this, true, undefined) : namedOf(this.children);
    return this.named;
  }

  /** @internal The named children when copied already (else undefined). */
  get copiedNamed(): readonly LiteNode[] | undefined {
    return this.named;
  }

  /** @internal Set by LiteTree.copyNamedSubtree. */
  setNamedIfUnset(named: readonly LiteNode[]): void {
    this.named ??= named;
  }

  /**
   * Copies the named nodes below this one in one walk (see
   * LiteTree.copyNamedSubtree), except below the nodes `skip` accepts: for
   * an analysis that is about to visit them all.
   */
  copyNamedDescendants(skip?: (node: LiteNode) => boolean): void {
    this.owner.copyNamedSubtree(this, skip);
  }

  /** @internal Set while copying the named children alone. */
  markAnonymousFields(): void {
    this.flags |= ANONYMOUS_FIELDS;
  }

  /** The children a field can be among: all of them once copied; else the named ones, when no other child fills a field. */
  private fieldCandidates(): readonly LiteNode[] {
    if (this.kids !== undefined) return this.kids;
    const named = this.namedChildren;
    // (without the raw cursor, namedChildren copied every child)
    if (this.kids !== undefined) return this.kids;
    return this.flags & ANONYMOUS_FIELDS ? this.children : named;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get text(): string {
    return this.owner.source.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.owner.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.owner.point(this.endIndex);
  }

  /**
   * The root's is tree-sitter's own answer; below the root: the subtree
   * holds an ERROR or MISSING node (tree-sitter says false for an ERROR leaf).
   */
  get hasError(): boolean {
    if (!this.parent) return this.owner.rootHasError;
    // (asked of the root in practice; below it, a walk of the subtree, not a flag on every node)
    const stack: LiteNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === 'ERROR' || node.isMissing) return true;
      for (const child of node.children) stack.push(child);
    }
    return false;
  }

  childForFieldName(field: string): LiteNode | null {
    for (const child of this.fieldCandidates()) if (child.fieldName === field) return child;
    return null;
  }

  childrenForFieldName(field: string): LiteNode[] {
    return this.fieldCandidates().filter((c) => c.fieldName === field);
  }

  /**
   * The smallest node that contains `index`, anonymous nodes included — as
   * tree-sitter's descendantForIndex: descend into the first child that ends
   * after `index`, when it starts at or before it.
   */
  descendantForIndex(index: number): LiteNode {
    let node: LiteNode = this;
    for (;;) {
      // The named children first (an anonymous node is a token, with no children): when one
      // holds `index` it is the first child to end after it, as the children are in order
      // and do not overlap. Only when none does are the tokens copied, to look among them.
      const next = firstEndingAfter(node.namedChildren, index) ?? firstEndingAfter(node.children, index);
      if (!next) return node;
      node = next;
    }
  }

  /**
   * The smallest named node that contains `index`: descendantForIndex
   * without copying any token out of the wasm tree. Where a named node
   * starts at `index` (a finding's start), it is that node or one of its
   * descendants starting there, with the same ancestors.
   */
  namedDescendantForIndex(index: number): LiteNode {
    let node: LiteNode = this;
    for (;;) {
      const next = firstEndingAfter(node.namedChildren, index);
      if (!next) return node;
      node = next;
    }
  }

  /**
   * Named descendants of `type` in document order. `skip(node)` true leaves
   * a subtree out (it is then never copied out of the wasm tree).
   */
  descendantsOfType(type: string, skip?: (node: LiteNode) => boolean): LiteNode[] {
    // An explicit stack, not recursion: nesting depth is the input's to choose.
    const out: LiteNode[] = [];
    const stack: LiteNode[] = [this];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node !== this) {
        if (skip?.(node)) continue;
        if (node.type === type) out.push(node);
      }
      // (every type asked for is a named one, and named nodes have only named descendants under named children)
      pushReversed(stack, node.namedChildren);
    }
    return out;
  }
}

/**
 * Walks up from a node to answer a question about its ancestors, remembering
 * the answers along a long walk: asked for every use in a deeply nested
 * expression (`a + a + … + a`, left-deep), each walk then stops where an
 * earlier one passed, and the cost is linear in the tree, not quadratic.
 * `step(above, node)` is the answer for `node` given the answer for its
 * parent (`top` above the root); a walk also stops at a node `decides` answers
 * on its own (the answer of everything below it up to there).
 */
export class AncestorMemo<T> {
  private readonly known = new WeakMap<LiteNode, T>();
  /** Nothing remembered yet (the usual case: walks are short): no lookups. */
  private empty = true;
  private readonly path: LiteNode[] = [];

  constructor(
    private readonly top: T,
    private readonly step: (above: T, node: LiteNode) => T,
    private readonly decides: (node: LiteNode) => T | undefined = () => undefined,
  ) {}

  of(node: LiteNode): T {
    const path = this.path;
    path.length = 0;
    let value = this.top;
    for (let n: LiteNode | null = node; n; n = n.parent) {
      const known = (this.empty ? undefined : this.known.get(n)) ?? this.decides(n);
      if (known !== undefined) {
        value = known;
        break;
      }
      path.push(n);
    }
    // (short walks, the usual ones, are not worth remembering)
    const remember = path.length > MEMO_AFTER;
    if (remember) this.empty = false;
    for (let i = path.length - 1; i >= 0; i--) {
      value = this.step(value, path[i]!);
      if (remember) this.known.set(path[i]!, value);
    }
    path.length = 0;
    return value;
  }
}

const MEMO_AFTER = 48;

/**
 * `items` pushed last first, so that popping `stack` yields them in order:
 * how the walks here and in the analyses go through children with an
 * explicit stack (nesting depth is the input's to choose, not recursion's).
 */
export function pushReversed<T>(stack: T[], items: readonly T[]): void {
  for (let i = items.length - 1; i >= 0; i--) stack.push(items[i]!);
}

/**
 * The first of `kids` (in document order, so their end indices do not
 * decrease) that ends after `index`, when it starts at or before it; else
 * undefined. A binary search: a module body can have tens of thousands.
 */
function firstEndingAfter(kids: readonly LiteNode[], index: number): LiteNode | undefined {
  let lo = 0;
  let hi = kids.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (kids[mid]!.endIndex <= index) lo = mid + 1;
    else hi = mid;
  }
  const next = kids[lo];
  return next && next.startIndex <= index ? next : undefined;
}

/** The named ones of `kids`: the same array when all are, else a copy of exactly their number. */
function namedOf(kids: readonly LiteNode[]): readonly LiteNode[] {
  let count = 0;
  for (const kid of kids) if (kid.isNamed) count++;
  if (count === kids.length) return kids;
  if (count === 0) return NO_NODES;
  const named = new Array<LiteNode>(count);
  let at = 0;
  for (const kid of kids) if (kid.isNamed) named[at++] = kid;
  return named;
}

/** The children of every leaf (one shared array, never written). */
const NO_NODES: readonly LiteNode[] = Object.freeze([]);

/** tree-sitter's ts_builtin_sym_error. */
const ERROR_TYPE_ID = 65535;

const namedTypesByLanguage = new WeakMap<Language, Map<number, boolean>>();

function namedTypesOf(language: Language): Map<number, boolean> {
  let named = namedTypesByLanguage.get(language);
  if (!named) namedTypesByLanguage.set(language, (named = new Map()));
  return named;
}

/** The row of string index `index` (`starts`: each row's first index, ascending). */
function rowOf(starts: readonly number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows as tree-sitter counts them: a new row after each \n. */
function lineStartsOf(source: string): number[] {
  const starts = [0];
  let at = source.indexOf('\n');
  while (at >= 0) {
    starts.push(at + 1);
    at = source.indexOf('\n', at + 1);
  }
  return starts;
}

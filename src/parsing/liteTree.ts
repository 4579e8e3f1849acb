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

  constructor(
    tree: Tree,
    readonly source: string,
  ) {
    this.language = tree.language;
    this.types = tree.language.types;
    this.fields = tree.language.fields;
    this.namedTypes = namedTypesOf(tree.language);
    this.cursor = tree.walk();
    const cursor = this.cursor;
    this.root = new LiteNode(this, null, 0, cursor.nodeType, true, false, null, cursor.startIndex, cursor.endIndex);
    this.root.setError(tree.rootNode.hasError);
  }

  /** Frees the wasm cursor; the tree itself belongs to the caller. Nodes not yet materialised cannot be afterwards. */
  dispose(): void {
    this.cursor?.delete();
    this.cursor = null;
  }

  /** Copies the children of `node` out of the wasm tree (once per node). */
  materialize(node: LiteNode): LiteNode[] {
    const cursor = this.cursor;
    if (!cursor) throw new Error('internal: syntax tree read after it was disposed');
    cursor.gotoDescendant(node.id);
    const children: LiteNode[] = [];
    if (!cursor.gotoFirstChild()) return children;
    const withFields = node.isNamed; // anonymous nodes have no fields
    do {
      const typeId = cursor.nodeTypeId;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const fieldId = withFields ? cursor.currentFieldId : 0;
      const missing = start === end && cursor.nodeIsMissing;
      // (an ERROR leaf — an unexpected character — is not named, an ERROR node is: ask the node)
      let named = typeId === ERROR_TYPE_ID ? undefined : this.namedTypes.get(typeId);
      if (named === undefined) {
        named = typeId === ERROR_TYPE_ID ? cursor.nodeIsNamed : this.language.nodeTypeIsNamed(typeId);
        if (typeId !== ERROR_TYPE_ID) this.namedTypes.set(typeId, named);
      }
      children.push(
        new LiteNode(
          this,
          node,
          cursor.currentDescendantIndex,
          this.types[typeId] ?? 'ERROR',
          named,
          missing,
          fieldId ? (this.fields[fieldId] ?? null) : null,
          start,
          end,
        ),
      );
    } while (cursor.gotoNextSibling());
    return children;
  }

  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.source));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo]! };
  }
}

export class LiteNode {
  private kids: LiteNode[] | undefined;
  private named: LiteNode[] | undefined;
  private errorFlag: boolean | undefined;

  constructor(
    private readonly owner: LiteTree,
    readonly parent: LiteNode | null,
    /** Unique in its tree: the node's pre-order index (tree-sitter's descendant index). */
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    /** The field this node fills in its parent, or null. */
    readonly fieldName: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  /** The tree this node belongs to (for its language). */
  get tree(): LiteTree {
    return this.owner;
  }

  get children(): LiteNode[] {
    return (this.kids ??= this.owner.materialize(this));
  }

  get namedChildren(): LiteNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
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
    this.errorFlag ??= this.type === 'ERROR' || this.isMissing || this.children.some((c) => c.hasError);
    return this.errorFlag;
  }

  /** @internal Set from the wasm tree for the root (where it is one call instead of a walk). */
  setError(value: boolean): void {
    this.errorFlag = value;
  }

  childForFieldName(field: string): LiteNode | null {
    for (const child of this.children) if (child.fieldName === field) return child;
    return null;
  }

  childrenForFieldName(field: string): LiteNode[] {
    return this.children.filter((c) => c.fieldName === field);
  }

  /**
   * The smallest node that contains `index`, anonymous nodes included — as
   * tree-sitter's descendantForIndex: descend into the first child that ends
   * after `index`, when it starts at or before it.
   */
  descendantForIndex(index: number): LiteNode {
    let node: LiteNode = this;
    for (;;) {
      // Children are in document order, so their end indices do not decrease:
      // binary search for the first that ends after `index` (a file of one
      // huge module body has tens of thousands of children at the top).
      const kids = node.children;
      let lo = 0;
      let hi = kids.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (kids[mid]!.endIndex <= index) lo = mid + 1;
        else hi = mid;
      }
      const next = kids[lo];
      if (!next || next.startIndex > index) return node;
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
      const kids = node.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    }
    return out;
  }
}

/** tree-sitter's ts_builtin_sym_error. */
const ERROR_TYPE_ID = 65535;

const namedTypesByLanguage = new WeakMap<Language, Map<number, boolean>>();

function namedTypesOf(language: Language): Map<number, boolean> {
  let named = namedTypesByLanguage.get(language);
  if (!named) namedTypesByLanguage.set(language, (named = new Map()));
  return named;
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

/**
 * A plain-JavaScript copy of a tree-sitter tree, made in one cursor walk.
 *
 * Why: every property access on a web-tree-sitter Node crosses into wasm and
 * allocates (and `parent` re-descends from the root), which made analysis
 * cost more than parsing. Copying once through a TreeCursor and analysing the
 * copy is several times faster and lets the wasm tree be freed at once.
 * LiteNode implements the subset of the Node API the analyses use, with the
 * same meaning (indices are UTF-16 string indices, rows 0-based).
 */
import type { Tree } from 'web-tree-sitter';

export interface Point {
  readonly row: number;
  readonly column: number;
}

export class LiteNode {
  readonly children: LiteNode[] = [];
  parent: LiteNode | null = null;
  private named?: LiteNode[];
  private errorFlag: boolean | undefined;

  constructor(
    private readonly source: string,
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly fieldName: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly lines: RowIndex,
  ) {}

  /** Row (0-based) and column (UTF-16 units from the line start) of startIndex. */
  get startPosition(): Point {
    return this.lines.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.lines.point(this.endIndex);
  }

  get text(): string {
    return this.source.slice(this.startIndex, this.endIndex);
  }

  get namedChildren(): LiteNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get childCount(): number {
    return this.children.length;
  }

  get hasError(): boolean {
    if (this.errorFlag === undefined) {
      this.errorFlag = this.type === 'ERROR' || this.isMissing || this.children.some((c) => c.hasError);
    }
    return this.errorFlag;
  }

  childForFieldName(field: string): LiteNode | null {
    for (const child of this.children) if (child.fieldName === field) return child;
    return null;
  }

  childrenForFieldName(field: string): LiteNode[] {
    return this.children.filter((c) => c.fieldName === field);
  }

  /** The smallest node that contains [index, index] (as tree-sitter's descendantForIndex). */
  descendantForIndex(index: number): LiteNode {
    let node: LiteNode = this;
    for (;;) {
      const next: LiteNode | undefined = node.children.find((c) => c.startIndex <= index && index < c.endIndex) ??
        node.children.find((c) => c.startIndex <= index && index <= c.endIndex && c.startIndex !== c.endIndex);
      if (!next) return node;
      node = next;
    }
  }

  /** A cursor over this subtree with the TreeCursor calls the analyses use. */
  walk(): LiteCursor {
    return new LiteCursor(this);
  }
}

export class LiteCursor {
  private node: LiteNode;
  constructor(private readonly root: LiteNode) {
    this.node = root;
  }
  get currentNode(): LiteNode {
    return this.node;
  }
  get nodeType(): string {
    return this.node.type;
  }
  get nodeText(): string {
    return this.node.text;
  }
  get startPosition(): Point {
    return this.node.startPosition;
  }
  get startIndex(): number {
    return this.node.startIndex;
  }
  gotoFirstChild(): boolean {
    const first = this.node.children[0];
    if (!first) return false;
    this.node = first;
    return true;
  }
  gotoNextSibling(): boolean {
    if (this.node === this.root || !this.node.parent) return false;
    const siblings = this.node.parent.children;
    const next = siblings[siblings.indexOf(this.node) + 1];
    if (!next) return false;
    this.node = next;
    return true;
  }
  gotoParent(): boolean {
    if (this.node === this.root || !this.node.parent) return false;
    this.node = this.node.parent;
    return true;
  }
  delete(): void {}
}

/** Line starts of a source, built on first use (most trees never need a row). */
class RowIndex {
  private starts: number[] | undefined;
  constructor(private readonly source: string) {}
  point(index: number): Point {
    const starts = (this.starts ??= lineStarts(this.source));
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

/** Rows as tree-sitter counts them: a new row after each \n. */
function lineStarts(source: string): number[] {
  const starts = [0];
  let at = source.indexOf('\n');
  while (at >= 0) {
    starts.push(at + 1);
    at = source.indexOf('\n', at + 1);
  }
  return starts;
}

/** Copies `tree` (parsed from `source`) into LiteNodes. The caller may delete `tree` afterwards. */
export function toLiteTree(tree: Tree, source: string): LiteNode {
  const cursor = tree.walk();
  const types = tree.language.types;
  const fields = tree.language.fields;
  const lines = new RowIndex(source);
  let nextId = 0;
  const make = (parent: LiteNode | null): LiteNode => {
    const typeId = cursor.nodeTypeId;
    const fieldId = parent ? cursor.currentFieldId : 0;
    const node = new LiteNode(
      source,
      nextId++,
      types[typeId] ?? 'ERROR',
      cursor.nodeIsNamed,
      false,
      fieldId ? (fields[fieldId] ?? null) : null,
      cursor.startIndex,
      cursor.endIndex,
      lines,
    );
    node.parent = parent;
    return node;
  };
  const root = make(null);
  let current = root;
  try {
    if (cursor.gotoFirstChild()) {
      for (;;) {
        const node = make(current);
        current.children.push(node);
        if (cursor.gotoFirstChild()) {
          current = node;
          continue;
        }
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent() || cursor.currentDepth === 0) return root;
          current = current.parent!;
        }
      }
    }
    return root;
  } finally {
    cursor.delete();
  }
}

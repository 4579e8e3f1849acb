/**
 * Ranges and their conversion to lines and columns.
 *
 * Units: every `Range` is in JavaScript string indices (UTF-16 code units) of
 * the decoded file text without its BOM — web-tree-sitter's `startIndex`.
 * LineIndex converts to 1-based lines and code-point columns at the edge.
 */

/** Half-open [start, end) in UTF-16 code units of the decoded text (BOM excluded). */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * Converts string indices to 1-based line and code-point column, once per file.
 * Line breaks: \n, \r\n and lone \r (as Python and tree-sitter count them).
 */
export class LineIndex {
  private readonly starts: number[];
  constructor(private readonly text: string) {
    const starts = [0];
    this.starts = starts;
    if (text.indexOf('\r') < 0) {
      // the common case, found by the engine's own search instead of a loop over every code unit
      for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
  }

  /** 0-based line containing string index `index`. */
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * 1-based line and 1-based column counted in Unicode code points. Asked in
   * order along a line (as findings come), the count goes on from the last
   * answer instead of the line's start: linear, not quadratic, in a long line.
   */
  position(index: number): { line: number; column: number } {
    const line = this.lineOf(index);
    let i = this.starts[line]!;
    let column = 1;
    // (the last answer is a state of the count below when it ended at a code point's start)
    if (this.lastLine === line && this.lastIndex <= index && !isHighSurrogate(this.text.charCodeAt(this.lastIndex - 1))) {
      i = this.lastIndex;
      column = this.lastColumn;
    }
    for (; i < index; i++) {
      if (isHighSurrogate(this.text.charCodeAt(i)) && i + 1 < index) i++;
      column++;
    }
    this.lastLine = line;
    this.lastIndex = index;
    this.lastColumn = column;
    return { line: line + 1, column };
  }

  private lastLine = -1;
  private lastIndex = 0;
  private lastColumn = 1;

  lineStart(line0: number): number {
    return this.starts[line0] ?? this.text.length;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

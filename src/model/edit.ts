/**
 * Fixes as data (as ruff's Edit): an edit is a range of the decoded text plus
 * replacement text. Applying is a splice of the original text; nothing else
 * of the file changes.
 */
import type { Range } from './range.js';

/**
 * Replace [start, end) of the decoded text (BOM excluded, UTF-16 indices)
 * with `text`. `binds`: the edit places one identifier, which must resolve to
 * this dotted path in the result (validation checks it).
 */
export interface Edit extends Range {
  readonly text: string;
  readonly binds?: string;
}

export interface AppliedEdits {
  readonly text: string;
  /** Start of each edit's replacement in the new text (same order as the sorted edits). */
  readonly newStarts: number[];
}

/** Edits must not overlap; they are applied in start order. Throws on overlap (a planner bug). */
export function applyEdits(text: string, edits: readonly Edit[]): AppliedEdits {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  const newStarts: number[] = [];
  let cursor = 0;
  let length = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`overlapping edits at ${edit.start} (previous ended at ${cursor})`);
    const keep = text.slice(cursor, edit.start);
    parts.push(keep, edit.text);
    length += keep.length;
    newStarts.push(length);
    length += edit.text.length;
    cursor = edit.end;
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), newStarts };
}

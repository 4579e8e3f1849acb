/**
 * Whole-line comments blanked before a parse, offsets kept.
 *
 * Why: tree-sitter-python's external scanner re-reads a run of indented
 * comment lines at every line of it (it looks ahead for the next line's
 * indentation), so a block of commented-out code costs quadratic time — on
 * a real 7,700-file monorepo five such files were 60% of the parse (1.1 s;
 * 0.013 s blanked, the same findings). A comment that fills its line is an
 * extra the grammar skips, so a space in each of its characters parses to
 * the same tree less that comment node, with every other node at the same
 * offsets: the callers keep the original text for node text and edits.
 *
 * Kept as they are: comments that follow code on their line, lines inside
 * a string (a `#` line in a triple-quoted string is content), a comment
 * after a line ending in a backslash continuation, and comments that carry
 * an `ssot:` pragma (suppressions are read from the tree's comment nodes).
 * This is a lexer of strings and comments only: it needs no more of Python.
 */

/** `text` with every whole-line comment but the kept ones turned into spaces (same length, same line breaks); `text` itself when there is none. */
export function blankCommentLines(text: string): string {
  if (!text.includes('#')) return text;
  let out: string[] | null = null;
  let copied = 0;
  const n = text.length;
  let i = 0;
  /** Only blanks and tabs so far on this line (outside strings); a line after a backslash continuation is not a new one. */
  let lineStart = true;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === SPACE || c === TAB || c === FORMFEED || c === CR) {
      i++;
      continue;
    }
    if (c === HASH) {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      if (end > i && text.charCodeAt(end - 1) === CR) end--;
      if (lineStart && !text.slice(i, end).includes('ssot:')) {
        (out ??= []).push(text.slice(copied, i), ' '.repeat(end - i));
        copied = end;
      }
      i = end;
      continue;
    }
    lineStart = false;
    if (c === QUOTE || c === APOSTROPHE) {
      i = endOfString(text, i);
      continue;
    }
    if (c === BACKSLASH) {
      // a continuation (or a stray backslash): the line break after it does not start a line
      i += text.charCodeAt(i + 1) === CR && text.charCodeAt(i + 2) === NEWLINE ? 3 : 2;
      continue;
    }
    i++;
  }
  if (!out) return text;
  out.push(text.slice(copied));
  return out.join('');
}

/**
 * The offset after the string literal whose opening quote is at `at` (its
 * prefix, if any, was read as code: prefixes do not change where a string
 * ends — a backslash escapes the next character in raw strings too). An
 * unterminated one-line string ends at its line break, as the tokenizer's
 * error does; an unterminated triple-quoted one runs to the end.
 */
function endOfString(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  const n = text.length;
  const triple = text.charCodeAt(at + 1) === quote && text.charCodeAt(at + 2) === quote;
  let i = at + (triple ? 3 : 1);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (!triple) return i + 1;
      if (text.charCodeAt(i + 1) === quote && text.charCodeAt(i + 2) === quote) return i + 3;
    } else if (c === NEWLINE && !triple) {
      return i;
    }
    i++;
  }
  return n;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const FORMFEED = 0x0c;
const HASH = 0x23;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;

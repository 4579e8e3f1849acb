/** Word wrapping for terminal reports: breaks only at spaces, so a path or a dotted name is never cut. */
import { visibleLength } from './colors.js';

/**
 * Lays `words` (each possibly coloured; colour sequences take no width) on
 * lines of at most `width` columns: the first line starts after `firstUsed`
 * columns already taken, the following lines after `indent` spaces. A word
 * longer than a whole line stays whole on a line of its own (it overflows
 * rather than being cut). A word may start with spaces (a wider gap before
 * it); they are dropped when it starts a line. `width` undefined or not
 * finite: one line.
 */
export function wrapWords(words: readonly string[], options: { readonly width?: number; readonly firstUsed?: number; readonly indent: number }): string[] {
  const width = options.width;
  if (width === undefined || !Number.isFinite(width)) return [words.join(' ')];
  const lines: string[] = [];
  let line = '';
  let used = options.firstUsed ?? 0;
  const pad = ' '.repeat(options.indent);
  for (const given of words) {
    const word = line === '' ? given.replace(/^ +/, '') : given;
    const w = visibleLength(word);
    if (line === '') {
      line = word;
      used += w;
    } else if (used + 1 + w <= width) {
      line += ` ${word}`;
      used += 1 + w;
    } else {
      lines.push(line);
      line = word.replace(/^ +/, '');
      used = options.indent + visibleLength(line);
    }
  }
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : pad + l));
}

/** Splits plain text into words for wrapWords, colouring each with `paint`. */
export function wordsOf(text: string, paint: (s: string) => string = (s) => s): string[] {
  return text
    .split(' ')
    .filter((w) => w.length > 0)
    .map(paint);
}

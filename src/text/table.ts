/** Text and Markdown tables: pure string layout, shared by every report. */
import { NO_COLORS, visibleLength, type Colors } from './colors.js';

export type Align = 'l' | 'r';

/**
 * Columns separated by two spaces, each as wide as its widest cell (colour
 * sequences take no width); `align` per column (default: the first left, the
 * rest right). With `header`, the first row is the header, in bold. Lines
 * carry no trailing spaces.
 */
export function textTable(rows: readonly (readonly string[])[], options: { readonly header?: boolean; readonly align?: readonly Align[]; readonly colors?: Colors } = {}): string {
  const colors = options.colors ?? NO_COLORS;
  const alignOf = (i: number): Align => options.align?.[i] ?? (i === 0 ? 'l' : 'r');
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell))));
  const pad = (cell: string, i: number, last: boolean): string => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(cell)));
    if (alignOf(i) === 'r') return gap + cell;
    return last ? cell : cell + gap;
  };
  return rows
    .map((row, r) => {
      const line = row.map((cell, i) => pad(cell, i, i === row.length - 1)).join('  ').trimEnd();
      return options.header && r === 0 ? colors.bold(line) : line;
    })
    .join('\n');
}

/** A Markdown table; `align` per column (default: the first left, the rest right). Pipes in cells are escaped. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const esc = (cell: string) => cell.replace(/\|/g, '\\|');
  const alignOf = (i: number): Align => align?.[i] ?? (i === 0 ? 'l' : 'r');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `| ${headers.map((_, i) => (alignOf(i) === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

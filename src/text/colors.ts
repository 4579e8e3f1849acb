/**
 * Colours as a parameter: renderers take a Colors and never decide
 * themselves (the CLI picks ANSI_COLORS for a terminal that wants them,
 * NO_COLORS otherwise — pipes, files, tests, NO_COLOR).
 */
import pc from 'picocolors';

export interface Colors {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const same = (s: string): string => s;

export const NO_COLORS: Colors = { bold: same, dim: same, red: same, yellow: same, green: same, cyan: same };

export const ANSI_COLORS: Colors = { bold: pc.bold, dim: pc.dim, red: pc.red, yellow: pc.yellow, green: pc.green, cyan: pc.cyan };

/** Length as a terminal shows it: ANSI colour sequences take no columns. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

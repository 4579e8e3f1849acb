import { UserError } from '../model/errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/**
 * Parses `500ms`, `5s`, `2m`, `1h`, or a concatenation such as `1m30s`, into
 * milliseconds. Returns undefined for anything else (a bare number has no unit
 * and is refused on purpose: `--interval 5` is ambiguous).
 */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(PART_PATTERN)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return Math.round(total);
}

/** Like tryParseDuration, but a malformed or zero duration is a usage error (exit 2). */
export function parseDuration(text: string, what: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UserError(`${what}: '${text}' is not a duration`, {
      hint: 'write a number with a unit: 500ms, 5s, 2m, 1h (or combined, 1m30s)',
    });
  }
  return ms;
}

/** Short human form: 450ms, 5s, 2m, 1m30s, 1h5m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) {
    const s = ms / 1000;
    return `${Number.isInteger(s) ? s : s.toFixed(1)}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

/** Elapsed time as gate results show it: `850ms`, `3.2s`, `2m05s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

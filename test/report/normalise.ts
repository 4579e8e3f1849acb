/**
 * A report document with what varies between runs replaced, so a real run
 * can be compared with a committed fixture: commit ids (full and 7-char
 * prefixes) become fixed ids in order of first appearance, times one fixed
 * time, durations one second, root and version placeholders; the history's
 * run statistics (they depend on the cache) are dropped.
 */
import type { ReportDocument } from '../../src/report/reportData.js';

const TIME_KEYS = new Set(['date', 'at', 'startedAt', 'generatedAt']);

export function normaliseReport(doc: ReportDocument): unknown {
  const ids = new Map<string, string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string' && /^[0-9a-f]{40}$/.test(value) && !ids.has(value)) {
      ids.set(value, '0123456789abcdef'[(ids.size + 1) % 16]!.repeat(40));
    } else if (Array.isArray(value)) value.forEach(collect);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(doc);
  const fixString = (s: string): string => {
    let out = s;
    for (const [real, fake] of ids) out = out.split(real).join(fake).split(real.slice(0, 7)).join(fake.slice(0, 7));
    return out.split(doc.root).join('<root>');
  };
  const walk = (value: unknown, key = ''): unknown => {
    if (typeof value === 'string') {
      if (TIME_KEYS.has(key) && value) return '2026-01-01T00:00:00+00:00';
      return fixString(value);
    }
    if (typeof value === 'number' && key === 'durationMs') return 1000;
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === 'stats') continue;
        out[k] = k === 'version' && typeof v === 'string' ? '<version>' : walk(v, k);
      }
      return out;
    }
    return value;
  };
  return walk(doc);
}

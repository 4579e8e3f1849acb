/**
 * The baseline ratchet: a file of findings accepted for now, so CI fails only
 * on new ones while the manual work goes on — and notices when an accepted
 * one is gone (stale), so the file only ever shrinks.
 *
 * An entry is keyed by rule, file, enclosing scope (qualified name), kind,
 * the finding's normalised source text (its `local`: the name, the attribute
 * chain without whitespace, or the string's value) and its occurrence index
 * among findings with the same key in that file — never by line or column,
 * so edits above a finding and reformatting do not move it. Identical
 * findings in one scope are matched by count: a new one among them is
 * reported at the last position.
 *
 * The file is JSON, sorted, one entry per line, every entry line ending in a
 * comma (the array ends with `null`): with `merge=union` in .gitattributes
 * two branches' baselines merge without conflict and stay valid JSON. A
 * union can bring back an entry one side removed (it then shows as stale);
 * the `ssot merge-baseline` driver merges them exactly (`mergeBaselines`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, FindingKind } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import { writeFileAtomic } from '../workspace/files.js';

export const BASELINE_FILE = 'ssot-baseline.json';
export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  readonly rule: string;
  /** Root-relative posix path. */
  readonly file: string;
  /** Qualified name of the enclosing scope, '' at module level. */
  readonly scope: string;
  readonly kind: FindingKind;
  /** The finding's normalised source text (`Finding.local`). */
  readonly text: string;
  /** 0-based index among the file's findings with the same rule, scope, kind and text, in source order. */
  readonly occurrence: number;
}

export interface Baseline {
  /** Sorted by key, no duplicates. */
  readonly entries: readonly BaselineEntry[];
}

/** new: not in the baseline (fails the check); unchanged: accepted by an entry. SARIF's `baselineState` values. */
export type BaselineState = 'new' | 'unchanged';

export interface BaselineComparison {
  /** Per finding (same index as the findings compared). */
  readonly states: readonly BaselineState[];
  /** Entries of the compared files that no finding matches any more: stale. */
  readonly absent: readonly BaselineEntry[];
  readonly unchanged: number;
  readonly new: number;
}

function keyOf(e: Omit<BaselineEntry, 'occurrence'> & { occurrence?: number }): string {
  return JSON.stringify([e.file, e.rule, e.scope, e.kind, e.text, e.occurrence ?? -1]);
}

/** The entries of these findings (in file order, then position order, as a run returns them). */
export function baselineEntriesOf(findings: readonly Finding[]): BaselineEntry[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const base = { rule: f.rule, file: f.file, scope: f.scope ?? '', kind: f.kind, text: f.local.replace(/\s+/g, '') };
    const group = keyOf(base);
    const occurrence = seen.get(group) ?? 0;
    seen.set(group, occurrence + 1);
    return { ...base, occurrence };
  });
}

export function baselineOf(findings: readonly Finding[]): Baseline {
  return { entries: sortEntries(baselineEntriesOf(findings)) };
}

function sortEntries(entries: Iterable<BaselineEntry>): BaselineEntry[] {
  const byKey = new Map<string, BaselineEntry>();
  for (const e of entries) byKey.set(keyOf(e), e);
  return [...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
}

/**
 * Which findings the baseline accepts, and which of its entries are stale.
 * `covers` says which entries the run looked for (a run of some files, one
 * phase or one rule must not call every other entry stale); default: all.
 */
export function compareWithBaseline(findings: readonly Finding[], baseline: Baseline, covers: (entry: BaselineEntry) => boolean = () => true): BaselineComparison {
  const accepted = new Set(baseline.entries.map(keyOf));
  const matched = new Set<string>();
  const states = baselineEntriesOf(findings).map((entry): BaselineState => {
    const key = keyOf(entry);
    if (!accepted.has(key)) return 'new';
    matched.add(key);
    return 'unchanged';
  });
  const absent = baseline.entries.filter((e) => covers(e) && !matched.has(keyOf(e)));
  const unchanged = states.filter((s) => s === 'unchanged').length;
  return { states, absent, unchanged, new: states.length - unchanged };
}

/** The baseline without `stale` entries (`ssot baseline --prune` only ever removes). */
export function pruneBaseline(baseline: Baseline, stale: readonly BaselineEntry[]): Baseline {
  const drop = new Set(stale.map(keyOf));
  return { entries: baseline.entries.filter((e) => !drop.has(keyOf(e))) };
}

/**
 * The three-way merge of baselines as sets (the `ssot merge-baseline` git
 * merge driver): what either side added is in, what either side removed
 * (fixed, pruned) is out. Unlike `merge=union` it never brings back an
 * entry one side removed.
 */
export function mergeBaselines(base: Baseline, ours: Baseline, theirs: Baseline): Baseline {
  const keys = (b: Baseline) => new Set(b.entries.map(keyOf));
  const [o, a, b] = [keys(base), keys(ours), keys(theirs)];
  const removed = new Set([...o].filter((k) => !a.has(k) || !b.has(k)));
  return { entries: sortEntries([...ours.entries, ...theirs.entries].filter((e) => !removed.has(keyOf(e)))) };
}

/** The file's text: a fixed header, one entry per line (sorted, each ending in a comma), `null`, the footer. */
export function renderBaseline(baseline: Baseline): string {
  const lines = [
    '{',
    '  "tool": "ssot",',
    `  "baseline": ${BASELINE_VERSION},`,
    '  "about": "Findings accepted for now: `ssot check --baseline FILE` fails only on findings not listed here, and reports entries that no longer occur (remove them with `ssot baseline --prune`). One entry per line, sorted; safe to merge with `merge=union` in .gitattributes.",',
    '  "entries": [',
  ];
  for (const e of sortEntries(baseline.entries)) {
    lines.push(`    ${JSON.stringify({ rule: e.rule, file: e.file, scope: e.scope, kind: e.kind, text: e.text, occurrence: e.occurrence })},`);
  }
  lines.push('    null', '  ]', '}');
  return `${lines.join('\n')}\n`;
}

const KINDS = new Set<string>(['import', 'usage', 'string-reference', 'boundary']);

/** Reads a baseline file; a missing, unreadable or malformed one is a one-line UserError. */
export function readBaseline(file: string): Baseline {
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${shown}: cannot read the baseline (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`, {
      hint: code === 'ENOENT' ? 'write one with `ssot baseline` (it records today\'s findings)' : undefined,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${shown}: the baseline is not valid JSON (${(error as Error).message})`, {
      hint: 'a merge may have left conflict markers in it; resolve them, or write it again with `ssot baseline`',
    });
  }
  const doc = parsed as { tool?: unknown; baseline?: unknown; entries?: unknown } | null;
  if (!doc || typeof doc !== 'object' || doc.tool !== 'ssot' || !Array.isArray(doc.entries)) {
    throw new UserError(`${shown}: not an ssot baseline (expected {"tool": "ssot", "entries": […]})`);
  }
  if (doc.baseline !== BASELINE_VERSION) {
    throw new UserError(`${shown}: baseline format ${String(doc.baseline)}; this ssot reads format ${BASELINE_VERSION}`);
  }
  const entries: BaselineEntry[] = [];
  for (const [i, raw] of doc.entries.entries()) {
    if (raw === null) continue; // the terminator (a union merge may leave more than one)
    const e = raw as Partial<BaselineEntry>;
    const valid =
      typeof e.rule === 'string' &&
      typeof e.file === 'string' &&
      typeof e.scope === 'string' &&
      typeof e.kind === 'string' &&
      KINDS.has(e.kind) &&
      typeof e.text === 'string' &&
      Number.isInteger(e.occurrence) &&
      e.occurrence! >= 0;
    if (!valid) throw new UserError(`${shown}: entry ${i + 1} is not a baseline entry (rule, file, scope, kind, text, occurrence): ${JSON.stringify(raw).slice(0, 120)}`);
    entries.push({ rule: e.rule!, file: e.file!, scope: e.scope!, kind: e.kind as FindingKind, text: e.text!, occurrence: e.occurrence! });
  }
  return { entries: sortEntries(entries) };
}

export function writeBaseline(file: string, baseline: Baseline): void {
  try {
    writeFileAtomic(file, renderBaseline(baseline));
  } catch (error) {
    throw new UserError(`${path.relative(process.cwd(), file) || file}: cannot write the baseline (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * The trailers ssot writes into its commits: the part of the phase history
 * that travels with the commits themselves (clone, fetch, cherry-pick,
 * rebase), so any clone can tell which phases are applied and rolled back
 * even without the records in `refs/notes/ssot` (./state.ts).
 */

export const TRAILER = {
  /** On a phase commit: the phase id. */
  phase: 'Ssot-Phase',
  /** On a phase commit: the rules it fixed, comma-separated. */
  rules: 'Ssot-Rules',
  /** On a phase commit: its counts (`fixes=3 safe=3 unsafe=0 files=2 refused=0 skipped=0 left=1`). */
  counts: 'Ssot-Counts',
  /** On a phase commit that applied part of its phase (`--files`, `--limit`): what part. */
  part: 'Ssot-Part',
  /** On a phase commit: a file fixed again after `--unpin` (one trailer per file). */
  unpin: 'Ssot-Unpin',
  /** On a rollback commit: the phase rolled back. */
  rollback: 'Ssot-Rollback',
  /** On a phase rollback (revert) commit: the phase commit it reverts. */
  reverts: 'Ssot-Reverts',
  /** On a file rollback commit: the file restored (and pinned). */
  file: 'Ssot-File',
  /** On a file rollback commit: the phase commit whose change to the file it undoes. */
  undoes: 'Ssot-Undoes',
} as const;

/**
 * The trailers of a commit message: `Key: value` lines of its last
 * paragraph, in order, by key (a key may repeat). Lines of that paragraph
 * that are not trailers are ignored, as git's own parser tolerates them.
 */
export function parseTrailers(message: string): Map<string, string[]> {
  const paragraphs = message.replace(/\s+$/, '').split(/\n[ \t]*\n/);
  const last = paragraphs.at(-1) ?? '';
  const trailers = new Map<string, string[]>();
  for (const line of last.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9-]*):[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!match) continue;
    const list = trailers.get(match[1]!) ?? [];
    list.push(match[2]!);
    trailers.set(match[1]!, list);
  }
  return trailers;
}

/** The commit `git revert` names in its message (`This reverts commit <sha>.`), if any. */
export function revertedByMessage(message: string): string | undefined {
  return /^This reverts commit ([0-9a-f]{40})\b/m.exec(message)?.[1];
}

const COUNT_KEYS = ['fixes', 'safe', 'unsafe', 'files', 'refused', 'skipped', 'left'] as const;

/** A phase's counts as the trailer holds them (the shape of state.ts's PhaseCounts). */
export type TrailerCounts = { readonly [K in (typeof COUNT_KEYS)[number]]: number };

export function formatCounts(counts: TrailerCounts): string {
  return COUNT_KEYS.map((k) => `${k}=${counts[k]}`).join(' ');
}

/** Counts from an `Ssot-Counts` trailer; undefined when absent or malformed. */
export function parseCounts(text: string | undefined): TrailerCounts | undefined {
  if (!text) return undefined;
  const values = new Map(text.split(/\s+/).map((pair) => pair.split('=') as [string, string]));
  const out: Record<string, number> = {};
  for (const key of COUNT_KEYS) {
    const n = Number(values.get(key));
    if (!Number.isInteger(n) || n < 0) return undefined;
    out[key] = n;
  }
  return out as unknown as TrailerCounts;
}

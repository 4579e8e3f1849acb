/**
 * One file from bytes to findings. Cheap checks first, on raw bytes: binary
 * (NUL), the needle prefilter, UTF-8 validity, then the adapter's exact
 * second stage (imports and string values read by a small lexer); only files
 * that can hold a finding are decoded and parsed. Never throws for a bad
 * file: the outcome says what happened.
 */
import { isUtf8 } from 'node:buffer';
import type { Ban, Finding, RawFinding } from '../model/finding.js';
import { LineIndex } from '../model/range.js';
import type { FileScanInput, LanguageAdapter } from '../languages/adapter.js';
import { runRounds, type FileRounds } from './rounds.js';
import { contentHash } from './cache.js';

export type FileOutcome =
  | { readonly status: 'clean' }
  | { readonly status: 'findings'; readonly findings: FileFinding[]; readonly parseErrors: boolean; readonly fix?: WorkerFileFix }
  | { readonly status: 'skipped'; readonly reason: string };

/** A file's fixes as a scan worker computed them (fix mode: see ScanFileInput.plan.rounds). */
export interface WorkerFileFix {
  /** contentHash of the bytes planned: the engine uses this only for the same bytes. */
  readonly hash: string;
  /** Per kept finding (same order): its fix is in the first round's edits. */
  readonly applied: boolean[];
  readonly rounds: FileRounds;
}

/** A finding before grouping: positions resolved, service/phase/message not yet attached. */
export type FileFinding = Omit<Finding, 'service' | 'phase' | 'message' | 'file'> & { readonly range: { start: number; end: number } };

export interface ScanFileInput {
  readonly rel: string;
  readonly bytes: Buffer;
  readonly bans: readonly Ban[];
  readonly needles: readonly Buffer[];
  readonly sourceRoots: readonly string[];
  readonly adapter: LanguageAdapter;
  /**
   * Fill each finding's `fix`/`reason` from a plan made on the same parse
   * (see annotate in ./scan.ts); with `rounds`, also run the fix rounds
   * (validated) and return the fixed text (fix mode, for the fix engine).
   */
  readonly plan?: FileScanInput['plan'] & { readonly rounds?: number };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export async function scanFileBytes(input: ScanFileInput): Promise<FileOutcome> {
  const stage = prefilterFileBytes(input);
  if (stage !== 'parse') return stage;
  return analyzeFileBytes(input);
}

const CLEAN: FileOutcome = { status: 'clean' };

/**
 * The cheap stages, on raw bytes: binary check, needles (and the adapter's
 * location rule), UTF-8 validity, then the adapter's exact second stage.
 * Returns the outcome when they settle it, or 'parse' when only a full
 * analysis can.
 */
export function prefilterFileBytes(input: ScanFileInput): FileOutcome | 'parse' {
  const { bytes } = input;
  if (input.bans.length === 0) return CLEAN;
  const probe = bytes.length > 8000 ? bytes.subarray(0, 8000) : bytes;
  if (probe.includes(0)) return { status: 'skipped', reason: 'binary file (NUL byte), skipped' };
  let candidate = false;
  for (const needle of input.needles) {
    if (bytes.includes(needle)) {
      candidate = true;
      break;
    }
  }
  candidate ||= input.adapter.alwaysCandidate(input.rel, input.bans, input.sourceRoots);
  if (!isUtf8(bytes)) return { status: 'skipped', reason: describeBadUtf8(bytes) };
  if (!candidate) return CLEAN;
  const confirm = input.adapter.mayHaveFindings;
  if (confirm && !confirm.call(input.adapter, { rel: input.rel, bytes, bans: input.bans, sourceRoots: input.sourceRoots })) return CLEAN;
  return 'parse';
}

/** Decode, parse and analyse one file that the cheap stages could not settle. */
export async function analyzeFileBytes(input: Omit<ScanFileInput, 'needles'>): Promise<FileOutcome> {
  const { bytes } = input;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { status: 'skipped', reason: describeBadUtf8(bytes) };
  }
  const output = await input.adapter.scanFile({ rel: input.rel, text, bans: input.bans, sourceRoots: input.sourceRoots, plan: input.plan });
  const lines = new LineIndex(text);
  const kept: FileFinding[] = [];
  const keptIndex: number[] = [];
  for (const [i, raw] of output.findings.entries()) {
    if (isSuppressed(raw, lines, output.suppressions, output.statementRanges.get(raw))) continue;
    keptIndex.push(i);
    const start = lines.position(raw.range.start);
    const end = lines.position(raw.range.end);
    // the planner's answer; a validation problem (fix mode) is in `fix.rounds`, for the engine to refuse the file
    const how = output.fixes?.perFinding[i];
    const fix = how === undefined ? {} : how.reason ? { fix: how.applicability, reason: how.reason } : { fix: how.applicability };
    kept.push({
      rule: raw.ruleId,
      kind: raw.kind,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      symbol: raw.symbol,
      local: raw.local,
      usage: raw.usage,
      parseErrors: output.parseErrors,
      range: raw.range,
      ...fix,
    });
  }
  if (!kept.length && !output.parseErrors) return CLEAN;
  const plan = input.plan;
  if (plan?.rounds !== undefined && output.fixes && kept.length) {
    const planInput = { rel: input.rel, bans: input.bans, sourceRoots: input.sourceRoots, rules: plan.rules, unsafe: plan.unsafe };
    const rounds = await runRounds(input.adapter, planInput, text, output.fixes, plan.rounds);
    const fix: WorkerFileFix = { hash: contentHash(bytes), applied: keptIndex.map((i) => output.fixes!.applied[i]!), rounds };
    return { status: 'findings', findings: kept, parseErrors: output.parseErrors, fix };
  }
  return { status: 'findings', findings: kept, parseErrors: output.parseErrors };
}

function isSuppressed(
  raw: RawFinding,
  lines: LineIndex,
  suppressions: Map<number, Set<string> | null>,
  statement: { start: number; end: number } | undefined,
): boolean {
  if (suppressions.size === 0) return false;
  const first = lines.lineOf(statement?.start ?? raw.range.start);
  const last = lines.lineOf(statement?.end ?? raw.range.start);
  for (let line = first; line <= last; line++) {
    if (!suppressions.has(line)) continue;
    const ids = suppressions.get(line);
    if (ids === null || ids?.has(raw.ruleId)) return true;
  }
  return false;
}

function describeBadUtf8(bytes: Buffer): string {
  return `not valid UTF-8 (byte ${firstInvalidUtf8(bytes)}), skipped`;
}

/**
 * Offset of the first byte that does not start a well-formed UTF-8 sequence
 * (Unicode 15, table 3-7: no overlongs, no surrogates, nothing above
 * U+10FFFF), or the length when every byte does. Only called on the error
 * path: the fast check is isUtf8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const inRange = (at: number, lo: number, hi: number) => at < bytes.length && bytes[at]! >= lo && bytes[at]! <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let length: number;
    let ok: boolean;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      length = 2;
      ok = inRange(i + 1, 0x80, 0xbf);
    } else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      const [lo, hi] = b === 0xe0 ? [0xa0, 0xbf] : b === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
      ok = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf);
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      const [lo, hi] = b === 0xf0 ? [0x90, 0xbf] : b === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
      ok = inRange(i + 1, lo, hi) && inRange(i + 2, 0x80, 0xbf) && inRange(i + 3, 0x80, 0xbf);
    } else {
      return i;
    }
    if (!ok) return i;
    i += length;
  }
  return i;
}

export function hasBom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes.subarray(0, 3).equals(UTF8_BOM);
}

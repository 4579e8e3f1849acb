/**
 * Processing one file, from its bytes to its outcome — the only code the
 * scan threads run. Cheap checks first, on raw bytes: binary (NUL), the
 * needle prefilter, UTF-8 validity, then the adapter's exact second stage;
 * only files that can hold a finding are decoded, parsed and analysed. Then,
 * by mode: findings only (inventory); findings and how each would be fixed,
 * planned from the same parse (annotate); or that plan validated and rounded
 * until nothing changes, with the fixed text and per-finding accounting (fix).
 * Never throws for a bad file: the outcome says what happened.
 */
import { isUtf8 } from 'node:buffer';
import { contentHash } from '../model/hash.js';
import type { Ban, RawFinding } from '../model/finding.js';
import type { FileFinding, FileOutcome, FileRewrite, LeftFinding } from '../model/outcome.js';
import { LineIndex } from '../model/range.js';
import type { FileAnalysis, FileAnalysisInput, LanguageAdapter, PlanRule } from '../languages/adapter.js';
import { findingKey, MAX_ROUNDS, runRounds } from './rounds.js';

/**
 * What a run asks of each file: `inventory` (findings), `annotate` (findings
 * with how `ssot fix` would handle each, unvalidated, as ruff marks a
 * diagnostic fixable) or `fix` (validated, rounded rewrites).
 */
export type RunMode = 'inventory' | 'annotate' | 'fix';

/** What processing any file of a run needs besides the file itself (one per thread). */
export interface FileContext {
  readonly adapter: LanguageAdapter;
  readonly sourceRoots: readonly string[];
  readonly mode: RunMode;
  /** Rules to plan with, by id (annotate and fix). */
  readonly rules?: ReadonlyMap<string, PlanRule>;
  /** Fix mode: apply unsafe fixes too. */
  readonly unsafe?: boolean;
  /** Fix mode: plan-apply rounds per file (default MAX_ROUNDS). */
  readonly rounds?: number;
  /** Module-level names of this file that other files refer to (name → where): its fix keeps them (see Ban.referenceOf). */
  readonly keep?: ReadonlyMap<string, string>;
  /** Deprecated paths other files compare by identity (path → where): fixes here that hand out another object are unsafe. */
  readonly comparedElsewhere?: ReadonlyMap<string, string>;
}

export interface FileInput {
  /** Posix path relative to the root. */
  readonly rel: string;
  readonly bytes: Buffer;
  /** Bans active in this file. */
  readonly bans: readonly Ban[];
  /** The adapter's needles for these bans, as bytes. */
  readonly needles: readonly Buffer[];
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
const CLEAN: FileOutcome = { status: 'clean' };
/** Why a finding whose unsafe fix was planned stays. */
const UNSAFE_NOT_APPLIED = 'unsafe fix not applied (pass --unsafe)';

/**
 * The outcome of one file. `prefilter: false` skips the byte-level stages
 * (for `bench/verifyPrefilter.ts`, which checks what they drop).
 */
export async function processFile(input: FileInput, context: FileContext, options: { readonly prefilter?: boolean } = {}): Promise<FileOutcome> {
  if (options.prefilter !== false) {
    const settled = prefilterFile(input, context);
    if (settled) return settled;
  }
  const { bytes } = input;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { status: 'skipped', reason: describeBadUtf8(bytes) };
  }
  const analysisInput: FileAnalysisInput = {
    rel: input.rel,
    text,
    bans: input.bans,
    sourceRoots: context.sourceRoots,
    ...(context.mode === 'inventory' || !context.rules
      ? {}
      : {
          plan: {
            rules: context.rules,
            unsafe: context.mode === 'fix' ? (context.unsafe ?? false) : false,
            validate: context.mode === 'fix',
            ...(context.keep ? { keep: context.keep } : {}),
            ...(context.comparedElsewhere ? { comparedElsewhere: context.comparedElsewhere } : {}),
          },
        }),
  };
  const analysis = await context.adapter.analyzeFile(analysisInput);
  const { kept, keptIndex } = reportedFindings(text, analysis);
  if (!kept.length && !analysis.parseErrors) return CLEAN;
  const changed = {
    ...(analysis.plan?.changedNames?.length ? { changedNames: analysis.plan.changedNames } : {}),
    ...(analysis.plan?.identityCompared?.length ? { identityCompared: analysis.plan.identityCompared } : {}),
  };
  if (context.mode !== 'fix' || !analysis.plan || !analysisInput.plan || !kept.length) {
    return { status: 'findings', findings: kept, parseErrors: analysis.parseErrors, ...changed };
  }
  const fixInput = { ...analysisInput, plan: analysisInput.plan };
  const rewrite = await rewriteFile(context, fixInput, analysis.plan, kept, keptIndex, contentHash(bytes));
  return { status: 'findings', findings: kept, parseErrors: analysis.parseErrors, rewrite, ...changed };
}

/**
 * The cheap stages, on raw bytes: binary check, needles (and the adapter's
 * location rule), UTF-8 validity, then the adapter's exact second stage.
 * Returns the outcome when they settle it, or null when only a full
 * analysis can.
 */
export function prefilterFile(input: FileInput, context: Pick<FileContext, 'adapter' | 'sourceRoots'>): FileOutcome | null {
  const { bytes, bans } = input;
  if (bans.length === 0) return CLEAN;
  const probe = bytes.length > 8000 ? bytes.subarray(0, 8000) : bytes;
  if (probe.includes(0)) return { status: 'skipped', reason: 'binary file (NUL byte), skipped' };
  let candidate = false;
  for (const needle of input.needles) {
    if (bytes.includes(needle)) {
      candidate = true;
      break;
    }
  }
  const { adapter } = context;
  candidate ||= adapter.alwaysCandidate(input.rel, bans, context.sourceRoots);
  if (!isUtf8(bytes)) return { status: 'skipped', reason: describeBadUtf8(bytes) };
  if (!candidate) return CLEAN;
  if (adapter.mayHaveFindings && !adapter.mayHaveFindings({ rel: input.rel, bytes, bans, sourceRoots: context.sourceRoots })) return CLEAN;
  return null;
}

/** The findings a report shows (suppressions applied, positions resolved), with the planner's answer for each; `keptIndex`: their index in the analysis. */
function reportedFindings(text: string, analysis: FileAnalysis): { kept: FileFinding[]; keptIndex: number[] } {
  const lines = new LineIndex(text);
  const kept: FileFinding[] = [];
  const keptIndex: number[] = [];
  for (const [i, raw] of analysis.findings.entries()) {
    if (isSuppressed(raw, lines, analysis.suppressions, analysis.statementRanges.get(raw))) continue;
    keptIndex.push(i);
    const start = lines.position(raw.range.start);
    const end = lines.position(raw.range.end);
    const how = analysis.plan?.perFinding[i];
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
      parseErrors: analysis.parseErrors,
      range: raw.range,
      ...fix,
      ...(analysis.enclosingScopes?.has(raw) ? { scope: analysis.enclosingScopes.get(raw)! } : {}),
    });
  }
  return { kept, keptIndex };
}

/**
 * Fix mode: runs the rounds from the first plan and accounts for every
 * finding — fixed (in which round's applicability) or left with its reason.
 * `findings` get their final `fix`/`reason`.
 */
async function rewriteFile(
  context: FileContext,
  input: FileAnalysisInput & { readonly plan: NonNullable<FileAnalysisInput['plan']> },
  first: NonNullable<FileAnalysis['plan']>,
  findings: FileFinding[],
  analysisIndex: readonly number[],
  hash: string,
): Promise<FileRewrite> {
  let safe = 0;
  let unsafe = 0;
  const leftOf = new Map<number, LeftFinding>();
  const fixed: number[] = [];
  findings.forEach((finding, index) => {
    const applicability = finding.fix ?? 'manual';
    if (first.applied[analysisIndex[index]!]) {
      fixed.push(index);
      if (applicability === 'unsafe') unsafe++;
      else safe++;
    } else {
      leftOf.set(index, { line: finding.line, applicability, reason: finding.reason ?? UNSAFE_NOT_APPLIED });
    }
  });
  const rounds = await runRounds(context.adapter, input, first, context.rounds ?? MAX_ROUNDS);
  if (!rounds.edited) return { hash, status: 'unchanged', applied: { safe: 0, unsafe: 0 }, left: [...leftOf.values()], fixed: [] };
  if (rounds.problem) {
    return { hash, status: 'refused', reason: rounds.problem, applied: { safe: 0, unsafe: 0 }, left: refuseFindings(findings, fixed, [...leftOf.values()], rounds.problem), fixed: [] };
  }
  // findings left by the first round that a later one fixed
  const later = [...rounds.later];
  findings.forEach((finding, index) => {
    if (fixed.includes(index)) return;
    const at = later.findIndex((l) => l.key === findingKey(finding));
    if (at < 0) return;
    const [how] = later.splice(at, 1);
    finding.fix = how!.applicability;
    delete finding.reason;
    fixed.push(index);
    if (how!.applicability === 'unsafe') unsafe++;
    else safe++;
    leftOf.delete(index);
  });
  return {
    hash,
    status: 'changed',
    text: rounds.after,
    ...(rounds.converged ? {} : { warning: `fixes did not converge after ${context.rounds ?? MAX_ROUNDS} rounds; the last validated result is kept (please report this)` }),
    applied: { safe, unsafe },
    left: [...leftOf.values()],
    fixed,
  };
}

/**
 * Nothing of a refused file is written: the findings whose fix it held become
 * manual with the refusal as reason, and every finding is left (by line).
 */
export function refuseFindings(
  findings: readonly { line: number; fix?: string; reason?: string }[],
  fixed: readonly number[],
  left: readonly LeftFinding[],
  reason: string,
): LeftFinding[] {
  const why = `the fixed file was refused: ${reason}`;
  for (const index of fixed) {
    findings[index]!.fix = 'manual';
    findings[index]!.reason = why;
  }
  return [...left, ...fixed.map((index) => ({ line: findings[index]!.line, applicability: 'manual' as const, reason: why }))].sort((a, b) => a.line - b.line);
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

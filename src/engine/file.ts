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
import { decodeStrict, encodeExact, firstInvalidUtf8, isUtf8Name, UTF8, UTF8_BOM } from '../text/encoding.js';
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
  /** Deprecated paths other files name in a string, as `patch("m.N")` does (path → where): chains here that read them through their module stay. */
  readonly patchedElsewhere?: ReadonlyMap<string, string>;
  /** Keep findings on `# ssot: ignore` lines (ScanOptions.ignoreSuppressions). */
  readonly ignoreSuppressions?: boolean;
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

const CLEAN: FileOutcome = { status: 'clean' };
/** Why a finding whose unsafe fix was planned stays. */
const UNSAFE_NOT_APPLIED = 'unsafe fix not applied (pass --unsafe)';

/**
 * The outcome of one file. `prefilter: false` skips the byte-level stages
 * (for `bench/verifyPrefilter.ts`, which checks what they drop).
 */
export async function processFile(input: FileInput, context: FileContext, options: { readonly prefilter?: boolean } = {}): Promise<FileOutcome> {
  let stage: FileStage = 'prefilter';
  try {
    if (options.prefilter !== false) {
      const settled = prefilterFile(input, context);
      if (settled) return settled;
    }
    stage = 'decode';
    const decoded = decodeSource(input.bytes, context.adapter);
    if ('reason' in decoded) return { status: 'skipped', reason: decoded.reason };
    const { text } = decoded;
    const analysisInput: FileAnalysisInput = {
      rel: input.rel,
      text,
      bans: input.bans,
      sourceRoots: context.sourceRoots,
      ...(context.ignoreSuppressions ? { ignoreSuppressions: true } : {}),
      ...(context.mode === 'inventory' || !context.rules
        ? {}
        : {
            plan: {
              rules: context.rules,
              unsafe: context.mode === 'fix' ? (context.unsafe ?? false) : false,
              validate: context.mode === 'fix',
              ...(context.keep ? { keep: context.keep } : {}),
              ...(context.comparedElsewhere ? { comparedElsewhere: context.comparedElsewhere } : {}),
              ...(context.patchedElsewhere ? { patchedElsewhere: context.patchedElsewhere } : {}),
            },
          }),
    };
    stage = analysisInput.plan ? 'plan' : 'analyse';
    let analysis: FileAnalysis;
    let planFailure: string | undefined;
    try {
      analysis = await context.adapter.analyzeFile(analysisInput);
    } catch (error) {
      if (!analysisInput.plan) throw error;
      // planning failed: the findings still count (the file is not fixed), so analyse again without a plan
      planFailure = stageFailure('plan', error);
      stage = 'analyse';
      const { plan: _dropped, ...inventoryInput } = analysisInput;
      analysis = await context.adapter.analyzeFile(inventoryInput);
    }
    const { kept, keptIndex } = reportedFindings(text, analysis, context.ignoreSuppressions ?? false);
    if (planFailure !== undefined) {
      for (const finding of kept) {
        finding.fix = 'manual';
        finding.reason = planFailure;
      }
    }
    if (!kept.length && !analysis.parseErrors) return CLEAN;
    const warning = planFailure === undefined ? {} : { warning: planFailure };
    const changed = {
      ...(analysis.plan?.changedNames?.length ? { changedNames: analysis.plan.changedNames } : {}),
      ...(analysis.plan?.identityCompared?.length ? { identityCompared: analysis.plan.identityCompared } : {}),
      ...(analysis.plan?.patchTargets?.length ? { patchTargets: analysis.plan.patchTargets } : {}),
    };
    if (context.mode !== 'fix' || !analysis.plan || !analysisInput.plan || !kept.length) {
      return { status: 'findings', findings: kept, parseErrors: analysis.parseErrors, ...warning, ...changed };
    }
    stage = 'validate';
    const fixInput = { ...analysisInput, plan: analysisInput.plan };
    const rewrite = await rewriteFile(context, fixInput, analysis.plan, kept, keptIndex, contentHash(input.bytes));
    return { status: 'findings', findings: kept, parseErrors: analysis.parseErrors, rewrite, ...changed };
  } catch (error) {
    // one file never sinks a run: whatever a stage throws is that file's outcome
    return { status: 'skipped', reason: `${stageFailure(stage, error)}, skipped` };
  }
}

/** The per-file stages a failure is reported under. */
export type FileStage = 'read' | 'prefilter' | 'decode' | 'analyse' | 'plan' | 'validate';

const STAGE_WORDS: Record<FileStage, string> = {
  read: 'reading',
  prefilter: 'prefiltering',
  decode: 'decoding',
  analyse: 'parsing and analysing',
  plan: 'planning the fix',
  validate: 'validating the fix',
};

/** One line for an unexpected failure of a stage (it is a bug: the line says so). */
export function stageFailure(stage: FileStage, error: unknown): string {
  const e = error as Error | undefined;
  const what = e instanceof Error ? `${e.name}: ${e.message}` : String(error);
  return `internal error while ${STAGE_WORDS[stage]} (${what.split('\n')[0]!.slice(0, 200)}; please report it)`;
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
  const { adapter } = context;
  // the byte stages read UTF-8: a file in another declared encoding is checked on its UTF-8 form
  const declared = declaredEncoding(bytes, adapter);
  if ('error' in declared) return { status: 'skipped', reason: `${declared.error}, skipped` };
  let scanned = bytes;
  if (!isUtf8Name(declared.encoding)) {
    const decoded = decodeStrict(bytes, declared.encoding);
    if ('offset' in decoded) return { status: 'skipped', reason: describeBadBytes(declared.encoding, decoded.offset) };
    scanned = Buffer.from(decoded.text, 'utf8');
  } else if (!isUtf8(bytes)) {
    return { status: 'skipped', reason: describeBadBytes(UTF8, firstInvalidUtf8(bytes)) };
  }
  let candidate = false;
  for (const needle of input.needles) {
    if (scanned.includes(needle)) {
      candidate = true;
      break;
    }
  }
  candidate ||= adapter.alwaysCandidate(input.rel, bans, context.sourceRoots);
  if (!candidate) return CLEAN;
  if (adapter.mayHaveFindings && !adapter.mayHaveFindings({ rel: input.rel, bytes: scanned, bans, sourceRoots: context.sourceRoots })) return CLEAN;
  return null;
}

/** The file's declared encoding (the adapter's rule; UTF-8 without one). */
export function declaredEncoding(bytes: Buffer, adapter: Pick<LanguageAdapter, 'sourceEncoding'>): { readonly encoding: string; readonly bom: boolean } | { readonly error: string } {
  if (adapter.sourceEncoding) return adapter.sourceEncoding(bytes);
  return { encoding: UTF8, bom: bytes.length >= 3 && bytes.subarray(0, 3).equals(UTF8_BOM) };
}

/** The text of a source file in its declared encoding (BOM not included), or why it cannot be read as one. */
export function decodeSource(bytes: Buffer, adapter: Pick<LanguageAdapter, 'sourceEncoding'>): { readonly text: string; readonly encoding: string } | { readonly reason: string } {
  const declared = declaredEncoding(bytes, adapter);
  if ('error' in declared) return { reason: `${declared.error}, skipped` };
  const decoded = decodeStrict(bytes, declared.encoding);
  if ('offset' in decoded) return { reason: describeBadBytes(declared.encoding, decoded.offset) };
  return { text: decoded.text, encoding: declared.encoding };
}

/**
 * The bytes of a rewritten source text, in the encoding of the bytes it was
 * computed from (a UTF-8 BOM kept), or null when the encoding cannot hold
 * the new text exactly.
 */
export function encodeSource(text: string, original: Buffer, adapter: Pick<LanguageAdapter, 'sourceEncoding'>): Buffer | null {
  const declared = declaredEncoding(original, adapter);
  const encoding = 'error' in declared ? UTF8 : declared.encoding;
  const body = encodeExact(text, encoding);
  if (body === null) return null;
  const bom = isUtf8Name(encoding) && original.length >= 3 && original.subarray(0, 3).equals(UTF8_BOM);
  return bom ? Buffer.concat([UTF8_BOM, body]) : body;
}

function describeBadBytes(encoding: string, offset: number): string {
  return isUtf8Name(encoding) ? `not valid UTF-8 (byte ${offset}), skipped` : `not valid ${encoding} (byte ${offset}), which its coding line declares, skipped`;
}

/** The findings a report shows (suppressions applied, positions resolved), with the planner's answer for each; `keptIndex`: their index in the analysis. */
function reportedFindings(text: string, analysis: FileAnalysis, ignoreSuppressions: boolean): { kept: FileFinding[]; keptIndex: number[] } {
  const lines = new LineIndex(text);
  const kept: FileFinding[] = [];
  const keptIndex: number[] = [];
  for (const [i, raw] of analysis.findings.entries()) {
    if (!ignoreSuppressions && isSuppressed(raw, lines, analysis.suppressions, analysis.statementRanges.get(raw))) continue;
    keptIndex.push(i);
    const start = lines.position(raw.range.start);
    const end = lines.position(raw.range.end);
    const finding: FileFinding = {
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
    };
    // (the optional keys set on the object, not spread into it: one object per finding, of one shape)
    const how = analysis.plan?.perFinding[i];
    if (how !== undefined) {
      finding.fix = how.applicability;
      if (how.reason) finding.reason = how.reason;
    }
    const scope = analysis.enclosingScopes?.get(raw);
    if (scope !== undefined) finding.scope = scope;
    kept.push(finding);
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

/**
 * The fix engine: scan, plan per file, splice, validate, and hand back bytes —
 * writing nothing. `writeFileFixes` writes atomically. One file's failure is
 * that file's outcome; the run goes on.
 */
import { renameSync, statSync, writeFileSync, chmodSync, unlinkSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Applicability, Finding } from '../model/finding.js';
import { LineIndex } from '../model/range.js';
import { adapterFor } from '../languages/registry.js';
import { activeBans, buildGrouping } from '../config/grouping.js';
import { contentHash } from './cache.js';
import { scanForFixes, type WorkerFileFix } from './run.js';
import { compileWithPython } from '../languages/python/compile.js';
import { findingKey, MAX_ROUNDS, runRounds, type FileRounds } from './rounds.js';
import type { ComputeFixOptions, FileFix, FixRun, FixSummary } from './types.js';

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** How one finding fares in the first round: the planner's answer and whether its fix is in the edits. */
interface FirstRound {
  readonly how: { applicability: Applicability; reason?: string };
  readonly applied: boolean;
}

export async function computeFixes(options: ComputeFixOptions): Promise<FixRun> {
  const { config } = options;
  const rounds = options.rounds ?? MAX_ROUNDS;
  const unsafeOption = options.unsafe ?? false;
  // without a scan given, the workers plan and round each file from the scan's own parse
  const scanned = options.scanned
    ? { result: options.scanned, fixes: new Map<string, WorkerFileFix>() }
    : await scanForFixes({ root: options.root, config, phase: options.phase, rule: options.rule, started: options.started }, { unsafe: unsafeOption, rounds });
  const result = scanned.result;
  const root = result.root;
  const adapter = adapterFor(config.language);
  const grouping = buildGrouping(config);
  const rules = new Map(
    config.rules.map((r) => [r.id, { id: r.id, canonical: r.canonical, types: r.types, bans: r.bans }] as const),
  );
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }

  const files: FileFix[] = [];
  const fixedByFile = new Map<string, Set<Finding>>(); // findings whose fix is in the file's edits
  const pending: { fix: FileFix; text: string; bom: boolean }[] = [];
  for (const [rel, fileFindings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const original = readFileSync(path.join(root, rel));
    const bom = original.length >= 3 && original.subarray(0, 3).equals(UTF8_BOM);
    const planInput = { rel, bans: activeBans(config, grouping, rel, options.rule), sourceRoots: config.sourceRoots, rules, unsafe: unsafeOption };
    let firstRound: (finding: Finding, index: number) => FirstRound;
    let outcome: FileRounds;
    const done = scanned.fixes.get(rel);
    if (done && done.hash === contentHash(original) && done.applied.length === fileFindings.length) {
      // planned and rounded by the worker that scanned these very bytes
      firstRound = (finding, index) => ({ how: { applicability: finding.fix ?? 'manual', ...(finding.reason ? { reason: finding.reason } : {}) }, applied: done.applied[index]! });
      outcome = done.rounds;
    } else {
      const text = decoder.decode(original);
      const plan = await adapter.planFile({ ...planInput, text });
      const lines = new LineIndex(text);
      // match the reported findings (suppressions already applied) to the plan's
      const key = (kind: string, line: number, column: number, symbol: string) => `${kind}:${line}:${column}:${symbol}`;
      const planIndex = new Map<string, number>();
      plan.findings.forEach((raw, i) => {
        const at = lines.position(raw.range.start);
        planIndex.set(key(raw.kind, at.line, at.column, raw.symbol), i);
      });
      firstRound = (finding) => {
        const i = planIndex.get(key(finding.kind, finding.line, finding.column, finding.symbol));
        if (i === undefined) return { how: { applicability: 'manual', reason: 'not matched by the planner' }, applied: false };
        return { how: plan.perFinding[i]!, applied: plan.applied[i]! };
      };
      outcome = await runRounds(adapter, planInput, text, plan, rounds);
    }
    let safe = 0;
    let unsafe = 0;
    const leftOf = new Map<Finding, FileFix['left'][number]>();
    const fixed = new Set<Finding>();
    fixedByFile.set(rel, fixed);
    fileFindings.forEach((finding, index) => {
      const { how, applied } = firstRound(finding, index);
      finding.fix = how.applicability;
      if (how.reason) finding.reason = how.reason;
      if (applied) {
        fixed.add(finding);
        if (how.applicability === 'unsafe') unsafe++;
        else safe++;
      } else {
        leftOf.set(finding, { line: finding.line, applicability: how.applicability, reason: how.reason ?? 'unsafe fix not applied (pass --unsafe)' });
      }
    });
    if (!outcome.edited) {
      files.push({ file: rel, status: 'unchanged', original, updated: null, applied: { safe: 0, unsafe: 0 }, left: [...leftOf.values()] });
      continue;
    }
    if (outcome.problem) {
      files.push(refuse(rel, original, outcome.problem, fixed, [...leftOf.values()]));
      continue;
    }
    // findings left by the first round that a later one fixed
    const later = [...outcome.later];
    for (const finding of fileFindings) {
      if (fixed.has(finding)) continue;
      const at = later.findIndex((l) => l.key === findingKey(finding));
      if (at < 0) continue;
      const [how] = later.splice(at, 1);
      finding.fix = how!.applicability;
      delete finding.reason;
      fixed.add(finding);
      if (how!.applicability === 'unsafe') unsafe++;
      else safe++;
      leftOf.delete(finding);
    }
    const applied = { safe, unsafe };
    const left = [...leftOf.values()];
    const fix: FileFix = {
      file: rel,
      status: 'changed',
      original,
      updated: Buffer.concat([bom ? UTF8_BOM : Buffer.alloc(0), Buffer.from(outcome.after, 'utf8')]),
      applied,
      left,
    };
    files.push(fix);
    pending.push({ fix, text: outcome.after, bom });
  }

  // compile every rewritten file with the project's interpreter, in one process
  let pythonAvailable = true;
  if (options.python !== null && pending.length) {
    const errors = await compileWithPython(options.python ?? 'python3', pending.map((p) => [p.fix.file, p.text] as const));
    if (errors === null) pythonAvailable = false;
    else {
      for (const [rel, message] of errors) {
        const index = files.findIndex((f) => f.file === rel);
        files[index] = refuse(rel, files[index]!.original, `does not compile: ${message}`, fixedByFile.get(rel)!, files[index]!.left);
      }
    }
  }

  return { root, files, findings: result.findings, summary: summarizeFixes(files), pythonAvailable };
}

/** Nothing of a refused file is written: each of its findings is left, the ones that had a fix with the refusal as reason. */
function refuse(rel: string, original: Buffer, reason: string, fixed: Set<Finding>, left: FileFix['left']): FileFix {
  for (const f of fixed) {
    f.fix = 'manual';
    f.reason = `the fixed file was refused: ${reason}`;
  }
  const all = [...left, ...[...fixed].map((f) => ({ line: f.line, applicability: 'manual' as const, reason: f.reason! }))].sort((a, b) => a.line - b.line);
  return { file: rel, status: 'refused', reason, original, updated: null, applied: { safe: 0, unsafe: 0 }, left: all };
}

export function summarizeFixes(files: readonly FileFix[]): FixSummary {
  const summary: FixSummary = { fixedSafe: 0, fixedUnsafe: 0, leftByReason: {}, filesChanged: 0, filesRefused: 0 };
  for (const file of files) {
    if (file.status === 'changed') {
      summary.filesChanged++;
      summary.fixedSafe += file.applied.safe;
      summary.fixedUnsafe += file.applied.unsafe;
    }
    if (file.status === 'refused') summary.filesRefused++;
    for (const l of file.left) summary.leftByReason[l.reason] = (summary.leftByReason[l.reason] ?? 0) + 1;
  }
  return summary;
}

/**
 * Writes the `changed` files atomically (temp file in the same folder, then
 * rename; the mode is kept). On any failure the files already written are
 * restored to their original bytes and the error is rethrown.
 */
export function writeFileFixes(root: string, files: readonly FileFix[]): string[] {
  const written: FileFix[] = [];
  try {
    for (const file of files) {
      if (file.status !== 'changed' || !file.updated) continue;
      atomicWrite(path.join(root, file.file), file.updated);
      written.push(file);
    }
  } catch (error) {
    for (const file of written.reverse()) atomicWrite(path.join(root, file.file), file.original);
    throw error;
  }
  return written.map((f) => f.file);
}

export function atomicWrite(target: string, bytes: Buffer): void {
  const mode = statSync(target).mode & 0o7777;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.ssot-${process.pid}.tmp`);
  try {
    writeFileSync(temp, bytes, { mode });
    chmodSync(temp, mode);
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw error;
  }
}

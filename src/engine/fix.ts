/**
 * The fix engine: the run pipeline in fix mode (every file planned, rounded
 * and validated by the thread that scanned it, from the same parse), then
 * the language's compile check over the rewritten files, and per-file fixes
 * with bytes to write — writing nothing. A file whose bytes changed since it
 * was planned is that file's outcome, never planned again. One file's
 * failure is that file's outcome; the run goes on.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/compile.js';
import type { Finding } from '../model/finding.js';
import { contentHash } from '../model/hash.js';
import type { CompileCheck, FileFix, FileRewrite, FixRun, FixSummary } from '../model/outcome.js';
import { adapterFor } from '../languages/registry.js';
import { encodeSource, refuseFindings } from './file.js';
import type { LanguageAdapter } from '../languages/adapter.js';
import { runPipeline } from './run.js';

export interface ComputeFixOptions {
  readonly root: string;
  readonly config: Config;
  readonly phase?: string;
  readonly rule?: string;
  /** Only these rules (a phase's subset); wins over `rule`. */
  readonly rules?: readonly string[];
  /** Only the files this keeps (root-relative posix paths). */
  readonly only?: (rel: string) => boolean;
  /** Apply unsafe fixes too (default false). */
  readonly unsafe?: boolean;
  /**
   * The language's compile check of the rewritten files: false skips it;
   * `interpreter` is the CLI's `--python` (undefined: the language's default).
   */
  readonly compileCheck?: false | { readonly interpreter?: string };
}

export async function computeFixes(options: ComputeFixOptions): Promise<FixRun> {
  const { config } = options;
  const { result, rewrites, stats } = await runPipeline({
    root: options.root,
    config,
    phase: options.phase,
    rule: options.rule,
    ...(options.rules ? { rules: options.rules } : {}),
    ...(options.only ? { only: options.only } : {}),
    mode: 'fix',
    unsafe: options.unsafe ?? false,
  });
  const root = result.root;
  const byFile = new Map<string, Finding[]>();
  for (const f of result.findings) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }

  const adapter = adapterFor(config.language);
  const files: FileFix[] = [];
  const pending: { index: number; text: string; rewrite: FileRewrite }[] = [];
  for (const [rel, fileFindings] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const rewrite = rewrites.get(rel);
    const fix = fileFixOf(root, rel, fileFindings, rewrite, adapter);
    if (fix.status === 'changed' && rewrite?.text !== undefined) pending.push({ index: files.length, text: rewrite.text, rewrite });
    files.push(fix);
  }

  // the language's compile check of every rewritten file, in one batch
  let compileCheck: CompileCheck = { ran: false };
  if (options.compileCheck !== false && adapter.checkCompiles && pending.length) {
    const checked = await adapter.checkCompiles(
      pending.map((p) => [files[p.index]!.file, p.text] as const),
      { interpreter: options.compileCheck?.interpreter },
    );
    compileCheck = checked.note === undefined ? { ran: checked.ran } : { ran: checked.ran, note: checked.note };
    for (const p of pending) {
      const message = checked.errors.get(files[p.index]!.file);
      if (message === undefined) continue;
      const fix = files[p.index]!;
      const reason = `does not compile: ${message}`;
      const left = refuseFindings(byFile.get(fix.file)!, p.rewrite.fixed, fix.left, reason);
      files[p.index] = { file: fix.file, status: 'refused', reason, original: fix.original, updated: null, applied: { safe: 0, unsafe: 0 }, left };
    }
  }

  return { root, files, findings: result.findings, summary: summarizeFixes(files), compileCheck, errors: result.errors, stats };
}

/**
 * The fix of one file from its rewrite: the bytes on disk must be the ones
 * that were planned (else `changed-during-run`); the encoding it was read in
 * (a PEP 263 coding line, a BOM) is the one it is written in.
 */
function fileFixOf(root: string, rel: string, findings: readonly Finding[], rewrite: FileRewrite | undefined, adapter: LanguageAdapter): FileFix {
  let original: Buffer;
  try {
    original = readFileSync(path.join(root, rel));
  } catch (error) {
    return changedDuringRun(rel, Buffer.alloc(0), findings, `cannot be read any more (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (!rewrite) {
    // (every file with findings is planned in fix mode; this is the safe answer should one not be)
    const left = findings.map((f) => ({ line: f.line, applicability: f.fix ?? ('manual' as const), reason: f.reason ?? 'not planned' }));
    return { file: rel, status: 'unchanged', original, updated: null, applied: { safe: 0, unsafe: 0 }, left };
  }
  if (rewrite.hash !== contentHash(original)) return changedDuringRun(rel, original, findings, 'changed on disk while it was planned');
  const warning = rewrite.warning === undefined ? {} : { warning: rewrite.warning };
  if (rewrite.status === 'changed' && rewrite.text !== undefined) {
    const updated = encodeSource(rewrite.text, original, adapter);
    if (updated === null) {
      const reason = 'the fixed text has characters its declared encoding cannot hold';
      const left = refuseFindings(findings, rewrite.fixed, rewrite.left, reason);
      return { file: rel, status: 'refused', reason, original, updated: null, applied: { safe: 0, unsafe: 0 }, left };
    }
    return { file: rel, status: 'changed', ...warning, original, updated, applied: rewrite.applied, left: rewrite.left };
  }
  if (rewrite.status === 'refused') {
    return { file: rel, status: 'refused', reason: rewrite.reason ?? 'refused by validation', original, updated: null, applied: { safe: 0, unsafe: 0 }, left: rewrite.left };
  }
  return { file: rel, status: 'unchanged', original, updated: null, applied: { safe: 0, unsafe: 0 }, left: rewrite.left };
}

/** Nothing planned applies to bytes that are not the ones planned: every finding is left, with why. */
function changedDuringRun(rel: string, original: Buffer, findings: readonly Finding[], why: string): FileFix {
  const reason = `${why}; run ssot again`;
  return {
    file: rel,
    status: 'changed-during-run',
    reason,
    original,
    updated: null,
    applied: { safe: 0, unsafe: 0 },
    left: findings.map((f) => ({ line: f.line, applicability: 'manual' as const, reason })),
  };
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

/**
 * The baseline file: versioned JSON, validated with zod on read so a corrupt
 * or foreign file is a clear usage error (exit 2), never a stack trace.
 * Credentials are never written (source URLs are redacted).
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../model/errors.js';
import { writeFileAtomic } from '../workspace/files.js';
import type { SourceHealth, SignalSummary } from './window.js';
import type { SourceSpec } from './sources/types.js';
import type { Thresholds } from './config.js';

export const BASELINE_VERSION = 1;
/** Per-interval records kept in a baseline file; later intervals still count in the summaries. */
export const MAX_RECORDED_INTERVALS = 5000;

const selector = z.object({ metric: z.string(), labels: z.record(z.string(), z.string()) });
const sourceSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('redis'), name: z.string(), url: z.string(), timeoutMs: z.number() }),
  z.object({
    kind: z.literal('metrics'),
    name: z.string(),
    url: z.string(),
    timeoutMs: z.number(),
    ws1011: z.union([z.literal('auto'), z.literal('off'), selector]),
    counters: z.array(z.object({ name: z.string(), selector, maxRatio: z.number() })),
    histograms: z.array(z.object({ name: z.string(), selector, quantile: z.number() })),
  }),
  z.object({
    kind: z.literal('probe'),
    protocol: z.enum(['http', 'ws']),
    name: z.string(),
    url: z.string(),
    method: z.string(),
    expectStatus: z.array(z.number()),
    expect: z.string(),
    send: z.string(),
    headers: z.record(z.string(), z.string()),
    timeoutMs: z.number(),
    count: z.number(),
  }),
]);
const nullableNumber = z.number().nullable();
const summarySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('latency'), count: z.number(), samples: z.array(z.number()) }),
  z.object({ kind: z.enum(['rate', 'success']), events: z.number(), exposure: z.number(), observations: z.number() }),
  z.object({ kind: z.literal('ratio'), observations: z.number(), mean: nullableNumber, max: nullableNumber, last: nullableNumber }),
  z.object({ kind: z.literal('reachability'), ok: z.number(), failed: z.number() }),
  z.object({ kind: z.literal('critical'), events: z.number(), observations: z.number() }),
]);

export const baselineFileSchema = z.object({
  version: z.literal(BASELINE_VERSION),
  tool: z.literal('ssot monitor'),
  createdAt: z.string(),
  durationMs: z.number(),
  intervalMs: z.number(),
  intervals: z.number(),
  interrupted: z.boolean(),
  sources: z.array(sourceSpecSchema),
  thresholds: z.record(z.string(), z.union([z.number(), z.boolean()])),
  signals: z.record(z.string(), summarySchema),
  health: z.array(z.unknown()),
  samples: z.object({
    truncated: z.boolean(),
    records: z.array(z.object({ t: z.number(), values: z.record(z.string(), nullableNumber) })),
  }),
});

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  tool: 'ssot monitor';
  /** ISO time the baseline run started. */
  createdAt: string;
  durationMs: number;
  intervalMs: number;
  /** Intervals sampled. */
  intervals: number;
  /** True when Ctrl-C cut the run short. */
  interrupted: boolean;
  sources: SourceSpec[];
  thresholds: Thresholds;
  /** Per-signal summaries the judge compares against, by signal id. */
  signals: Record<string, SignalSummary>;
  health: SourceHealth[];
  /** Per-interval observations (t = ms since start), capped at MAX_RECORDED_INTERVALS. */
  samples: { truncated: boolean; records: Array<{ t: number; values: Record<string, number | null> }> };
}

export function readBaseline(file: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? `baseline file not found: ${file}` : `cannot read baseline ${file}: ${code ?? (error as Error).message}`, {
      hint: 'record one first: ssot monitor baseline --out <file> (same sources as the watch)',
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(`baseline ${file} is not valid JSON (${(error as Error).message})`, {
      hint: 'the file is corrupt or truncated: record it again with ssot monitor baseline',
    });
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (json && typeof json === 'object' && version !== undefined && version !== BASELINE_VERSION) {
    throw new UserError(`baseline ${file} has format version ${String(version)}; this ssot reads version ${BASELINE_VERSION}`, {
      hint: 'record the baseline again with this version of ssot',
    });
  }
  const parsed = baselineFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new UserError(`baseline ${file} is not an ssot monitor baseline: ${where}: ${issue?.message ?? 'invalid'}`, {
      hint: 'record it again with ssot monitor baseline',
    });
  }
  return parsed.data as unknown as BaselineFile;
}

/** Writes atomically so an interrupted write never leaves half a baseline. */
/**
 * Checks before sampling (which takes the whole --duration) that the
 * baseline can be written where asked: the folder exists and is writable,
 * and the path is not a folder.
 */
export function checkBaselineTarget(file: string): void {
  const dir = path.dirname(path.resolve(file));
  const fail = (why: string) => {
    throw new UserError(`cannot write baseline ${file}: ${why}`, { hint: 'checked before sampling, so nothing was measured; pick a writable path' });
  };
  try {
    if (!statSync(dir).isDirectory()) fail(`${dir} is not a folder`);
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if (error instanceof UserError) throw error;
    fail((error as NodeJS.ErrnoException).code ?? String(error));
  }
  try {
    if (statSync(file).isDirectory()) fail('it is a folder');
  } catch (error) {
    if (error instanceof UserError) throw error;
    // not there yet: it will be created
  }
}

export function writeBaseline(file: string, baseline: BaselineFile): void {
  try {
    writeFileAtomic(file, `${JSON.stringify(baseline, null, 1)}\n`);
  } catch (error) {
    throw new UserError(`cannot write baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

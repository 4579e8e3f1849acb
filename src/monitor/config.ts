/**
 * The `monitor:` block of ssot.config.yaml: sources, timing and thresholds.
 * `monitorConfigSchema` validates the raw YAML (so the main config schema can
 * embed it); `resolveMonitorSetup` turns raw config plus CLI flags into
 * runtime specs with every default filled in.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UserError } from '../model/errors.js';
import { parseDuration, tryParseDuration } from './duration.js';
import { formatSelector, parseSelector } from './sources/selectors.js';
import { redactUrl } from './sources/urls.js';
import type { MetricSelector, MetricsSourceSpec, ProbeSourceSpec, RedisSourceSpec, SourceSpec } from './sources/types.js';

/** Judge settings. Every default comes from the seed plan (§4.3, §5.2, §7.1) or is a noise guard. */
export interface Thresholds {
  /** Golden-path latency may grow to baseline × this (seed §7.1: + 5 %). */
  latencyBudget: number;
  /** Confidence level of the Hodges–Lehmann interval. */
  confidence: number;
  /** connected_clients / maxclients must stay below this (pool exhaustion). */
  maxClientsRatio: number;
  /** WebSocket 1011 close rate may be at most this × the baseline rate (seed: "≤ baseline"). */
  ws1011MaxRatio: number;
  /** Probe failure rate may be at most this × the baseline failure rate ("success ≥ baseline"). */
  probeFailureMaxRatio: number;
  /** New-connection rate (connection churn) may be at most this × the baseline rate. */
  connectionRateMaxRatio: number;
  /** A rate rule needs at least this many events in its window before it can fail. */
  minEvents: number;
  /** Minimum new connections before the churn rule can fail (connections are not rare events). */
  connectionMinEvents: number;
  /** Significance of the exact rate comparison that guards rate rules against Poisson noise. */
  rateAlpha: number;
  /** Samples needed on each side before the latency judge speaks. */
  minSamples: number;
  /** Observations needed before a rule-based signal speaks. */
  ruleMinSamples: number;
  /** Consecutive failing intervals that confirm a breach (Argo Rollouts' failure limit). Critical signals confirm at once. */
  consecutive: number;
  /** Rate rules look at the last this-many intervals. */
  rateWindow: number;
  /** Latency samples kept per signal (the most recent); bounds memory on long watches. */
  latencyWindow: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  latencyBudget: 1.05,
  confidence: 0.95,
  maxClientsRatio: 0.8,
  ws1011MaxRatio: 1,
  probeFailureMaxRatio: 1,
  connectionRateMaxRatio: 2,
  minEvents: 3,
  connectionMinEvents: 20,
  rateAlpha: 0.05,
  minSamples: 20,
  ruleMinSamples: 3,
  consecutive: 3,
  rateWindow: 12,
  latencyWindow: 2000,
};

const DURATION_MESSAGE = 'expected a duration with a unit, like 500ms, 5s, 2m';
const durationSchema = z.string({ error: DURATION_MESSAGE }).refine((text) => (tryParseDuration(text) ?? 0) > 0, { message: DURATION_MESSAGE });
const selectorSchema = z.union([
  z.string().refine((text) => parseSelector(text) !== undefined, { message: 'expected a selector like name{label="value"}' }),
  z.strictObject({ metric: z.string().min(1), labels: z.record(z.string(), z.string()).optional() }),
]);
const urlSchema = z.string().min(1);

const redisEntrySchema = z.union([urlSchema, z.strictObject({ url: urlSchema, name: z.string().min(1).optional(), timeout: durationSchema.optional() })]);
const metricsEntrySchema = z.union([
  urlSchema,
  z.strictObject({
    url: urlSchema,
    name: z.string().min(1).optional(),
    timeout: durationSchema.optional(),
    ws1011: z.union([z.literal('auto'), z.literal('off'), selectorSchema]).optional(),
    counters: z
      .array(z.strictObject({ name: z.string().min(1), selector: selectorSchema, maxRatio: z.number().positive().optional() }))
      .optional(),
    histograms: z
      .array(z.strictObject({ name: z.string().min(1), selector: selectorSchema, quantile: z.number().gt(0).lt(1).optional() }))
      .optional(),
  }),
]);
const probeEntrySchema = z.union([
  urlSchema,
  z.strictObject({
    url: urlSchema,
    name: z.string().min(1).optional(),
    method: z.string().min(1).optional(),
    expectStatus: z.union([z.number().int(), z.array(z.number().int())]).optional(),
    expect: z.string().optional(),
    send: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    timeout: durationSchema.optional(),
    count: z.number().int().min(1).max(100).optional(),
  }),
]);
const thresholdsSchema = z.strictObject({
  latencyBudget: z.number().gt(1).optional(),
  confidence: z.number().gt(0.5).lt(1).optional(),
  maxClientsRatio: z.number().gt(0).max(1).optional(),
  ws1011MaxRatio: z.number().positive().optional(),
  probeFailureMaxRatio: z.number().positive().optional(),
  connectionRateMaxRatio: z.number().positive().optional(),
  minEvents: z.number().int().min(1).optional(),
  connectionMinEvents: z.number().int().min(1).optional(),
  rateAlpha: z.number().gt(0).lt(1).optional(),
  minSamples: z.number().int().min(3).optional(),
  ruleMinSamples: z.number().int().min(1).optional(),
  consecutive: z.number().int().min(1).optional(),
  rateWindow: z.number().int().min(1).max(10_000).optional(),
  latencyWindow: z.number().int().min(10).max(100_000).optional(),
});

/** The `monitor:` block as written in YAML. */
export const monitorConfigSchema = z.strictObject({
  interval: durationSchema.optional().describe('Time between samples (default 5s).'),
  duration: durationSchema.optional().describe('Default length of a run (baseline 2m, watch 10m when unset).'),
  redis: z.array(redisEntrySchema).optional().describe('Redis servers sampled with INFO and CLIENT LIST: a URL, or { url, name, timeout }.'),
  metrics: z
    .array(metricsEntrySchema)
    .optional()
    .describe('Prometheus text endpoints: a URL, or { url, name, timeout, ws1011, counters, histograms }.'),
  probes: z
    .array(probeEntrySchema)
    .optional()
    .describe('Synthetic probes: an http(s):// or ws(s):// URL, or { url, name, method, expectStatus, expect, send, headers, timeout, count }.'),
  thresholds: thresholdsSchema.optional().describe('Judge settings; every one has a default (see DEFAULT_THRESHOLDS).'),
});
export type MonitorConfig = z.infer<typeof monitorConfigSchema>;

/** Reads only the `monitor:` key of a YAML file (an ssot.config.yaml may hold other keys). */
export function loadMonitorConfig(file: string): MonitorConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new UserError(`config ${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const block = document && typeof document === 'object' ? (document as Record<string, unknown>).monitor : undefined;
  if (block === undefined || block === null) return {};
  const parsed = monitorConfigSchema.safeParse(block);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = ['monitor', ...(issue?.path ?? [])].join('.');
    throw new UserError(`config ${file}: ${where}: ${issue?.message ?? 'invalid'}`, {
      hint: 'see the monitor section of the README for the accepted keys',
    });
  }
  return parsed.data;
}

function hostPath(url: string, keepPath: boolean): string {
  try {
    const parsed = new URL(url);
    const path = keepPath && parsed.pathname !== '/' ? parsed.pathname : '';
    return `${parsed.host}${path}`;
  } catch {
    return redactUrl(url);
  }
}

function checkUrl(url: string, schemes: string[], flag: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`${flag} ${redactUrl(url)}: not a URL`, { hint: `expected ${schemes.map((s) => `${s}//…`).join(' or ')}` });
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new UserError(`${flag} ${redactUrl(url)}: unsupported scheme ${parsed.protocol}`, {
      hint: `expected ${schemes.map((s) => `${s}//…`).join(' or ')}`,
    });
  }
  return url;
}

function toSelector(value: string | { metric: string; labels?: Record<string, string> | undefined }): MetricSelector {
  if (typeof value === 'string') return parseSelector(value) as MetricSelector;
  return { metric: value.metric, labels: value.labels ?? {} };
}

const ms = (text: string | undefined, fallback: number, what: string) => (text === undefined ? fallback : parseDuration(text, what));

export interface CliSources {
  redis?: string[];
  metrics?: string[];
  probes?: string[];
}

/** Config entries plus CLI URLs (added, de-duplicated by URL) → specs with unique names. */
export function resolveSources(config: MonitorConfig, cli: CliSources): SourceSpec[] {
  const specs: SourceSpec[] = [];
  const seenUrls = new Set<string>();
  const add = (spec: SourceSpec) => {
    const key = `${spec.kind} ${spec.url}`;
    if (seenUrls.has(key)) return;
    seenUrls.add(key);
    specs.push(spec);
  };
  for (const entry of [...(config.redis ?? []), ...(cli.redis ?? [])]) {
    const raw = typeof entry === 'string' ? { url: entry } : entry;
    const url = checkUrl(raw.url, ['redis:', 'rediss:'], '--redis');
    const db = (() => {
      try {
        const path = new URL(url).pathname.replace('/', '');
        return path && path !== '0' ? `/${path}` : '';
      } catch {
        return '';
      }
    })();
    const spec: RedisSourceSpec = {
      kind: 'redis',
      name: raw.name ?? `redis ${hostPath(url, false)}${db}`,
      url,
      timeoutMs: ms(raw.timeout, 2000, 'redis timeout'),
    };
    add(spec);
  }
  for (const entry of [...(config.metrics ?? []), ...(cli.metrics ?? [])]) {
    const raw = typeof entry === 'string' ? { url: entry } : entry;
    const url = checkUrl(raw.url, ['http:', 'https:'], '--metrics');
    const full = typeof entry === 'string' ? undefined : entry;
    const ws1011 = full?.ws1011 === undefined || full.ws1011 === 'auto' ? 'auto' : full.ws1011 === 'off' ? 'off' : toSelector(full.ws1011);
    const spec: MetricsSourceSpec = {
      kind: 'metrics',
      name: raw.name ?? `metrics ${hostPath(url, true)}`,
      url,
      timeoutMs: ms(raw.timeout, 3000, 'metrics timeout'),
      ws1011,
      counters: (full?.counters ?? []).map((c) => ({ name: c.name, selector: toSelector(c.selector), maxRatio: c.maxRatio ?? 1 })),
      histograms: (full?.histograms ?? []).map((h) => ({ name: h.name, selector: toSelector(h.selector), quantile: h.quantile ?? 0.95 })),
    };
    add(spec);
  }
  for (const entry of [...(config.probes ?? []), ...(cli.probes ?? [])]) {
    const raw = typeof entry === 'string' ? { url: entry } : entry;
    const url = checkUrl(raw.url, ['http:', 'https:', 'ws:', 'wss:'], '--probe');
    const protocol = url.startsWith('ws') ? 'ws' : 'http';
    const method = (raw.method ?? 'GET').toUpperCase();
    const expectStatus = raw.expectStatus === undefined ? [] : Array.isArray(raw.expectStatus) ? raw.expectStatus : [raw.expectStatus];
    const spec: ProbeSourceSpec = {
      kind: 'probe',
      protocol,
      name: raw.name ?? `${protocol === 'ws' ? 'ws' : method} ${hostPath(url, true)}`,
      url,
      method,
      expectStatus,
      expect: raw.expect ?? '',
      send: raw.send ?? 'ping',
      headers: raw.headers ?? {},
      timeoutMs: ms(raw.timeout, 5000, 'probe timeout'),
      count: raw.count ?? 1,
    };
    add(spec);
  }
  // names are part of signal ids, so they must be unique
  const used = new Map<string, number>();
  for (const spec of specs) {
    const n = (used.get(spec.name) ?? 0) + 1;
    used.set(spec.name, n);
    if (n > 1) spec.name = `${spec.name} #${n}`;
  }
  return specs;
}

export function resolveThresholds(config: MonitorConfig, overrides: Partial<Thresholds> = {}): Thresholds {
  const fromConfig = Object.fromEntries(Object.entries(config.thresholds ?? {}).filter(([, v]) => v !== undefined)) as Partial<Thresholds>;
  return { ...DEFAULT_THRESHOLDS, ...fromConfig, ...overrides };
}

/** A source spec as written to a baseline or report: no credentials, no headers. */
export function publicSpec(spec: SourceSpec): SourceSpec {
  if (spec.kind === 'probe') return { ...spec, url: redactUrl(spec.url), headers: {} };
  return { ...spec, url: redactUrl(spec.url) };
}

export { formatSelector };

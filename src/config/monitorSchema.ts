/**
 * The raw shape of the `monitor:` block of ssot.config.yaml (sources, timing,
 * thresholds), embedded in the main config schema. monitor/config.ts turns it,
 * plus CLI flags, into runtime specs with every default filled in.
 */
import { z } from 'zod';
import { tryParseDuration } from '../text/duration.js';
import { parseSelector } from './metricSelector.js';

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
  silentSourceIsBreach: z.boolean().optional(),
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

/**
 * The `monitor:` block of ssot.config.yaml at run time: the raw block
 * (validated by config/monitorSchema.ts, which the main config schema
 * embeds) plus CLI flags become source specs and thresholds with every
 * default filled in.
 */
import { readConfigDocument, validateConfigSection } from '../config/load.js';
import { formatSelector, parseSelector } from '../config/metricSelector.js';
import { monitorConfigSchema, type MonitorConfig } from '../config/monitorSchema.js';
import { UserError } from '../model/errors.js';
import { parseDuration } from '../text/duration.js';
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
  /**
   * A source that answered during the baseline and never answers during the
   * watch fails its `reachable` signal (a total outage is a breach, as a
   * partial one is); false: it is "no data" (exit 3) instead.
   */
  silentSourceIsBreach: boolean;
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
  silentSourceIsBreach: true,
};

export { monitorConfigSchema, type MonitorConfig };

/** Reads only the `monitor:` key of a config file (an ssot.config.yaml may hold other keys), with the config loader's file:line messages. */
export function loadMonitorConfig(file: string): MonitorConfig {
  const doc = readConfigDocument(file);
  const block = doc.data && typeof doc.data === 'object' ? (doc.data as Record<string, unknown>).monitor : undefined;
  if (block === undefined || block === null) return {};
  return validateConfigSection(doc, monitorConfigSchema, ['monitor']);
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

/**
 * Prometheus text-format source: scraped with fetch, parsed by
 * parse-prometheus-text-format (histograms excepted, see parseHistograms), then
 * narrowed by a small typed adapter to the two things the judge uses — counters (turned into rates by the window) and
 * histograms (turned into per-interval quantiles).
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { readBodyCapped } from './body.js';
import type { Collector, HistogramSnapshot, MetricSelector, MetricsReading, MetricsSourceSpec } from './types.js';

export type MetricFamily =
  | { name: string; type: 'counter' | 'gauge' | 'untyped'; samples: Array<{ labels: Record<string, string>; value: number }> }
  | { name: string; type: 'histogram'; series: Array<{ labels: Record<string, string>; snapshot: HistogramSnapshot }> }
  | { name: string; type: 'summary'; series: Array<{ labels: Record<string, string>; count: number; sum: number }> };

function toNumber(text: string | undefined): number {
  if (text === undefined) return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** One `name{labels} value [timestamp]` line of the text format; undefined for anything else. */
export function parseSampleLine(line: string): { name: string; labels: Record<string, string>; value: number } | undefined {
  const nameMatch = /^([A-Za-z_:][A-Za-z0-9_:]*)/.exec(line);
  if (!nameMatch) return undefined;
  const name = nameMatch[1] as string;
  let position = name.length;
  const labels: Record<string, string> = {};
  if (line[position] === '{') {
    position++;
    for (;;) {
      while (line[position] === ' ' || line[position] === ',') position++;
      if (line[position] === '}') {
        position++;
        break;
      }
      const key = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"/.exec(line.slice(position));
      if (!key) return undefined;
      position += key[0].length;
      let value = '';
      for (; position < line.length && line[position] !== '"'; position++) {
        if (line[position] === '\\') {
          position++;
          const escaped = line[position];
          value += escaped === 'n' ? '\n' : (escaped ?? '');
        } else value += line[position];
      }
      if (line[position] !== '"') return undefined;
      position++;
      labels[key[1] as string] = value;
    }
  }
  const rest = line.slice(position).trim().split(/\s+/);
  if (!rest[0]) return undefined;
  return { name, labels, value: toNumber(rest[0]) };
}

/**
 * Histogram families straight from the sample lines. parse-prometheus-text-format
 * drops the labels of histogram series and their _sum/_count (upstream issue #13,
 * fix in the unmerged PR #8), merging every series of a family into one — so
 * histograms are grouped here, by family, labels minus `le`.
 */
function parseHistograms(text: string, names: ReadonlySet<string>): Map<string, Array<{ labels: Record<string, string>; snapshot: HistogramSnapshot }>> {
  const families = new Map<string, Map<string, { labels: Record<string, string>; buckets: Map<number, number>; count: number; sum: number }>>();
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const sample = parseSampleLine(line);
    if (!sample) continue;
    const suffix = /_(bucket|sum|count)$/.exec(sample.name);
    const family = suffix ? sample.name.slice(0, -suffix[0].length) : '';
    if (!suffix || !names.has(family)) continue;
    const { le, ...labels } = sample.labels;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
    const series = families.get(family) ?? new Map();
    families.set(family, series);
    const entry = series.get(key) ?? { labels, buckets: new Map<number, number>(), count: Number.NaN, sum: Number.NaN };
    series.set(key, entry);
    if (suffix[1] === 'bucket' && le !== undefined) entry.buckets.set(toNumber(le), sample.value);
    else if (suffix[1] === 'sum') entry.sum = sample.value;
    else if (suffix[1] === 'count') entry.count = sample.value;
  }
  const out = new Map<string, Array<{ labels: Record<string, string>; snapshot: HistogramSnapshot }>>();
  for (const [family, series] of families) {
    out.set(
      family,
      [...series.values()].map((entry) => {
        const buckets = [...entry.buckets.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
        const infinite = entry.buckets.get(Number.POSITIVE_INFINITY);
        const count = Number.isNaN(entry.count) ? (infinite ?? 0) : entry.count;
        if (infinite === undefined) buckets.push({ le: Number.POSITIVE_INFINITY, count });
        return { labels: entry.labels, snapshot: { buckets, count, sum: Number.isNaN(entry.sum) ? 0 : entry.sum } };
      }),
    );
  }
  return out;
}

/**
 * Parses exposition text into typed families: counters, gauges and untyped
 * samples through parse-prometheus-text-format, histograms by parseHistograms.
 * Throws on text the parser rejects.
 */
export function parsePrometheusText(text: string): MetricFamily[] {
  const parsed = parsePrometheusTextFormat(text);
  const histogramNames = new Set(parsed.filter((raw) => raw.type === 'HISTOGRAM').map((raw) => raw.name));
  const histograms = parseHistograms(text, histogramNames);
  const families: MetricFamily[] = [];
  for (const raw of parsed) {
    if (raw.type === 'HISTOGRAM') {
      families.push({ name: raw.name, type: 'histogram', series: histograms.get(raw.name) ?? [] });
    } else if (raw.type === 'SUMMARY') {
      families.push({
        name: raw.name,
        type: 'summary',
        series: raw.metrics.map((m) => ({ labels: m.labels ?? {}, count: toNumber(m.count), sum: toNumber(m.sum) })),
      });
    } else {
      families.push({
        name: raw.name,
        type: raw.type === 'COUNTER' ? 'counter' : raw.type === 'GAUGE' ? 'gauge' : 'untyped',
        samples: raw.metrics.map((m) => ({ labels: m.labels ?? {}, value: toNumber(m.value) })),
      });
    }
  }
  return families;
}

// parsing selectors needs no Prometheus parser: its own module keeps the config loader light
import { formatSelector } from '../../config/metricSelector.js';
export { formatSelector, parseSelector } from '../../config/metricSelector.js';

/** Counter families are named with or without `_total` depending on the client library. */
function sameMetric(familyName: string, metric: string): boolean {
  return familyName === metric || familyName === `${metric}_total` || `${familyName}_total` === metric;
}

const matchesLabels = (labels: Record<string, string>, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => labels[key] === value);

/**
 * Sum of the selected counter series; 0 when the family exists but no series
 * matches yet (a labelled counter appears only on its first increment), null
 * when the family is absent.
 */
export function selectCounter(families: readonly MetricFamily[], selector: MetricSelector): number | null {
  const family = families.find((f) => f.type !== 'histogram' && f.type !== 'summary' && sameMetric(f.name, selector.metric));
  if (!family || family.type === 'histogram' || family.type === 'summary') return null;
  return family.samples.filter((s) => matchesLabels(s.labels, selector.labels)).reduce((sum, s) => sum + s.value, 0);
}

/** Bucket-wise sum of the selected histogram series; null when absent. */
export function selectHistogram(families: readonly MetricFamily[], selector: MetricSelector): HistogramSnapshot | null {
  const family = families.find((f) => f.type === 'histogram' && f.name === selector.metric);
  if (!family || family.type !== 'histogram') return null;
  const byBound = new Map<number, number>();
  let count = 0;
  let sum = 0;
  for (const series of family.series) {
    if (!matchesLabels(series.labels, selector.labels)) continue;
    for (const bucket of series.snapshot.buckets) byBound.set(bucket.le, (byBound.get(bucket.le) ?? 0) + bucket.count);
    count += series.snapshot.count;
    sum += series.snapshot.sum;
  }
  const buckets = [...byBound.entries()].map(([le, c]) => ({ le, count: c })).sort((a, b) => a.le - b.le);
  if (!buckets.length) return { buckets: [{ le: Number.POSITIVE_INFINITY, count: 0 }], count: 0, sum: 0 };
  return { buckets, count, sum };
}

/** Bucket counts of `later` minus `earlier` (a reset — any count going down — returns `later` itself). */
export function histogramDelta(earlier: HistogramSnapshot, later: HistogramSnapshot): HistogramSnapshot {
  const before = new Map(earlier.buckets.map((b) => [b.le, b.count]));
  const reset = later.count < earlier.count || later.buckets.some((b) => b.count < (before.get(b.le) ?? 0));
  if (reset) return later;
  return {
    buckets: later.buckets.map((b) => ({ le: b.le, count: b.count - (before.get(b.le) ?? 0) })),
    count: later.count - earlier.count,
    sum: later.sum - earlier.sum,
  };
}

/**
 * Prometheus' histogram_quantile: linear interpolation inside the bucket that
 * holds the rank; a rank in the +Inf bucket returns the highest finite bound.
 * null when the histogram is empty.
 */
export function histogramQuantile(q: number, histogram: HistogramSnapshot): number | null {
  const { buckets } = histogram;
  const total = buckets[buckets.length - 1]?.count ?? 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (let i = 0; i < buckets.length; i++) {
    const bucket = buckets[i] as { le: number; count: number };
    if (bucket.count >= rank) {
      if (bucket.le === Number.POSITIVE_INFINITY) return i > 0 ? previousBound : null;
      if (i === 0 && bucket.le <= 0) return bucket.le;
      const inBucket = bucket.count - previousCount;
      if (inBucket <= 0) return bucket.le;
      return previousBound + ((bucket.le - previousBound) * (rank - previousCount)) / inBucket;
    }
    previousBound = bucket.le;
    previousCount = bucket.count;
  }
  return previousBound;
}

const CLOSE_FAMILY = /(ws|websocket).*(close|disconnect)|(close|disconnect).*(ws|websocket)/i;
const CODE_LABELS = ['code', 'close_code', 'closecode', 'status', 'status_code', 'reason'];

/**
 * Finds the WebSocket close counter by its name (`ws_closes_total`,
 * `websocket_close_total`, …) and the label that carries the close code. Found
 * by name, not by a "1011" series: on a healthy service that series does not
 * exist yet.
 */
export function detectWs1011Selector(families: readonly MetricFamily[]): MetricSelector | undefined {
  for (const family of families) {
    if (family.type !== 'counter' && family.type !== 'untyped') continue;
    if (!CLOSE_FAMILY.test(family.name)) continue;
    const seen = new Set(family.samples.flatMap((s) => Object.keys(s.labels)));
    const label = CODE_LABELS.find((candidate) => seen.has(candidate)) ?? 'code';
    return { metric: family.name, labels: { [label]: '1011' } };
  }
  return undefined;
}

export const WS1011_COUNTER = '__ws1011';

/** A reading from one scrape (pure). */
export function metricsReadingFrom(spec: MetricsSourceSpec, families: readonly MetricFamily[]): MetricsReading {
  const counters: Record<string, number | null> = {};
  let ws1011Resolved: string | null = null;
  if (spec.ws1011 !== 'off') {
    const selector = spec.ws1011 === 'auto' ? detectWs1011Selector(families) : spec.ws1011;
    counters[WS1011_COUNTER] = selector ? selectCounter(families, selector) : null;
    ws1011Resolved = selector ? formatSelector(selector) : null;
  }
  for (const rule of spec.counters) counters[rule.name] = selectCounter(families, rule.selector);
  const histograms: Record<string, HistogramSnapshot | null> = {};
  for (const rule of spec.histograms) histograms[rule.name] = selectHistogram(families, rule.selector);
  return { kind: 'metrics', counters, histograms, ws1011Resolved };
}

/** What a Prometheus metric name may be (the exposition format's rule). */
const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;

export class PrometheusCollector implements Collector {
  constructor(readonly spec: MetricsSourceSpec) {}

  async collect(deadlineMs: number, signal: AbortSignal): Promise<MetricsReading> {
    const timeout = Math.max(1, Math.min(this.spec.timeoutMs, deadlineMs - Date.now()));
    // one deadline for the headers and the whole body
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(timeout)]);
    const response = await fetch(this.spec.url, { signal: attempt, headers: { accept: 'text/plain;version=0.0.4' } });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`HTTP ${response.status} from ${this.spec.url}`);
    }
    const contentType = response.headers.get('content-type') ?? '';
    if (/html|json|xml/i.test(contentType)) {
      await response.body?.cancel().catch(() => {});
      throw new Error(`not Prometheus text (content-type ${contentType.split(';')[0]})`);
    }
    const text = await readBodyCapped(response, attempt);
    let families: MetricFamily[];
    try {
      families = parsePrometheusText(text);
    } catch (error) {
      throw new Error(`unparseable metrics: ${(error as Error).message}`);
    }
    // a page that parses to nothing, or to "metrics" no exporter could name, is not the metrics page
    // (a login page, an error page served with 200): the parser is lenient, so this is checked here
    if (!families.length && text.trim() !== '') throw new Error('not Prometheus text (no metric family in the page)');
    const misnamed = families.find((f) => !METRIC_NAME.test(f.name));
    if (misnamed) throw new Error(`not Prometheus text (\`${misnamed.name.slice(0, 40)}\` is not a metric name)`);
    return metricsReadingFrom(this.spec, families);
  }

  async close(): Promise<void> {}
}

// The package ships JavaScript only; this is the subset of its output shape we rely on
// (prom2json-compatible: every number arrives as a string).
declare module 'parse-prometheus-text-format' {
  interface RawMetric {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  interface RawFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: RawMetric[];
  }
  export default function parsePrometheusTextFormat(text: string): RawFamily[];
}

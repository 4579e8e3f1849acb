/** Metric selectors (`name{label="value",…}`) as written in the monitor config. */

/** A Prometheus series selector: family name plus label equalities (other labels are summed over). */
export interface MetricSelector {
  metric: string;
  labels: Record<string, string>;
}

const SELECTOR_PATTERN = /^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$/;
const LABEL_PATTERN = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

/** `name{label="value",…}` → selector; undefined when malformed. */
export function parseSelector(text: string): MetricSelector | undefined {
  const match = SELECTOR_PATTERN.exec(text);
  if (!match) return undefined;
  const labels: Record<string, string> = {};
  const body = match[2]?.trim() ?? '';
  LABEL_PATTERN.lastIndex = 0;
  let consumed = 0;
  for (let label = LABEL_PATTERN.exec(body); label; label = LABEL_PATTERN.exec(body)) {
    labels[label[1] as string] = (label[2] as string).replace(/\\(.)/g, '$1');
    consumed = LABEL_PATTERN.lastIndex;
  }
  if (consumed !== body.length) return undefined;
  return { metric: match[1] as string, labels };
}

export function formatSelector(selector: MetricSelector): string {
  const labels = Object.entries(selector.labels).map(([k, v]) => `${k}="${v}"`);
  return labels.length ? `${selector.metric}{${labels.join(',')}}` : selector.metric;
}

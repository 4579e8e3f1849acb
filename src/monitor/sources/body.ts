/**
 * Response bodies read with a byte cap, under the caller's abort signal: an
 * endless or oversized body (a misrouted download, a runaway exporter) ends
 * the attempt with an error once the cap or the deadline is reached, instead
 * of growing memory without bound past `--duration`.
 */

/** The most a metrics page or a probe body may hold (a large Prometheus exporter serves a few MB). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${Math.round(limit / (1024 * 1024))} MiB; not read further`);
    this.name = 'BodyTooLarge';
  }
}

/** The body as UTF-8 text, read chunk by chunk; throws BodyTooLarge past `limit` bytes, or the abort reason once `signal` aborts. */
export async function readBodyCapped(response: Response, signal: AbortSignal, limit: number = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => {});
    throw new BodyTooLarge(limit);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const onAbort = () => void reader.cancel().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw new BodyTooLarge(limit);
      }
      chunks.push(value);
    }
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks).toString('utf8');
}

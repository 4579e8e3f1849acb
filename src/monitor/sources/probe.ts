/**
 * Synthetic probes. HTTP: one request, status and body checked, latency from
 * request to full body. WebSocket: connect, send one message, wait for the
 * reply; latency is send → reply, and a server close before the reply records
 * its code (1011 is counted apart by the window). A failed attempt is data,
 * never an exception.
 */
import WebSocket from 'ws';
import { readBodyCapped } from './body.js';
import type { Collector, ProbeAttempt, ProbeReading, ProbeSourceSpec } from './types.js';

function describeError(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return 'timed out';
  if (err?.cause?.code) return err.cause.code;
  return err?.cause?.message ?? err?.message ?? String(error);
}

export async function probeHttpOnce(spec: ProbeSourceSpec, timeoutMs: number, signal: AbortSignal): Promise<ProbeAttempt> {
  const started = performance.now();
  try {
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, timeoutMs))]);
    const response = await fetch(spec.url, { method: spec.method, headers: spec.headers, redirect: 'manual', signal: attempt });
    const body = await readBodyCapped(response, attempt);
    const latencyMs = performance.now() - started;
    const statusOk = spec.expectStatus.length ? spec.expectStatus.includes(response.status) : response.status >= 200 && response.status < 300;
    if (!statusOk) return { ok: false, latencyMs: null, status: response.status, error: `HTTP ${response.status}` };
    if (spec.expect && !body.includes(spec.expect)) {
      return { ok: false, latencyMs: null, status: response.status, error: `body lacks ${JSON.stringify(spec.expect)}` };
    }
    return { ok: true, latencyMs, status: response.status };
  } catch (error) {
    return { ok: false, latencyMs: null, error: describeError(error) };
  }
}

export function probeWebSocketOnce(spec: ProbeSourceSpec, timeoutMs: number, signal: AbortSignal): Promise<ProbeAttempt> {
  return new Promise((resolve) => {
    let settled = false;
    let sentAt = 0;
    const socket = new WebSocket(spec.url, { headers: spec.headers, handshakeTimeout: Math.max(1, timeoutMs) });
    const finish = (attempt: ProbeAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (socket.readyState === WebSocket.OPEN) {
        socket.close(1000);
        // a peer that never answers the close handshake must not keep us alive
        setTimeout(() => socket.terminate(), 1000).unref();
      } else if (socket.readyState === WebSocket.CONNECTING) {
        socket.terminate();
      }
      resolve(attempt);
    };
    const onAbort = () => finish({ ok: false, latencyMs: null, error: 'aborted' });
    const timer = setTimeout(() => finish({ ok: false, latencyMs: null, error: `no reply within ${timeoutMs}ms` }), Math.max(1, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('open', () => {
      sentAt = performance.now();
      socket.send(spec.send);
    });
    socket.on('message', (data) => {
      const latencyMs = performance.now() - sentAt;
      const text = Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as ArrayBuffer).toString();
      if (spec.expect && !text.includes(spec.expect)) finish({ ok: false, latencyMs: null, error: `reply lacks ${JSON.stringify(spec.expect)}` });
      else finish({ ok: true, latencyMs });
    });
    socket.on('close', (code) => finish({ ok: false, latencyMs: null, closeCode: code, error: `closed with ${code} before replying` }));
    socket.on('unexpected-response', (_request, response) => finish({ ok: false, latencyMs: null, status: response.statusCode, error: `HTTP ${response.statusCode} on upgrade` }));
    socket.on('error', (error) => finish({ ok: false, latencyMs: null, error: describeError(error) }));
  });
}

export class ProbeCollector implements Collector {
  constructor(readonly spec: ProbeSourceSpec) {}

  /**
   * `count` attempts run side by side, so a slow target costs one latency per
   * interval rather than `count` of them (sequential attempts could overrun a
   * short interval and turn slowness into failures).
   */
  async collect(deadlineMs: number, signal: AbortSignal): Promise<ProbeReading> {
    const timeout = Math.max(1, Math.min(this.spec.timeoutMs, deadlineMs - Date.now()));
    const once = () => (this.spec.protocol === 'ws' ? probeWebSocketOnce(this.spec, timeout, signal) : probeHttpOnce(this.spec, timeout, signal));
    const attempts = await Promise.all(Array.from({ length: this.spec.count }, once));
    // attempts cut short by Ctrl-C say nothing about the service
    return { kind: 'probe', attempts: signal.aborted ? [] : attempts };
  }

  async close(): Promise<void> {}
}

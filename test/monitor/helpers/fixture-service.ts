/**
 * A stand-in for the golden path, built from real parts: an HTTP server with
 * a /golden endpoint, a WebSocket echo at /ws, Prometheus metrics from
 * prom-client at /metrics, and (optionally) a named Redis connection. Its
 * behaviour can be switched to degrade: slower golden path, latency jitter,
 * WebSocket closes with 1011.
 *
 * In tests: `await startFixtureService({...})`. By hand (for a transcript):
 *   node dist/test/monitor/helpers/fixture-service.js serve --port 8080 [--redis URL]
 * and switch modes with: curl -XPOST 'localhost:8080/control?latencyFactor=1.2&ws1011=1'
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Counter, Histogram, Registry } from 'prom-client';
import { createClient } from 'redis';
import { WebSocketServer } from 'ws';

export interface FixtureMode {
  /** Base latency of /golden and of the WebSocket reply, ms. */
  baseLatencyMs: number;
  /** Multiplier on the base latency (1.2 = +20 %). */
  latencyFactor: number;
  /** Uniform jitter as a fraction (0.03 = ±3 %). */
  jitter: number;
  /** When true the WebSocket handler closes with 1011 instead of replying. */
  ws1011: boolean;
}

export interface FixtureService {
  port: number;
  httpUrl: string;
  goldenUrl: string;
  wsUrl: string;
  metricsUrl: string;
  mode: FixtureMode;
  setMode(patch: Partial<FixtureMode>): void;
  close(): Promise<void>;
}

export async function startFixtureService(options: { port?: number; redisUrl?: string; mode?: Partial<FixtureMode> } = {}): Promise<FixtureService> {
  const mode: FixtureMode = { baseLatencyMs: 40, latencyFactor: 1, jitter: 0, ws1011: false, ...options.mode };
  const registry = new Registry();
  const closes = new Counter({ name: 'ws_connections_closed_total', help: 'WebSocket closes by code', labelNames: ['code'], registers: [registry] });
  const golden = new Histogram({
    name: 'golden_path_request_duration_seconds',
    help: 'golden path latency',
    buckets: [0.005, 0.01, 0.025, 0.04, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const delay = () => {
    const factor = mode.latencyFactor * (1 + mode.jitter * (2 * Math.random() - 1));
    return new Promise<void>((resolve) => setTimeout(resolve, mode.baseLatencyMs * factor));
  };

  let redis: ReturnType<typeof createClient> | undefined;
  if (options.redisUrl) {
    redis = createClient({ url: options.redisUrl, name: 'netra-backend', socket: { reconnectStrategy: false } });
    redis.on('error', () => {});
    await redis.connect();
  }

  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fixture');
    if (url.pathname === '/golden') {
      const end = golden.startTimer();
      await delay();
      end();
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok golden path');
    } else if (url.pathname === '/metrics') {
      response.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    } else if (url.pathname === '/control' && request.method === 'POST') {
      for (const [key, value] of url.searchParams) {
        if (key === 'ws1011') mode.ws1011 = value === '1' || value === 'true';
        else if (key in mode) (mode as unknown as Record<string, number>)[key] = Number(value);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(mode));
    } else {
      response.writeHead(404).end('not found');
    }
  });
  const wss = new WebSocketServer({ server, path: '/ws' });
  wss.on('connection', (socket) => {
    socket.on('message', async (data) => {
      if (mode.ws1011) {
        socket.close(1011, 'redis unavailable');
        return;
      }
      await delay();
      socket.send(`pong ${String(data)}`);
    });
    socket.on('close', (code) => closes.inc({ code: String(code === 1005 ? 1000 : code) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const httpUrl = `http://127.0.0.1:${port}`;
  return {
    port,
    httpUrl,
    goldenUrl: `${httpUrl}/golden`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    metricsUrl: `${httpUrl}/metrics`,
    mode,
    setMode(patch) {
      Object.assign(mode, patch);
    },
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis?.destroy();
    },
  };
}

// `serve` runs it by hand; without it (e.g. picked up by `node --test dir`) importing is inert.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'serve') {
  const arg = (name: string) => {
    const index = process.argv.indexOf(name);
    return index > 0 ? process.argv[index + 1] : undefined;
  };
  const service = await startFixtureService({ port: Number(arg('--port') ?? 0), ...(arg('--redis') ? { redisUrl: arg('--redis') as string } : {}) });
  process.stdout.write(`fixture service: golden ${service.goldenUrl}  ws ${service.wsUrl}  metrics ${service.metricsUrl}\n`);
  process.on('SIGINT', () => void service.close().then(() => process.exit(0)));
}

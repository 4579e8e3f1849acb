/**
 * Redis source: INFO (server, clients, stats) and CLIENT LIST through node-redis.
 * One long-lived connection named `ssot-monitor` (excluded from the per-name
 * counts); a broken connection is dropped and re-opened on the next attempt.
 */
import { createClient } from 'redis';
import type { Collector, RedisReading, RedisSourceSpec } from './types.js';

export const MONITOR_CLIENT_NAME = 'ssot-monitor';

/** `key:value` lines of an INFO reply (section headers and blanks skipped). */
export function parseRedisInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** Connections per client name in a CLIENT LIST reply; the monitor's own connections are left out. */
export function countClientsByName(text: string, ownName = MONITOR_CLIENT_NAME): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (!line) continue;
    const match = / name=(\S*)/.exec(` ${line}`);
    const name = match?.[1] ? match[1] : '(unnamed)';
    if (name === ownName) continue;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function requireNumber(fields: Record<string, string>, key: string): number {
  const value = Number(fields[key]);
  if (fields[key] === undefined || !Number.isFinite(value)) throw new Error(`INFO has no numeric ${key}`);
  return value;
}

/** A reading from the three INFO sections and CLIENT LIST (pure; the collector does the I/O). */
export function redisReadingFrom(info: Record<string, string>, clientList: string, maxclientsFallback: number | null): RedisReading {
  const runId = info.run_id;
  if (!runId) throw new Error('INFO has no run_id');
  const maxclients = info.maxclients !== undefined ? requireNumber(info, 'maxclients') : maxclientsFallback;
  return {
    kind: 'redis',
    runId,
    connectedClients: requireNumber(info, 'connected_clients'),
    maxclients,
    blockedClients: requireNumber(info, 'blocked_clients'),
    rejectedConnections: requireNumber(info, 'rejected_connections'),
    totalConnectionsReceived: requireNumber(info, 'total_connections_received'),
    clientsByName: countClientsByName(clientList),
  };
}

// no Redis client needed to redact a URL: its own module keeps the config loader light
export { redactUrl } from './urls.js';

function openClient(url: string, connectTimeout: number) {
  return createClient({
    url,
    name: MONITOR_CLIENT_NAME,
    disableOfflineQueue: true,
    socket: { connectTimeout, reconnectStrategy: false },
  });
}
type Client = ReturnType<typeof openClient>;

/** The last value of a CONFIG GET reply, whatever RESP shape it came in. */
function lastConfigValue(reply: unknown): number {
  const values =
    reply instanceof Map ? [...reply.values()] : Array.isArray(reply) ? reply : Object.values((reply ?? {}) as Record<string, unknown>);
  return Number(values.length ? String(values[values.length - 1]) : Number.NaN);
}

function withDeadline<T>(promise: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  const remaining = Math.max(1, deadlineMs - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${remaining}ms`)), remaining);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class RedisCollector implements Collector {
  private client: Client | undefined;
  /** undefined: not asked yet; null: CONFIG GET refused (managed Redis). */
  private configMaxclients: number | null | undefined;

  constructor(readonly spec: RedisSourceSpec) {}

  private async connected(deadlineMs: number): Promise<Client> {
    if (this.client?.isReady) return this.client;
    this.drop();
    const client = openClient(this.spec.url, Math.max(1, Math.min(this.spec.timeoutMs, deadlineMs - Date.now())));
    // node-redis emits 'error' for socket problems; without a listener Node would crash.
    client.on('error', () => {});
    this.client = client;
    const connecting = client.connect();
    try {
      await withDeadline(connecting, deadlineMs, 'connect');
    } catch (error) {
      // A connect we stopped waiting for may still succeed later (a loaded
      // machine, a slow network): close it then, or its socket would keep the
      // process alive after the watch.
      connecting.then(
        () => client.destroy(),
        () => undefined,
      );
      this.drop();
      throw error;
    }
    return client;
  }

  async collect(deadlineMs: number): Promise<RedisReading> {
    const deadline = Math.min(deadlineMs, Date.now() + this.spec.timeoutMs);
    const client = await this.connected(deadline);
    try {
      const [server, clients, stats, list] = await withDeadline(
        Promise.all([
          client.sendCommand(['INFO', 'server']),
          client.sendCommand(['INFO', 'clients']),
          client.sendCommand(['INFO', 'stats']),
          client.sendCommand(['CLIENT', 'LIST']),
        ]),
        deadline,
        'INFO',
      );
      const info = { ...parseRedisInfo(String(server)), ...parseRedisInfo(String(clients)), ...parseRedisInfo(String(stats)) };
      if (info.maxclients === undefined && this.configMaxclients === undefined) {
        try {
          const reply = (await withDeadline(client.sendCommand(['CONFIG', 'GET', 'maxclients']), deadline, 'CONFIG GET')) as unknown;
          const value = lastConfigValue(reply);
          this.configMaxclients = Number.isFinite(value) ? value : null;
        } catch {
          this.configMaxclients = null;
        }
      }
      return redisReadingFrom(info, String(list), this.configMaxclients ?? null);
    } catch (error) {
      this.drop();
      throw error;
    }
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }

  async close(): Promise<void> {
    this.drop();
  }
}

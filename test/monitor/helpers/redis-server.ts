/**
 * A real redis-server on a free loopback port, for integration tests.
 * redis-server has no `--port 0`, so a port is reserved by listening on 0 and
 * released just before the server starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, Socket } from 'node:net';

export interface RedisServer {
  port: number;
  url: string;
  process: ChildProcess;
  /** SIGKILL, no goodbye: what a crashed Redis looks like to clients. */
  kill(): Promise<void>;
  /** Start again on the same port (new run_id). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerBinary(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  return 'redis-server';
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function waitUntilReady(port: number, child: ChildProcess, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`redis-server exited with ${child.exitCode}`));
      const socket = new Socket();
      socket.once('connect', () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        if (data.toString().startsWith('+PONG')) resolve();
        else retry();
      });
      socket.once('error', () => {
        socket.destroy();
        retry();
      });
      socket.connect(port, '127.0.0.1');
    };
    const retry = () => {
      if (Date.now() > deadline) reject(new Error(`redis-server on ${port} not ready after ${timeoutMs}ms`));
      else setTimeout(attempt, 30);
    };
    attempt();
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRedisServer(options: { maxclients?: number } = {}): Promise<RedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxclients', String(options.maxclients ?? 100)];
  const launch = async () => {
    const child = spawn(redisServerBinary(), args, { stdio: 'ignore' });
    await waitUntilReady(port, child);
    return child;
  };
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    process: await launch(),
    async kill() {
      server.process.kill('SIGKILL');
      await exited(server.process);
    },
    async restart() {
      server.process.kill('SIGTERM');
      await exited(server.process);
      server.process = await launch();
    },
    async stop() {
      if (server.process.exitCode === null && server.process.signalCode === null) {
        server.process.kill('SIGTERM');
        await exited(server.process);
      }
    },
  };
  return server;
}

/** Opens `count` idle connections, each named with CLIENT SETNAME, and waits until all are accepted. */
export async function openIdleConnections(port: number, count: number, name: string): Promise<Socket[]> {
  const setName = `*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$${Buffer.byteLength(name)}\r\n${name}\r\n`;
  const open = () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = new Socket();
      socket.once('error', reject);
      socket.once('data', (data) => (data.toString().startsWith('+OK') ? resolve(socket) : reject(new Error(data.toString().trim()))));
      socket.connect(port, '127.0.0.1', () => socket.write(setName));
    });
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) sockets.push(await open());
  return sockets;
}

/**
 * A real `redis-server` (Debian's, which .ci/run installs) on a free loopback port, without
 * persistence: a restart forgets every key, as a replaced Redis pod would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

export interface RedisServer {
  readonly url: string;
  /** Kills it (SIGKILL: no goodbye to its clients). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const spawned = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    child = spawned;
    // A redis-server that cannot start fails the hook at once, not by its timeout.
    const failed = new Promise<never>((_, reject) => {
      spawned.once('error', (error) => reject(new Error(`redis-server did not start: ${error.message}`)));
      spawned.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before answering`)));
    });
    failed.catch(() => undefined);
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    try {
      await Promise.race([
        probe
          .connect()
          .catch(() => undefined)
          .then(() => probe.ping()),
        failed,
      ]);
    } finally {
      probe.disconnect();
    }
  };
  await start();
  return {
    url,
    kill: async () => {
      const running = child;
      child = null;
      if (!running || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGKILL');
      await exited;
    },
    restart: start,
  };
}

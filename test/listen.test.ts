/**
 * The listen address (`HOST`): `npm start` and `npm run start:live` bind loopback unless told
 * otherwise, so a development gateway with server-side keys is not reachable from the network.
 * Checked on the real process: 127.0.0.2 is another loopback address, on which a gateway bound
 * to every interface would answer and one bound to 127.0.0.1 does not.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const children = new Set<ChildProcess>();
afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  }
  children.clear();
});

/** `npm start` (the embedded simulator) on `port` with `env`; resolves with its log once /health answers on `probe`. */
async function start(port: number, probe: string, env: Record<string, string> = {}): Promise<() => string> {
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let i = 0; i < 150 && child.exitCode === null; i++) {
    const up = await fetch(`http://${probe}:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return () => log;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the gateway did not answer on ${probe}:${port}: ${log}`);
}

describe('HOST', () => {
  it('defaults to 127.0.0.1: not reachable on another address, and the log says where it listens', async () => {
    const port = await freePort();
    const log = await start(port, '127.0.0.1');
    expect(await reachable('127.0.0.2', port)).toBe(false);
    expect(log()).toContain(`listening on 127.0.0.1:${port}`);
  }, 30_000);

  it('binds the address it is given, and only that one', async () => {
    const port = await freePort();
    const log = await start(port, '127.0.0.2', { HOST: '127.0.0.2' });
    expect(await reachable('127.0.0.1', port)).toBe(false);
    expect(log()).toContain(`listening on 127.0.0.2:${port}`);
  }, 30_000);
});

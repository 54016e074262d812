/**
 * The bench's processes: the simulator and the gateway each run in a child of their own, so
 * `process.cpuUsage()` in each is that server's CPU alone (not the load generator's, which
 * runs in the parent). A tiny request/reply protocol over the fork IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

interface Call {
  readonly id: number;
  readonly op: string;
  readonly arg?: unknown;
}
interface Reply {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}
interface Ready<T> {
  readonly ready: T;
}

export type Handlers = Readonly<Record<string, (arg: unknown) => unknown>>;

/** Child side: announce `ready`, answer calls, and close when the parent goes away. */
export function serve<T>(ready: T, handlers: Handlers, close: () => Promise<void>): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('run me through bench/run.ts (no IPC channel)');
  const always: Handlers = {
    ...handlers,
    cpu: () => process.cpuUsage(),
    memory: () => {
      // A full collection first (children run with --expose-gc), so heapUsed is what is alive.
      (globalThis as { gc?: () => void }).gc?.();
      const { rss, heapUsed } = process.memoryUsage();
      return { rss, heapUsed };
    },
  };
  process.on('message', (message: Call) => {
    Promise.resolve()
      .then(() => {
        const handler = always[message.op];
        if (!handler) throw new Error(`unknown op ${message.op}`);
        return handler(message.arg);
      })
      .then(
        (value) => send({ id: message.id, value } satisfies Reply),
        (error: unknown) => send({ id: message.id, error: String(error) } satisfies Reply),
      );
  });
  process.once('disconnect', () => {
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
  send({ ready } satisfies Ready<T>);
}

export interface Child<T> {
  readonly ready: T;
  call<R>(op: string, arg?: unknown): Promise<R>;
  /** CPU time (user + system, µs) the child has used so far. */
  cpuMicros(): Promise<number>;
  /** Disconnects (the child closes its servers and exits) and waits for the exit. */
  close(): Promise<void>;
}

/** Parent side: forks `script` with `env` and waits for its `ready` message. */
export async function startChild<T>(
  script: URL,
  env: Readonly<Record<string, string>>,
  execArgv: readonly string[] = [],
): Promise<Child<T>> {
  const child: ChildProcess = fork(script, [], {
    env: { ...process.env, ...env },
    execArgv: [...process.execArgv, ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const exited = once(child, 'exit');
  const ready = await new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script.pathname} exited (${code}) before it was ready`)));
    child.on('message', (message: Reply | Ready<T>) => {
      if ('ready' in message) return resolve(message.ready);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.value);
    });
  });
  const call = <R>(op: string, arg?: unknown): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: (value) => resolve(value as R), reject });
      child.send({ id, op, arg } satisfies Call);
    });
  return {
    ready,
    call,
    cpuMicros: async () => {
      const { user, system } = await call<NodeJS.CpuUsage>('cpu');
      return user + system;
    },
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

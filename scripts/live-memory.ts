/**
 * `node --expose-gc scripts/live-memory.ts [--count 1000] [--transport sse|single|ws]`: what one
 * idle subscription costs the gateway. The gateway runs here (over the embedded simulator, polls
 * an hour apart); a child process opens `count` subscriptions to one running execution and holds
 * them. The heap in use after a full collection and the RSS are read before and after, and their
 * difference is divided by `count` (README "Live updates").
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import { loadConfig, withUpstreams } from '../src/config.ts';
import { createGateway } from '../src/gateway.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { startSimulator } from '../src/simulator/index.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    transport: { type: 'string', default: 'sse' },
    // Internal: the child that holds the subscriptions.
    clients: { type: 'string' },
    id: { type: 'string' },
  },
});
const count = Number(values.count);
const transport = values.transport as 'sse' | 'single' | 'ws';
const query = 'subscription($id: ID!) { executionUpdated(id: $id) { status upstreamStatus isTerminal } }';

async function holdSubscriptions(url: string, id: string): Promise<void> {
  let started = 0;
  const sink = {
    next: () => {
      if (++started === count) process.stdout.write('ready\n');
    },
    error: (error: unknown) => {
      process.stderr.write(`subscription failed: ${JSON.stringify(error)}\n`);
      process.exit(1);
    },
    complete: () => undefined,
  };
  if (transport === 'ws') {
    const client = createWsClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    for (let i = 0; i < count; i++) client.subscribe({ query, variables: { id } }, sink);
  } else {
    const client = createSseClient({ url, retryAttempts: 0, singleConnection: transport === 'single' });
    for (let i = 0; i < count; i++) client.subscribe({ query, variables: { id } }, sink);
  }
  await new Promise(() => undefined);
}

if (values.clients) {
  await holdSubscriptions(values.clients, values.id!);
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
};

const simulator = await startSimulator({ clock: 'manual' });
const config = withUpstreams(
  loadConfig(
    { LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', MAX_SUBSCRIPTIONS_PER_CALLER: String(count + 1), LOG_LEVEL: 'silent' },
    [],
  ),
  simulator.urls,
  simulator.env,
);
const gateway = createGateway(config);
const server = createServer();
const serving = gateway.attach(server);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
const { runningExecution } = simulator.data.picks;
const workflowId = simulator.data.workflows.find((w) => w.executionIds.includes(runningExecution))!.id;
const id = encodeGlobalId({ typename: 'WorkflowExecution', workflowId, executionId: runningExecution });

// Warm: one subscription and its watcher come and go, so that code and caches are in place.
const warm = spawn(process.execPath, [import.meta.filename, '--clients', url, '--id', id, '--count', '1', '--transport', transport], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
await once(warm.stdout, 'data');
warm.kill();
await once(warm, 'exit');
await new Promise((resolve) => setTimeout(resolve, 500));

const before = await settle();
const child = spawn(
  process.execPath,
  [import.meta.filename, '--clients', url, '--id', id, '--count', String(count), '--transport', transport],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const started = Date.now();
await once(child.stdout, 'data');
const after = await settle();
const stats = gateway.live.watches.stats();
child.kill();
await once(child, 'exit');

const perKb = (bytes: number) => (bytes / count / 1024).toFixed(1);
console.log(
  JSON.stringify({
    transport,
    subscriptions: count,
    openedInMs: Date.now() - started,
    watchers: stats.watching,
    subscribers: stats.subscribers,
    heapPerSubscriptionKiB: Number(perKb(after.heapUsed - before.heapUsed)),
    rssPerSubscriptionKiB: Number(perKb(after.rss - before.rss)),
    heapMiB: [before.heapUsed, after.heapUsed].map((b) => Math.round(b / 1048576)),
    rssMiB: [before.rss, after.rss].map((b) => Math.round(b / 1048576)),
  }),
);
await serving.close();
await gateway.close();
await simulator.close();
process.exit(0);

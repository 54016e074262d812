/**
 * Two gateway replicas over one real Redis (Debian's `redis-server`, which the suite's setup
 * installs where it is missing, test/setup/system.ts):
 * a webhook received by one reaches subscribers on the other, repeats are dropped across
 * replicas, and only the replica holding an execution's lease polls it.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage } from '../src/live/bus.ts';
import { createRedisLive } from '../src/live/redis.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { type Simulator, startSimulator } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import { type RedisServer, startRedis } from './helpers/redis.ts';
import { eventually, execution, ExecutionUpdated, sleep, sseClient, subscribe, workflowExecutionId } from './helpers/live.ts';

let redis: RedisServer;
let redisUrl: string;
let simulator: Simulator;

beforeAll(async () => {
  redis = await startRedis();
  redisUrl = redis.url;
  simulator = await startSimulator({ clock: 'manual' });
});

afterAll(async () => {
  await simulator?.close();
  await redis?.kill();
});

/** Two replicas over the same simulator and Redis. */
async function replicas(env: Record<string, string>): Promise<[Harness, Harness]> {
  const options = { sharedSimulator: simulator, env: { REDIS_URL: redisUrl, ...env } };
  const pair: [Harness, Harness] = [await startHarness(options), await startHarness(options)];
  // Until its connections are up a replica works alone (the outage tests are about that).
  await eventually(() => pair.every((replica) => !replica.gateway.live.health().degraded), 2000, 'both replicas to reach Redis');
  return pair;
}

const workflowOf = (executionId: string) => simulator.data.workflows.find((w) => w.executionIds.includes(executionId))!.id;

/** Webhooks delivered as they are need the secret; without one they only prompt a re-read (test/webhooks.test.ts). */
const webhookSecret = 'redis-webhook-secret';
const verified = { 'x-webhook-secret': webhookSecret };

/** Runs `body` while the default user may use no pub/sub channel (SUBSCRIBE and PUBLISH answer NOPERM). */
async function withoutChannels(body: () => Promise<void>): Promise<void> {
  const admin = new Redis(redisUrl);
  try {
    await admin.call('ACL', 'SETUSER', 'default', 'resetchannels');
    await body();
  } finally {
    await admin.call('ACL', 'SETUSER', 'default', 'allchannels');
    admin.disconnect();
  }
}

describe('two replicas over Redis', () => {
  it('a verified webhook received by replica A reaches a subscriber on replica B, and A and B drop each other’s repeats', async () => {
    const [a, b] = await replicas({ LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', WEBHOOK_SECRET: webhookSecret });
    expect(a.gateway.live.transport).toBe('redis');
    const { runningExecution: id } = simulator.data.picks;
    const client = sseClient(b.url);
    const sub = subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowOf(id), id) });
    await sub.next(1);
    expect(execution(sub.events[0])['status']).toBe('RUNNING');
    const body = { ...simulator.data.workflowExecution(id)!, status: 'completed', output: ['https://example.com/final.png'] };
    const sent = performance.now();
    const answer = await fetch(a.url.replace(/\/graphql$/, '/webhooks/workflows'), {
      method: 'POST',
      headers: verified,
      body: JSON.stringify(body),
    });
    expect(await answer.json()).toEqual({ ok: true });
    await sub.done;
    console.log(`[redis] webhook on A → subscriber on B: ${(performance.now() - sent).toFixed(1)} ms`);
    expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED', output: ['https://example.com/final.png'] });
    const repeat = await fetch(b.url.replace(/\/graphql$/, '/webhooks/workflows'), {
      method: 'POST',
      headers: verified,
      body: JSON.stringify(body),
    });
    expect(await repeat.json()).toEqual({ ok: true, duplicate: true });
    client.dispose();
    await Promise.all([a.close(), b.close()]);
  });

  it('only the replica holding the lease polls; the other takes over when it leaves', async () => {
    const [a, b] = await replicas({ LIVE_POLL_MIN_MS: '30', LIVE_POLL_MAX_MS: '30', LIVE_LEASE_MS: '2000' });
    const { waitingTask: id } = simulator.data.picks;
    const globalId = encodeGlobalId({ typename: 'TaskExecution', executionId: id });
    const taskCalls = () =>
      simulator.requests().filter((request) => request.route === 'tasks GET /api/v1/executions/{id}' && request.path.endsWith(id)).length;
    const onA = subscribe(sseClient(a.url), ExecutionUpdated, { id: globalId });
    const clientB = sseClient(b.url);
    const onB = subscribe(clientB, ExecutionUpdated, { id: globalId });
    await Promise.all([onA.next(1), onB.next(1)]);
    const before = taskCalls();
    const started = Date.now();
    await sleep(450);
    const calls = taskCalls() - before;
    const elapsed = Date.now() - started;
    const pollers = [a, b].filter((replica) => replica.gateway.live.watches.stats().polling === 1);
    expect(pollers).toHaveLength(1);
    // One poller at ~30 ms, not two.
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / 27) + 2);
    expect(calls).toBeGreaterThan(3);
    console.log(`[redis] two replicas watching one execution for ${elapsed} ms: ${calls} upstream calls`);
    // The poller's last subscriber leaves: it releases the lease and the other replica polls.
    const [poller, other] = pollers[0] === a ? [a, b] : [b, a];
    (poller === a ? onA : onB).dispose();
    await eventually(() => poller.gateway.live.watches.stats().watching === 0, 2000, 'the poller to stop');
    await eventually(() => other.gateway.live.watches.stats().polling === 1, 2000, 'the other replica to take over');
    const resumed = taskCalls();
    await sleep(150);
    expect(taskCalls()).toBeGreaterThan(resumed);
    (poller === a ? onB : onA).dispose();
    clientB.dispose();
    await Promise.all([a.close(), b.close()]);
  });

  it('two API keys on two replicas hold two leases, named by the keys’ digests, and each key is polled once', async () => {
    const [a, b] = await replicas({ LIVE_POLL_MIN_MS: '30', LIVE_POLL_MAX_MS: '30', LIVE_LEASE_MS: '2000' });
    const { runningExecution: id } = simulator.data.picks;
    const globalId = workflowExecutionId(workflowOf(id), id);
    const keyA = simulator.credentials.apiKey;
    const keyB = simulator.issueApiKey();
    const clients = [
      sseClient(a.url, { 'x-api-key': keyA }),
      sseClient(b.url, { 'x-api-key': keyA }),
      sseClient(b.url, { 'x-api-key': keyB }),
    ];
    const subs = clients.map((client) => subscribe(client, ExecutionUpdated, { id: globalId }));
    await Promise.all(subs.map((sub) => sub.next(1)));
    const polling = () => a.gateway.live.watches.stats().polling + b.gateway.live.watches.stats().polling;
    await eventually(() => polling() === 2, 2000, 'one poller per key');
    expect(b.gateway.live.watches.stats()).toMatchObject({ watching: 2, subscribers: 2 });
    const admin = new Redis(redisUrl);
    const leases = await admin.keys('execution-gateway:lease:*');
    admin.disconnect();
    expect(leases).toHaveLength(2);
    for (const lease of leases) {
      expect(lease).toMatch(new RegExp(`^execution-gateway:lease:execution:workflow:${id}:[\\w-]{43}$`));
      expect(lease).not.toContain(keyA);
      expect(lease).not.toContain(keyB);
    }
    const calls = (key: string) => simulator.requests().filter((r) => r.path.endsWith(id) && r.headers['x-api-key'] === key).length;
    const before = [calls(keyA), calls(keyB)];
    const started = Date.now();
    await sleep(300);
    const [byA, byB] = [calls(keyA) - before[0]!, calls(keyB) - before[1]!];
    // One poller per key at ~30 ms, not one per replica.
    expect(byA).toBeGreaterThan(3);
    expect(byB).toBeGreaterThan(3);
    expect(byA).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 27) + 2);
    for (const client of clients) client.dispose();
    await Promise.all([a.close(), b.close()]);
  });

  it('a change polled by one replica reaches subscribers on both', async () => {
    const [a, b] = await replicas({ LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '40', LIVE_LEASE_MS: '2000' });
    const { queuedTask: id } = simulator.data.picks;
    const state = simulator.data.taskExecution(id)!['status'];
    const globalId = encodeGlobalId({ typename: 'TaskExecution', executionId: id });
    const subs = [
      subscribe(sseClient(a.url), ExecutionUpdated, { id: globalId }),
      subscribe(sseClient(b.url), ExecutionUpdated, { id: globalId }),
    ];
    await Promise.all(subs.map((sub) => sub.next(1)));
    for (let i = 0; i < 30 && !subs.every((sub) => sub.completed()); i++) {
      simulator.advance(5_000);
      await sleep(80);
    }
    await Promise.all(subs.map((sub) => sub.done));
    for (const sub of subs) expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED' });
    expect(state).not.toBe('completed');
    await Promise.all([a.close(), b.close()]);
  });
});

describe('the Redis bus', () => {
  it('a SUBSCRIBE that fails fails every subscriber waiting on it, and the next subscriber to the channel sends it again', async () => {
    const live = createRedisLive({ url: redisUrl, prefix: 'bus-test:' });
    // Before it is connected a SUBSCRIBE is only recorded (sent on connect): this is about one sent.
    await eventually(() => live.coordination.shared(), 2000, 'Redis to connect');
    await withoutChannels(async () => {
      const attempts = await Promise.allSettled([
        live.bus.subscribe('topic', () => undefined),
        live.bus.subscribe('topic', () => undefined),
      ]);
      expect(attempts.map((attempt) => attempt.status)).toEqual(['rejected', 'rejected']);
    });
    const received: LiveMessage[][] = [[], []];
    await Promise.all(received.map((list) => live.bus.subscribe('topic', (message) => list.push(message))));
    await live.bus.publish('topic', { kind: 'poke' });
    await eventually(() => received.every((list) => list.length === 1), 2000, 'both subscribers to hear the message');
    await Promise.all([live.bus.close(), live.coordination.close()]);
  });
});

describe('webhooks over Redis', () => {
  it('a verified webhook that could not be published to the other replicas is not remembered: the host’s retry is delivered', async () => {
    const [a, b] = await replicas({ LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', WEBHOOK_SECRET: webhookSecret });
    const { runningExecution } = simulator.data.picks;
    const body = JSON.stringify({
      ...simulator.data.workflowExecution(runningExecution)!,
      execution_id: 'undelivered-1',
      status: 'completed',
    });
    const post = (replica: Harness) =>
      fetch(replica.url.replace(/\/graphql$/, '/webhooks/workflows'), { method: 'POST', headers: verified, body });
    await withoutChannels(async () => {
      // Only this replica's subscribers could be reached: accepted (no 503), but not taken as seen.
      const local = await post(a);
      expect(local.status).toBe(202);
      expect(await local.json()).toEqual({ ok: true, local: true });
    });
    const retry = await post(b);
    expect(retry.status).toBe(200);
    expect(await retry.json()).toEqual({ ok: true });
    await Promise.all([a.close(), b.close()]);
  });

  it('remembers a verified webhook under a fixed-size key, whatever its execution id', async () => {
    const [a] = await replicas({ LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', WEBHOOK_SECRET: webhookSecret });
    const { runningExecution } = simulator.data.picks;
    const body = { ...simulator.data.workflowExecution(runningExecution)!, execution_id: 'z'.repeat(128), status: 'x'.repeat(10_000) };
    const answer = await fetch(a.url.replace(/\/graphql$/, '/webhooks/workflows'), {
      method: 'POST',
      headers: verified,
      body: JSON.stringify(body),
    });
    expect(await answer.json()).toEqual({ ok: true });
    const admin = new Redis(redisUrl);
    const keys = await admin.keys('execution-gateway:seen:*');
    admin.disconnect();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^execution-gateway:seen:[\w-]{43}$/);
    await a.close();
  });
});

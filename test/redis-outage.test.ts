/**
 * Redis going away under live subscriptions, with real `redis-server`s killed and restarted:
 * every replica polls what it watches on its own meanwhile (no subscriber waits longer than the
 * poll cap), says so on `/ready` and in a metric, a webhook still prompts a re-read on the
 * replica that received it (202, not 503), and once Redis is back the replicas share leases and
 * events again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import {
  eventually,
  execution,
  ExecutionUpdated,
  sleep,
  sseClient,
  subscribe,
  type Subscription,
  workflowExecutionId,
} from './helpers/live.ts';
import { type RedisServer, startRedis } from './helpers/redis.ts';

let redis: RedisServer;
let simulator: Simulator;
const replicas: Harness[] = [];

beforeAll(async () => {
  redis = await startRedis();
  simulator = await startSimulator({ clock: 'manual' });
});

afterAll(async () => {
  for (const replica of replicas) await replica.close();
  await simulator?.close();
  await redis?.kill();
});

// Polls at most 300 ms apart: the cap no subscriber may wait longer than.
const pollCapMs = 300;
const env = () => ({ REDIS_URL: redis.url, LIVE_POLL_MIN_MS: '50', LIVE_POLL_MAX_MS: String(pollCapMs), LIVE_LEASE_MS: '1000' });

async function replica(extra: Record<string, string> = {}): Promise<Harness> {
  const started = await startHarness({ sharedSimulator: simulator, env: { ...env(), ...extra } });
  replicas.push(started);
  return started;
}

const workflowOf = (id: string) => simulator.data.workflows.find((w) => w.executionIds.includes(id))!.id;
const degraded = (replica: Harness) => replica.gateway.live.health().degraded;
const polling = (...list: Harness[]) => list.reduce((sum, one) => sum + one.gateway.live.watches.stats().polling, 0);
const statusOf = (sub: Subscription) => execution(sub.events.at(-1));

async function ready(replica: Harness): Promise<{ status: number; body: { ready: boolean; live: { degraded: boolean } } }> {
  const response = await fetch(replica.url.replace(/\/graphql$/, '/ready'));
  return { status: response.status, body: (await response.json()) as { ready: boolean; live: { degraded: boolean } } };
}

async function degradedGauge(replica: Harness): Promise<number> {
  const text = await (await fetch(replica.url.replace(/\/graphql$/, '/metrics'))).text();
  return Number(/^gateway_live_bus_degraded (\d+)/m.exec(text)?.[1]);
}

describe('Redis killed and restarted under live subscriptions', () => {
  it('keeps updates coming from every replica’s own polls, says it is degraded, takes webhooks, and shares work again once Redis is back', async () => {
    const [a, b] = [await replica(), await replica()];
    await eventually(() => !degraded(a) && !degraded(b), 3000, 'both replicas to reach Redis');
    const { runningExecution: id } = simulator.data.picks;
    const globalId = workflowExecutionId(workflowOf(id), id);
    const subs = [
      subscribe(sseClient(a.url), ExecutionUpdated, { id: globalId }),
      subscribe(sseClient(b.url), ExecutionUpdated, { id: globalId }),
    ];
    await Promise.all(subs.map((sub) => sub.next(1)));
    await eventually(() => polling(a, b) === 1, 3000, 'one replica to hold the lease');

    await redis.kill();
    await eventually(() => degraded(a) && degraded(b), 3000, 'both replicas to see Redis gone');
    // Each replica polls its own watchers: nobody waits for a lease Redis cannot grant.
    await eventually(() => polling(a) === 1 && polling(b) === 1, pollCapMs * 3, 'both replicas to poll alone');
    const counts = subs.map((sub) => sub.events.length);
    simulator.advance(20_000);
    const changedAt = Date.now();
    await eventually(() => subs.every((sub, i) => sub.events.length > counts[i]!), pollCapMs * 4, 'both subscribers to get the change');
    console.log(`[redis-outage] change → both subscribers during the outage: ${Date.now() - changedAt} ms (poll cap ${pollCapMs} ms)`);
    for (const sub of subs) expect(sub.completed()).toBe(false);
    expect(statusOf(subs[0]!)).toEqual(statusOf(subs[1]!));

    for (const one of [a, b]) {
      const answer = await ready(one);
      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ ready: false, live: { degraded: true } });
      expect(await degradedGauge(one)).toBe(1);
    }

    // A replica started during the outage works alone from the start; a webhook it receives
    // makes it read at once (its own polls are an hour apart), and is answered 202, not 503.
    const c = await replica({ LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', LIVE_LEASE_MS: '7200000' });
    expect(degraded(c)).toBe(true);
    const { runningFailingExecution: other } = simulator.data.picks;
    const onC = subscribe(sseClient(c.url), ExecutionUpdated, { id: workflowExecutionId(workflowOf(other), other) });
    await onC.next(1);
    // Until the upstream has news for it.
    const was = JSON.stringify(simulator.data.workflowExecution(other));
    for (let i = 0; i < 60 && JSON.stringify(simulator.data.workflowExecution(other)) === was; i++) simulator.advance(2_000);
    const before = onC.events.length;
    const webhook = await fetch(c.url.replace(/\/graphql$/, '/webhooks/workflows'), {
      method: 'POST',
      body: JSON.stringify(simulator.data.workflowExecution(other)),
    });
    expect(webhook.status).toBe(202);
    expect(await webhook.json()).toEqual({ ok: true, prompted: true });
    await onC.next(before + 1, 1000);
    expect(execution(onC.events.at(-1))['upstreamStatus']).toBe(simulator.data.workflowExecution(other)!['status']);

    await redis.restart();
    const restartedAt = Date.now();
    await eventually(() => ![a, b, c].some(degraded), 10_000, 'every replica to reach Redis again');
    const reconnectedMs = Date.now() - restartedAt;
    // Leases decide again: one poller for the two replicas' watchers.
    await eventually(() => polling(a, b) === 1, 5000, 'one replica to hold the lease again');
    const recoveredMs = Date.now() - restartedAt;
    console.log(`[redis-outage] Redis restarted → replicas reconnected: ${reconnectedMs} ms; → one poller again: ${recoveredMs} ms`);
    for (const one of [a, b, c]) {
      expect((await ready(one)).status).toBe(200);
      expect(await degradedGauge(one)).toBe(0);
    }
    // Only the holder polls, and its changes reach the other replica's subscriber over Redis.
    for (let i = 0; i < 60 && !subs.every((sub) => sub.completed()); i++) {
      simulator.advance(15_000);
      await sleep(60);
    }
    await Promise.all(subs.map((sub) => sub.done));
    for (const sub of subs) expect(statusOf(sub)).toMatchObject({ status: 'COMPLETED', isTerminal: true });
  }, 60_000);
});

/**
 * Subscriptions end to end: graphql-sse's client over HTTP → yoga's SSE → the shared watchers
 * → the simulator, whose manual clock moves executions to completion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamError } from '../src/errors.ts';
import { examplesFrom, graphiqlTabs } from '../src/graphiql.ts';
import { type Coordination, createMemoryBus, createMemoryCoordination } from '../src/live/bus.ts';
import { createWatches, type Reader, type Source, watchName } from '../src/live/watch.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { workflowsRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import {
  BulkProgressUpdated,
  eventually,
  execution,
  ExecutionUpdated,
  sleep,
  sseClient,
  subscribe,
  workflowExecutionId,
} from './helpers/live.ts';

// A hundredth of the defaults (2 s → 15 s): 600 ms of these is a minute of the real thing.
const scaled = { LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '150', LIVE_LEASE_MS: '1000' };

let h: Harness;
beforeAll(async () => {
  // 100 subscribers from one address below: above the default per-caller limit of 50.
  h = await startHarness({ env: { ...scaled, MAX_SUBSCRIPTIONS_PER_CALLER: '100' } });
});
afterAll(() => h?.close());

const detailHits = () => h.simulator.hits()[workflowsRoutes.detail] ?? 0;
/** `gateway_active_subscriptions{subscription="executionUpdated"}` from /metrics. */
async function activeSubscriptions(): Promise<number> {
  const text = await (await fetch(h.url.replace(/\/graphql$/, '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith('gateway_active_subscriptions{subscription="executionUpdated"}'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const workflowOf = (executionId: string) => h.simulator.data.workflows.find((w) => w.executionIds.includes(executionId))!.id;

/** Moves simulated time in steps until the subscription completes. */
async function advanceUntilDone(sub: ReturnType<typeof subscribe>, stepMs = 15_000, maxSteps = 40): Promise<void> {
  for (let i = 0; i < maxSteps && !sub.completed(); i++) {
    h.simulator.advance(stepMs);
    await sleep(60);
  }
  await sub.done;
}

describe('executionUpdated over SSE', () => {
  it('sends the current state, then each change, and completes when the execution is terminal', async () => {
    const { runningExecution } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowOf(runningExecution), runningExecution) });
    const [first] = await sub.next(1);
    expect(execution(first)).toMatchObject({ executionId: runningExecution, source: 'WORKFLOW', status: 'RUNNING', isTerminal: false });
    await advanceUntilDone(sub);
    const states = sub.events.map((event) => execution(event));
    expect(states.length).toBeGreaterThan(2);
    const last = states.at(-1)!;
    expect(last).toMatchObject({ status: 'COMPLETED', isTerminal: true });
    expect(last['output']).toEqual(h.simulator.data.workflowExecution(runningExecution)!['output']);
    // One event per change: no two consecutive events are the same state.
    for (let i = 1; i < states.length; i++) expect(states[i]).not.toEqual(states[i - 1]);
    expect(states.slice(0, -1).every((state) => state['isTerminal'] === false)).toBe(true);
    client.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'the watcher to stop');
  });

  it('answers an already terminal execution with one event and completes', async () => {
    const { completedImageExecution } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, {
      id: workflowExecutionId(workflowOf(completedImageExecution), completedImageExecution),
    });
    await sub.done;
    expect(sub.events.map((event) => execution(event)['status'])).toEqual(['COMPLETED']);
    client.dispose();
  });

  it('refuses a malformed id before any upstream call, and answers NOT_FOUND for an unknown execution', async () => {
    const client = sseClient(h.url);
    const before = h.simulator.totalHits();
    const malformed = subscribe(client, ExecutionUpdated, { id: 'not a global id' });
    await malformed.done;
    expect(malformed.events[0]?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(h.simulator.totalHits()).toBe(before);
    const unknown = subscribe(client, ExecutionUpdated, {
      id: workflowExecutionId(h.simulator.data.workflows[0]!.id, '00000000-0000-4000-8000-000000000000'),
    });
    await unknown.done;
    expect(unknown.events[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'workflows' });
    client.dispose();
    expect(h.gateway.live.watches.stats().watching).toBe(0);
  });

  it('watches model and task executions too', async () => {
    const own = await startHarness({ env: scaled });
    const { modelExecutionRunning, queuedTask } = own.simulator.data.picks;
    const client = sseClient(own.url);
    const model = subscribe(client, ExecutionUpdated, {
      id: encodeGlobalId({ typename: 'ModelExecution', executionId: modelExecutionRunning }),
    });
    const task = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: queuedTask }) });
    await Promise.all([model.next(1), task.next(1)]);
    for (let i = 0; i < 30 && !(model.completed() && task.completed()); i++) {
      own.simulator.advance(3_000);
      await sleep(100);
    }
    await Promise.all([model.done, task.done]);
    expect(execution(model.events.at(-1))).toMatchObject({ source: 'MODEL', status: 'COMPLETED', isTerminal: true });
    expect(execution(task.events.at(-1))).toMatchObject({ source: 'TASK', status: 'COMPLETED' });
    expect(task.events.map((event) => execution(event)['upstreamStatus'])).toEqual(
      expect.arrayContaining(['queued', 'running', 'completed']),
    );
    expect(model.events.map((event) => execution(event)['upstreamStatus'])).toEqual(expect.arrayContaining(['processing', 'success']));
    client.dispose();
    await own.close();
  });
});

describe('one shared poll per execution', () => {
  it('100 subscribers to one execution cost the upstream calls of one watcher, and polling stops when they leave', async () => {
    const { runningFailingExecution: id } = h.simulator.data.picks;
    const globalId = workflowExecutionId(workflowOf(id), id);
    const clients = Array.from({ length: 100 }, () => sseClient(h.url));
    h.simulator.resetHits();
    const started = Date.now();
    const subs = clients.map((client) => subscribe(client, ExecutionUpdated, { id: globalId }));
    await Promise.all(subs.map((sub) => sub.next(1, 10_000)));
    expect(h.gateway.live.watches.stats()).toMatchObject({ watching: 1, polling: 1, subscribers: 100 });
    expect(await activeSubscriptions()).toBe(100);
    await sleep(600); // a scaled minute
    // The shared poll serves everyone: its calls carry no subscriber's request id.
    const polls = h.simulator
      .requests()
      .filter((r) => r.route === workflowsRoutes.detail)
      .slice(1);
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) expect(poll.headers['x-request-id']).toBeUndefined();
    const elapsed = Date.now() - started;
    const calls = detailHits();
    // One watcher: the first read, then at most one poll per minimum interval (it is unchanged, so it backs off).
    expect(calls).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 2);
    expect(calls).toBeLessThan(20);
    console.log(`[live] 100 subscribers, ${elapsed} ms (scaled ×100): ${calls} upstream calls`);
    for (const client of clients) client.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 3000, 'every watcher to stop');
    expect(await activeSubscriptions()).toBe(0);
    const after = detailHits();
    await sleep(300);
    expect(detailHits()).toBe(after);
  });

  it('backs off an unchanged execution: about 8 calls in the first scaled minute, then 4 per minute', async () => {
    const { waitingTask } = h.simulator.data.picks;
    const client = sseClient(h.url);
    h.simulator.resetHits();
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: waitingTask }) });
    await sub.next(1);
    const taskCalls = () => h.simulator.hits()['tasks GET /api/v1/executions/{id}'] ?? 0;
    await sleep(600);
    const firstMinute = taskCalls();
    await sleep(600);
    const secondMinute = taskCalls() - firstMinute;
    console.log(`[live] one unchanged execution: ${firstMinute} calls in the first scaled minute, ${secondMinute} in the second`);
    // 20, 30, 45, 67, 101, 150, 150… ms (±10% jitter): a fixed 20 ms poll would be 30 a minute.
    expect(firstMinute).toBeGreaterThanOrEqual(5);
    expect(firstMinute).toBeLessThanOrEqual(11);
    expect(secondMinute).toBeGreaterThanOrEqual(3);
    expect(secondMinute).toBeLessThanOrEqual(6);
    client.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'the watcher to stop');
  });
});

describe('a client that leaves early', () => {
  it('leaving while the first read is pending leaves no subscriber, watcher or poll behind', async () => {
    const own = await startHarness({ env: scaled });
    const { waitingTask } = own.simulator.data.picks;
    own.simulator.setLatency(500);
    const client = sseClient(own.url);
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: waitingTask }) });
    await sleep(100);
    expect(own.gateway.live.watches.stats()).toMatchObject({ watching: 1, subscribers: 1 });
    sub.dispose();
    // Well past the pending read (500 ms) and several minimum intervals.
    await sleep(1500);
    expect(own.gateway.live.watches.stats()).toEqual({ watching: 0, polling: 0, subscribers: 0 });
    const metrics = await (await fetch(own.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).not.toMatch(/^gateway_active_subscriptions\{subscription="executionUpdated"\} [1-9]/m);
    const calls = own.simulator.totalHits();
    await sleep(300);
    expect(own.simulator.totalHits()).toBe(calls);
    client.dispose();
    await own.close();
  });
});

describe('bulkProgress', () => {
  it('polls the list endpoint filtered by bulk_id (never per execution) and completes when the bulk is complete', async () => {
    // Its own simulator: the other tests moved this one's clock past the bulk's end.
    const own = await startHarness({ env: scaled });
    const { runningBulk } = own.simulator.data.picks;
    const client = sseClient(own.url);
    const sub = subscribe(client, BulkProgressUpdated, { workflowId: runningBulk.workflowId, bulkId: runningBulk.bulkId });
    const [first] = await sub.next(1);
    expect(first!.data!['bulkProgress']).toMatchObject({ total: runningBulk.executionIds.length, isComplete: false });
    for (let i = 0; i < 40 && !sub.completed(); i++) {
      own.simulator.advance(15_000);
      await sleep(60);
    }
    await sub.done;
    const last = sub.events.at(-1)!.data!['bulkProgress'] as Record<string, number | boolean>;
    expect(last).toMatchObject({ total: 4, isComplete: true, percentComplete: 100, failed: 1, completed: 3 });
    expect(sub.events.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(own.simulator.hits())).toEqual([workflowsRoutes.list]);
    client.dispose();
    await own.close();
  });
});

describe('the GraphiQL live tab', () => {
  it('triggers a workflow, then watches it: events arrive until it completes', async () => {
    const own = await startHarness({ env: scaled });
    const tab = graphiqlTabs(examplesFrom(own.simulator.data)).at(-1)!;
    const variables = JSON.parse(tab.variables!) as Record<string, unknown>;
    const { body } = await own.post({ query: tab.query, operationName: 'Trigger', variables });
    const trigger = body.data!['triggerWorkflow'] as Record<string, unknown>;
    expect(trigger).toMatchObject({ accepted: true, status: 'PENDING' });
    const client = sseClient(own.url);
    const watch = subscribe(client, tab.query.slice(tab.query.indexOf('subscription Watch')), { id: trigger['id'] });
    await watch.next(1);
    for (let i = 0; i < 40 && !watch.completed(); i++) {
      own.simulator.advance(5_000);
      await sleep(40);
    }
    await watch.done;
    const statuses = watch.events.map((event) => execution(event)['status']);
    expect(statuses[0]).toBe('RUNNING');
    expect(statuses.at(-1)).toBe('COMPLETED');
    expect(statuses.length).toBeGreaterThan(2);
    // The tab's own `id` (the simulator's running execution) is watchable as it stands.
    const preset = subscribe(client, tab.query.slice(tab.query.indexOf('subscription Watch')), { id: variables['id'] });
    await preset.next(1);
    preset.dispose();
    client.dispose();
    await own.close();
  });
});

describe('close', () => {
  it('stops every watcher when the gateway closes', async () => {
    const own = await startHarness({ env: scaled });
    const { waitingTask } = own.simulator.data.picks;
    const client = sseClient(own.url);
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: waitingTask }) });
    await sub.next(1);
    expect(own.gateway.live.watches.stats().watching).toBe(1);
    client.dispose();
    await own.gateway.live.close();
    expect(own.gateway.live.watches.stats().watching).toBe(0);
    await own.close();
  });
});

// Races that are hard to stage over HTTP: the watchers alone, over the in-memory bus and readers that count their reads.
describe('watchers (unit)', () => {
  const settings = { minMs: 20, maxMs: 40, leaseMs: 1000 };
  const source: Source<{ n: number }> = { topic: 'unit:thing', isTerminal: () => false };
  /** Readers whose reads are recorded (by credentialKey) and answered by `answer`. */
  function recording(answer: (credentialKey: string, read: number) => Promise<{ n: number }>) {
    const reads: string[] = [];
    const as = (credentialKey: string): Reader<{ n: number }> => ({
      credentialKey,
      read: () => {
        reads.push(credentialKey);
        return answer(credentialKey, reads.length);
      },
    });
    return { as, reads };
  }

  it('a client that leaves after its first value ends its stream and stops the watcher', async () => {
    const watches = createWatches({ bus: createMemoryBus(), coordination: createMemoryCoordination(), settings });
    const { as } = recording(async () => ({ n: 1 }));
    const leaving = new AbortController();
    const events = await watches.open(source, as('a'), leaving.signal);
    expect(await events.next()).toEqual({ value: { n: 1 }, done: false });
    const pending = events.next();
    leaving.abort();
    expect(await Promise.race([pending, sleep(500).then(() => 'still waiting')])).toEqual({ value: undefined, done: true });
    expect(watches.stats()).toEqual({ watching: 0, polling: 0, subscribers: 0 });
    await watches.close();
  });

  it('a first read that fails for one credential fails its waiters only; the other credential polls with its own reader', async () => {
    let failFirst: (error: Error) => void = () => undefined;
    const { as, reads } = recording((_key, read) =>
      read === 1 ? new Promise((_resolve, reject) => (failFirst = reject)) : Promise.resolve({ n: read }),
    );
    const watches = createWatches({ bus: createMemoryBus(), coordination: createMemoryCoordination(), settings });
    const creator = watches.open(source, as('a'));
    await sleep(5);
    const joiner = await watches.open(source, as('b'));
    failFirst(new Error('upstream down'));
    await expect(creator).rejects.toThrow('upstream down');
    await eventually(() => watches.stats().watching === 1, 1000, 'the failed watcher to stop');
    expect(watches.stats()).toMatchObject({ watching: 1, subscribers: 1 });
    const before = reads.length;
    await sleep(500);
    const polls = reads.slice(before);
    expect(polls.length).toBeGreaterThan(3);
    expect(new Set(polls)).toEqual(new Set(['b']));
    // A later subscriber with the failed credential reads afresh.
    const again = await watches.open(source, as('a'));
    expect((await again.next()).value).toMatchObject({ n: expect.any(Number) });
    await Promise.all([joiner.return!(), again.return!()]);
    expect(watches.stats().watching).toBe(0);
    await watches.close();
  });

  it('a lease granted after the watcher finished is released', async () => {
    let grant: ((held: boolean) => void) | null = null;
    const released: string[] = [];
    const coordination: Coordination = {
      ...createMemoryCoordination(),
      lease: () => new Promise((resolve) => (grant = resolve)),
      release: async (name) => void released.push(name),
    };
    const watches = createWatches({ bus: createMemoryBus(), coordination, settings });
    const { as } = recording(async () => ({ n: 1 }));
    const events = await watches.open(source, as('a'));
    await eventually(() => grant !== null, 1000, 'the first poll to ask for the lease');
    await events.return!();
    grant!(true);
    await eventually(() => released.length > 0, 1000, 'the lease to be released');
    expect(released).toEqual([watchName('unit:thing', 'a')]);
    await watches.close();
  });

  it('leases are per watched thing and credential: one poller each', async () => {
    const leased = new Set<string>();
    const coordination: Coordination = { ...createMemoryCoordination(), lease: async (name) => Boolean(leased.add(name)) };
    const watches = createWatches({ bus: createMemoryBus(), coordination, settings });
    const { as } = recording(async () => ({ n: 1 }));
    const streams = await Promise.all([watches.open(source, as('a')), watches.open(source, as('a')), watches.open(source, as('b'))]);
    await eventually(() => leased.size === 2, 1000, 'both watchers to poll');
    expect([...leased].sort()).toEqual([watchName('unit:thing', 'a'), watchName('unit:thing', 'b')]);
    expect(watches.stats()).toEqual({ watching: 2, polling: 2, subscribers: 3 });
    await Promise.all(streams.map((events) => events.return!()));
    await watches.close();
  });

  it('a state on the bus is applied only by the watchers of its credential; a webhook’s (none) by all', async () => {
    const bus = createMemoryBus();
    // Polls an hour apart: only the bus changes what the subscribers see.
    const watches = createWatches({
      bus,
      coordination: createMemoryCoordination(),
      settings: { minMs: 3_600_000, maxMs: 3_600_000, leaseMs: 7_200_000 },
    });
    const { as } = recording(async () => ({ n: 0 }));
    const [a, b] = await Promise.all([watches.open(source, as('a')), watches.open(source, as('b'))]);
    await Promise.all([a.next(), b.next()]);
    await bus.publish('unit:thing', { kind: 'state', value: { n: 1 }, credentialKey: 'a' });
    await bus.publish('unit:thing', { kind: 'state', value: { n: 2 } });
    expect(await a.next()).toEqual({ value: { n: 1 }, done: false });
    expect(await a.next()).toEqual({ value: { n: 2 }, done: false });
    expect(await b.next()).toEqual({ value: { n: 2 }, done: false });
    await Promise.all([a.return!(), b.return!()]);
    await watches.close();
  });

  it('a credential the upstream starts refusing ends its streams with the refusal, and its watcher stops polling', async () => {
    const refusal = upstreamError('UNAUTHENTICATED', 'workflows', 'The workflows upstream refused the credentials', { status: 401 });
    const { as, reads } = recording((_key, read) => (read <= 2 ? Promise.resolve({ n: read }) : Promise.reject(refusal)));
    const watches = createWatches({ bus: createMemoryBus(), coordination: createMemoryCoordination(), settings });
    const events = await watches.open(source, as('a'));
    expect(await events.next()).toEqual({ value: { n: 1 }, done: false });
    expect(await events.next()).toEqual({ value: { n: 2 }, done: false });
    await expect(events.next()).rejects.toBe(refusal);
    expect(watches.stats().watching).toBe(0);
    const after = reads.length;
    await sleep(200);
    expect(reads.length).toBe(after);
    await watches.close();
  });
});

/**
 * Live watchers keyed by credential, end to end (graphql-sse over HTTP → the gateway → the
 * simulator): a subscriber only ever receives states read with its own API key. One key costs one
 * poll however many subscribe with it; two keys cost two; a refused or revoked key gets
 * UNAUTHENTICATED and nothing read with another key.
 */
import { describe, expect, it } from 'vitest';
import { workflowsRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import {
  eventually,
  execution,
  ExecutionUpdated,
  type LiveEvent,
  sleep,
  sseClient,
  subscribe,
  workflowExecutionId,
} from './helpers/live.ts';

// A hundredth of the defaults (2 s → 15 s): 600 ms of these is a minute of the real thing.
const scaled = { LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '150', LIVE_LEASE_MS: '1000' };

/** The simulator's running workflow execution, as a global id. */
function runningExecution(h: Harness): string {
  const { runningExecution: id } = h.simulator.data.picks;
  const workflow = h.simulator.data.workflows.find((w) => w.executionIds.includes(id))!;
  return workflowExecutionId(workflow.id, id);
}

/** `GET /executions/{id}` calls sent with this API key. */
const detailCalls = (h: Harness, apiKey: string) =>
  h.simulator.requests().filter((request) => request.route === workflowsRoutes.detail && request.headers['x-api-key'] === apiKey).length;

const codeOf = (event: LiveEvent | undefined) => event?.errors?.[0]?.extensions?.['code'];

describe('watchers keyed by credential', () => {
  it('two API keys watching one execution cost two polls; a refused key gets UNAUTHENTICATED and none of their states', async () => {
    const h = await startHarness({ env: scaled });
    const id = runningExecution(h);
    const keyA = h.simulator.credentials.apiKey;
    const keyB = h.simulator.issueApiKey();
    const clients = [sseClient(h.url, { 'x-api-key': keyA }), sseClient(h.url, { 'x-api-key': keyB })];
    const [a, b] = clients.map((client) => subscribe(client, ExecutionUpdated, { id }));
    await Promise.all([a!.next(1), b!.next(1)]);
    // Each takes its own lease on its first poll.
    await eventually(() => h.gateway.live.watches.stats().polling === 2, 2000, 'both watchers to poll');
    expect(h.gateway.live.watches.stats()).toEqual({ watching: 2, polling: 2, subscribers: 2 });
    const before = [detailCalls(h, keyA), detailCalls(h, keyB)];
    await sleep(400);
    // Each key polls for its own subscriber.
    expect(detailCalls(h, keyA)).toBeGreaterThan(before[0]!);
    expect(detailCalls(h, keyB)).toBeGreaterThan(before[1]!);

    const stranger = sseClient(h.url, { 'x-api-key': 'smk_sim_not_issued' });
    const refused = subscribe(stranger, ExecutionUpdated, { id });
    await refused.done;
    expect(refused.events.map(codeOf)).toEqual(['UNAUTHENTICATED']);
    expect(h.gateway.live.watches.stats()).toMatchObject({ watching: 2, subscribers: 2 });
    for (let i = 0; i < 40 && !(a!.completed() && b!.completed()); i++) {
      h.simulator.advance(15_000);
      await sleep(60);
    }
    await Promise.all([a!.done, b!.done]);
    for (const sub of [a!, b!]) expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED', isTerminal: true });
    expect(refused.events.filter((event) => event.data)).toEqual([]);
    for (const client of [...clients, stranger]) client.dispose();
    await h.close();
  });

  it('100 subscribers with one key cost one watcher and its polls, all with that key', async () => {
    // One caller with 100 subscriptions: above the default per-caller limit of 50.
    const h = await startHarness({ env: { ...scaled, MAX_SUBSCRIPTIONS_PER_CALLER: '100' } });
    const id = runningExecution(h);
    const key = h.simulator.issueApiKey();
    const clients = Array.from({ length: 100 }, () => sseClient(h.url, { 'x-api-key': key }));
    h.simulator.resetHits();
    const started = Date.now();
    const subs = clients.map((client) => subscribe(client, ExecutionUpdated, { id }));
    await Promise.all(subs.map((sub) => sub.next(1, 10_000)));
    await eventually(() => h.gateway.live.watches.stats().polling === 1, 2000, 'the watcher to poll');
    expect(h.gateway.live.watches.stats()).toEqual({ watching: 1, polling: 1, subscribers: 100 });
    await sleep(600); // a scaled minute
    const elapsed = Date.now() - started;
    const calls = h.simulator.requests().filter((request) => request.route === workflowsRoutes.detail);
    expect(calls.every((call) => call.headers['x-api-key'] === key)).toBe(true);
    // One watcher: the first read, then at most one poll per minimum interval.
    expect(calls.length).toBeLessThanOrEqual(Math.ceil(elapsed / 20) + 2);
    expect(calls.length).toBeLessThan(20);
    for (const client of clients) client.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 3000, 'the watcher to stop');
    await h.close();
  });

  it('a key the upstream starts refusing mid-stream gets UNAUTHENTICATED, then nothing, and is no longer polled', async () => {
    const h = await startHarness({ env: scaled });
    const id = runningExecution(h);
    const keyA = h.simulator.credentials.apiKey;
    const keyB = h.simulator.issueApiKey();
    const clients = [sseClient(h.url, { 'x-api-key': keyA }), sseClient(h.url, { 'x-api-key': keyB })];
    const [a, b] = clients.map((client) => subscribe(client, ExecutionUpdated, { id }));
    await Promise.all([a!.next(1), b!.next(1)]);
    h.simulator.revokeApiKey(keyB);
    // B's own watcher finds out on its next poll (150 ms apart at most).
    await eventually(() => b!.completed(), 3000, 'the revoked key’s stream to end');
    expect(codeOf(b!.events.at(-1))).toBe('UNAUTHENTICATED');
    const statesForB = b!.events.filter((event) => event.data).length;
    const callsWithB = detailCalls(h, keyB);
    for (let i = 0; i < 40 && !a!.completed(); i++) {
      h.simulator.advance(15_000);
      await sleep(60);
    }
    await a!.done;
    expect(execution(a!.events.at(-1))).toMatchObject({ status: 'COMPLETED' });
    // A's states went to A alone; nothing more was read with the revoked key.
    expect(b!.events.filter((event) => event.data)).toHaveLength(statesForB);
    expect(b!.events.slice(0, statesForB).every((event) => execution(event)['status'] === 'RUNNING')).toBe(true);
    expect(detailCalls(h, keyB)).toBe(callsWithB);
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'every watcher to stop');
    for (const client of clients) client.dispose();
    await h.close();
  });
});

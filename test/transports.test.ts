/**
 * Every transport a frontend subscribes with, end to end against the gateway over loopback:
 * graphql-ws over WebSocket (as Apollo Client's GraphQLWsLink and urql's subscriptionExchange use
 * it), graphql-sse's single connection mode beside its distinct one. Each gets the current state,
 * the changes and the completion; each is subject to the same credentials, limits and refusals
 * as an HTTP request.
 */
import { once } from 'node:events';
import { ApolloClient, gql, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient as createUrqlClient, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { workflowsRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import {
  eventually,
  execution,
  ExecutionUpdated,
  type LiveEvent,
  singleConnectionClient,
  sleep,
  sseClient,
  subscribe,
  workflowExecutionId,
  wsClient,
} from './helpers/live.ts';

// A hundredth of the defaults (2 s → 15 s).
const scaled = { LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '150', LIVE_LEASE_MS: '1000' };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ...scaled, GRAPHQL_MAX_DEPTH: '6' } });
});
afterAll(() => h?.close());

const workflowOf = (executionId: string) => h.simulator.data.workflows.find((w) => w.executionIds.includes(executionId))!.id;
const running = () => {
  const { runningExecution: id } = h.simulator.data.picks;
  return workflowExecutionId(workflowOf(id), id);
};

function expectRunToCompletion(events: readonly LiveEvent[]): void {
  const states = events.map((event) => execution(event));
  expect(states[0]).toMatchObject({ status: 'RUNNING', isTerminal: false });
  expect(states.at(-1)).toMatchObject({ status: 'COMPLETED', isTerminal: true });
  expect(states.length).toBeGreaterThan(2);
}

// Its own simulator and gateway: these run the simulator's running execution to its end.
describe('four clients, one execution', () => {
  it('graphql-ws, Apollo’s GraphQLWsLink, urql with graphql-ws and graphql-sse’s single connection mode each get every state to the end', async () => {
    const own = await startHarness({ env: scaled });
    const { runningExecution: id } = own.simulator.data.picks;
    const globalId = workflowExecutionId(own.simulator.data.workflows.find((w) => w.executionIds.includes(id))!.id, id);

    const ws = wsClient(own.url);
    const plain = subscribe(ws, ExecutionUpdated, { id: globalId });

    const apolloWs = createWsClient({ url: own.url.replace(/^http/, 'ws'), retryAttempts: 0, webSocketImpl: WebSocket });
    const apollo = new ApolloClient({ link: new GraphQLWsLink(apolloWs), cache: new InMemoryCache() });
    const apolloEvents: LiveEvent[] = [];
    const apolloDone = new Promise<void>((resolve, reject) => {
      apollo.subscribe({ query: gql(ExecutionUpdated), variables: { id: globalId } }).subscribe({
        next: (result) => apolloEvents.push(result as LiveEvent),
        error: reject,
        complete: resolve,
      });
    });

    const urqlWs = createWsClient({ url: own.url.replace(/^http/, 'ws'), retryAttempts: 0, webSocketImpl: WebSocket });
    const urql = createUrqlClient({
      url: own.url,
      exchanges: [
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({ unsubscribe: urqlWs.subscribe({ ...request, query: request.query ?? '' }, sink) }),
          }),
        }),
      ],
    });
    const urqlEvents: LiveEvent[] = [];
    const urqlSource = urql.subscription(ExecutionUpdated, { id: globalId }).subscribe((result) => {
      urqlEvents.push({ data: result.data as Record<string, unknown> });
    });

    const single = singleConnectionClient(own.url);
    const viaSingle = subscribe(single, ExecutionUpdated, { id: globalId });

    await Promise.all([plain.next(1), viaSingle.next(1)]);
    await eventually(() => apolloEvents.length > 0 && urqlEvents.length > 0, 5000, 'Apollo and urql to get the first state');
    // Four transports, one credential: one watcher, one poll.
    expect(own.gateway.live.watches.stats()).toMatchObject({ watching: 1, subscribers: 4 });
    for (let i = 0; i < 60 && !(plain.completed() && viaSingle.completed()); i++) {
      own.simulator.advance(15_000);
      await sleep(60);
    }
    await Promise.all([plain.done, viaSingle.done, apolloDone]);
    await eventually(
      () => urqlEvents.at(-1)?.data !== undefined && execution(urqlEvents.at(-1))['isTerminal'] === true,
      2000,
      'urql to get the end',
    );
    for (const events of [plain.events, viaSingle.events, apolloEvents, urqlEvents]) expectRunToCompletion(events);
    expect(execution(apolloEvents.at(-1))['output']).toEqual(own.simulator.data.workflowExecution(id)!['output']);
    urqlSource.unsubscribe();
    await Promise.all([ws.dispose(), apolloWs.dispose(), urqlWs.dispose()]);
    single.dispose();
    await eventually(() => own.gateway.live.watches.stats().watching === 0, 2000, 'the watcher to stop');
    await own.close();
  });
});

describe('graphql-ws over WebSocket', () => {
  it('takes the caller’s API key from connection_init or the upgrade request: a refused key gets UNAUTHENTICATED, a good one is polled with it', async () => {
    const refused = wsClient(h.url, { 'x-api-key': 'smk_sim_not_issued' });
    const denied = subscribe(refused, ExecutionUpdated, { id: running() });
    await denied.done;
    expect(denied.events.map((event) => event.errors?.[0]?.extensions?.['code'])).toEqual(['UNAUTHENTICATED']);
    await refused.dispose();

    const key = h.simulator.issueApiKey();
    const withKey = (apiKey: string) =>
      class extends NodeWebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { 'x-api-key': apiKey } });
        }
      };
    const viaHeader = createWsClient({ url: h.url.replace(/^http/, 'ws'), retryAttempts: 0, webSocketImpl: withKey(key) });
    const viaParams = wsClient(h.url, { headers: { 'x-api-key': key } });
    const subs = [subscribe(viaHeader, ExecutionUpdated, { id: running() }), subscribe(viaParams, ExecutionUpdated, { id: running() })];
    await Promise.all(subs.map((sub) => sub.next(1)));
    // One key, two connections: one watcher.
    expect(h.gateway.live.watches.stats()).toMatchObject({ watching: 1, subscribers: 2 });
    await sleep(200);
    const keys = new Set(
      h.simulator
        .requests()
        .filter((r) => r.route === workflowsRoutes.detail)
        .slice(-5)
        .map((r) => r.headers['x-api-key']),
    );
    expect(keys).toEqual(new Set([key]));
    for (const sub of subs) sub.dispose();
    await Promise.all([viaHeader.dispose(), viaParams.dispose()]);
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'the watcher to stop');
  });

  it('applies the same document limits and errors as HTTP, before any upstream call', async () => {
    const client = wsClient(h.url);
    const before = h.simulator.totalHits();
    const deep = subscribe(
      client,
      'subscription($id: ID!) { executionUpdated(id: $id) { ... on WorkflowExecution { steps { execution { steps { execution { steps { stepId } } } } } } } }',
      { id: running() },
    );
    await expect(deep.done).rejects.toThrow(/depth/i);
    const malformed = subscribe(client, ExecutionUpdated, { id: 'not a global id' });
    await malformed.done;
    expect(malformed.events[0]?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const syntax = subscribe(client, 'subscription {', {});
    await expect(syntax.done).rejects.toThrow(/Syntax Error/);
    expect(h.simulator.totalHits()).toBe(before);
    // Queries work over it too.
    const query = subscribe(client, '{ __typename }', {});
    await query.done;
    expect(query.events).toEqual([{ data: { __typename: 'Query' } }]);
    await client.dispose();
  });

  it('refuses an upgrade from another origin’s page, and anything but the GraphQL path', async () => {
    const base = h.url.replace(/^http/, 'ws');
    const attempt = async (url: string, origin?: string) => {
      const socket = new NodeWebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
      const [outcome] = await Promise.race([
        once(socket, 'open').then(() => ['open']),
        once(socket, 'unexpected-response').then(([, response]) => [(response as { statusCode: number }).statusCode]),
      ]);
      socket.terminate();
      return outcome;
    };
    expect(await attempt(base, 'https://evil.example')).toBe(403);
    expect(await attempt(base.replace('/graphql', '/metrics'))).toBe(404);
    expect(await attempt(base, new URL(h.url).origin)).toBe('open');
    expect(await attempt(base)).toBe('open');
  });
});

describe('graphql-sse single connection mode', () => {
  it('carries several subscriptions on one stream; stopping one (DELETE) leaves the others', async () => {
    const client = singleConnectionClient(h.url);
    const { waitingTask, queuedTask } = h.simulator.data.picks;
    const { encodeGlobalId } = await import('../src/schema/ids.ts');
    const a = subscribe(client, ExecutionUpdated, { id: running() });
    const b = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: waitingTask }) });
    await Promise.all([a.next(1), b.next(1)]);
    expect(h.gateway.live.watches.stats()).toMatchObject({ watching: 2, subscribers: 2 });
    // Leaving one (DELETE) leaves the other running.
    b.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 1, 2000, 'the task watcher to stop');
    expect(a.completed()).toBe(false);
    const c = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'TaskExecution', executionId: queuedTask }) });
    await c.next(1);
    a.dispose();
    c.dispose();
    client.dispose();
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'every watcher to stop');
  });

  it('answers the protocol’s refusals: an unknown token, a second stream on one reservation', async () => {
    const put = await fetch(h.url, { method: 'PUT' });
    expect(put.status).toBe(201);
    const token = await put.text();
    const stream = await fetch(h.url, { headers: { accept: 'text/event-stream', 'x-graphql-event-stream-token': token } });
    expect(stream.status).toBe(200);
    const again = await fetch(h.url, { headers: { accept: 'text/event-stream', 'x-graphql-event-stream-token': token } });
    expect(again.status).toBe(409);
    await again.arrayBuffer();
    const post = (operationId: unknown, streamToken = token) =>
      fetch(h.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-graphql-event-stream-token': streamToken },
        body: JSON.stringify({ query: '{ __typename }', extensions: { operationId } }),
      });
    const noId = await post(undefined);
    expect(noId.status).toBe(400);
    await noId.arrayBuffer();
    const accepted = await post('op-1');
    expect(accepted.status).toBe(202);
    await accepted.arrayBuffer();
    const unknown = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-graphql-event-stream-token': 'nope' },
      body: JSON.stringify({ query: '{ __typename }', extensions: { operationId: '1' } }),
    });
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
    await stream.body?.cancel();
    // The distinct mode is untouched: a GET subscription with the CSRF header, as GraphiQL sends it.
    const distinct = new URL(h.url);
    distinct.searchParams.set('query', '{ __typename }');
    const get = await fetch(distinct, { headers: { accept: 'text/event-stream', 'x-graphql-yoga-csrf': '1' } });
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('"__typename":"Query"');
  });

  it('keeps the distinct connections mode (graphql-sse’s default) working', async () => {
    const client = sseClient(h.url);
    const sub = subscribe(client, '{ __typename }', {});
    await sub.done;
    expect(sub.events).toEqual([{ data: { __typename: 'Query' } }]);
    client.dispose();
  });
});

/**
 * One request cannot starve the others: a budget of upstream calls per HTTP request (all its
 * operations together), a cap on its calls in flight to each host, a request deadline, per-call
 * deadlines that start when a connection is the call's own, and one warning per request instead
 * of one per failed call. Through the real gateway over HTTP, against the simulator.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { createHttp } from '../src/upstreams/http.ts';
import { type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';
import { eventually, execution, sleep, sseClient, subscribe } from './helpers/live.ts';

const modelNodes = (aliases: number) =>
  `query(${Array.from({ length: aliases }, (_, i) => `$ids${i}: [ID!]!`).join(', ')}) {
    ${Array.from({ length: aliases }, (_, i) => `a${i}: nodes(ids: $ids${i}) { id }`).join('\n')}
  }`;

/** Model executions that exist now (the seed lays some out in the future). */
const existingModelExecutions = (h: Harness) => h.simulator.data.modelExecutionIds.filter((id) => h.simulator.data.prediction(id) !== null);

/** `count` global ids of existing model executions from `start`, wrapping around. */
function modelIds(h: Harness, start: number, count: number): string[] {
  const all = existingModelExecutions(h);
  return Array.from({ length: count }, (_, i) =>
    encodeGlobalId({ typename: 'ModelExecution', executionId: all[(start + i) % all.length]! }),
  );
}

function codes(bodies: readonly GraphQLBody[]): Map<unknown, number> {
  const seen = new Map<unknown, number>();
  for (const error of bodies.flatMap((body) => body.errors ?? []))
    seen.set(error.extensions?.['code'], (seen.get(error.extensions?.['code']) ?? 0) + 1);
  return seen;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

/** Captures pino's JSON lines. */
function memoryLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

describe('the upstream budget of one HTTP request', () => {
  const log = memoryLogger();
  let h: Harness;
  // The static cost estimate is not what is tested here: let the documents through it. Without
  // coalescing, every call the budget lets through is one upstream hit.
  beforeAll(async () => {
    h = await startHarness({ env: { GRAPHQL_COST_LIMIT: '100000000', UPSTREAM_COALESCE: 'false' }, logger: log.logger });
  });
  afterAll(() => h?.close());

  it('a batch of 10 operations × 3 aliases × nodes over 100 model executions makes at most 500 upstream calls; the rest answer COST_ACTUAL_TOO_EXPENSIVE', async () => {
    // 3,000 distinct reads asked for (300 per operation, one GET per prediction); without a budget
    // the same shape with 30 aliases made 30,000.
    const batch = Array.from({ length: 10 }, (_, op) => ({
      query: modelNodes(3),
      variables: Object.fromEntries([0, 1, 2].map((alias) => [`ids${alias}`, modelIds(h, op * 47 + alias * 100, 100)])),
    }));
    h.simulator.resetHits();
    const { status, body } = await h.post(batch);
    expect(status).toBe(200);
    const results = body as unknown as GraphQLBody[];
    expect(results).toHaveLength(10);
    expect(h.simulator.totalHits('models')).toBe(500);
    const answered = results.flatMap((result) => [0, 1, 2].flatMap((alias) => result.data?.[`a${alias}`] as ({ id: string } | null)[]));
    expect(answered).toHaveLength(3000);
    expect(answered.filter((node) => node !== null)).toHaveLength(500);
    expect(Object.fromEntries(codes(results))).toEqual({ COST_ACTUAL_TOO_EXPENSIVE: 2500 });
    const refused = results.flatMap((result) => result.errors ?? [])[0]!;
    expect(refused.extensions).toMatchObject({ code: 'COST_ACTUAL_TOO_EXPENSIVE', upstream: 'models' });
    expect(refused.path).toEqual([expect.stringMatching(/^a[012]$/), expect.any(Number)]);
  });

  it('counts the subgraph’s _entities too, across the operations of a batch', async () => {
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelExecution { executionId } } }`;
    const all = existingModelExecutions(h);
    const representations = (start: number) =>
      all.slice(start, start + 300).map((executionId) => ({ __typename: 'ModelExecution', executionId }));
    const response = await fetch(h.url.replace(/\/graphql$/, '/graphql/subgraph'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify([
        { query: entities, variables: { r: representations(0) } },
        { query: entities, variables: { r: representations(150) } },
      ]),
    });
    const results = (await response.json()) as GraphQLBody[];
    const answered = results.flatMap((result) => result.data?.['_entities'] as unknown[]);
    expect(answered).toHaveLength(600);
    expect(answered.filter((entity) => entity !== null)).toHaveLength(500);
    expect(Object.fromEntries(codes(results))).toEqual({ COST_ACTUAL_TOO_EXPENSIVE: 100 });
  });

  it('a caller’s bad key over 100 calls writes one warning line, counting the failures by host and status', async () => {
    const before = log.lines.length;
    const { body } = await h.post(
      { query: modelNodes(1), variables: { ids0: modelIds(h, 0, 100) } },
      { 'x-api-key': 'not-a-key-of-this-account', 'x-request-id': 'bad-key-1' },
    );
    expect(Object.fromEntries(codes([body]))).toEqual({ UNAUTHENTICATED: 100 });
    const lines = log.lines.slice(before);
    const warnings = lines.filter((line) => (line['level'] as number) >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'request',
      reqId: 'bad-key-1',
      upstreamCalls: 100,
      upstreamFailures: [{ upstream: 'models', status: 401, code: 'UNAUTHENTICATED', calls: 100 }],
    });
    // Each call's own line, body included (redacted), is still there at debug.
    expect(lines.filter((line) => line['level'] === 20 && line['msg'] === 'upstream answered an error')).toHaveLength(100);
    expect(JSON.stringify(lines)).not.toContain('not-a-key-of-this-account');
  });
});

describe('a fair share of a host', () => {
  // Four connections per host, so one request could hold them all; the per-request cap is half.
  const env = { UPSTREAM_CONNECTIONS: '4', UPSTREAM_DEADLINE_MS: '600', UPSTREAM_BREAKER_VOLUME_THRESHOLD: '10' };
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env });
  });
  afterAll(() => h?.close());

  it('a request fanning out over a slow host leaves room for others: their reads answer at once, and no call times out', async () => {
    h.simulator.setLatency(200);
    const fanOut = timed(() => h.post({ query: modelNodes(1), variables: { ids0: modelIds(h, 0, 20) } }));
    await sleep(50);
    const other = await timed(() =>
      h.post({ query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: modelIds(h, 300, 1)[0] } }),
    );
    expect(other.value.body.errors).toBeUndefined();
    expect(other.value.body.data?.['node']).toMatchObject({ id: expect.any(String) });
    // One round trip, not a wait behind the other request's twenty.
    expect(other.ms).toBeLessThan(700);
    const heavy = await fanOut;
    // Every call of the fan-out answers too: waiting for a connection is not the host timing out.
    expect(heavy.value.body.errors).toBeUndefined();
    expect((heavy.value.body.data?.['a0'] as unknown[]).every((node) => node !== null)).toBe(true);
    // Two in flight at a time: ten round trips.
    expect(heavy.ms).toBeGreaterThanOrEqual(10 * 200 - 50);
    expect(h.gateway.upstreams.health().models.state).toBe('closed');
  });

  it('eight such requests at once neither time out nor open the breaker; /ready stays 200', async () => {
    h.simulator.setLatency(100);
    const env8 = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.post({ query: modelNodes(1), variables: { ids0: modelIds(h, 40 + i * 10, 10) } })),
    );
    expect(Object.fromEntries(codes(env8.map((r) => r.body)))).toEqual({});
    expect(h.gateway.upstreams.health().models.state).toBe('closed');
    const ready = await fetch(h.url.replace(/\/graphql$/, '/ready'));
    expect(ready.status).toBe(200);
  });
});

describe('a call’s deadline starts when a connection is its own', () => {
  it('calls queued behind a busy pool wait without timing out (UPSTREAM_DEADLINE_MS 300, four 150 ms answers, one connection)', async () => {
    const server = createServer((_request, response) => {
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 150);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = loadConfig(
      { MODELS_API_URL: base, UPSTREAM_CONNECTIONS: '1', UPSTREAM_DEADLINE_MS: '300', UPSTREAM_BREAKER: 'false' },
      [],
    );
    const http = createHttp(config.upstreams.models, { deadlineMs: config.upstreams.models.deadlineMs });
    try {
      const answers = await Promise.allSettled(Array.from({ length: 4 }, (_, i) => http.json({ method: 'GET', path: `/x/${i}` })));
      expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    } finally {
      await http.close();
      server.close();
    }
  });
});

describe('the request deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: {
        REQUEST_TIMEOUT_MS: '1000',
        MAX_UPSTREAM_CALLS_PER_REQUEST: '8',
        LIVE_POLL_MIN_MS: '20',
        LIVE_POLL_MAX_MS: '150',
        LIVE_LEASE_MS: '1000',
      },
    });
  });
  afterAll(() => h?.close());

  it('a deep parent chain behind a slow host answers in about REQUEST_TIMEOUT_MS with what it resolved; the rest is REQUEST_TIMEOUT', async () => {
    h.simulator.setLatency(400);
    const chain = `query($id: String!) {
      taskExecution(executionId: $id) { executionId parent { executionId parent { executionId parent { executionId parent { executionId parent { executionId parent { executionId } } } } } } }
    }`;
    // Six tasks one after another at 400 ms each: 2.4 s and more without a deadline. With it the
    // leaf (at 400 ms) and its parent (800 ms) are in, the grandparent is still on its way.
    const { value, ms } = await timed(() => h.post({ query: chain, variables: { id: h.simulator.data.picks.deepTaskChainLeaf } }));
    h.simulator.setLatency(0);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(1000 + 500);
    const task = value.body.data?.['taskExecution'] as { executionId: string; parent: { executionId: string } | null };
    expect(task.executionId).toBe(h.simulator.data.picks.deepTaskChainLeaf);
    expect(task.parent?.executionId).toEqual(expect.any(String));
    expect(value.body.errors).toHaveLength(1);
    expect(value.body.errors![0]).toMatchObject({ extensions: { code: 'REQUEST_TIMEOUT', upstream: 'tasks' } });
    expect(value.body.errors![0]!.path).toEqual(['taskExecution', 'parent', 'parent']);
  });

  it('does not bind a subscription: its polls and events keep loading past REQUEST_TIMEOUT_MS and the call budget', async () => {
    const { runningExecution } = h.simulator.data.picks;
    const workflowId = h.simulator.data.workflows.find((w) => w.executionIds.includes(runningExecution))!.id;
    const client = sseClient(h.url);
    const sub = subscribe(client, `subscription($id: ID!) { executionUpdated(id: $id) { status ... on WorkflowExecution { cost } } }`, {
      id: encodeGlobalId({ typename: 'WorkflowExecution', workflowId, executionId: runningExecution }),
    });
    h.simulator.resetHits();
    await sub.next(1);
    await sleep(1200);
    for (let i = 0; i < 40 && !sub.completed(); i++) {
      h.simulator.advance(15_000);
      await sleep(60);
    }
    await Promise.race([sub.done, sleep(5000).then(() => Promise.reject(new Error('the subscription did not complete')))]);
    client.dispose();
    expect(sub.events.length).toBeGreaterThan(1);
    // More polls and `cost` reads than the budget's eight calls.
    expect(h.simulator.totalHits()).toBeGreaterThan(8);
    expect(sub.events.flatMap((event) => event.errors ?? [])).toEqual([]);
    expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED' });
    await eventually(() => h.gateway.live.watches.stats().watching === 0, 2000, 'the watcher to stop');
  });
});

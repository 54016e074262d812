/**
 * HTTP-level protections: body size, batching, CSRF, GET and mutations, introspection and
 * GraphiQL off in production; and a graceful drain on SIGTERM under load.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../src/simulator/index.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';
import { ExecutionUpdated, sseClient, subscribe, workflowExecutionId, wsClient } from './helpers/live.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_REQUEST_BYTES: '4096', GRAPHQL_MAX_BATCH: '3' } });
});
afterAll(() => h?.close());

/** A POST whose body is sent in 1000-byte chunks, without Content-Length, on its own connection. */
function postChunked(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = httpRequest(
      url,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' } },
      (response) => {
        answered = true;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    // The gateway may answer and close before the last chunk is written: that write's error is
    // expected, and only a connection that closes with no answer at all fails.
    request.on('error', () => {});
    request.on('close', () => answered || reject(new Error('closed without an answer')));
    for (let at = 0; at < body.length; at += 1000) request.write(body.slice(at, at + 1000));
    request.end();
  });
}

const count = `{ workflowExecutions(workflowId: "QUERY_WF", first: 1) { totalCount } }`;
const countQuery = () => count.replace('QUERY_WF', h.simulator.data.bigWorkflowId);

describe('request limits', () => {
  it('refuses a body over MAX_REQUEST_BYTES with 413 and no upstream call', async () => {
    h.simulator.resetHits();
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: countQuery(), variables: { pad: 'x'.repeat(5000) } }),
    });
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('counts a chunked body (no Content-Length): refused past MAX_REQUEST_BYTES, answered under it', async () => {
    h.simulator.resetHits();
    const big = await postChunked(h.url, JSON.stringify({ query: countQuery(), variables: { pad: 'x'.repeat(5000) } }));
    expect(big.status).toBe(400);
    expect(h.simulator.totalHits()).toBe(0);
    const small = await postChunked(h.url, JSON.stringify({ query: countQuery() }));
    expect(small.status).toBe(200);
    expect(JSON.parse(small.body)).toMatchObject({ data: { workflowExecutions: { totalCount: expect.any(Number) } } });
  });

  it('answers batched operations up to GRAPHQL_MAX_BATCH and refuses more', async () => {
    const ok = await h.post([{ query: countQuery() }, { query: countQuery() }]);
    expect(Array.isArray(ok.body)).toBe(true);
    expect((ok.body as unknown as unknown[]).length).toBe(2);
    h.simulator.resetHits();
    const refused = await h.post(Array.from({ length: 4 }, () => ({ query: countQuery() })));
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(h.simulator.totalHits()).toBe(0);
  });
});

describe('browser safety', () => {
  it('answers a GET query with no custom header, as urql and Apollo send one', async () => {
    const url = `${h.url}?query=${encodeURIComponent(countQuery())}`;
    const bare = await fetch(url, { headers: { accept: 'application/graphql-response+json' } });
    expect(bare.status).toBe(200);
    expect(((await bare.json()) as { data: unknown }).data).toMatchObject({ workflowExecutions: { totalCount: expect.any(Number) } });
  });

  it('refuses the simple POSTs a foreign page could send (text, form), a form-posted mutation above all', async () => {
    const task = h.simulator.data.taskExecutionIds[0]!;
    const mutation = `mutation { cancelTaskExecution(executionId: ${JSON.stringify(task)}) { executionId } }`;
    h.simulator.resetHits();
    const simple = [
      { 'content-type': 'text/plain', body: JSON.stringify({ query: countQuery() }) },
      { 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams({ query: mutation }).toString() },
      { 'content-type': 'text/plain', body: JSON.stringify({ query: mutation }) },
    ];
    for (const { body, ...headers } of simple) {
      const response = await fetch(h.url, { method: 'POST', headers, body });
      expect(response.status).toBe(403);
      await response.arrayBuffer();
    }
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('never runs a mutation over GET: a real cancel reaches no upstream', async () => {
    const task = h.simulator.data.taskExecutionIds[0]!;
    h.simulator.resetHits();
    for (const query of [
      'mutation { __typename }',
      `mutation { cancelTaskExecution(executionId: ${JSON.stringify(task)}) { executionId } }`,
    ]) {
      const response = await fetch(`${h.url}?query=${encodeURIComponent(query)}`, {
        headers: { accept: 'application/graphql-response+json' },
      });
      expect(response.status).toBe(405);
      await response.arrayBuffer();
    }
    expect(h.simulator.totalHits()).toBe(0);
  });
});

describe('production defaults', () => {
  let prod: Harness;
  beforeAll(async () => {
    prod = await startHarness({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => prod?.close());

  it('turns introspection and field suggestions off', async () => {
    const introspection = await prod.post({ query: '{ __schema { types { name } } }' });
    expect(introspection.body.data ?? null).toBeNull();
    expect(introspection.body.errors?.length).toBeGreaterThan(0);
    const typo = await prod.post({ query: '{ workflowExecutionz { id } }' });
    expect(JSON.stringify(typo.body)).not.toContain('Did you mean');
    const dev = await h.post({ query: '{ workflowExecutionz { id } }' });
    expect(JSON.stringify(dev.body)).toContain('Did you mean');
  });

  it('serves no GraphiQL', async () => {
    const response = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(response.headers.get('content-type') ?? '').not.toContain('text/html');
    await response.arrayBuffer();
  });
});

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** `src/main.ts` (the embedded simulator and the gateway) on a free port, once it answers /health. */
async function startMain(env: Record<string, string>): Promise<{ child: ReturnType<typeof spawn>; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/main.ts'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; i < 100; i++) {
    const up = await fetch(url.replace('/graphql', '/health')).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url };
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests on SIGTERM, then stops accepting and exits 0', async () => {
    const { child, url } = await startMain({ SIMULATOR_LATENCY_MS: '400', LOG_LEVEL: 'warn' });
    const query = '{ modelExecutions(first: 1) { totalCount } }';
    const inFlight = Array.from({ length: 8 }, () =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { data?: { modelExecutions?: { totalCount: number } } },
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const answers = await Promise.all(inFlight);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body.data?.modelExecutions?.totalCount).toBeGreaterThan(0);
    }
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(fetch(url.replace('/graphql', '/health'))).rejects.toThrow();
  }, 30_000);
});

describe('graceful shutdown with keep-alive clients and subscriptions', () => {
  it('answers with Connection: close once SIGTERM arrives, completes subscriptions on every transport, lets every request in flight finish, and exits long before the deadline', async () => {
    // The child's simulator is seeded as this one: the same ids.
    const ids = await startSimulator({ clock: 'manual' });
    const { runningExecution } = ids.data.picks;
    const running = workflowExecutionId(ids.data.workflows.find((w) => w.executionIds.includes(runningExecution))!.id, runningExecution);
    await ids.close();
    const { child, url } = await startMain({ SIMULATOR_LATENCY_MS: '300', SHUTDOWN_TIMEOUT_MS: '8000', LOG_LEVEL: 'warn' });
    const sse = sseClient(url);
    const ws = wsClient(url);
    const subs = [subscribe(sse, ExecutionUpdated, { id: running }), subscribe(ws, ExecutionUpdated, { id: running })];
    await Promise.all(subs.map((sub) => sub.next(1, 10_000)));

    // Four keep-alive connections, each sending its next request as soon as the last is answered.
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let signalledAt = Infinity;
    const outcomes: { startedAt: number; endedAt: number; status: number | null; connection: string | null; error: string | null }[] = [];
    const body = JSON.stringify({ query: '{ modelExecutions(first: 1) { totalCount } }' });
    const send = () =>
      new Promise<void>((resolve) => {
        const startedAt = Date.now();
        const request = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (response) => {
          response.resume();
          response.on('end', () => {
            outcomes.push({
              startedAt,
              endedAt: Date.now(),
              status: response.statusCode ?? null,
              connection: response.headers.connection ?? null,
              error: null,
            });
            resolve();
          });
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          outcomes.push({ startedAt, endedAt: Date.now(), status: null, connection: null, error: error.code ?? error.message });
          resolve();
        });
        request.end(body);
      });
    const worker = async () => {
      // Until the gateway is gone: its last answers, then connections refused.
      while (!outcomes.some((o) => o.error !== null && o.startedAt > signalledAt)) await send();
    };
    const workers = Promise.all(Array.from({ length: 4 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = once(child, 'exit');
    signalledAt = Date.now();
    child.kill('SIGTERM');
    await Promise.all(subs.map((sub) => sub.done));
    const [code] = await exited;
    const stoppedAfterMs = Date.now() - signalledAt;
    await workers;
    agent.destroy();
    await ws.dispose();
    sse.dispose();

    expect(code).toBe(0);
    // Subscriptions completed (not cut) on both transports.
    for (const sub of subs) expect(sub.completed()).toBe(true);
    // Nothing in flight was cut; every answer after SIGTERM told its client to go elsewhere.
    const inFlight = outcomes.filter((o) => o.startedAt < signalledAt && o.endedAt >= signalledAt);
    expect(inFlight.length).toBeGreaterThanOrEqual(1);
    for (const outcome of inFlight) expect(outcome).toMatchObject({ status: 200, error: null });
    const answeredAfter = outcomes.filter((o) => o.endedAt > signalledAt && o.status !== null);
    for (const outcome of answeredAfter) expect(outcome.connection).toBe('close');
    const failures = outcomes.filter((o) => o.error !== null).map((o) => o.error);
    expect(new Set(failures)).toEqual(new Set(['ECONNREFUSED']));
    // Keep-alive clients did not hold the drain until its 8 s deadline.
    expect(stoppedAfterMs).toBeLessThan(3000);
  }, 30_000);
});

describe('error codes', () => {
  it('keeps contract codes on refused documents', async () => {
    const { body } = await h.post({ query: '{ nope }' });
    expect(codesOf(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });
});

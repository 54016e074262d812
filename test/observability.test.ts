/**
 * Operability through the real gateway over HTTP against the simulator: the upstream trace
 * (`X-Gateway-Trace: 1`), request ids end to end, one JSON log line per request, Prometheus
 * metrics that move with the simulator's hits, and no id or credential in any label, trace or log.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { outsideRequest, type TraceSummary } from '../src/observability/index.ts';
import { createFailureTally } from '../src/observability/failures.ts';
import { currentScope, runInScope } from '../src/observability/scope.ts';
import type { RecordedRequest } from '../src/simulator/index.ts';
import { type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus text format → samples (comments skipped). */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`unparsable metrics line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[name!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function sum(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((total, sample) => total + sample.value, 0);
}

/** Captures pino's JSON lines. */
function memoryLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level: 'debug' }, stream);
  const text = () => chunks.join('');
  return {
    logger,
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

let h: Harness;
const log = memoryLogger();
beforeAll(async () => {
  h = await startHarness({ logger: log.logger });
});
afterAll(() => h?.close());

const metricsUrl = () => h.url.replace(/\/graphql$/, '/metrics');
const scrape = async (harness: Harness = h, headers: Record<string, string> = {}) => {
  const response = await fetch(harness.url.replace(/\/graphql$/, '/metrics'), { headers });
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
};

/** POSTs a query; returns the body, the response's request id and the trace. */
async function run(
  body: { query: string; variables?: Record<string, unknown>; operationName?: string },
  headers: Record<string, string> = {},
  harness: Harness = h,
): Promise<{ status: number; body: GraphQLBody & { extensions?: { trace?: TraceSummary } }; requestId: string | null }> {
  const response = await fetch(harness.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody, requestId: response.headers.get('x-request-id') };
}

const pageWithSteps = /* GraphQL */ `
  query PageWithSteps($wf: String!, $first: Int!) {
    workflowExecutions(workflowId: $wf, first: $first) { edges { node { executionId steps { stepId status } } } }
  }`;

const everyHost = /* GraphQL */ `
  query EveryHost($wf: String!, $task: String!) {
    workflowExecutions(workflowId: $wf, first: 5) { edges { node { executionId steps { stepId } } } }
    modelExecutions(first: 3) { totalCount }
    taskExecution(executionId: $task) { status parent { executionId } }
  }`;

interface Traced {
  readonly upstream: string;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number | null;
}

/** A recorded upstream request in the trace's terms. */
function asTraced(request: RecordedRequest): Traced {
  return { upstream: request.host, method: request.method, path: request.path, query: request.query, status: request.status };
}

describe('extensions.trace', () => {
  it('is absent without X-Gateway-Trace: 1', async () => {
    const variables = { wf: h.simulator.data.bigWorkflowId, first: 3 };
    const without: Record<string, string>[] = [{}, { 'x-gateway-trace': '0' }, { 'x-gateway-trace': 'true' }];
    for (const headers of without) {
      const { body } = await run({ query: pageWithSteps, variables }, headers);
      expect(body.errors).toBeUndefined();
      expect(body.extensions?.trace).toBeUndefined();
    }
  });

  it('lists exactly the upstream calls the simulator received, with totals', async () => {
    h.simulator.resetHits();
    const variables = { wf: h.simulator.data.bigWorkflowId, task: h.simulator.data.picks.deepTaskChainLeaf };
    const { body, requestId } = await run({ query: everyHost, variables }, { 'x-gateway-trace': '1' });
    expect(body.errors).toBeUndefined();
    const trace = body.extensions!.trace!;
    const recorded = h.simulator.requests();
    expect(trace.requestId).toBe(requestId);
    expect(trace.upstreamCalls).toBe(recorded.length);
    expect(trace.calls).toHaveLength(h.simulator.totalHits());
    expect(trace.sharedCalls).toBe(0);

    const traced = trace.calls.map((call): Traced => ({
      upstream: call.upstream,
      method: call.method,
      path: call.path,
      query: call.query ?? {},
      status: call.status,
    }));
    const key = (call: Traced) => JSON.stringify([call.upstream, call.method, call.path, call.query, call.status]);
    expect(traced.map(key).sort()).toEqual(recorded.map(asTraced).map(key).sort());

    for (const call of trace.calls) {
      expect(new URL(h.simulator.urls[call.upstream as RecordedRequest['host']]).host).toBe(call.host);
      expect(call).toMatchObject({ code: null, attempts: 1, shared: false });
      expect(call.ms).toBeGreaterThanOrEqual(0);
      expect(call.startMs).toBeGreaterThanOrEqual(0);
      expect(call.startMs + call.ms).toBeLessThanOrEqual(trace.durationMs + 0.2);
    }
    // The bulk call's batch size is the number of ids the simulator received.
    const bulk = trace.calls.find((call) => call.upstream === 'flows')!;
    const bulkRequest = recorded.find((request) => request.host === 'flows')!;
    expect(bulk.batchSize).toBe((bulkRequest.body as { execution_ids: string[] }).execution_ids.length);
    expect(bulk.batchSize).toBe(5);
    expect(trace.calls.filter((call) => call.upstream !== 'flows').every((call) => call.batchSize === null)).toBe(true);
    // list → bulk, and task → parent, wait on each other: two round trips in a row.
    expect(trace.criticalPath).toBe(2);
    expect(trace.upstreamWallMs).toBeGreaterThan(0);
    expect(trace.upstreamWallMs).toBeLessThanOrEqual(trace.durationMs);
  });

  it('shows a failed call with its code and every retry attempt', async () => {
    const ex = h.simulator.data.picks.completedTextExecution;
    h.simulator.resetHits();
    h.simulator.setFault('workflows', { fault: { kind: 'status', status: 503 }, route: 'workflows GET /executions/{id}', times: 1 });
    const retried = await run(
      { query: `query($ex: String!) { workflowExecution(executionId: $ex) { status } }`, variables: { ex } },
      { 'x-gateway-trace': '1' },
    );
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.extensions!.trace!.calls).toEqual([
      expect.objectContaining({ upstream: 'workflows', status: 200, code: null, attempts: 2 }),
    ]);
    expect(h.simulator.totalHits()).toBe(2);

    const missing = await run({ query: `{ workflowExecution(executionId: "no-such-execution") { status } }` }, { 'x-gateway-trace': '1' });
    expect(missing.body.extensions!.trace!.calls).toEqual([
      expect.objectContaining({
        upstream: 'workflows',
        path: '/api/v1/executions/no-such-execution',
        status: 404,
        code: 'NOT_FOUND',
        attempts: 1,
      }),
    ]);
  });

  it('marks a call joined from another request as shared, in both traces', async () => {
    const ex = h.simulator.data.picks.completedStructuredExecution;
    const query = `query($ex: String!) { workflowExecution(executionId: $ex) { status } }`;
    h.simulator.setLatency(100);
    h.simulator.resetHits();
    try {
      const [first, second] = await Promise.all([
        run({ query, variables: { ex } }, { 'x-gateway-trace': '1', 'x-request-id': 'shared-a' }),
        run({ query, variables: { ex } }, { 'x-gateway-trace': '1', 'x-request-id': 'shared-b' }),
      ]);
      expect(h.simulator.totalHits()).toBe(1);
      const calls = [first, second].map(({ body }) => body.extensions!.trace!.calls);
      for (const list of calls) expect(list).toEqual([expect.objectContaining({ upstream: 'workflows', status: 200, attempts: 1 })]);
      expect(calls.map((list) => list[0]!.shared).sort()).toEqual([false, true]);
      // The one upstream request carries the id of the request that started it.
      const sender = calls[0]![0]!.shared ? 'shared-b' : 'shared-a';
      expect(h.simulator.requests()[0]!.headers['x-request-id']).toBe(sender);
    } finally {
      h.simulator.setLatency(0);
    }
  });

  it('each operation of a batched request has its own trace', async () => {
    const wf = h.simulator.data.bigWorkflowId;
    const response = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gateway-trace': '1' },
      body: JSON.stringify([
        { query: pageWithSteps, variables: { wf, first: 2 } },
        { query: `{ modelExecutions(first: 1) { totalCount } }` },
      ]),
    });
    const results = (await response.json()) as { extensions: { trace: TraceSummary } }[];
    expect(results.map((result) => result.extensions.trace.calls.map((call) => call.upstream))).toEqual([
      ['workflows', 'flows'],
      ['models'],
    ]);
  });

  it('is off with GATEWAY_TRACE=false, and off by default in production', async () => {
    expect(loadConfig({ NODE_ENV: 'production' }, []).observability.trace).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_TRACE: 'true' }, []).observability.trace).toBe(true);
    expect(loadConfig({}, []).observability.trace).toBe(true);
    const off = await startHarness({ env: { GATEWAY_TRACE: 'false' } });
    try {
      const { body } = await run(
        { query: pageWithSteps, variables: { wf: off.simulator.data.bigWorkflowId, first: 2 } },
        { 'x-gateway-trace': '1' },
        off,
      );
      expect(body.errors).toBeUndefined();
      expect(body.extensions).toBeUndefined();
    } finally {
      await off.close();
    }
  });

  it('GraphiQL asks for the trace in every tab when tracing is on', async () => {
    const page = await (await fetch(h.url, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('X-Gateway-Trace');
  });
});

describe('request scope', () => {
  it('follows the async chain of its operation only; outsideRequest leaves it', async () => {
    const record = {
      id: 'scoped-1',
      startedAt: 0,
      traced: false,
      upstreamCalls: 0,
      upstreamFailures: createFailureTally(),
      responded: false,
      operations: [],
      errorCodes: new Set<string>(),
    };
    const scope = { request: record, startedAt: 0, trace: null, type: null, name: null };
    const seen = await runInScope(scope, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inside = currentScope()?.request.id;
      const detached = await outsideRequest(() => new Promise((resolve) => setTimeout(() => resolve(currentScope()?.request.id), 1)));
      return { inside, detached };
    });
    expect(seen).toEqual({ inside: 'scoped-1', detached: undefined });
    expect(currentScope()).toBeUndefined();
  });
});

describe('request ids', () => {
  it("keeps a caller's X-Request-ID: in the response, on every upstream call, in the log line", async () => {
    h.simulator.resetHits();
    const variables = { wf: h.simulator.data.bigWorkflowId, task: h.simulator.data.picks.deepTaskChainLeaf };
    const { requestId } = await run({ query: everyHost, variables, operationName: 'EveryHost' }, { 'x-request-id': 'client-req.42:a_b-c' });
    expect(requestId).toBe('client-req.42:a_b-c');
    const recorded = h.simulator.requests();
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    for (const request of recorded) expect(request.headers['x-request-id']).toBe('client-req.42:a_b-c');
    const line = log.lines().find((entry) => entry['reqId'] === 'client-req.42:a_b-c' && entry['msg'] === 'request');
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      status: 200,
      operations: ['EveryHost'],
      upstreamCalls: recorded.length,
    });
    expect(line!['durationMs']).toEqual(expect.any(Number));
  });

  it('replaces a malformed or oversized id with a fresh UUID, used everywhere', async () => {
    for (const hostile of ['has space', 'quote"', 'x'.repeat(129), 'new\tline', 'é']) {
      h.simulator.resetHits();
      const { requestId } = await run({ query: `{ modelExecutions(first: 1) { totalCount } }` }, { 'x-request-id': hostile });
      expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(h.simulator.requests().map((request) => request.headers['x-request-id'])).toEqual([requestId]);
    }
  });

  it('generates one when none is sent, and answers it on other routes too', async () => {
    h.simulator.resetHits();
    const { requestId, body } = await run({ query: `{ workflowExecution(executionId: "nope") { status } }` });
    expect(body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.simulator.requests()[0]!.headers['x-request-id']).toBe(requestId);
    expect(log.lines().find((entry) => entry['reqId'] === requestId)).toMatchObject({ errorCodes: ['NOT_FOUND'], upstreamCalls: 1 });
    const ready = await fetch(h.url.replace(/\/graphql$/, '/ready'), { headers: { 'x-request-id': 'probe-1' } });
    expect(ready.headers.get('x-request-id')).toBe('probe-1');
  });
});

describe('metrics', () => {
  it('upstream call counters move by the simulator hit count; operations and errors by outcome and code', async () => {
    const before = await scrape();
    h.simulator.resetHits();
    const variables = { wf: h.simulator.data.bigWorkflowId, task: h.simulator.data.picks.deepTaskChainLeaf };
    await run({ query: everyHost, variables });
    await run({ query: pageWithSteps, variables: { wf: h.simulator.data.bigWorkflowId, first: 20 } });
    await run({ query: `{ workflowExecution(executionId: "missing-1") { status } }` });
    await run({ query: `{ nope }` });
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels);

    const hits = h.simulator.hits();
    expect(delta('gateway_upstream_requests_total') + delta('gateway_upstream_retries_total')).toBe(h.simulator.totalHits());
    expect(delta('gateway_upstream_requests_total', { upstream: 'flows', method: 'POST', status_class: '2xx' })).toBe(
      hits['flows POST /{id}/executions/bulk'],
    );
    expect(delta('gateway_upstream_requests_total', { upstream: 'workflows', status_class: '4xx' })).toBe(1);
    expect(delta('gateway_upstream_failures_total', { upstream: 'workflows', code: 'NOT_FOUND' })).toBe(1);
    expect(delta('gateway_upstream_request_duration_seconds_count')).toBe(h.simulator.totalHits());

    expect(delta('gateway_graphql_operations_total', { operation_type: 'query', outcome: 'success' })).toBe(2);
    expect(delta('gateway_graphql_operations_total', { operation_type: 'query', outcome: 'error' })).toBe(1);
    expect(delta('gateway_graphql_operations_total', { operation_type: 'unknown', outcome: 'rejected' })).toBe(1);
    expect(delta('gateway_graphql_errors_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(delta('gateway_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);

    // Batches of 5 and 20 keys (bulk calls), and 1 (the missing execution, read by detail).
    expect(delta('gateway_loader_batch_size_count', { loader: 'workflowExecution' })).toBe(3);
    expect(delta('gateway_loader_batch_size_sum', { loader: 'workflowExecution' })).toBe(26);
    expect(delta('gateway_loader_batch_size_count', { loader: 'workflowExecutionDetail' })).toBe(1);
    // Process metrics live in the same registry.
    expect(after.some((sample) => sample.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(after.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts retries and breaker state per host', async () => {
    const before = await scrape();
    h.simulator.setFault('models', { fault: { kind: 'status', status: 503 }, times: 1 });
    await run({ query: `{ modelExecutions(first: 1) { totalCount } }` });
    const after = await scrape();
    expect(
      sum(after, 'gateway_upstream_retries_total', { upstream: 'models' }) -
        sum(before, 'gateway_upstream_retries_total', { upstream: 'models' }),
    ).toBe(1);
    for (const upstream of ['workflows', 'flows', 'models', 'tasks']) {
      expect(sum(after, 'gateway_upstream_breaker_state', { upstream, state: 'closed' })).toBe(1);
      expect(sum(after, 'gateway_upstream_breaker_state', { upstream })).toBe(1);
    }
  });

  it('counts active subscriptions through the observer API', async () => {
    const started = h.gateway.observability.metrics!.subscriptionStarted('executionUpdated');
    const other = h.gateway.observability.metrics!.subscriptionStarted('executionUpdated');
    expect(sum(await scrape(), 'gateway_active_subscriptions', { subscription: 'executionUpdated' })).toBe(2);
    started();
    started(); // idempotent
    expect(sum(await scrape(), 'gateway_active_subscriptions', { subscription: 'executionUpdated' })).toBe(1);
    other();
    expect(sum(await scrape(), 'gateway_active_subscriptions', { subscription: 'executionUpdated' })).toBe(0);
  });

  it('no label holds an id, a path or a credential, and series stay few', async () => {
    const data = h.simulator.data;
    // Many distinct ids, hostile ones and operation names among them.
    for (const ex of data.workflows.flatMap((workflow) => workflow.executionIds).slice(0, 30)) {
      await run({
        query: `query Op_${ex.replace(/-/g, '_')}($ex: String!) { workflowExecution(executionId: $ex) { status } }`,
        variables: { ex },
      });
    }
    await run({ query: `{ workflowExecution(executionId: "a/b?c=d") { status } taskExecution(executionId: "../x") { status } }` });
    const samples = (await scrape()).filter((sample) => sample.name.startsWith('gateway_'));
    const ids = new Set([
      ...data.workflows.flatMap((workflow) => [workflow.id, ...workflow.executionIds]),
      ...data.modelExecutionIds,
      ...data.taskExecutionIds,
    ]);
    for (const sample of samples) {
      for (const [name, value] of Object.entries(sample.labels)) {
        expect(value, `${sample.name} ${name}`).toMatch(/^[A-Za-z0-9_.+-]{1,60}$/);
        expect(ids.has(value)).toBe(false);
      }
    }
    // Label names are fixed; values come from small sets.
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    expect([...labelNames].sort()).toEqual([
      'code',
      'le',
      'loader',
      'method',
      'operation_type',
      'outcome',
      'state',
      'status_class',
      'subscription',
      'upstream',
    ]);
    const series = new Set(samples.map((sample) => `${sample.name}${JSON.stringify(sample.labels)}`));
    expect(series.size).toBeLessThan(600);
  });

  it('METRICS_TOKEN guards /metrics; METRICS=off removes it', async () => {
    const guarded = await startHarness({ env: { METRICS_TOKEN: 'scrape-token-7' } });
    const off = await startHarness({ env: { METRICS: 'off' } });
    try {
      const url = guarded.url.replace(/\/graphql$/, '/metrics');
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer scrape-token-7' } })).status).toBe(200);
      expect((await fetch(off.url.replace(/\/graphql$/, '/metrics'))).status).toBe(404);
      expect(off.gateway.observability.metrics).toBeNull();
      // Still answers queries.
      expect((await run({ query: `{ modelExecutions(first: 1) { totalCount } }` }, {}, off)).body.errors).toBeUndefined();
    } finally {
      await guarded.close();
      await off.close();
    }
  });
});

describe('no credential or secret in traces, metrics or logs', () => {
  it('greps every trace, the metrics and every log line for the simulator credentials and bulk secrets', async () => {
    const data = h.simulator.data;
    const caller = { 'x-api-key': 'caller-key-0001', authorization: 'Bearer caller-token-0002', 'x-project-id': 'caller-project-0003' };
    const bulk = data.picks.completedBulk;
    // A failing bulk call whose error body carries the organization's key: logged, redacted.
    h.simulator.setFault('flows', {
      fault: {
        kind: 'status',
        status: 500,
        body: JSON.stringify({ error: 'boom', api_key: data.secrets.bulkApiKey, organization_id: data.secrets.organizationId }),
      },
      times: 1,
    });
    let text = '';
    for (const headers of [{}, caller]) {
      for (const body of [
        { query: everyHost, variables: { wf: data.bigWorkflowId, task: data.picks.deepTaskChainLeaf } },
        {
          query: `query($wf: String!, $ids: [String!]!) { workflowExecutionsByIds(workflowId: $wf, executionIds: $ids) { executionId inputs output steps { input output params } } }`,
          variables: { wf: bulk.workflowId, ids: bulk.executionIds.slice(0, 20) },
        },
        { query: `{ modelExecutions(first: 10) { edges { node { output workflowExecution { inputs steps { params } } } } } }` },
      ]) {
        const result = await run(body, { ...headers, 'x-gateway-trace': '1' });
        expect(result.body.extensions?.trace?.upstreamCalls).toBeGreaterThan(0);
        text += JSON.stringify(result.body.extensions);
      }
    }
    text += await (await fetch(metricsUrl())).text();
    const logged = log.text();
    expect(logged).toContain('upstream answered an error');
    text += logged;
    const secrets = [
      h.simulator.credentials.apiKey,
      h.simulator.credentials.tasksToken,
      h.simulator.credentials.tasksProjectId,
      'caller-key-0001',
      'caller-token-0002',
      'caller-project-0003',
      data.secrets.bulkApiKey,
      data.secrets.organizationId,
      ...data.secrets.sourceIpAddresses,
    ];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/x-api-key|authorization|x-project-id/i);
  });
});

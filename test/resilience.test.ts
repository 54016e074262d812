/**
 * The upstream layer under sustained failure and concurrent load, through the real gateway over
 * HTTP: one circuit breaker per host, and identical in-flight reads sharing one upstream call
 * (never across credentials).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttp } from '../src/upstreams/http.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

const modelsPage = `query($first: Int!) { modelExecutions(first: $first) { totalCount } }`;
const modelsAndWorkflows = `query($first: Int!, $wf: String!) {
  models: modelExecutions(first: $first) { totalCount }
  workflows: workflowExecutions(workflowId: $wf, first: 2) { totalCount }
}`;
const task = `query($id: String!) { taskExecution(executionId: $id) { status } }`;
const allHosts = `query($wf: String!, $ex: String!, $exWf: String!, $task: String!) {
  workflows: workflowExecutions(workflowId: $wf, first: 2) { totalCount }
  flows: workflowExecution(executionId: $ex, workflowId: $exWf) { steps { stepId } }
  models: modelExecutions(first: 2) { totalCount }
  tasks: taskExecution(executionId: $task) { status }
}`;

function allHostsVariables(h: Harness) {
  const data = h.simulator.data;
  const ex = data.picks.completedImageExecution;
  const exWf = data.workflows.find((workflow) => workflow.executionIds.includes(ex))!.id;
  return { wf: data.bigWorkflowId, ex, exWf, task: data.taskExecutionIds[0]! };
}

const resetMs = 400;

describe('circuit breaker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      env: { UPSTREAM_BREAKER_VOLUME_THRESHOLD: '4', UPSTREAM_BREAKER_RESET_MS: String(resetMs) },
    });
  });
  afterEach(() => h.simulator.clearFaults());
  afterAll(() => h?.close());

  it('NOT_FOUNDs never open it: the host still gets every call', async () => {
    h.simulator.resetHits();
    const bodies = await Promise.all(
      Array.from({ length: 20 }, () => h.post({ query: task, variables: { id: randomUUID() } }).then((r) => r.body)),
    );
    for (const body of bodies) expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(h.simulator.totalHits('tasks')).toBe(20);
    expect(h.gateway.upstreams.health().tasks.state).toBe('closed');

    h.simulator.resetHits();
    const { body } = await h.post({ query: task, variables: { id: h.simulator.data.taskExecutionIds[0]! } });
    expect(body.errors).toBeUndefined();
    expect(h.simulator.totalHits('tasks')).toBe(1);
  });

  it('opens after sustained 503s on one host, fails fast while open, and a probe after the cool-down closes it', async () => {
    const wf = h.simulator.data.bigWorkflowId;
    expect(h.gateway.upstreams.health()).toEqual({
      workflows: { state: 'closed' },
      flows: { state: 'closed' },
      models: { state: 'closed' },
      tasks: { state: 'closed' },
    });

    h.simulator.setFault('models', { fault: { kind: 'status', status: 503 } });
    // Distinct pages, so no call is shared and each one counts.
    const failing = await Promise.all(
      Array.from({ length: 8 }, (_, i) => h.post({ query: modelsPage, variables: { first: i + 1 } }).then((r) => r.body)),
    );
    for (const body of failing) expect(codesOf(body)).toEqual(['UPSTREAM_UNAVAILABLE']);
    const health = h.gateway.upstreams.health();
    expect(health.models.state).toBe('open');
    expect(health.workflows.state).toBe('closed');
    expect(health.flows.state).toBe('closed');
    expect(health.tasks.state).toBe('closed');
    // An open circuit is one host failing fast, not this process failing: still ready, and the body says which host.
    const ready = await fetch(h.url.replace(/\/graphql$/, '/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, upstreams: { models: { state: 'open' } } });

    // Open: no call reaches the host, the other hosts answer as usual.
    h.simulator.resetHits();
    const started = performance.now();
    const { body } = await h.post({ query: modelsAndWorkflows, variables: { first: 3, wf } });
    expect(performance.now() - started).toBeLessThan(200);
    expect(h.simulator.totalHits('models')).toBe(0);
    expect(body.data?.['models']).toBeNull();
    expect(body.data?.['workflows']).toMatchObject({ totalCount: expect.any(Number) });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({
      message: 'The models upstream is unavailable (circuit open)',
      path: ['models'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: 'models' },
    });

    // The host recovers; after the cool-down one probe goes through and closes the breaker.
    h.simulator.clearFaults();
    await vi.waitFor(() => expect(h.gateway.upstreams.health().models.state).toBe('half-open'), {
      timeout: resetMs * 5,
      interval: 20,
    });
    h.simulator.resetHits();
    const probe = await h.post({ query: modelsPage, variables: { first: 2 } });
    expect(probe.body.errors).toBeUndefined();
    expect(h.simulator.totalHits('models')).toBe(1);
    expect(h.gateway.upstreams.health().models.state).toBe('closed');
  });

  it('a failed probe opens it again', async () => {
    h.simulator.setFault('models', { fault: { kind: 'status', status: 503 } });
    await Promise.all(Array.from({ length: 8 }, (_, i) => h.post({ query: modelsPage, variables: { first: i + 20 } })));
    expect(h.gateway.upstreams.health().models.state).toBe('open');
    await vi.waitFor(() => expect(h.gateway.upstreams.health().models.state).toBe('half-open'), {
      timeout: resetMs * 5,
      interval: 20,
    });
    h.simulator.resetHits();
    const probe = await h.post({ query: modelsPage, variables: { first: 2 } });
    expect(codesOf(probe.body)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(h.simulator.totalHits('models')).toBeGreaterThanOrEqual(1);
    expect(h.gateway.upstreams.health().models.state).toBe('open');
  });

  it('an unconfigured host reports not-configured', async () => {
    const bare = await startHarness({ withoutTasks: true });
    try {
      expect(bare.gateway.upstreams.health().tasks.state).toBe('not-configured');
    } finally {
      await bare.close();
    }
  });
});

describe('coalescing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // Wide enough that 20 concurrent requests overlap even on a loaded 2-core machine.
    h.simulator.setLatency(300);
  });
  afterAll(() => h?.close());

  it('20 concurrent identical requests cost one call per distinct upstream read (GET and the bulk POST)', async () => {
    h.simulator.resetHits();
    const variables = allHostsVariables(h);
    const bodies = await Promise.all(Array.from({ length: 20 }, () => h.post({ query: allHosts, variables }).then((r) => r.body)));
    for (const body of bodies) {
      expect(body.errors).toBeUndefined();
      expect(body).toEqual(bodies[0]);
    }
    const hits = h.simulator.hits();
    expect(Object.keys(hits)).toHaveLength(4);
    for (const count of Object.values(hits)) expect(count).toBe(1);
  });

  it('never shares a call across different credentials', async () => {
    h.simulator.resetHits();
    const send = (headers: Record<string, string>) => h.post({ query: modelsPage, variables: { first: 2 } }, headers).then((r) => r.body);
    const valid = Array.from({ length: 10 }, () => send({ 'x-api-key': h.simulator.credentials.apiKey }));
    const other = Array.from({ length: 10 }, () => send({ 'x-api-key': 'another-callers-key' }));
    const [validBodies, otherBodies] = await Promise.all([Promise.all(valid), Promise.all(other)]);
    for (const body of validBodies) {
      expect(body.errors).toBeUndefined();
      expect(body.data?.['modelExecutions']).toMatchObject({ totalCount: expect.any(Number) });
    }
    for (const body of otherBodies) {
      expect(body.data?.['modelExecutions']).toBeNull();
      expect(codesOf(body)).toEqual(['UNAUTHENTICATED']);
    }
    expect(h.simulator.totalHits('models')).toBe(2);
    // No raw key is kept: the upstream saw each key on exactly one call.
    const keys = h.simulator.requests().map((request) => request.headers['x-api-key']);
    expect(keys.sort()).toEqual(['another-callers-key', h.simulator.credentials.apiKey].sort());
  });

  it('calls that differ (another page) are not shared', async () => {
    h.simulator.resetHits();
    await Promise.all([1, 2, 3].map((first) => h.post({ query: modelsPage, variables: { first } })));
    expect(h.simulator.totalHits('models')).toBe(3);
  });

  it('each caller gets its own parsed copy', async () => {
    const http = createHttp(h.config.upstreams.models);
    try {
      h.simulator.resetHits();
      const request = {
        method: 'GET',
        path: '/executions',
        query: { limit: 2 },
        headers: { 'X-API-Key': h.simulator.credentials.apiKey },
      } as const;
      const [a, b] = (await Promise.all([http.json(request), http.json(request)])) as [Record<string, unknown>, Record<string, unknown>];
      expect(h.simulator.totalHits('models')).toBe(1);
      expect(a).toEqual(b);
      expect(a).not.toBe(b);
      a['mutated'] = true;
      expect(b).not.toHaveProperty('mutated');
    } finally {
      await http.close();
    }
  });

  it('nothing is cached once the call settles', async () => {
    h.simulator.resetHits();
    await h.post({ query: modelsPage, variables: { first: 2 } });
    await h.post({ query: modelsPage, variables: { first: 2 } });
    expect(h.simulator.totalHits('models')).toBe(2);
  });
});

describe('coalescing off (UPSTREAM_COALESCE=false)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { UPSTREAM_COALESCE: 'false' } });
    h.simulator.setLatency(50);
  });
  afterAll(() => h?.close());

  it('20 concurrent identical requests cost 20 calls', async () => {
    h.simulator.resetHits();
    const bodies: GraphQLBody[] = await Promise.all(
      Array.from({ length: 20 }, () => h.post({ query: modelsPage, variables: { first: 2 } }).then((r) => r.body)),
    );
    for (const body of bodies) expect(body.errors).toBeUndefined();
    expect(h.simulator.totalHits('models')).toBe(20);
  });
});

describe('timeouts per host and the per-call deadline', () => {
  let h: Harness;
  beforeAll(async () => {
    // Generous shared timeouts; the task host's own override and the deadline must win.
    h = await startHarness({
      env: {
        UPSTREAM_HEADERS_TIMEOUT_MS: '5000',
        TASKS_API_HEADERS_TIMEOUT_MS: '200',
        MODELS_API_DEADLINE_MS: '300',
        UPSTREAM_BREAKER: 'false',
      },
    });
  });
  afterEach(() => h.simulator.clearFaults());
  afterAll(() => h?.close());

  it('a hung host answers UPSTREAM_TIMEOUT within its own limit, the others are untouched', async () => {
    expect(h.config.upstreams.tasks.headersTimeoutMs).toBe(200);
    expect(h.config.upstreams.workflows.headersTimeoutMs).toBe(5000);
    expect(h.config.upstreams.models.deadlineMs).toBe(300);
    expect(h.config.upstreams.flows.deadlineMs).toBe(10_000);
    for (const [host, query, variables] of [
      ['tasks', task, { id: h.simulator.data.taskExecutionIds[0]! }],
      ['models', modelsPage, { first: 2 }],
    ] as const) {
      h.simulator.setFault(host, { fault: { kind: 'hang' } });
      const started = performance.now();
      const { body } = await h.post({ query, variables });
      const took = performance.now() - started;
      expect(codesOf(body)).toEqual(['UPSTREAM_TIMEOUT']);
      // Three attempts of 200 ms with backoff for the task host; one 300 ms budget for models.
      expect(took).toBeLessThan(2000);
      h.simulator.clearFaults();
    }
  });
});

/**
 * The fault matrix: every simulator fault on every host, through the real gateway over HTTP.
 * Each cell asserts the contract code and upstream, partial data (the other hosts still answer),
 * a bounded response time, nothing of the upstream (URL, body) in the response, and a healthy
 * gateway afterwards. Then retries, hit bounds and bulk answers that do not line up with the ask.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Fault, HostName } from '../src/simulator/index.ts';
import { createHttp } from '../src/upstreams/http.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { UPSTREAM_HEADERS_TIMEOUT_MS: '300', UPSTREAM_BODY_TIMEOUT_MS: '300' } });
});
afterEach(() => h.simulator.clearFaults());
afterAll(() => h?.close());

/** Which field of the all-hosts query each host answers. */
const fieldOf: Record<HostName, string> = {
  workflows: 'workflows',
  flows: 'flows',
  models: 'models',
  tasks: 'tasks',
};
const hosts = Object.keys(fieldOf) as HostName[];

const allHostsQuery = `query($wf: String!, $ex: String!, $exWf: String!, $task: String!) {
  workflows: workflowExecutions(workflowId: $wf, first: 2) { totalCount }
  flows: workflowExecution(executionId: $ex, workflowId: $exWf) { steps { stepId } }
  models: modelExecutions(first: 2) { totalCount }
  tasks: taskExecution(executionId: $task) { status }
}`;

function variables() {
  const data = h.simulator.data;
  const ex = data.picks.completedImageExecution;
  const exWf = data.workflows.find((workflow) => workflow.executionIds.includes(ex))!.id;
  return { wf: data.bigWorkflowId, ex, exWf, task: data.taskExecutionIds[0]! };
}

async function timed(headers: Record<string, string> = {}): Promise<{ body: GraphQLBody; text: string; ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query: allHostsQuery, variables: variables() }),
  });
  const text = await response.text();
  return { body: JSON.parse(text) as GraphQLBody, text, ms: performance.now() - started, status: response.status };
}

function expectAnswered(body: GraphQLBody, host: HostName): void {
  const value = body.data?.[fieldOf[host]];
  expect(value, `${host} answered`).not.toBeNull();
  expect(value).toBeTypeOf('object');
}

/** Snippets of fault bodies that must never reach a client. */
const leakSnippets = [
  '<html',
  'nginx',
  'Bad Gateway',
  '{"executions": [',
  '"unexpected":true',
  'cut-off',
  'Rate limit exceeded',
  'Internal server error',
  'Service unavailable',
];

interface Cell {
  readonly name: string;
  readonly fault: Fault;
  readonly times?: number;
  /** The code of the faulted field; null when the field answers after a retry. */
  readonly code: string | null;
  readonly retryAfterSeconds?: number;
}

const cells: readonly Cell[] = [
  { name: 'hang', fault: { kind: 'hang' }, code: 'UPSTREAM_TIMEOUT' },
  { name: '503 (persistent)', fault: { kind: 'status', status: 503 }, code: 'UPSTREAM_UNAVAILABLE' },
  { name: '500', fault: { kind: 'status', status: 500 }, code: 'UPSTREAM_ERROR' },
  { name: '429 once, Retry-After 1', fault: { kind: 'rate-limit', retryAfterSeconds: 1 }, times: 1, code: null },
  {
    name: '429 persistent, Retry-After 30',
    fault: { kind: 'rate-limit', retryAfterSeconds: 30 },
    code: 'RATE_LIMITED',
    retryAfterSeconds: 30,
  },
  { name: 'malformed JSON', fault: { kind: 'malformed-json' }, code: 'UPSTREAM_ERROR' },
  // A proxy's 502 page says the host behind it is down: retried, then unavailable like any 502.
  { name: 'HTML proxy page (502)', fault: { kind: 'html' }, code: 'UPSTREAM_UNAVAILABLE' },
  { name: 'empty body', fault: { kind: 'empty' }, code: 'UPSTREAM_ERROR' },
  { name: 'truncated body', fault: { kind: 'truncated' }, code: 'UPSTREAM_ERROR' },
  { name: 'wrong shape', fault: { kind: 'wrong-shape' }, code: 'UPSTREAM_ERROR' },
  { name: 'connection reset', fault: { kind: 'reset' }, code: 'UPSTREAM_UNAVAILABLE' },
];

const observed: number[] = [];

describe.each(hosts)('fault matrix: %s', (host) => {
  it.each(cells)('$name', async (cell) => {
    h.simulator.setFault(host, { fault: cell.fault, ...(cell.times ? { times: cell.times } : {}) });
    h.simulator.resetHits();
    const { body, text, ms, status } = await timed();
    // One field per host: at most the first attempt and two retries.
    expect(h.simulator.totalHits(host)).toBeLessThanOrEqual(3);
    observed.push(ms);
    expect(status).toBe(200);
    expect(ms).toBeLessThan(3000);
    for (const other of hosts) if (other !== host) expectAnswered(body, other);
    if (cell.code === null) {
      expect(body.errors).toBeUndefined();
      expectAnswered(body, host);
    } else {
      expect(body.data?.[fieldOf[host]]).toBeNull();
      expect(codesOf(body)).toEqual([cell.code]);
      const error = body.errors![0]!;
      expect(error.path).toEqual([fieldOf[host]]);
      expect(error.extensions!['upstream']).toBe(host);
      if (cell.retryAfterSeconds !== undefined) expect(error.extensions!['retryAfterSeconds']).toBe(cell.retryAfterSeconds);
    }
    for (const url of Object.values(h.simulator.urls)) expect(text).not.toContain(new URL(url).host);
    expect(text).not.toContain('127.0.0.1');
    for (const snippet of leakSnippets) expect(text).not.toContain(snippet);

    // The process lives and answers normally once the fault is gone.
    h.simulator.clearFaults();
    const after = await timed();
    expect(after.body.errors).toBeUndefined();
    for (const each of hosts) expectAnswered(after.body, each);
  });
});

describe('retries', () => {
  it.each(hosts)('%s: a 503 once is retried: 2 hits, then the answer', async (host) => {
    h.simulator.resetHits();
    h.simulator.setFault(host, { fault: { kind: 'status', status: 503 }, times: 1 });
    const { body } = await timed();
    expect(body.errors).toBeUndefined();
    expectAnswered(body, host);
    expect(h.simulator.totalHits(host)).toBe(2);
  });

  it.each(hosts)('%s: a persistent 503 costs at most 3 hits per field', async (host) => {
    h.simulator.resetHits();
    h.simulator.setFault(host, { fault: { kind: 'status', status: 503 } });
    const { body } = await timed();
    expect(codesOf(body)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(h.simulator.totalHits(host)).toBeGreaterThan(1);
    expect(h.simulator.totalHits(host)).toBeLessThanOrEqual(3);
  });

  it('a persistent 429 with a short Retry-After is retried, then RATE_LIMITED with retryAfterSeconds', async () => {
    h.simulator.resetHits();
    h.simulator.setFault('models', { fault: { kind: 'rate-limit', retryAfterSeconds: 1 } });
    const { body, ms } = await timed();
    // Two waits of the 1 s Retry-After, then surfaced.
    expect(ms).toBeLessThan(3500);
    expect(codesOf(body)).toEqual(['RATE_LIMITED']);
    expect(body.errors![0]!.extensions).toMatchObject({ upstream: 'models', retryAfterSeconds: 1 });
    expect(h.simulator.totalHits('models')).toBe(3);
  });

  it('a non-idempotent call is never retried; an idempotent one is', async () => {
    const http = createHttp({ ...h.config.upstreams.flows });
    try {
      const path = `/${h.simulator.data.bigWorkflowId}/executions/bulk`;
      const request = {
        method: 'POST',
        path,
        body: { execution_ids: [] },
        headers: { 'X-API-KEY': h.simulator.credentials.apiKey },
      } as const;
      h.simulator.resetHits();
      h.simulator.setFault('flows', { fault: { kind: 'status', status: 503 } });
      await expect(http.json(request)).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(h.simulator.totalHits('flows')).toBe(1);
      h.simulator.resetHits();
      h.simulator.setFault('flows', { fault: { kind: 'status', status: 503 }, times: 1 });
      await expect(http.json({ ...request, idempotent: true })).resolves.toMatchObject({ executions: [] });
      expect(h.simulator.totalHits('flows')).toBe(2);
    } finally {
      await http.close();
    }
  });
});

describe('bulk answers that do not line up with the ask', () => {
  const byIds = `query($wf: String!, $ids: [String!]!) {
    workflowExecutionsByIds(workflowId: $wf, executionIds: $ids) { executionId workflowName }
  }`;
  function pickIds(count: number) {
    const workflow = h.simulator.data.workflows.find((w) => w.executionIds.length > count + 2)!;
    return { wf: workflow.id, ids: workflow.executionIds.slice(0, count), spare: workflow.executionIds[count]! };
  }
  const bulkOf = (id: string) => h.simulator.data.bulkExecution(id)!;
  const answerWith = (executions: unknown[]) =>
    h.simulator.setFault('flows', {
      fault: { kind: 'status', status: 200, body: JSON.stringify({ status: 'success', total: executions.length, executions }) },
      times: 1,
    });

  it('maps per key when ids are omitted, unknown ids added, ids repeated and the order differs', async () => {
    const { wf, ids, spare } = pickIds(4);
    const [a, b, c] = ids as [string, string, string, string];
    const repeatOfC = { ...bulkOf(c), flow_name: 'a repeat that must not win' };
    // d omitted, spare not asked for, c repeated, order reversed.
    answerWith([bulkOf(c), bulkOf(spare), repeatOfC, bulkOf(b), bulkOf(a)]);
    h.simulator.resetHits();
    const { body } = await h.post({ query: byIds, variables: { wf, ids } });
    expect(h.simulator.totalHits('flows')).toBe(1);
    const got = body.data!['workflowExecutionsByIds'] as ({ executionId: string; workflowName: string } | null)[];
    expect(got.map((execution) => execution?.executionId ?? null)).toEqual([a, b, c, null]);
    expect(got[2]!.workflowName).toBe(bulkOf(c)['flow_name']);
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.path).toEqual(['workflowExecutionsByIds', 3]);
    expect(JSON.stringify(body)).not.toContain(spare);
  });

  it('an empty answer is NOT_FOUND per id, not a failure of the list', async () => {
    const { wf, ids } = pickIds(2);
    answerWith([]);
    const { body } = await h.post({ query: byIds, variables: { wf, ids } });
    expect(body.data!['workflowExecutionsByIds']).toEqual([null, null]);
    expect(codesOf(body)).toEqual(['NOT_FOUND', 'NOT_FOUND']);
  });
});

afterAll(() => {
  if (observed.length > 0) console.info(`fault matrix: ${observed.length} cells, max ${Math.round(Math.max(...observed))} ms`);
});

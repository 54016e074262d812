/**
 * Typed errors: NOT_FOUND, UNAUTHENTICATED and BAD_USER_INPUT, the last before any upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const wf = () => h.simulator.data.bigWorkflowId;

describe('BAD_USER_INPUT before any upstream call', () => {
  const bulk = () => h.simulator.data.picks.completedBulk;
  const cases: [string, string, () => Record<string, unknown>][] = [
    ['first above 100', `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 101) { totalCount } }`, () => ({ wf: wf() })],
    ['first below 0', `query($wf: String!) { workflowExecutions(workflowId: $wf, first: -1) { totalCount } }`, () => ({ wf: wf() })],
    [
      'a malformed cursor',
      `query($wf: String!) { workflowExecutions(workflowId: $wf, after: "not-a-cursor") { totalCount } }`,
      () => ({ wf: wf() }),
    ],
    [
      'a cursor of another kind',
      `query($wf: String!) { workflowExecutions(workflowId: $wf, after: "${Buffer.from('offset:-5').toString('base64url')}") { totalCount } }`,
      () => ({ wf: wf() }),
    ],
    [
      'a malformed UUID literal',
      `query($wf: String!) { workflowExecutions(workflowId: $wf, bulkId: "nope") { totalCount } }`,
      () => ({ wf: wf() }),
    ],
    [
      'a malformed UUID variable',
      `query($wf: String!, $b: UUID!) { bulk(workflowId: $wf, bulkId: $b) { bulkId } }`,
      () => ({ wf: wf(), b: 'not-a-uuid' }),
    ],
    ['a malformed DateTime literal', `{ modelExecutions(filter: { createdAfter: "yesterday" }) { totalCount } }`, () => ({})],
    [
      'a malformed DateTime variable',
      `query($t: DateTime) { modelExecutions(filter: { createdBefore: $t }) { totalCount } }`,
      () => ({ t: '2026-13-45' }),
    ],
    ['an unknown enum value', `{ modelExecutions(filter: { status: [DONE] }) { totalCount } }`, () => ({})],
    ['a malformed global id', `{ node(id: "%%%") { id } }`, () => ({})],
    [
      'a global id of an unknown type',
      `query($id: ID!) { node(id: $id) { id } }`,
      () => ({ id: Buffer.from('User:1').toString('base64url') }),
    ],
    [
      'too many ids',
      `query($wf: String!, $ids: [String!]!) { workflowExecutionsByIds(workflowId: $wf, executionIds: $ids) { executionId } }`,
      () => ({ wf: wf(), ids: Array.from({ length: 101 }, (_, i) => `id-${i}`) }),
    ],
  ];
  for (const [name, query, variables] of cases) {
    it(`rejects ${name}`, async () => {
      h.simulator.resetHits();
      const { body } = await h.post({ query, variables: variables() });
      expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
      expect(h.simulator.totalHits()).toBe(0);
    });
  }

  it('rejects first above 100 on a nested connection, answering the rest', async () => {
    const { body } = await h.post({
      query: `query($wf: String!, $b: UUID!) { bulk(workflowId: $wf, bulkId: $b) { bulkId executions(first: 500) { totalCount } } }`,
      variables: { wf: bulk().workflowId, b: bulk().bulkId },
    });
    expect(body.data).toEqual({ bulk: { bulkId: bulk().bulkId, executions: null } });
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('upstream answers as typed errors', () => {
  it('UNAUTHENTICATED when the caller sends a key the upstream refuses; the key is never echoed', async () => {
    const key = 'caller-key-that-is-wrong-123';
    const { body } = await h.post(
      { query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 1) { totalCount } }`, variables: { wf: wf() } },
      { 'x-api-key': key },
    );
    expect(body.data).toEqual({ workflowExecutions: null });
    expect(codesOf(body)).toEqual(['UNAUTHENTICATED']);
    expect(body.errors![0]!.extensions!['upstream']).toBe('workflows');
    expect(JSON.stringify(body)).not.toContain(key);
  });

  it("a caller's own valid key is used instead of the server's", async () => {
    h.simulator.resetHits();
    const { body } = await h.post(
      { query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 1) { totalCount } }`, variables: { wf: wf() } },
      { 'x-api-key': h.simulator.credentials.apiKey },
    );
    expect(body.errors).toBeUndefined();
    const sent = h.simulator.requests().at(-1)!;
    expect(sent.headers['x-api-key']).toBe(h.simulator.credentials.apiKey);
    expect(sent.headers['authorization']).toBeUndefined();
  });

  it('NOT_FOUND for an unknown workflow, without losing a sibling field', async () => {
    const { body } = await h.post({
      query: `query($wf: String!) {
        gone: workflowExecutions(workflowId: "no-such-workflow") { totalCount }
        here: workflowExecutions(workflowId: $wf, first: 1) { totalCount }
      }`,
      variables: { wf: wf() },
    });
    expect(body.data!['gone']).toBeNull();
    expect(body.data!['here']).toEqual({ totalCount: expect.any(Number) });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.extensions!['upstream']).toBe('workflows');
  });

  it('never returns upstream URLs or hosts in errors', async () => {
    const { body } = await h.post({ query: `{ workflowExecution(executionId: "nope") { status } }` });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    const text = JSON.stringify(body);
    for (const url of Object.values(h.simulator.urls)) expect(text).not.toContain(new URL(url).host);
  });
});

describe('server endpoints', () => {
  it('GET /health answers 200 without upstream calls; /ready answers 200', async () => {
    h.simulator.resetHits();
    const base = h.url.replace(/\/graphql$/, '');
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('serves GraphiQL to a browser with the example tabs', async () => {
    const response = await fetch(h.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('ExecutionWithSteps');
    expect(html).toContain('BulkProgress');
  });
});

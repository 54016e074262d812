/**
 * The optional terminal-execution cache (UPSTREAM_CACHE_TTL_MS): finished executions are read
 * once within the TTL, running ones every time, never across credentials, and not at all when
 * the cache is off (the default).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsRoutes, modelsRoutes, tasksRoutes } from '../src/simulator/index.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

const page = `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 50) {
  edges { node { executionId isTerminal steps { stepId output } } } } }`;
const one = `query($e: String!, $wf: String) { workflowExecution(executionId: $e, workflowId: $wf) { executionId status isTerminal steps { stepId } } }`;

interface PageAnswer {
  workflowExecutions: { edges: { node: { executionId: string; isTerminal: boolean; steps: unknown[] } }[] };
}

describe('with UPSTREAM_CACHE_TTL_MS set', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { UPSTREAM_CACHE_TTL_MS: '60000' } });
  });
  afterAll(() => h?.close());

  it('a second read of a page asks the bulk endpoint only for executions that were not finished', async () => {
    const wf = h.simulator.data.bigWorkflowId;
    h.simulator.resetHits();
    const first = await h.post({ query: page, variables: { wf } });
    expect(first.body.errors).toBeUndefined();
    const nodes = (first.body.data as unknown as PageAnswer).workflowExecutions.edges.map((e) => e.node);
    const running = nodes.filter((n) => !n.isTerminal).map((n) => n.executionId);
    expect(nodes.length).toBe(50);
    // The fixture must have both kinds for this test to mean anything.
    expect(running.length).toBeGreaterThan(0);
    expect(running.length).toBeLessThan(50);

    h.simulator.resetHits();
    const second = await h.post({ query: page, variables: { wf } });
    expect(second.body).toEqual(first.body);
    const bulkCalls = h.simulator.requests().filter((r) => r.route === flowsRoutes.bulk);
    expect(bulkCalls).toHaveLength(1);
    expect([...(bulkCalls[0]!.body as { execution_ids: string[] }).execution_ids].sort()).toEqual([...running].sort());
  });

  it('serves a finished task and prediction from memory, and never to other credentials', async () => {
    const task = h.simulator.data.taskExecutionIds.find(Boolean)!;
    const query = `query($t: String!) { taskExecution(executionId: $t) { executionId isTerminal } }`;
    const answer = await h.post({ query, variables: { t: task } });
    const terminal = (answer.body.data as { taskExecution: { isTerminal: boolean } }).taskExecution.isTerminal;
    h.simulator.resetHits();
    await h.post({ query, variables: { t: task } });
    expect(h.simulator.hits()[tasksRoutes.execution] ?? 0).toBe(terminal ? 0 : 1);

    // Another caller's bearer token is not the one the entry was read with: the upstream is asked
    // (and refuses it), the cached answer is not served.
    h.simulator.resetHits();
    const other = await h.post({ query, variables: { t: task } }, { authorization: 'Bearer someone-else', 'x-project-id': 'p' });
    expect(h.simulator.hits()[tasksRoutes.execution]).toBe(1);
    expect(codesOf(other.body)).toEqual(['UNAUTHENTICATED']);
    expect((other.body.data as { taskExecution: unknown }).taskExecution).toBeNull();
  });

  it('asks again for an execution that is still running', async () => {
    const wf = h.simulator.data.bigWorkflowId;
    const list = await h.post({ query: page, variables: { wf } });
    const runningId = (list.body.data as unknown as PageAnswer).workflowExecutions.edges.find((e) => !e.node.isTerminal)!.node.executionId;
    h.simulator.resetHits();
    await h.post({ query: one, variables: { e: runningId, wf } });
    await h.post({ query: one, variables: { e: runningId, wf } });
    expect(h.simulator.hits()[flowsRoutes.bulk]).toBe(2);
  });

  it('never caches lists', async () => {
    const query = `{ modelExecutions(first: 5) { totalCount } }`;
    h.simulator.resetHits();
    await h.post({ query });
    await h.post({ query });
    expect(h.simulator.hits()[modelsRoutes.list]).toBe(2);
  });
});

describe('with the cache off (the default) or expired', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('reads a finished execution from the upstream every time', async () => {
    const wf = h.simulator.data.bigWorkflowId;
    const list = await h.post({ query: page, variables: { wf } });
    const doneId = (list.body.data as unknown as PageAnswer).workflowExecutions.edges.find((e) => e.node.isTerminal)!.node.executionId;
    h.simulator.resetHits();
    await h.post({ query: one, variables: { e: doneId, wf } });
    await h.post({ query: one, variables: { e: doneId, wf } });
    expect(h.simulator.hits()[flowsRoutes.bulk]).toBe(2);
  });

  it('reads it again once the TTL has passed', async () => {
    const short = await startHarness({ env: { UPSTREAM_CACHE_TTL_MS: '250' } });
    try {
      const wf = short.simulator.data.bigWorkflowId;
      short.simulator.resetHits();
      const list = await short.post({ query: page, variables: { wf } });
      const doneId = (list.body.data as unknown as PageAnswer).workflowExecutions.edges.find((e) => e.node.isTerminal)!.node.executionId;
      await short.post({ query: one, variables: { e: doneId, wf } });
      await short.post({ query: one, variables: { e: doneId, wf } });
      expect(short.simulator.hits()[flowsRoutes.bulk]).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await short.post({ query: one, variables: { e: doneId, wf } });
      expect(short.simulator.hits()[flowsRoutes.bulk]).toBe(2);
    } finally {
      await short.close();
    }
  });
});

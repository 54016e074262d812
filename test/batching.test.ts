/**
 * Batching, proved by the simulator's hit counters: detail lookups go through the bulk
 * endpoint grouped by workflow, never one GET per item.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { ExecutionsPageWithSteps } from './helpers/documents.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const bigWorkflow = () => h.simulator.data.workflows.find((w) => w.id === h.simulator.data.bigWorkflowId)!;

describe('bulk-endpoint batching', () => {
  it('lists 50 executions with steps and outputs in 1 list call + 1 bulk call', async () => {
    h.simulator.resetHits();
    const { workflowExecutions } = await h.client.request(ExecutionsPageWithSteps, {
      workflowId: bigWorkflow().id,
      first: 50,
    });
    expect(workflowExecutions!.edges).toHaveLength(50);
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.list]: 1, [flowsRoutes.bulk]: 1 });
    const bulkRequest = h.simulator.requests().find((r) => r.route === flowsRoutes.bulk)!;
    expect((bulkRequest.body as { execution_ids: string[] }).execution_ids).toHaveLength(50);
    // Every step output arrived: compare with what the detail endpoint would say.
    for (const edge of workflowExecutions!.edges!) {
      const truth = h.simulator.data.workflowExecution(edge!.node!.executionId)!;
      const upstreamSteps = truth['step_outputs'] as Record<string, { output: unknown }>;
      for (const step of edge!.node!.steps!) expect(step.output).toEqual(upstreamSteps[step.stepId]!.output ?? null);
      expect(edge!.node!.output).toEqual(truth['output'] ?? null);
    }
  });

  it('lists 150 executions in 2 list calls + 2 bulk calls', async () => {
    h.simulator.resetHits();
    const first = await h.client.request(ExecutionsPageWithSteps, { workflowId: bigWorkflow().id, first: 100 });
    const second = await h.client.request(ExecutionsPageWithSteps, {
      workflowId: bigWorkflow().id,
      first: 50,
      after: first.workflowExecutions!.pageInfo.endCursor,
    });
    const ids = [...first.workflowExecutions!.edges!, ...second.workflowExecutions!.edges!].map((e) => e!.node!.executionId);
    expect(ids).toEqual(bigWorkflow().executionIds.slice(0, 150));
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.list]: 2, [flowsRoutes.bulk]: 2 });
  });

  it('groups by workflow: executions of three workflows in one request cost one bulk call each', async () => {
    const [a, b, c] = h.simulator.data.workflows;
    h.simulator.resetHits();
    const { body } = await h.post({
      query: `query($a: String!, $b: String!, $c: String!, $ia: [String!]!, $ib: [String!]!, $ic: [String!]!) {
        a: workflowExecutionsByIds(workflowId: $a, executionIds: $ia) { steps { stepId } }
        b: workflowExecutionsByIds(workflowId: $b, executionIds: $ib) { steps { stepId } }
        c: workflowExecutionsByIds(workflowId: $c, executionIds: $ic) { steps { stepId } }
      }`,
      variables: {
        a: a!.id,
        b: b!.id,
        c: c!.id,
        ia: a!.executionIds.slice(0, 4),
        ib: b!.executionIds.slice(0, 4),
        ic: c!.executionIds.slice(0, 4),
      },
    });
    expect(body.errors).toBeUndefined();
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 3 });
  });

  it('dedupes within a request: the same execution asked three ways is fetched once', async () => {
    const workflow = bigWorkflow();
    const id = workflow.executionIds[3]!;
    h.simulator.resetHits();
    const { body } = await h.post({
      query: `query($wf: String!, $id: String!) {
        one: workflowExecution(executionId: $id, workflowId: $wf) { steps { stepId execution { executionId } } }
        two: workflowExecution(executionId: $id, workflowId: $wf) { output }
        many: workflowExecutionsByIds(workflowId: $wf, executionIds: [$id, $id]) { inputs }
      }`,
      variables: { wf: workflow.id, id },
    });
    expect(body.errors).toBeUndefined();
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
  });

  it('never batches across requests', async () => {
    const workflow = bigWorkflow();
    h.simulator.resetHits();
    await Promise.all(
      [0, 1].map((i) =>
        // Different pages: identical in-flight reads would be coalesced (a separate, tested mechanism).
        h.client.request(ExecutionsPageWithSteps, { workflowId: workflow.id, first: 5 - i, after: null }).then(() => i),
      ),
    );
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.list]: 2, [flowsRoutes.bulk]: 2 });
  });
});

describe('maxBatchSize', () => {
  it('splits a page into bulk calls of at most BULK_MAX_BATCH_SIZE ids', async () => {
    const small = await startHarness({ env: { BULK_MAX_BATCH_SIZE: '20' } });
    try {
      const workflow = small.simulator.data.workflows.find((w) => w.id === small.simulator.data.bigWorkflowId)!;
      small.simulator.resetHits();
      const { workflowExecutions } = await small.client.request(ExecutionsPageWithSteps, {
        workflowId: workflow.id,
        first: 50,
      });
      expect(workflowExecutions!.edges).toHaveLength(50);
      expect(small.simulator.hits()).toEqual({ [workflowsRoutes.list]: 1, [flowsRoutes.bulk]: 3 });
      const sizes = small.simulator
        .requests()
        .filter((r) => r.route === flowsRoutes.bulk)
        .map((r) => (r.body as { execution_ids: string[] }).execution_ids.length)
        .sort((x, y) => x - y);
      expect(sizes).toEqual([10, 20, 20]);
    } finally {
      await small.close();
    }
  });
});

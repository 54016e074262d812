/**
 * Happy paths through HTTP: gateway answers compared with what the simulator's upstreams say now.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { BulkWithProgress, ExecutionsByIds, ExecutionsPage, ExecutionWithSteps } from './helpers/documents.ts';
import type { ExecutionsPageQuery } from './gql/graphql.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const workflowOf = (executionId: string) => h.simulator.data.workflows.find((workflow) => workflow.executionIds.includes(executionId))!.id;

/** The upstream detail body's step outputs, keyed by step id. */
function detailSteps(executionId: string): Record<string, Record<string, unknown>> {
  return h.simulator.data.workflowExecution(executionId)!['step_outputs'] as Record<string, Record<string, unknown>>;
}

describe('workflowExecution', () => {
  it('answers an execution with image steps from the bulk endpoint, outputs intact', async () => {
    const executionId = h.simulator.data.picks.completedImageExecution;
    const workflowId = workflowOf(executionId);
    h.simulator.resetHits();
    const { workflowExecution: execution } = await h.client.request(ExecutionWithSteps, { executionId, workflowId });
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });

    const truth = h.simulator.data.workflowExecution(executionId)!;
    expect(execution).toMatchObject({ executionId, workflowId, source: 'WORKFLOW', status: 'COMPLETED', isTerminal: true });
    expect(execution!.upstreamStatus).toBe(truth['status']);
    expect(execution!.output).toEqual(truth['output']);
    expect(Array.isArray(execution!.output)).toBe(true);
    const upstreamSteps = detailSteps(executionId);
    expect(execution!.steps!.map((step) => step.stepId).sort()).toEqual(Object.keys(upstreamSteps).sort());
    for (const step of execution!.steps!) {
      expect(step.output).toEqual(upstreamSteps[step.stepId]!['output']);
      expect(step.primary).toEqual(upstreamSteps[step.stepId]!['primary']);
      expect(step.name).toEqual(expect.any(String));
    }
    expect(execution!.steps!.some((step) => Array.isArray(step.output))).toBe(true);
    expect(execution!.durationMs).toBe(Date.parse(truth['completed_at'] as string) - Date.parse(truth['started_at'] as string));
  });

  it('keeps text, list and object outputs whole (nothing typed away)', async () => {
    const { picks } = h.simulator.data;
    for (const [executionId, type] of [
      [picks.completedTextExecution, 'string'],
      [picks.completedImageExecution, 'array'],
      [picks.completedStructuredExecution, 'object'],
    ] as const) {
      const { workflowExecution } = await h.client.request(ExecutionWithSteps, {
        executionId,
        workflowId: workflowOf(executionId),
      });
      const output = workflowExecution!.output;
      expect(output).toEqual(h.simulator.data.workflowExecution(executionId)!['output']);
      const actual = Array.isArray(output) ? 'array' : typeof output;
      expect(actual).toBe(type);
    }
  });

  it('without a workflow id reads GET /executions/{id}', async () => {
    const executionId = h.simulator.data.picks.completedTextExecution;
    h.simulator.resetHits();
    const { workflowExecution } = await h.client.request(ExecutionWithSteps, { executionId });
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.detail]: 1 });
    expect(workflowExecution!.workflowId).toBe(workflowOf(executionId));
    expect(workflowExecution!.inputs).toEqual(h.simulator.data.workflowExecution(executionId)!['inputs']);
  });

  it('yields identical steps from both upstream shapes (but for the name only the bulk shape has)', async () => {
    const { picks } = h.simulator.data;
    for (const executionId of [
      picks.completedImageExecution,
      picks.completedStructuredExecution,
      picks.failedExecution,
      picks.cancelledExecution,
    ]) {
      const viaBulk = await h.client.request(ExecutionWithSteps, { executionId, workflowId: workflowOf(executionId) });
      const viaDetail = await h.client.request(ExecutionWithSteps, { executionId });
      const withoutName = (steps: readonly { name?: string | null }[] | null | undefined) => steps!.map(({ name: _name, ...rest }) => rest);
      expect(withoutName(viaBulk.workflowExecution!.steps)).toEqual(withoutName(viaDetail.workflowExecution!.steps));
      expect(viaBulk.workflowExecution!.steps!.length).toBeGreaterThan(0);
      expect(viaBulk.workflowExecution!.status).toBe(viaDetail.workflowExecution!.status);
      expect(viaBulk.workflowExecution!.inputs).toEqual(viaDetail.workflowExecution!.inputs);
      expect(viaBulk.workflowExecution!.output).toEqual(viaDetail.workflowExecution!.output);
      expect(viaBulk.workflowExecution!.progressPercent).toBe(viaDetail.workflowExecution!.progressPercent);
    }
  });

  it('gives a failed execution its error and skipped steps as CANCELLED', async () => {
    const executionId = h.simulator.data.picks.failedExecution;
    const { workflowExecution } = await h.client.request(ExecutionWithSteps, {
      executionId,
      workflowId: workflowOf(executionId),
    });
    const truth = h.simulator.data.workflowExecution(executionId)!;
    expect(workflowExecution!.status).toBe('FAILED');
    expect(workflowExecution!.output).toBeNull();
    expect(workflowExecution!.error).toEqual({
      message: truth['error'],
      cause: truth['error_cause'],
      classification: null,
    });
    const statuses = workflowExecution!.steps!.map((step) => step.status);
    expect(statuses).toContain('FAILED');
    expect(statuses).toContain('CANCELLED');
  });

  it('follows a running execution to its end as the clock moves', async () => {
    const executionId = h.simulator.data.picks.runningExecution;
    const variables = { executionId, workflowId: workflowOf(executionId) };
    const before = await h.client.request(ExecutionWithSteps, variables);
    expect(before.workflowExecution!.status).toBe('RUNNING');
    expect(before.workflowExecution!.isTerminal).toBe(false);
    expect(before.workflowExecution!.completedAt).toBeNull();
    h.simulator.advance(10 * 60_000);
    const after = await h.client.request(ExecutionWithSteps, variables);
    expect(after.workflowExecution!.isTerminal).toBe(true);
    expect(after.workflowExecution!.status).toBe('COMPLETED');
    expect(after.workflowExecution!.output).toEqual(h.simulator.data.workflowExecution(executionId)!['output']);
  });

  it('answers NOT_FOUND for an unknown execution, with the rest of the query intact', async () => {
    const executionId = h.simulator.data.picks.completedTextExecution;
    const { body } = await h.post({
      query: `query($id: String!, $wf: String!) {
        missing: workflowExecution(executionId: "00000000-0000-4000-8000-000000000000", workflowId: $wf) { status }
        present: workflowExecution(executionId: $id, workflowId: $wf) { status }
      }`,
      variables: { id: executionId, wf: workflowOf(executionId) },
    });
    expect(body.data).toEqual({ missing: null, present: { status: 'COMPLETED' } });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.path).toEqual(['missing']);
    expect(body.errors![0]!.extensions!['upstream']).toBe('flows');
  });
});

describe('workflowExecutions', () => {
  it('pages forward to the end of a workflow with more than 150 executions', async () => {
    const workflow = h.simulator.data.workflows.find((w) => w.id === h.simulator.data.bigWorkflowId)!;
    expect(workflow.executionIds.length).toBeGreaterThan(150);
    const seen: string[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    for (;;) {
      const answer: ExecutionsPageQuery = await h.client.request(ExecutionsPage, { workflowId: workflow.id, first: 40, after });
      const workflowExecutions = answer.workflowExecutions!;
      pages++;
      expect(workflowExecutions.totalCount).toBe(workflow.executionIds.length);
      expect(workflowExecutions.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...workflowExecutions.edges!.map((edge) => edge!.node!.executionId));
      if (!workflowExecutions.pageInfo.hasNextPage) break;
      after = workflowExecutions.pageInfo.endCursor;
    }
    expect(seen).toEqual(workflow.executionIds);
    expect(pages).toBe(Math.ceil(workflow.executionIds.length / 40));
  });

  it('filters by bulk id', async () => {
    const bulk = h.simulator.data.picks.completedBulk;
    const { workflowExecutions } = await h.client.request(ExecutionsPage, {
      workflowId: bulk.workflowId,
      bulkId: bulk.bulkId,
    });
    expect(workflowExecutions!.edges!.map((edge) => edge!.node!.executionId).sort()).toEqual([...bulk.executionIds].sort());
    expect(workflowExecutions!.totalCount).toBe(bulk.executionIds.length);
  });
});

describe('workflowExecutionsByIds', () => {
  it('keeps the asked order in one bulk call; a missing id is null with NOT_FOUND', async () => {
    const workflow = h.simulator.data.workflows.find((w) => w.id === h.simulator.data.bigWorkflowId)!;
    const ids = [workflow.executionIds[5]!, 'no-such-execution', workflow.executionIds[1]!, workflow.executionIds[9]!];
    h.simulator.resetHits();
    const { body } = await h.post({
      query: `query($wf: String!, $ids: [String!]!) { workflowExecutionsByIds(workflowId: $wf, executionIds: $ids) { executionId } }`,
      variables: { wf: workflow.id, ids },
    });
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
    const list = (body.data!['workflowExecutionsByIds'] as ({ executionId: string } | null)[]).map((e) => e?.executionId ?? null);
    expect(list).toEqual([ids[0], null, ids[2], ids[3]]);
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.path).toEqual(['workflowExecutionsByIds', 1]);
  });

  it('is typed end to end', async () => {
    const workflow = h.simulator.data.workflows[0]!;
    const { workflowExecutionsByIds } = await h.client.request(ExecutionsByIds, {
      workflowId: workflow.id,
      executionIds: workflow.executionIds.slice(0, 3),
    });
    expect(workflowExecutionsByIds.map((e) => e?.executionId)).toEqual(workflow.executionIds.slice(0, 3));
  });
});

describe('bulk', () => {
  it("reports a bulk's progress from one list call", async () => {
    const bulk = h.simulator.data.picks.runningBulk;
    h.simulator.resetHits();
    const { bulk: answer } = await h.client.request(BulkWithProgress, bulk);
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.list]: 1 });
    const statuses = bulk.executionIds.map((id) => h.simulator.data.workflowExecutionSummary(id)!['status']);
    const count = (status: string) => statuses.filter((s) => s === status).length;
    expect(answer!.progress).toMatchObject({
      total: bulk.executionIds.length,
      completed: count('completed'),
      failed: count('failed'),
      cancelled: count('cancelled'),
      running: count('running'),
    });
    expect(answer!.progress!.isComplete).toBe(count('running') === 0);
    expect(answer!.executions!.edges!.map((edge) => edge!.node!.bulkId)).toEqual(bulk.executionIds.map(() => bulk.bulkId));
  });

  it('reaches completion once its executions finish', async () => {
    const bulk = h.simulator.data.picks.runningBulk;
    h.simulator.advance(15 * 60_000);
    const { bulk: answer } = await h.client.request(BulkWithProgress, bulk);
    expect(answer!.progress).toMatchObject({ isComplete: true, percentComplete: 100, running: 0, pending: 0 });
  });

  it('answers NOT_FOUND for a bulk with no executions', async () => {
    const { body } = await h.post({
      query: `{ bulk(workflowId: "${h.simulator.data.workflows[0]!.id}", bulkId: "6ba7b810-9dad-41d1-80b4-00c04fd430c8") { bulkId } }`,
    });
    expect(body.data).toEqual({ bulk: null });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
  });
});

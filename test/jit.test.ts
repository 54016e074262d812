/**
 * GRAPHQL_JIT=true (graphql-jit for public queries) must answer as graphql-js does: the same
 * data, the same errors with the same codes at the same paths, over one simulator, for documents
 * that cover interfaces, connections, JSON scalars, partial failures and per-item errors. The one
 * known difference, and a reason it is off by default: its errors carry no `locations`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let js: Harness;
let jit: Harness;
beforeAll(async () => {
  js = await startHarness();
  jit = await startHarness({ sharedSimulator: js.simulator, env: { GRAPHQL_JIT: 'true' } });
});
afterAll(async () => {
  await jit?.close();
  await js?.close();
});

function documents(h: Harness): { name: string; query: string; variables?: Record<string, unknown> }[] {
  const data = h.simulator.data;
  const execution = data.picks.completedImageExecution;
  const workflowId = data.workflows.find((w) => w.executionIds.includes(execution))!.id;
  const missing = encodeGlobalId({ typename: 'WorkflowExecution', workflowId, executionId: '00000000-0000-4000-8000-000000000000' });
  return [
    {
      name: 'a page with steps and outputs',
      query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 50) { totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id executionId status upstreamStatus isTerminal durationMs output steps { stepId status output primary params } } } } }`,
      variables: { wf: data.bigWorkflowId },
    },
    {
      name: 'models to workflow executions, with fragments on the interface',
      query: `{ modelExecutions(first: 20) { edges { node { ...on Execution { id source status error { message classification } }
        model cost workflowExecution { workflowName steps { stepId model } bulk { progress { total percentComplete } } } } } } }`,
    },
    {
      name: 'nodes with a missing id (null item and its error)',
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ...on Execution { status } ...on TaskExecution { parent { executionId } } } }`,
      variables: {
        ids: [
          encodeGlobalId({ typename: 'WorkflowExecution', workflowId, executionId: execution }),
          missing,
          encodeGlobalId({ typename: 'TaskExecution', executionId: data.taskExecutionIds[0]! }),
        ],
      },
    },
    {
      name: 'a task chain',
      query: `query($t: String!) { taskExecution(executionId: $t) { executionId retryCount parent { parent { executionId } } root { executionId } } }`,
      variables: { t: data.picks.deepTaskChainLeaf },
    },
  ];
}

type Answer = Awaited<ReturnType<Harness['post']>>;

/** The answer with `locations` taken out of every error (graphql-jit gives none). */
function withoutLocations(answer: Answer): Answer {
  const errors = answer.body.errors?.map(({ locations: _dropped, ...rest }: { locations?: unknown } & Record<string, unknown>) => rest);
  return { ...answer, body: { ...answer.body, ...(errors ? { errors: errors as NonNullable<Answer['body']['errors']> } : {}) } };
}

describe('GRAPHQL_JIT=true answers as graphql-js does', () => {
  it.each([0, 1, 2, 3])('document %i', async (index) => {
    const document = documents(js)[index]!;
    const body = { query: document.query, variables: document.variables };
    const [expected, actual] = [await js.post(body), await jit.post(body)];
    expect(expected.status).toBe(200);
    expect(actual).toEqual(withoutLocations(expected));
    if (document.name.startsWith('nodes')) expect(expected.body.errors?.map((e) => e.path)).toEqual([['nodes', 1]]);
  });

  it('answers an upstream failure with the same partial data and error', async () => {
    const body = {
      query: `{ models: modelExecutions(first: 2) { totalCount } workflows: workflowExecutions(workflowId: ${JSON.stringify(js.simulator.data.bigWorkflowId)}, first: 1) { totalCount } }`,
    };
    js.simulator.setFault('models', { fault: { kind: 'status', status: 404 }, times: 2 });
    const expected = await js.post(body);
    const actual = await jit.post(body);
    js.simulator.clearFaults();
    expect(expected.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    expect(expected.body.errors?.[0]).toHaveProperty('locations');
    expect(actual.body.errors?.[0]).not.toHaveProperty('locations');
    expect(actual).toEqual(withoutLocations(expected));
  });
});

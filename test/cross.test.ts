/**
 * Models and tasks in the same graph: filters as the upstream documents them, cross-links
 * through the loaders, global ids that round-trip, and partial answers when a host is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { flowsRoutes, modelsRoutes, tasksRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { ModelExecutionsPage, ModelToWorkflow, Nodes, TaskChain } from './helpers/documents.ts';
import type { ModelExecutionsPageQuery } from './gql/graphql.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const lastQuery = () =>
  h.simulator
    .requests()
    .filter((r) => r.route === modelsRoutes.list)
    .at(-1)!.query;

describe('modelExecutions', () => {
  it('sends every filter as the documented query parameter', async () => {
    const after = '2026-01-02T03:04:05.000Z';
    const before = '2026-12-31T00:00:00.000Z';
    await h.client.request(ModelExecutionsPage, {
      first: 7,
      filter: {
        model: 'flux-1-1-pro',
        status: ['COMPLETED', 'FAILED'],
        workflowId: 'wf-1',
        workflowExecutionId: 'wfe-1',
        errorClassification: ['CONTENT_MODERATION', 'PROVIDER_RATE_LIMIT'],
        createdAfter: after,
        createdBefore: before,
      },
    });
    expect(lastQuery()).toEqual({
      limit: '7',
      offset: '0',
      model: 'flux-1-1-pro',
      status: 'completed,success,succeeded,failed,error',
      workflow_id: 'wf-1',
      workflow_execution_id: 'wfe-1',
      error_classification: 'content_moderation,provider_rate_limit',
      from: after,
      to: before,
    });
  });

  it('narrows like the upstream: by model, with totalCount and paging to the end', async () => {
    const counts = new Map<string, number>();
    for (const item of h.simulator.data.modelExecutionList()) {
      counts.set(item['model'] as string, (counts.get(item['model'] as string) ?? 0) + 1);
    }
    const model = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const expected = h.simulator.data.modelExecutionList().filter((item) => item['model'] === model);
    expect(expected.length).toBeGreaterThan(20);
    const seen: string[] = [];
    let after: string | null | undefined = null;
    for (let page = 0; page < 20; page++) {
      const answer: ModelExecutionsPageQuery = await h.client.request(ModelExecutionsPage, { filter: { model }, first: 20, after });
      const { modelExecutions } = answer;
      expect(modelExecutions!.totalCount).toBe(expected.length);
      for (const edge of modelExecutions!.edges!) {
        expect(edge!.node!.model).toBe(model);
        seen.push(edge!.node!.executionId);
      }
      if (!modelExecutions!.pageInfo.hasNextPage) break;
      after = modelExecutions!.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected.map((item) => item['id']));
  });

  it('maps statuses both ways and keeps the verbatim one', async () => {
    const { modelExecutions } = await h.client.request(ModelExecutionsPage, { filter: { status: ['PENDING'] }, first: 100 });
    expect(lastQuery()['status']).toBe('pending,queued,claimed,created,starting');
    const nodes = modelExecutions!.edges!.map((edge) => edge!.node!);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.status).toBe('PENDING');
      expect(node.upstreamStatus).toBe('starting');
    }
  });

  it('gives failed executions their classification and message, and decodes list outputs', async () => {
    const { modelExecutions } = await h.client.request(ModelExecutionsPage, {
      filter: { errorClassification: ['CONTENT_MODERATION'] },
      first: 50,
    });
    const nodes = modelExecutions!.edges!.map((edge) => edge!.node!);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.errorClassification).toBe('CONTENT_MODERATION');
      expect(node.error).toMatchObject({ classification: 'CONTENT_MODERATION', message: expect.any(String) });
    }
    const linked = h.simulator.data.modelExecution(h.simulator.data.picks.modelExecutionLinked)!;
    const { modelExecutions: one } = await h.client.request(ModelExecutionsPage, {
      filter: { workflowExecutionId: linked['workflow_execution_id'] as string },
    });
    const node = one!.edges!.map((edge) => edge!.node!).find((n) => n.executionId === linked['id'])!;
    expect(node.cost).toBe(linked['execution_cost']);
    expect(node.runTimeSeconds).toBe(linked['run_time']);
    const raw = linked['output'] as string;
    expect(node.output).toEqual(raw.startsWith('[') || raw.startsWith('{') ? JSON.parse(raw) : raw);
  });

  it('walks model execution → workflow execution → steps → bulk progress, batched', async () => {
    const linked = h.simulator.data.modelExecution(h.simulator.data.picks.modelExecutionLinked)!;
    h.simulator.resetHits();
    const { modelExecutions } = await h.client.request(ModelToWorkflow, {
      filter: { workflowId: linked['workflow_id'] as string },
    });
    const nodes = modelExecutions!.edges!.map((edge) => edge!.node!);
    expect(nodes.length).toBeGreaterThan(1);
    for (const node of nodes) {
      const workflowExecution = node.workflowExecution!;
      expect(workflowExecution.steps!.length).toBeGreaterThan(0);
      const own = workflowExecution.modelExecutions!.edges!.map((edge) => edge!.node!.executionId);
      expect(own).toContain(node.executionId);
      const costs = workflowExecution.modelExecutions!.edges!.map((edge) => edge!.node!.cost ?? 0);
      expect(workflowExecution.cost).toBeCloseTo(
        costs.reduce((a, b) => a + b, 0),
        6,
      );
    }
    const distinctWorkflowExecutions = new Set(nodes.map((n) => n.workflowExecution!.executionId)).size;
    const hits = h.simulator.hits();
    // One list call for the page, one bulk call for every workflow execution, one models
    // call per distinct workflow execution (shared by cost and modelExecutions).
    expect(hits[flowsRoutes.bulk]).toBe(1);
    expect(hits[modelsRoutes.list]).toBe(1 + distinctWorkflowExecutions);
    expect(hits[workflowsRoutes.detail]).toBeUndefined();
  });
});

describe('taskExecution', () => {
  it('walks a chain of depth ≥ 5 to its root, each task fetched once', async () => {
    const leaf = h.simulator.data.picks.deepTaskChainLeaf;
    const root = h.simulator.data.picks.deepTaskChainRoot;
    h.simulator.resetHits();
    const { taskExecution: task } = await h.client.request(TaskChain, { executionId: leaf });
    const truth = h.simulator.data.taskExecution(leaf)!;
    expect(task).toMatchObject({
      executionId: leaf,
      source: 'TASK',
      upstreamStatus: truth['status'],
      retryCount: truth['retry_count'],
      queueName: truth['queue_name'],
      payload: truth['payload'],
    });
    const chain = [task!.parent!, task!.parent!.parent!, task!.parent!.parent!.parent!];
    expect(chain.every((t) => t.executionId)).toBe(true);
    expect(task!.root!.executionId).toBe(root);
    expect(task!.parent!.root!.executionId).toBe(root);
    expect(task!.root!.root!.executionId).toBe(root);
    expect(task!.root!.parent).toBeNull();
    // Distinct ids in the answer = upstream calls: the loader dedupes within the request.
    const ids = new Set<string>();
    const walk = (value: unknown) => {
      if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'executionId') ids.add(child as string);
          else walk(child);
        }
      }
    };
    walk(task);
    expect(ids.size).toBeGreaterThanOrEqual(5);
    expect(h.simulator.hits()).toEqual({ [tasksRoutes.execution]: ids.size });
  });

  it("sends the caller's Bearer and X-Project-ID to the task host only", async () => {
    const { tasksToken, tasksProjectId, apiKey } = h.simulator.credentials;
    h.simulator.resetHits();
    const { body } = await h.post(
      {
        query: `query($t: String!, $wf: String!) { taskExecution(executionId: $t) { status } workflowExecutions(workflowId: $wf, first: 1) { totalCount } }`,
        variables: { t: h.simulator.data.picks.completedTask, wf: h.simulator.data.bigWorkflowId },
      },
      { authorization: `Bearer ${tasksToken}`, 'x-project-id': tasksProjectId, 'x-api-key': apiKey },
    );
    expect(body.errors).toBeUndefined();
    const requests = h.simulator.requests();
    const task = requests.find((r) => r.host === 'tasks')!;
    const workflows = requests.find((r) => r.host === 'workflows')!;
    expect(task.headers['authorization']).toBe(`Bearer ${tasksToken}`);
    expect(task.headers['x-project-id']).toBe(tasksProjectId);
    expect(task.headers['x-api-key']).toBeUndefined();
    expect(workflows.headers['authorization']).toBeUndefined();
    expect(workflows.headers['x-project-id']).toBeUndefined();
  });

  it('gives an unlisted upstream status as UNKNOWN with the verbatim value', async () => {
    const id = h.simulator.data.picks.completedTask;
    const body = JSON.stringify({ ...h.simulator.data.taskExecution(id)!, status: 'Hibernating' });
    h.simulator.setFault('tasks', { fault: { kind: 'status', status: 200, body, contentType: 'application/json' }, times: 1 });
    const { taskExecution } = await h.client.request(TaskChain, { executionId: id });
    expect(taskExecution).toMatchObject({ status: 'UNKNOWN', upstreamStatus: 'Hibernating' });
  });

  it('answers NOT_FOUND for an unknown task', async () => {
    const { body } = await h.post({ query: `{ taskExecution(executionId: "7d9f3a2e-0000-4000-8000-000000000000") { status } }` });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.extensions!['upstream']).toBe('tasks');
  });
});

describe('node and nodes', () => {
  it('round-trips every node type', async () => {
    const { data } = h.simulator;
    const [modelPage, task, wf, bulk] = await Promise.all([
      h.client.request(ModelExecutionsPage, { first: 1, filter: { status: ['COMPLETED'] } }),
      h.client.request(TaskChain, { executionId: data.picks.completedTask }),
      h.post({
        query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 2) { edges { node { id executionId } } } }`,
        variables: { wf: data.bigWorkflowId },
      }),
      h.post({
        query: `query($wf: String!, $b: UUID!) { bulk(workflowId: $wf, bulkId: $b) { id } }`,
        variables: { wf: data.picks.completedBulk.workflowId, b: data.picks.completedBulk.bulkId },
      }),
    ]);
    const workflowNodes = (wf.body.data!['workflowExecutions'] as { edges: { node: { id: string; executionId: string } }[] }).edges;
    const ids = [
      modelPage.modelExecutions!.edges![0]!.node!.id,
      task.taskExecution!.id,
      workflowNodes[0]!.node.id,
      (bulk.body.data!['bulk'] as { id: string }).id,
      workflowNodes[1]!.node.id,
    ];
    const { nodes } = await h.client.request(Nodes, { ids });
    expect(nodes.map((node) => node?.id)).toEqual(ids);
    expect(nodes.map((node) => node?.__typename)).toEqual([
      'ModelExecution',
      'TaskExecution',
      'WorkflowExecution',
      'Bulk',
      'WorkflowExecution',
    ]);
    const { body } = await h.post({
      query: `query($id: ID!) { node(id: $id) { id ... on Execution { executionId } } }`,
      variables: { id: ids[2] },
    });
    expect(body.data).toEqual({ node: { id: ids[2], executionId: workflowNodes[0]!.node.executionId } });
  });

  it('loads many executions of one workflow in one bulk call, order kept, null + error per missing id', async () => {
    const workflow = h.simulator.data.workflows.find((w) => w.id === h.simulator.data.bigWorkflowId)!;
    const { body: listed } = await h.post({
      query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 30) { edges { node { id } } } }`,
      variables: { wf: workflow.id },
    });
    const ids = (listed.data!['workflowExecutions'] as { edges: { node: { id: string } }[] }).edges.map((e) => e.node.id);
    const missing = encodeGlobalId({ typename: 'WorkflowExecution', workflowId: workflow.id, executionId: 'no-such-execution' });
    const asked = [...ids.slice(0, 10), missing, ...ids.slice(10).reverse()];
    h.simulator.resetHits();
    const { body } = await h.post({ query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, variables: { ids: asked } });
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
    expect((body.data!['nodes'] as ({ id: string } | null)[]).map((n) => n?.id ?? null)).toEqual(
      asked.map((id) => (id === missing ? null : id)),
    );
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
    expect(body.errors![0]!.path).toEqual(['nodes', 10]);
  });
});

describe('without TASKS_API_URL', () => {
  it('answers NOT_CONFIGURED for task fields and everything else as usual', async () => {
    const bare = await startHarness({ withoutTasks: true });
    try {
      const { body } = await bare.post({
        query: `query($t: String!, $wf: String!) { taskExecution(executionId: $t) { status } workflowExecutions(workflowId: $wf, first: 2) { totalCount } }`,
        variables: { t: bare.simulator.data.picks.completedTask, wf: bare.simulator.data.bigWorkflowId },
      });
      expect(body.data!['taskExecution']).toBeNull();
      expect(body.data!['workflowExecutions']).toEqual({ totalCount: expect.any(Number) });
      expect(codesOf(body)).toEqual(['NOT_CONFIGURED']);
      expect(body.errors![0]!.extensions!['upstream']).toBe('tasks');
      expect(bare.simulator.totalHits('tasks')).toBe(0);
    } finally {
      await bare.close();
    }
  });
});

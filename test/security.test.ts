/**
 * Hostile documents, ids and credentials: refused before any upstream call, kept to their own
 * path segment and host, and no secret the legacy bulk endpoint leaks ever reaches a client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import type { HostName } from '../src/simulator/index.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

function workflowOf(executionId: string): string {
  return h.simulator.data.workflows.find((workflow) => workflow.executionIds.includes(executionId))!.id;
}

describe('document limits (graphql-armor), before any upstream call', () => {
  const refused = async (query: string, limit?: string) => {
    h.simulator.resetHits();
    const { body } = await h.post({ query });
    expect(body.data ?? null).toBeNull();
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    if (limit) expect(body.errors![0]!.extensions!['limit']).toBe(limit);
    expect(h.simulator.totalHits()).toBe(0);
    return body;
  };

  it('refuses a 30-deep step → execution → steps cycle', async () => {
    let inner = 'stepId';
    for (let level = 0; level < 15; level++) inner = `execution { steps { ${inner} } }`;
    const ex = h.simulator.data.picks.completedImageExecution;
    await refused(`{ workflowExecution(executionId: "${ex}", workflowId: "${workflowOf(ex)}") { step(stepId: "step1") { ${inner} } } }`);
  });

  it('refuses a 2,000-alias query', async () => {
    const ex = h.simulator.data.picks.completedImageExecution;
    await refused(`{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: workflowExecution(executionId: "${ex}") { status }`).join(' ')} }`);
  });

  it('refuses 31 aliases by the alias limit itself', async () => {
    await refused(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: modelExecutions(first: 1) { totalCount }`).join(' ')} }`, 'maxAliases');
  });

  it('refuses 13 levels by the depth limit itself', async () => {
    let inner = 'stepId';
    for (let level = 0; level < 5; level++) inner = `execution { steps { ${inner} } }`;
    await refused(`{ workflowExecution(executionId: "x") { steps { ${inner} } } }`, 'maxDepth');
  });

  it('refuses 21 directives', async () => {
    await refused(`{ __typename ${'@skip(if: false) '.repeat(21)}}`, 'maxDirectives');
  });

  it('answers a 100-id nodes query within the limits', async () => {
    const workflow = h.simulator.data.bigWorkflowId;
    const page = await h.post({
      query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 100) { edges { node { id } } } }`,
      variables: { wf: workflow },
    });
    const edges = (page.body.data!['workflowExecutions'] as { edges: { node: { id: string } }[] }).edges;
    expect(edges).toHaveLength(100);
    const { body } = await h.post({
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on WorkflowExecution { executionId status output steps { stepId status output } } } }`,
      variables: { ids: edges.map((edge) => edge.node.id) },
    });
    expect(body.errors).toBeUndefined();
    expect(body.data!['nodes']).toHaveLength(100);
  });

  it('does not suggest field names when suggestions are blocked', async () => {
    const strict = await startHarness({ env: { GRAPHQL_BLOCK_FIELD_SUGGESTIONS: 'true' } });
    try {
      const { body } = await strict.post({ query: '{ workflowExecutio(executionId: "x") { status } }' });
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.message).not.toMatch(/Did you mean/);
    } finally {
      await strict.close();
    }
  });
});

describe('ids never reach another upstream path', () => {
  const hostile = ['a/b', '../../workflows', 'a?limit=1000', 'a#frag', '..', '.', '%2F..%2Fadmin', 'a%2Fb', '..%2F..', '%2e%2e', 'a\\b'];
  const expectedPaths = (id: string): Record<HostName, string[]> => {
    const encoded = encodeURIComponent(id);
    return {
      workflows: [`/api/v1/executions/${encoded}`, `/api/v1/workflows/${encoded}/executions`],
      flows: [`/api/v1/${encoded}/executions/bulk`],
      models: [`/v1/prediction/${encoded}`],
      tasks: [`/api/v1/executions/${encoded}`],
    };
  };

  for (const id of hostile) {
    it(`keeps ${JSON.stringify(id)} to one path segment, or refuses it`, async () => {
      h.simulator.resetHits();
      const { body } = await h.post({
        query: `query($id: String!, $model: ID!) {
          detail: workflowExecution(executionId: $id) { status }
          bulk: workflowExecution(executionId: "x", workflowId: $id) { status }
          list: workflowExecutions(workflowId: $id, first: 1) { totalCount }
          task: taskExecution(executionId: $id) { status }
          model: node(id: $model) { id }
        }`,
        variables: { id, model: encodeGlobalId({ typename: 'ModelExecution', executionId: id }) },
      });
      const expected = expectedPaths(id);
      for (const request of h.simulator.requests()) {
        expect(expected[request.host], `${request.host} ${request.path}`).toContain(request.path);
        expect(request.query).not.toHaveProperty('limit', '1000');
      }
      // Each field is answered by its own upstream's NOT_FOUND, or refused before any call.
      for (const code of codesOf(body)) expect(['NOT_FOUND', 'BAD_USER_INPUT']).toContain(code);
      if (id === '..' || id === '.') expect(h.simulator.totalHits()).toBe(0);
      else
        expect(new Set(h.simulator.requests().map((request) => request.host))).toEqual(new Set(['workflows', 'flows', 'models', 'tasks']));
    });
  }
});

describe('credentials go only to the hosts they are meant for', () => {
  it("a caller's X-API-Key never reaches the task host, its Bearer and project never the eachlabs hosts", async () => {
    const ex = h.simulator.data.picks.completedImageExecution;
    h.simulator.resetHits();
    await h.post(
      {
        query: `query($ex: String!, $other: String!, $wf: String!, $task: String!) {
          workflowExecution(executionId: $ex) { status }
          bulk: workflowExecution(executionId: $other, workflowId: $wf) { status }
          modelExecutions(first: 1) { totalCount }
          taskExecution(executionId: $task) { status }
        }`,
        variables: {
          ex,
          other: h.simulator.data.picks.completedTextExecution,
          wf: workflowOf(h.simulator.data.picks.completedTextExecution),
          task: h.simulator.data.taskExecutionIds[0],
        },
      },
      { 'x-api-key': 'caller-key-0001', authorization: 'Bearer caller-token-0002', 'x-project-id': 'caller-project-0003' },
    );
    const requests = h.simulator.requests();
    expect(new Set(requests.map((request) => request.host))).toEqual(new Set(['workflows', 'flows', 'models', 'tasks']));
    for (const request of requests) {
      const headers = JSON.stringify(request.headers);
      if (request.host === 'tasks') {
        expect(request.headers).not.toHaveProperty('x-api-key');
        expect(headers).not.toContain('caller-key-0001');
        expect(headers).not.toContain(h.simulator.credentials.apiKey);
        expect(request.headers['authorization']).toBe('Bearer caller-token-0002');
      } else {
        expect(request.headers).not.toHaveProperty('authorization');
        expect(request.headers).not.toHaveProperty('x-project-id');
        expect(headers).not.toContain('caller-token-0002');
        expect(headers).not.toContain('caller-project-0003');
        expect(headers).not.toContain(h.simulator.credentials.tasksToken);
      }
    }
  });
});

describe('secrets of the bulk endpoint never reach a client', () => {
  it('a broad query over bulk-loaded executions holds no api_key, organization_id or source_ip_address', async () => {
    const data = h.simulator.data;
    const execution = `executionId workflowId workflowName status upstreamStatus inputs output progressPercent
      createdAt startedAt completedAt durationMs error { message cause }
      steps { stepId name status upstreamStatus model modelVersion input output params primary }`;
    const bulk = data.picks.completedBulk;
    const ex = data.picks.completedImageExecution;
    const q = JSON.stringify;
    // One root field per request: each stays under the cost limit.
    const roots = [
      `page: workflowExecutions(workflowId: ${q(data.bigWorkflowId)}, first: 100) { edges { node { ${execution} } } }`,
      `one: workflowExecution(executionId: ${q(ex)}, workflowId: ${q(workflowOf(ex))}) { ${execution} }`,
      `byIds: workflowExecutionsByIds(workflowId: ${q(bulk.workflowId)}, executionIds: ${q(bulk.executionIds.slice(0, 100))}) { ${execution} }`,
      `bulk(workflowId: ${q(bulk.workflowId)}, bulkId: ${q(bulk.bulkId)}) { executions(first: 100) { edges { node { ${execution} } } } }`,
      `modelExecutions(first: 50) { edges { node { output workflowExecution { ${execution} } } } }`,
    ];
    h.simulator.resetHits();
    let text = '';
    for (const root of roots) {
      const { body } = await h.post({ query: `{ ${root} }` });
      expect(body.errors, root).toBeUndefined();
      text += JSON.stringify(body);
    }
    expect(h.simulator.totalHits('flows')).toBeGreaterThanOrEqual(roots.length);
    expect(text.length).toBeGreaterThan(10_000);
    const secrets = [data.secrets.bulkApiKey, data.secrets.organizationId, ...data.secrets.sourceIpAddresses];
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/api_key|organization_id|source_ip_address/);
  });
});

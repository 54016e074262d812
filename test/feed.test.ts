/**
 * `executions`, the merged feed, through the real gateway and simulator: newest first across the
 * models host and the task runs lists (and a workflow's list), one call per list for a page,
 * filters sent upstream where the upstream takes them, paging to the end while the lists grow at
 * their head, a failing source answering its own error beside a full page, and cursors checked
 * before any upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsRoutes, tasksRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const feed = /* GraphQL */ `
  query Feed($filter: ExecutionFilter, $first: Int, $after: String) {
    executions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { __typename executionId source status createdAt } }
    }
  }
`;

interface Node {
  __typename: string;
  executionId: string;
  source: string;
  status: string;
  createdAt: string | null;
}
interface Page {
  totalCount: number | null;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: ({ cursor: string; node: Node } | null)[];
}

async function page(variables: Record<string, unknown>): Promise<{ body: GraphQLBody; page: Page }> {
  const { body } = await h.post({ query: feed, variables });
  return { body, page: body.data?.['executions'] as Page };
}

const nodesOf = (p: Page) => p.edges.flatMap((edge) => (edge ? [edge.node] : []));

interface Known {
  readonly id: string;
  readonly at: number;
  readonly status: string;
  readonly workflowId: string | null;
}

/** Every model execution and task run the simulator has now, as the upstreams would list them. */
function known(): Known[] {
  const { data } = h.simulator;
  const models = data.modelExecutionList().map((item) => ({
    id: String(item['id']),
    at: Date.parse(String(item['created_at'])),
    status: String(item['status']),
    workflowId: (item['workflow_id'] as string | null) ?? null,
  }));
  const tasks = data.taskExecutionIds.flatMap((id) => {
    const task = data.taskExecution(id);
    return task
      ? [{ id, at: Date.parse(String(task['created_at'])), status: String(task['status']), workflowId: String(task['workflow_id']) }]
      : [];
  });
  return [...models, ...tasks].sort((a, b) => b.at - a.at);
}

function expectNewestFirst(nodes: readonly Node[]): void {
  const times = nodes.map((node) => Date.parse(node.createdAt!));
  expect(times).toEqual([...times].sort((a, b) => b - a));
}

/** The page holds the `count` newest of `all` (any of those tied with the last one). */
function expectNewest(nodes: readonly Node[], all: readonly Known[], count: number): void {
  const last = all[count - 1]!.at;
  const ids = new Set(nodes.map((node) => node.executionId));
  for (const item of all.filter((candidate) => candidate.at > last)) expect(ids.has(item.id), item.id).toBe(true);
  for (const node of nodes) expect(all.find((item) => item.id === node.executionId)!.at).toBeGreaterThanOrEqual(last);
}

describe('one page, newest first, whatever ran it', () => {
  it('merges model executions and task runs: 20 items, 1 models call and 1 runs call per task workflow type', async () => {
    h.simulator.resetHits();
    const { body, page: p } = await page({ first: 20 });
    expect(body.errors).toBeUndefined();
    const nodes = nodesOf(p);
    expect(nodes).toHaveLength(20);
    expectNewestFirst(nodes);
    expectNewest(nodes, known(), 20);
    expect(new Set(nodes.map((node) => node.source))).toEqual(new Set(['MODEL', 'TASK']));
    expect(h.simulator.hits()).toEqual({ [modelsRoutes.list]: 1, [tasksRoutes.runs]: 3 });
    const asked = h.simulator.requests().map((request) => request.query);
    expect(asked.map((query) => query['limit'])).toEqual(['21', '21', '21', '21']);
    expect(
      asked
        .filter((query) => 'workflow_type' in query)
        .map((query) => query['workflow_type'])
        .sort(),
    ).toEqual(['agent', 'tool', 'workflow']);
    expect(p.pageInfo.hasNextPage).toBe(true);
    expect(p.totalCount).toBeNull(); // the task runs lists give no total
  });

  it('counts the total when every source gives one', async () => {
    const { page: p } = await page({ first: 5, filter: { sources: ['MODEL'] } });
    expect(p.totalCount).toBe(h.simulator.data.modelExecutionList().length);
    const { page: tasks } = await page({ first: 100, filter: { sources: ['TASK'] } });
    const runs = known().filter((item) => h.simulator.data.taskExecutionIds.includes(item.id));
    expect(tasks).toMatchObject({ totalCount: runs.length, pageInfo: { hasNextPage: false } });
    expect(new Set(nodesOf(tasks).map((node) => node.executionId))).toEqual(new Set(runs.map((item) => item.id)));
  });
});

describe('filters go to each source as far as it takes them', () => {
  it('status: the models host filters, the task lists are filtered here', async () => {
    h.simulator.resetHits();
    const { body, page: p } = await page({ first: 100, filter: { status: ['FAILED'] } });
    expect(body.errors).toBeUndefined();
    const failed = known().filter((item) => item.status === 'failed' || item.status === 'error');
    expect(failed.length).toBeLessThan(100);
    expect(
      nodesOf(p)
        .map((node) => node.executionId)
        .sort(),
    ).toEqual(failed.map((item) => item.id).sort());
    expect(new Set(nodesOf(p).map((node) => node.source))).toEqual(new Set(['MODEL', 'TASK']));
    expectNewestFirst(nodesOf(p));
    const queries = h.simulator.requests().map((request) => [request.route, request.query] as const);
    expect(queries.find(([route]) => route === modelsRoutes.list)![1]['status']).toBe('failed,error');
    expect(queries.filter(([route]) => route === tasksRoutes.runs).every(([, query]) => !('status' in query))).toBe(true);
    expect(p.pageInfo.hasNextPage).toBe(false);
  });

  it('creation window: `from`/`to` for models, `start_time`/`end_time` for task runs, inclusive', async () => {
    const all = known();
    const after = new Date(all[60]!.at).toISOString();
    const before = new Date(all[10]!.at).toISOString();
    h.simulator.resetHits();
    const { body, page: p } = await page({ first: 100, filter: { createdAfter: after, createdBefore: before } });
    expect(body.errors).toBeUndefined();
    const inside = all.filter((item) => item.at >= Date.parse(after) && item.at <= Date.parse(before));
    expect(
      nodesOf(p)
        .map((node) => node.executionId)
        .sort(),
    ).toEqual(inside.map((item) => item.id).sort());
    for (const { route, query } of h.simulator.requests()) {
      if (route === modelsRoutes.list) expect([query['from'], query['to']]).toEqual([after, before]);
      else expect([query['start_time'], query['end_time']]).toEqual([after, before]);
    }
  });

  it('workflowId (a slug): that workflow’s executions, its model executions and runs of that id, merged', async () => {
    const workflow = h.simulator.data.workflows.find((candidate) => candidate.slug === 'story-illustrator')!;
    h.simulator.resetHits();
    const { body, page: p } = await page({ first: 30, filter: { workflowId: workflow.slug } });
    expect(body.errors).toBeUndefined();
    const nodes = nodesOf(p);
    expect(nodes).toHaveLength(30);
    expect(new Set(nodes.map((node) => node.source))).toEqual(new Set(['WORKFLOW', 'MODEL']));
    const executions = workflow.executionIds.flatMap((id) => {
      const summary = h.simulator.data.workflowExecutionSummary(id)!;
      return [{ id, at: Date.parse(String(summary['created_at'])), status: String(summary['status']), workflowId: workflow.id }];
    });
    const models = known().filter((item) => item.workflowId === workflow.id);
    expectNewest(
      nodes,
      [...executions, ...models].sort((a, b) => b.at - a.at),
      30,
    );
    expectNewestFirst(nodes);
    // The models host filters by uuid: the slug is looked up once.
    expect(h.simulator.hits()).toEqual({
      [workflowsRoutes.workflow]: 1,
      [workflowsRoutes.list]: 1,
      [modelsRoutes.list]: 1,
      [tasksRoutes.runs]: 3,
    });
    const models_ = h.simulator.requests().find((request) => request.route === modelsRoutes.list)!;
    expect(models_.query['workflow_id']).toBe(workflow.id);
  });
});

describe('paging to the end', () => {
  it('while every list grows at its head between pages: each item exactly once, none missing, newest first', async () => {
    const before = new Set(known().map((item) => item.id));
    const seen: Node[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body, page: p } = await page({ first: 60, after });
      expect(body.errors).toBeUndefined();
      seen.push(...nodesOf(p));
      pages += 1;
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
      // Inserts at the head: a second later, a new workflow execution (and its first model
      // execution), and whatever the simulated world starts in that second.
      h.simulator.advance(1000);
      const trigger = await h.post({
        query: 'mutation($wf: String!) { triggerWorkflow(workflowId: $wf, inputs: { prompt: "a koi pond" }) { accepted } }',
        variables: { wf: h.simulator.data.workflows[0]!.id },
      });
      expect(trigger.body.errors).toBeUndefined();
    }
    const ids = seen.map((node) => node.executionId);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(before);
    expect(known().length).toBeGreaterThan(before.size); // the lists did grow meanwhile
    expectNewestFirst(seen);
    expect(pages).toBeGreaterThan(5);
  });
});

describe('a source that fails', () => {
  it('answers its own error (extensions.source) as a null edge while the others fill the page, and comes late rather than never', async () => {
    const before = new Set(known().map((item) => item.id));
    h.simulator.setFault('tasks', { fault: { kind: 'status', status: 500 }, route: tasksRoutes.runs });
    const { body, page: p } = await page({ first: 20 });
    h.simulator.clearFaults();
    expect(p.edges).toHaveLength(21);
    expect(p.edges[20]).toBeNull();
    expect(nodesOf(p).every((node) => node.source === 'MODEL')).toBe(true);
    expect(body.errors).toHaveLength(1); // three lists failed, one error for their source
    expect(body.errors![0]).toMatchObject({
      path: ['executions', 'edges', 20],
      extensions: { code: 'UPSTREAM_ERROR', upstream: 'tasks', source: 'TASK' },
    });
    expect(p.pageInfo.hasNextPage).toBe(true);
    const seen = nodesOf(p);
    for (let after = p.pageInfo.endCursor; after;) {
      const next = await page({ first: 100, after });
      expect(next.body.errors).toBeUndefined();
      seen.push(...nodesOf(next.page));
      after = next.page.pageInfo.hasNextPage ? next.page.pageInfo.endCursor : null;
    }
    const ids = seen.map((node) => node.executionId);
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(before);
  });
});

describe('refused before any upstream call', () => {
  it('a malformed cursor, another filter’s cursor, `first` over 100, WORKFLOW without workflowId', async () => {
    const { page: failed } = await page({ first: 2, filter: { status: ['FAILED'] } });
    h.simulator.resetHits();
    for (const variables of [
      { after: 'not-a-cursor' },
      { after: 'b2Zmc2V0OjQ' },
      { after: failed.pageInfo.endCursor },
      { first: 101 },
      { filter: { sources: ['WORKFLOW'] } },
    ]) {
      const { body } = await page(variables);
      expect(codesOf(body), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
      expect(body.data).toEqual({ executions: null });
    }
    expect(h.simulator.totalHits()).toBe(0);
  });
});

describe('without a task host', () => {
  it('reads no task list by default, and answers NOT_CONFIGURED for an explicit TASK source, without a call', async () => {
    const own = await startHarness({ sharedSimulator: h.simulator, withoutTasks: true });
    try {
      h.simulator.resetHits();
      const plain = await own.post({ query: feed, variables: { first: 5 } });
      expect(plain.body.errors).toBeUndefined();
      expect(h.simulator.hits()).toEqual({ [modelsRoutes.list]: 1 });
      h.simulator.resetHits();
      const tasks = await own.post({ query: feed, variables: { first: 5, filter: { sources: ['TASK'] } } });
      expect((tasks.body.data?.['executions'] as Page).edges).toEqual([null]);
      expect(tasks.body.errors![0]!.extensions).toMatchObject({ code: 'NOT_CONFIGURED', upstream: 'tasks', source: 'TASK' });
      expect(h.simulator.totalHits()).toBe(0);
    } finally {
      await own.close();
    }
  });
});

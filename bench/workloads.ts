/**
 * The five workloads of issue 7: the GraphQL request, how to check its answer, and what it
 * should cost upstream by design (calls per query, sequential round trips).
 */
import type { Fixtures } from './simulator.ts';

export type WorkloadName = 'W1' | 'W2' | 'W3' | 'W4' | 'W5';

/** Sequential upstream round trips each query needs by design. */
export const criticalPath: Readonly<Record<WorkloadName, number>> = {
  W1: 1, // one bulk call
  W2: 2, // list → one bulk call for the page
  W3: 2, // models list → one bulk call for every linked workflow execution
  W4: 5, // leaf → parent (+ root beside it) → parent → parent → parent
  W5: 1, // every id is loadable from the id alone: one parallel wave
};

/** A `nodes` id with what a frontend would GET for it instead. */
export type MixedItem =
  | { readonly kind: 'WorkflowExecution'; readonly id: string; readonly workflowId: string; readonly executionId: string }
  | { readonly kind: 'ModelExecution'; readonly id: string; readonly executionId: string }
  | { readonly kind: 'TaskExecution'; readonly id: string; readonly executionId: string }
  | { readonly kind: 'Bulk'; readonly id: string; readonly workflowId: string; readonly bulkId: string };

export interface Workload {
  readonly name: WorkloadName;
  readonly title: string;
  /** The JSON request body. */
  readonly body: string;
  /** Upstream calls one query should make (from the design, for this data). */
  readonly expectedCalls: number;
  /** A problem with the answer, or null. */
  check(data: GraphQLData): string | null;
}

type Json = any; // answers are walked by the fields the query asked for; `unknown` would drown the checks in casts
export type GraphQLData = Record<string, Json>;

export type Post = (query: string, variables?: Record<string, unknown>) => Promise<GraphQLData>;

const request = (query: string, variables: Record<string, unknown>): string => JSON.stringify({ query, variables });

const expectLength = (what: string, list: Json, length: number): string | null =>
  Array.isArray(list) && list.length === length ? null : `${what}: expected ${length}, got ${Array.isArray(list) ? list.length : 'none'}`;

/** The ids for W5, collected through the gateway so they are real global ids of existing nodes. */
export async function collectMixedIds(fixtures: Fixtures, post: Post): Promise<MixedItem[]> {
  const workflows = fixtures.workflows.filter((workflow) => workflow.executions >= 10).slice(0, 4);
  const bulks = fixtures.bulks.slice(0, 5);
  const tasks = fixtures.taskExecutionIds.slice(0, 25);
  const models = 100 - workflows.length * 10 - bulks.length - tasks.length;
  const executions = [
    ...workflows.map(
      (w, i) => `w${i}: workflowExecutions(workflowId: ${JSON.stringify(w.id)}, first: 10) { edges { node { id executionId } } }`,
    ),
    `m: modelExecutions(first: ${models}) { edges { node { id executionId } } }`,
    ...bulks.map((b, i) => `b${i}: bulk(bulkId: ${JSON.stringify(b.bulkId)}, workflowId: ${JSON.stringify(b.workflowId)}) { id }`),
  ];
  // Two requests: the gateway refuses more than 30 aliases in one.
  const data = {
    ...(await post(`query { ${executions.join('\n')} }`)),
    ...(await post(
      `query { ${tasks.map((id, i) => `t${i}: taskExecution(executionId: ${JSON.stringify(id)}) { id executionId }`).join('\n')} }`,
    )),
  };
  const groups: MixedItem[][] = [
    ...workflows.map((w, i): MixedItem[] =>
      data[`w${i}`].edges.map((e: Json) => ({
        kind: 'WorkflowExecution',
        id: e.node.id,
        workflowId: w.id,
        executionId: e.node.executionId,
      })),
    ),
    data['m'].edges.map((e: Json): MixedItem => ({ kind: 'ModelExecution', id: e.node.id, executionId: e.node.executionId })),
    bulks.map((b, i): MixedItem => ({ kind: 'Bulk', id: data[`b${i}`].id, ...b })),
    tasks.map((_, i): MixedItem => ({ kind: 'TaskExecution', id: data[`t${i}`].id, executionId: data[`t${i}`].executionId })),
  ];
  // Round-robin over the groups: the types arrive mixed, as a client's cache would hold them.
  const mixed: MixedItem[] = [];
  for (let i = 0; mixed.length < groups.reduce((n, g) => n + g.length, 0); i++) {
    for (const group of groups) if (group[i]) mixed.push(group[i]!);
  }
  if (mixed.length !== 100) throw new Error(`W5: collected ${mixed.length} ids, want 100`);
  return mixed;
}

export function createWorkloads(fixtures: Fixtures, mixed: readonly MixedItem[]): Workload[] {
  const chainNeeded = fixtures.taskChain.slice(0, 5);
  const root = fixtures.taskChain.at(-1)!;
  return [
    {
      name: 'W1',
      title: 'one workflow execution with its steps',
      body: request(
        `query W1($id: String!, $wf: String!) {
          workflowExecution(executionId: $id, workflowId: $wf) { steps { stepId status output primary } output }
        }`,
        { id: fixtures.single.executionId, wf: fixtures.single.workflowId },
      ),
      expectedCalls: 1,
      check: (data) => (data['workflowExecution']?.steps?.length > 0 ? null : 'W1: no steps'),
    },
    {
      name: 'W2',
      title: '50 executions of the big workflow, steps and outputs',
      body: request(
        `query W2($wf: String!) {
          workflowExecutions(workflowId: $wf, first: 50) {
            edges { node { executionId status output steps { stepId output primary } } }
          }
        }`,
        { wf: fixtures.bigWorkflowId },
      ),
      expectedCalls: 2,
      check: (data) => {
        const edges = data['workflowExecutions']?.edges;
        return (
          expectLength('W2 edges', edges, 50) ??
          (edges.every((e: Json) => e.node?.steps?.length > 0) ? null : 'W2: an execution without steps')
        );
      },
    },
    {
      name: 'W3',
      title: '20 model executions → workflow execution → steps',
      body: request(
        `query W3($wf: String!) {
          modelExecutions(first: 20, filter: { workflowId: $wf }) {
            edges { node { executionId model workflowExecution { executionId status steps { stepId status primary } } } }
          }
        }`,
        { wf: fixtures.modelWorkflowId },
      ),
      expectedCalls: 2,
      check: (data) => {
        const edges = data['modelExecutions']?.edges;
        const linked = Array.isArray(edges) ? edges.filter((e: Json) => e.node?.workflowExecution?.steps?.length > 0) : [];
        return expectLength('W3 edges', edges, 20) ?? expectLength('W3 linked with steps', linked, 20);
      },
    },
    {
      name: 'W4',
      title: 'task with parent chain of depth 5 and root',
      body: request(
        `query W4($id: String!) {
          taskExecution(executionId: $id) {
            executionId status
            parent { parent { parent { parent { executionId } } } }
            root { executionId }
          }
        }`,
        { id: fixtures.taskLeaf },
      ),
      // The leaf and four parents, each loaded, and the root unless it is one of them.
      expectedCalls: new Set([...chainNeeded, root]).size,
      check: (data) => {
        const task = data['taskExecution'];
        const fourth = task?.parent?.parent?.parent?.parent?.executionId;
        if (fourth !== chainNeeded[4]) return `W4: 4th parent ${fourth}, want ${chainNeeded[4]}`;
        return task.root?.executionId === root ? null : `W4: root ${task.root?.executionId}, want ${root}`;
      },
    },
    {
      name: 'W5',
      title: 'nodes over 100 ids of mixed types',
      body: request(
        `query W5($ids: [ID!]!) {
          nodes(ids: $ids) { id ... on Execution { executionId status } ... on Bulk { bulkId } }
        }`,
        { ids: mixed.map((item) => item.id) },
      ),
      // One bulk call per workflow, one GET per model or task execution, one list call per bulk.
      expectedCalls:
        new Set(mixed.flatMap((item) => (item.kind === 'WorkflowExecution' ? [item.workflowId] : []))).size +
        mixed.filter((item) => item.kind !== 'WorkflowExecution').length,
      check: (data) => {
        const nodes = data['nodes'];
        const missing = Array.isArray(nodes) ? nodes.filter((node: Json) => !node?.id).length : 100;
        return expectLength('W5 nodes', nodes, 100) ?? (missing === 0 ? null : `W5: ${missing} null nodes`);
      },
    },
  ];
}

/** The fairness workload's requests: two victims and the heaviest request the defaults let through. */
export interface FairnessRequests {
  readonly victims: readonly { readonly name: string; readonly title: string; readonly body: string }[];
  /** One HTTP request: a batch of 10 operations, each `nodes` over 100 model executions. */
  readonly abuser: string;
}

/** Global ids of `count` model executions, newest first, paged through the gateway (100 a page). */
export async function collectModelIds(post: Post, count: number): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  while (ids.length < count) {
    const data = await post(
      `query($after: String) { modelExecutions(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    const page = data['modelExecutions'];
    ids.push(...page.edges.map((edge: Json) => edge.node.id as string));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return ids.slice(0, count);
}

export function createFairnessRequests(workloads: readonly Workload[], modelIds: readonly string[]): FairnessRequests {
  const w1 = workloads.find((workload) => workload.name === 'W1');
  if (!w1) throw new Error('fairness needs W1');
  // Predictions have no batch read: every id is one GET, so 10 × 100 ids ask for 1,000 calls and
  // MAX_UPSTREAM_CALLS_PER_REQUEST (500) lets half through. Slices overlap (the seed has ~450);
  // the last id is the victim's alone, so no read of it is ever shared with the abuser's.
  const pool = modelIds.slice(0, -1);
  const batch = Array.from({ length: 10 }, (_, op) => ({
    query: `query Abuse($ids: [ID!]!) { nodes(ids: $ids) { id ... on ModelExecution { status cost } } }`,
    variables: { ids: Array.from({ length: 100 }, (_, i) => pool[(op * 45 + i) % pool.length]) },
  }));
  return {
    victims: [
      { name: 'W1', title: 'one workflow execution with its steps (flows host)', body: w1.body },
      {
        name: 'M1',
        title: 'one model execution by id (models host, the abuser’s)',
        body: request(`query M1($id: ID!) { node(id: $id) { id ... on ModelExecution { status cost } } }`, {
          id: modelIds[modelIds.length - 1],
        }),
      },
    ],
    abuser: JSON.stringify(batch),
  };
}

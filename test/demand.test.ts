/**
 * Demand control before any upstream call: the list-size-aware static estimate
 * (GRAPHQL_COST_LIMIT) and the `_entities` cap (GRAPHQL_MAX_ENTITIES). Each hostile operation is
 * refused with COST_ESTIMATED_TOO_EXPENSIVE and 0 upstream calls, whatever aliases, fragments or
 * batching it hides behind; the legitimate heavy reads (README, GraphiQL, client, bench) still answer.
 */
import { readFileSync } from 'node:fs';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, Kind, type OperationDefinitionNode, parse, type TypeNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesOf } from '../bench/fixtures.ts';
import { collectMixedIds, createWorkloads } from '../bench/workloads.ts';
import { examplesFrom, graphiqlTabs } from '../src/graphiql.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { schema } from '../src/schema/index.ts';
import { flowsRoutes } from '../src/simulator/index.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
let subgraphUrl: string;
let modelIds: string[];

beforeAll(async () => {
  h = await startHarness();
  subgraphUrl = `${h.url}/subgraph`;
  const { body } = await h.post({ query: '{ modelExecutions(first: 100) { edges { node { id } } } }' });
  modelIds = (body.data!['modelExecutions'] as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id);
  expect(modelIds).toHaveLength(100);
});
afterAll(() => h?.close());

async function postTo(url: string, body: unknown): Promise<{ status: number; body: GraphQLBody | GraphQLBody[] }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody | GraphQLBody[] };
}

/** Refused as too expensive by `limit`, with no data and no upstream call. */
function expectRefused(body: GraphQLBody, limit: 'GRAPHQL_COST_LIMIT' | 'GRAPHQL_MAX_ENTITIES'): void {
  expect(codesOf(body)).toEqual(['COST_ESTIMATED_TOO_EXPENSIVE']);
  expect(body.data ?? null).toBeNull();
  expect(body.errors![0]!.extensions).toMatchObject({ limit });
  expect(h.simulator.totalHits()).toBe(0);
}

const aliases = (count: number, field: string) => Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join('\n');

describe('the static estimate (GRAPHQL_COST_LIMIT), before any upstream call', () => {
  it('refuses each operation of a batch of 10 × 30 aliases × nodes over 100 model executions (30,000 calls)', async () => {
    // Distinct ids everywhere, so nothing is deduplicated: each would be one `GET /prediction/{id}`.
    const ids = (operation: number, alias: number) =>
      Array.from({ length: 100 }, (_, i) =>
        encodeGlobalId({ typename: 'ModelExecution', executionId: (operation * 3000 + alias * 100 + i).toString(36) }),
      );
    const variables = Array.from({ length: 30 }, (_, alias) => `$i${alias}: [ID!]!`).join(', ');
    const query = `query Fanout(${variables}) { ${Array.from({ length: 30 }, (_, alias) => `a${alias}: nodes(ids: $i${alias}) { id }`).join(' ')} }`;
    const batch = Array.from({ length: 10 }, (_, operation) => ({
      query,
      variables: Object.fromEntries(Array.from({ length: 30 }, (_, alias) => [`i${alias}`, ids(operation, alias)])),
    }));
    h.simulator.resetHits();
    const { status, body } = await postTo(h.url, batch);
    expect(status).toBe(200);
    expect(body).toHaveLength(10);
    for (const result of body as GraphQLBody[]) {
      expectRefused(result, 'GRAPHQL_COST_LIMIT');
      expect(result.errors![0]!.extensions).toMatchObject({ estimate: 303_000, max: 50_000 });
    }
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('adds up aliases: one `nodes` over 100 model executions answers, five under aliases are refused', async () => {
    const selection = 'nodes(ids: $ids) { id }';
    h.simulator.resetHits();
    const one = await h.post({ query: `query($ids: [ID!]!) { ${selection} }`, variables: { ids: modelIds } });
    expect(one.body.errors).toBeUndefined();
    expect(h.simulator.totalHits()).toBe(100); // predictions have no batch read: the estimate counts each
    h.simulator.resetHits();
    const five = await h.post({ query: `query($ids: [ID!]!) { ${aliases(5, selection)} }`, variables: { ids: modelIds } });
    expectRefused(five.body, 'GRAPHQL_COST_LIMIT');
  });

  it('sees through fragments: named, nested, inline and spread on the root', async () => {
    const hidden = [
      `query($ids: [ID!]!) { ...Roots } fragment Roots on Query { ${aliases(5, 'nodes(ids: $ids) { ...Item }')} } fragment Item on Node { id }`,
      `query($ids: [ID!]!) { ... on Query { ${aliases(3, 'nodes(ids: $ids) { id }')} } ...More } fragment More on Query { b0: nodes(ids: $ids) { id } b1: nodes(ids: $ids) { id } }`,
      // Fragments nested in fragments still count once per item of the list they end up under.
      `query($ids: [ID!]!) { ${aliases(5, 'nodes(ids: $ids) { ...A }')} } fragment A on Node { ... on Execution { ...B } } fragment B on Execution { executionId }`,
    ];
    for (const query of hidden) {
      h.simulator.resetHits();
      const { body } = await h.post({ query, variables: { ids: modelIds } });
      expectRefused(body, 'GRAPHQL_COST_LIMIT');
    }
  });

  it('counts list sizes: 100 model executions of each of 100 workflow executions are refused, of 10 answer', async () => {
    const wide = (first: number) =>
      `{ workflowExecutions(workflowId: ${JSON.stringify(h.simulator.data.bigWorkflowId)}, first: ${first}) { edges { node { modelExecutions(first: 100) { edges { node { id executionId status } } } } } } }`;
    h.simulator.resetHits();
    expectRefused((await h.post({ query: wide(100) })).body, 'GRAPHQL_COST_LIMIT');
    const { body } = await h.post({ query: wide(10) });
    expect(body.errors).toBeUndefined();
  });

  it('bounds the execution graph: the feed and a step’s model execution count their calls', async () => {
    const steps = (first: number) =>
      `workflow(idOrSlug: ${JSON.stringify(h.simulator.data.bigWorkflowId)}) { executions(first: ${first}) { edges { node { steps { modelExecution { cost } } } } } }`;
    h.simulator.resetHits();
    // Three pages of 100 would be 606 calls (a detail and a models list per execution): refused.
    expectRefused((await h.post({ query: `{ ${aliases(3, steps(100))} }` })).body, 'GRAPHQL_COST_LIMIT');
    // Five feeds of 100 could read 5 × (4 lists × 3 reads + 100 tasks): refused.
    expectRefused(
      (await h.post({ query: `{ ${aliases(5, 'executions(first: 100) { edges { node { executionId } } }')} }` })).body,
      'GRAPHQL_COST_LIMIT',
    );
    const one = await h.post({ query: `{ ${steps(50)} executions(first: 100) { edges { node { executionId } } } }` });
    expect(one.body.errors).toBeUndefined();
  });

  it('leaves a `first` or `ids` over their maximum to the field: BAD_USER_INPUT, as the contract says', async () => {
    // Counted at their size, both would be over the limit; the fields refuse them without a call.
    h.simulator.resetHits();
    const tooMany = await h.post({
      query: `query($ids: [ID!]!) { ${aliases(5, 'nodes(ids: $ids) { id }')} }`,
      variables: { ids: [...modelIds, modelIds[0]] },
    });
    expect(codesOf(tooMany.body)).toEqual(['BAD_USER_INPUT']); // the first non-null `nodes` to refuse ends the operation
    const page = `workflowExecutions(workflowId: ${JSON.stringify(h.simulator.data.bigWorkflowId)}, first: 101)`;
    const tooLong = await h.post({
      query: `{ ${page} { edges { node { modelExecutions(first: 100) { edges { node { id executionId status } } } } } } }`,
    });
    expect(codesOf(tooLong.body)).toEqual(['BAD_USER_INPUT']);
    expect(h.simulator.totalHits()).toBe(0);
  });
});

describe('legitimate heavy reads stay within the estimate', () => {
  const bigWorkflow = () => JSON.stringify(h.simulator.data.bigWorkflowId);

  it('answers a 100-item page of model executions with cost and their workflow executions’ steps', async () => {
    const { body } = await h.post({
      query: '{ modelExecutions(first: 100) { edges { node { cost workflowExecution { steps { output } } } } } }',
    });
    expect(body.errors).toBeUndefined();
    expect((body.data!['modelExecutions'] as { edges: unknown[] }).edges).toHaveLength(100);
  });

  it('answers a 100-item page of workflow executions with steps, and with every field, step field and cost', async () => {
    const light = await h.post({
      query: `{ workflowExecutions(workflowId: ${bigWorkflow()}, first: 100) { edges { node { steps { stepId output } } } } }`,
    });
    expect(light.body.errors).toBeUndefined();
    const every = `id executionId source workflowId workflowName versionId bulkId status upstreamStatus isTerminal inputs output
      progressPercent createdAt startedAt completedAt durationMs cost error { message cause classification }
      steps { stepId name status upstreamStatus model modelVersion input output params primary startedAt completedAt durationMs }`;
    const heavy = await h.post({
      query: `{ workflowExecutions(workflowId: ${bigWorkflow()}, first: 100) { totalCount edges { cursor node { ${every} } } } }`,
    });
    expect(codesOf(heavy.body)).not.toContain('COST_ESTIMATED_TOO_EXPENSIVE');
    expect((heavy.body.data!['workflowExecutions'] as { edges: unknown[] }).edges).toHaveLength(100);
  });

  it('answers nodes over 100 ids of one workflow with steps in one bulk call', async () => {
    const page = await h.post({ query: `{ workflowExecutions(workflowId: ${bigWorkflow()}, first: 100) { edges { node { id } } } }` });
    const ids = (page.body.data!['workflowExecutions'] as { edges: { node: { id: string } }[] }).edges.map((edge) => edge.node.id);
    h.simulator.resetHits();
    const { body } = await h.post({
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on WorkflowExecution { status output steps { stepId status output } } } }`,
      variables: { ids },
    });
    expect(body.errors).toBeUndefined();
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
  });

  it('answers the bench workloads W1–W5', async () => {
    const fixtures = { urls: h.simulator.urls, credentials: h.simulator.credentials, ...fixturesOf(h.simulator.data) };
    const post = async (query: string, variables: Record<string, unknown> = {}) => {
      const { body } = await h.post({ query, variables });
      expect(body.errors).toBeUndefined();
      return body.data!;
    };
    const workloads = createWorkloads(fixtures, await collectMixedIds(fixtures, post));
    expect(workloads.map((workload) => workload.name)).toEqual(['W1', 'W2', 'W3', 'W4', 'W5']);
    for (const workload of workloads) {
      const { body } = await h.post(workload.body);
      expect(body.errors, workload.name).toBeUndefined();
      expect(workload.check(body.data!), workload.name).toBeNull();
    }
  });

  /** Every operation of a document with stand-in variables: the largest page where a page size is a variable. */
  function estimates(document: DocumentNode): { name: string; estimate: number }[] {
    const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
    const standIn = (type: TypeNode, name: string): unknown => {
      if (type.kind === Kind.NON_NULL_TYPE) return standIn(type.type, name);
      if (type.kind === Kind.LIST_TYPE) return [];
      if (name === 'first') return 100;
      return { ID: modelIds[0], UUID: '00000000-0000-4000-8000-000000000000', String: 'x', Int: 1 }[type.name.value] ?? null;
    };
    return document.definitions
      .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => {
        const variables = Object.fromEntries(
          (operation.variableDefinitions ?? []).map((variable) => [
            variable.variable.name.value,
            standIn(variable.type, variable.variable.name.value),
          ]),
        );
        const alone: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
        return {
          name: operation.name?.value ?? operation.operation,
          estimate: complexityFromQuery(alone, { schema, variables }).complexity,
        };
      });
  }

  it('keeps every client operation, GraphiQL tab and README example far within the limit', () => {
    const documents = [
      parse(readFileSync(new URL('../client/operations.graphql', import.meta.url), 'utf8')),
      ...graphiqlTabs(examplesFrom(h.simulator.data)).map((tab) => parse(tab.query)),
      ...[...readFileSync(new URL('../README.md', import.meta.url), 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) =>
        parse(match[1]!),
      ),
    ];
    const all = documents.flatMap(estimates);
    expect(all.length).toBeGreaterThan(15);
    for (const { name, estimate } of all) expect(estimate, name).toBeLessThanOrEqual(15_000);
  });
});

describe('_entities on the subgraph (GRAPHQL_MAX_ENTITIES), before any upstream call', () => {
  const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ModelExecution { executionId } ... on WorkflowExecution { executionId status } } }`;
  const models = (count: number) => Array.from({ length: count }, (_, i) => ({ __typename: 'ModelExecution', executionId: `m${i}` }));

  it('refuses 18,000 representations', async () => {
    h.simulator.resetHits();
    const { body } = await postTo(subgraphUrl, { query: entities, variables: { r: models(18_000) } });
    expectRefused(body as GraphQLBody, 'GRAPHQL_MAX_ENTITIES');
    expect((body as GraphQLBody).errors![0]!.extensions).toMatchObject({ estimate: 18_000, max: 1000 });
  });

  it('adds up aliases and fragments: 2 × 600 representations are refused', async () => {
    const query = `query($r: [_Any!]!) { a: _entities(representations: $r) { __typename } ...B } fragment B on Query { b: _entities(representations: $r) { __typename } }`;
    h.simulator.resetHits();
    const { body } = await postTo(subgraphUrl, { query, variables: { r: models(600) } });
    expectRefused(body as GraphQLBody, 'GRAPHQL_MAX_ENTITIES');
  });

  it('counts them in the estimate: 600 model executions are 600 calls, over the limit', async () => {
    h.simulator.resetHits();
    const { body } = await postTo(subgraphUrl, { query: entities, variables: { r: models(600) } });
    expectRefused(body as GraphQLBody, 'GRAPHQL_COST_LIMIT');
  });

  it('answers a router-sized batch: 1,000 workflow executions in one bulk call per workflow and 100 ids', async () => {
    const all = h.simulator.data.workflows.flatMap((workflow) =>
      workflow.executionIds.map((executionId) => ({ workflowId: workflow.id, executionId })),
    );
    const representations = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'WorkflowExecution', ...all[i % all.length]! }));
    h.simulator.resetHits();
    const { body } = await postTo(subgraphUrl, { query: entities, variables: { r: representations } });
    const result = body as GraphQLBody;
    expect(result.errors).toBeUndefined();
    const answered = result.data!['_entities'] as ({ executionId: string } | null)[];
    expect(answered.map((entity) => entity?.executionId)).toEqual(representations.map((r) => r.executionId));
    const bulkCalls = h.simulator.data.workflows.reduce((calls, workflow) => calls + Math.ceil(workflow.executionIds.length / 100), 0);
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: bulkCalls });
  });
});

/**
 * Apollo Federation v2: the gateway's subgraph (`/graphql/subgraph`) composed with a second
 * subgraph (a users service) and queried through a real federation gateway (Hive Gateway),
 * all over loopback HTTP. Entity lookups go through the loaders: a user's five workflow
 * executions are one bulk-endpoint call.
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsRoutes, tasksRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import { type Listening, type UserRecord, listen, taskOf, usersOf } from './helpers/users.ts';

const usersTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type User @key(fields: "id") {
    id: ID!
    name: String!
    "Workflow executions this user started; the executions subgraph resolves them."
    executions: [WorkflowExecution!]!
  }

  type WorkflowExecution @key(fields: "workflowId executionId", resolvable: false) {
    workflowId: String!
    executionId: String!
  }

  type Query {
    user(id: ID!): User
  }
`);

let h: Harness;
let users: UserRecord[];
let usersService: Listening;
let gateway: GatewayRuntime;
let supergraphSdl: string;
let subgraphUrl: string;

async function serviceSdl(url: string): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await response.json()) as { data: { _service: { sdl: string } } };
  return body.data._service.sdl;
}

async function query(source: string, variables: Record<string, unknown> = {}) {
  const response = await gateway.fetch('http://gateway.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: source, variables }),
  });
  return (await response.json()) as { data?: Record<string, any>; errors?: { message: string }[] }; // any: ad-hoc query shapes
}

beforeAll(async () => {
  h = await startHarness();
  subgraphUrl = `${h.url}/subgraph`;
  users = await usersOf(h);
  const byId = new Map(users.map((user) => [user.id, user]));
  const usersSchema = buildSubgraphSchema({
    typeDefs: usersTypeDefs,
    resolvers: {
      Query: { user: (_root: unknown, { id }: { id: string }) => byId.get(id) ?? null },
      User: { __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null },
    },
  });
  usersService = await listen(createYoga({ schema: usersSchema, logging: false }));

  const composed = composeServices([
    { name: 'executions', typeDefs: parse(await serviceSdl(subgraphUrl)), url: subgraphUrl },
    { name: 'users', typeDefs: parse(await serviceSdl(usersService.url)), url: usersService.url },
  ]);
  if (composed.errors?.length || !composed.supergraphSdl) {
    throw new Error(composed.errors?.map((e) => e.message).join('\n') ?? 'no supergraph');
  }
  supergraphSdl = composed.supergraphSdl;
  gateway = createGatewayRuntime({ supergraph: supergraphSdl, logging: false });
});

afterAll(async () => {
  await gateway?.dispose();
  await usersService?.close();
  await h?.close();
});

describe('federation v2 subgraph', () => {
  it('serves _service with @link and @key on every execution type', async () => {
    const sdl = await serviceSdl(subgraphUrl);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.6"');
    for (const type of ['WorkflowExecution', 'ModelExecution', 'TaskExecution', 'Bulk']) {
      expect(sdl).toMatch(new RegExp(`type ${type} implements [^{]*@key\\(fields: "id"\\)`));
    }
    expect(sdl).toContain('@key(fields: "workflowId executionId")');
    expect(sdl).toMatch(/type User[^{]*@key\(fields: "id", resolvable: false\)/);
  });

  it('composes with a users subgraph into a supergraph', () => {
    expect(supergraphSdl).toContain('join__graph(name: "executions"');
    expect(supergraphSdl).toContain('join__graph(name: "users"');
  });

  it("resolves a user's executions through _entities in one bulk-endpoint call", async () => {
    const user = users[0]!;
    h.simulator.resetHits();
    const result = await query(
      `query($id: ID!) { user(id: $id) { name executions { executionId workflowName status steps { stepId status } } } }`,
      { id: user.id },
    );
    expect(result.errors).toBeUndefined();
    const executions = result.data!['user'].executions as { executionId: string; steps: unknown[] }[];
    expect(executions.map((e) => e.executionId)).toEqual(user.executions.map((e) => e.executionId));
    for (const execution of executions) expect(execution.steps.length).toBeGreaterThan(0);
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
  });

  it("resolves a task's user in the users subgraph", async () => {
    const user = users[1] ?? users[0]!;
    const taskId = taskOf(h, user.id);
    h.simulator.resetHits();
    const result = await query(
      `query($id: String!) { taskExecution(executionId: $id) { executionId userId user { id name executions { executionId status } } } }`,
      { id: taskId },
    );
    expect(result.errors).toBeUndefined();
    const task = result.data!['taskExecution'];
    expect(task.user).toMatchObject({ id: user.id, name: user.name });
    expect(task.user.executions).toHaveLength(5);
    // Hive Gateway's plan reads the task twice (the root field, then `_entities` by key for
    // `user`): two subgraph requests with a task call each; the user's executions, one bulk call.
    expect(h.simulator.hits()).toEqual({ [tasksRoutes.execution]: 2, [flowsRoutes.bulk]: 1 });
  });

  it('answers _entities by global id, by natural key and with an error for a wrong-type id', async () => {
    const [first, second] = users[0]!.executions;
    h.simulator.resetHits();
    const response = await fetch(subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on WorkflowExecution { executionId status } } }`,
        variables: {
          r: [
            { __typename: 'WorkflowExecution', id: first!.id },
            { __typename: 'WorkflowExecution', workflowId: second!.workflowId, executionId: second!.executionId },
            { __typename: 'ModelExecution', id: first!.id },
          ],
        },
      }),
    });
    const body = (await response.json()) as {
      data: { _entities: ({ executionId: string } | null)[] };
      errors?: { extensions?: { code?: string } }[];
    };
    expect(body.data._entities.slice(0, 2).map((e) => e?.executionId)).toEqual([first!.executionId, second!.executionId]);
    expect(body.data._entities[2]).toBeNull();
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
  });

  it('refuses key fields that are not non-empty strings before any upstream call (no path tricks through _Any)', async () => {
    h.simulator.resetHits();
    const representations = [
      { __typename: 'TaskExecution', executionId: ['..'] },
      { __typename: 'ModelExecution', executionId: ['..'] },
      { __typename: 'WorkflowExecution', workflowId: { a: 1 }, executionId: 'x' },
      { __typename: 'Bulk', workflowId: 'w', bulkId: 7 },
      { __typename: 'TaskExecution', id: ['a'] },
      { __typename: 'TaskExecution', executionId: '' },
    ];
    const response = await fetch(subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`,
        variables: { r: representations },
      }),
    });
    const body = (await response.json()) as { data: { _entities: unknown[] }; errors?: { extensions?: { code?: string } }[] };
    expect(body.data._entities).toEqual(representations.map(() => null));
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(representations.map(() => 'BAD_USER_INPUT'));
    expect(h.simulator.totalHits()).toBe(0);
  });
});

/**
 * Schema stitching: a gateway built with @graphql-tools/stitch from two URLs alone — this
 * gateway's `/graphql/subgraph` (its `_sdl` carries the stitching directives) and a small users
 * service — answering cross-schema queries over loopback HTTP. A task's `user` resolves in the
 * users service; a user's executions resolve here, batched through `nodes` into one bulk call.
 */
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { stitchSchemas } from '@graphql-tools/stitch';
import { stitchingDirectives } from '@graphql-tools/stitching-directives';
import { type GraphQLSchema, buildSchema, graphql, parse } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsRoutes, tasksRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import { type Listening, type UserRecord, listen, taskOf, usersOf } from './helpers/users.ts';

const { allStitchingDirectivesTypeDefs, stitchingDirectivesTransformer } = stitchingDirectives();

const usersTypeDefs = /* GraphQL */ `
  ${allStitchingDirectivesTypeDefs}

  type User @key(selectionSet: "{ id }") @canonical {
    id: ID!
    name: String!
    "Workflow executions this user started, by the global ids the executions gateway gave out."
    executions: [WorkflowExecution!]!
  }

  type WorkflowExecution {
    id: ID!
  }

  type Query {
    users(ids: [ID!]!): [User]! @merge(keyField: "id")
    _sdl: String!
  }
`;

let h: Harness;
let users: UserRecord[];
let usersService: Listening;
let stitched: GraphQLSchema;

/** What a stitching gateway does with a URL: read `_sdl`, build a subschema from it. */
async function subschemaFrom(url: string) {
  const executor = buildHTTPExecutor({ endpoint: url });
  const result = (await executor({ document: parse('{ _sdl }') })) as { data: { _sdl: string } };
  return stitchingDirectivesTransformer({ schema: buildSchema(result.data._sdl), executor, batch: true });
}

async function query(source: string, variables: Record<string, unknown> = {}) {
  // any: ad-hoc query shapes
  return (await graphql({ schema: stitched, source, variableValues: variables, contextValue: {} })) as {
    data?: Record<string, any> | null;
    errors?: readonly { message: string }[];
  };
}

beforeAll(async () => {
  h = await startHarness();
  users = await usersOf(h);
  const byId = new Map(users.map((user) => [user.id, user]));
  usersService = await listen(
    createYoga({
      logging: false,
      schema: createSchema({
        typeDefs: usersTypeDefs,
        resolvers: {
          Query: {
            users: (_root: unknown, { ids }: { ids: string[] }) => ids.map((id) => byId.get(id) ?? null),
            _sdl: () => usersTypeDefs,
          },
          User: { executions: (user: UserRecord) => user.executions.map((e) => ({ id: e.id })) },
        },
      }),
    }),
  );
  stitched = stitchSchemas({
    subschemas: [await subschemaFrom(`${h.url}/subgraph`), await subschemaFrom(usersService.url)],
  });
});

afterAll(async () => {
  await usersService?.close();
  await h?.close();
});

describe('schema stitching from the URL alone', () => {
  it('the stitched User gains executions from this gateway, in one bulk-endpoint call', async () => {
    const user = users[0]!;
    h.simulator.resetHits();
    const result = await query(
      `query($ids: [ID!]!) { users(ids: $ids) { id name executions { executionId workflowName status steps { stepId status } } } }`,
      { ids: [user.id] },
    );
    expect(result.errors).toBeUndefined();
    const [stitchedUser] = result.data!['users'];
    expect(stitchedUser.name).toBe(user.name);
    expect(stitchedUser.executions.map((e: { executionId: string }) => e.executionId)).toEqual(user.executions.map((e) => e.executionId));
    for (const execution of stitchedUser.executions) expect(execution.steps.length).toBeGreaterThan(0);
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1 });
  });

  it("TaskExecution.userId resolves into the users service's User, and back into executions", async () => {
    const user = users[1] ?? users[0]!;
    const taskId = taskOf(h, user.id);
    h.simulator.resetHits();
    const result = await query(
      `query($id: String!) { taskExecution(executionId: $id) { executionId userId user { id name executions { executionId status } } } }`,
      { id: taskId },
    );
    expect(result.errors).toBeUndefined();
    const task = result.data!['taskExecution'];
    expect(task.userId).toBe(user.id);
    expect(task.user).toMatchObject({ id: user.id, name: user.name });
    expect(task.user.executions).toHaveLength(5);
    expect(h.simulator.hits()).toEqual({ [tasksRoutes.execution]: 1, [flowsRoutes.bulk]: 1 });
  });

  it("keeps our types canonical and the users service's User canonical", () => {
    const workflow = stitched.getType('WorkflowExecution');
    expect(workflow?.description).toContain('A run of a workflow');
    expect(stitched.getType('User')?.description).toBeFalsy();
    const rootFields = Object.keys(stitched.getQueryType()!.getFields());
    expect(rootFields).toEqual(expect.arrayContaining(['workflowExecution', 'nodes', 'taskExecution', 'users']));
    // The subgraph's federation fields stay out: `_sdl` describes the public schema.
    expect(rootFields).not.toContain('_entities');
  });
});

/**
 * Composition: the execution types as Apollo Federation v2 entities, and the subgraph schema
 * served at `/graphql/subgraph` (`_service`, `_entities`, and `_sdl` for schema stitching).
 * Every entity lookup goes through the request's loaders, so a router's `_entities` call with
 * many workflow executions of one workflow is one bulk-endpoint call.
 */
import { GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { badUserInput } from '../errors.ts';
import { builder } from './builder.ts';
import { loadBulk } from './bulk.ts';
import { loadModelExecution } from './model-execution.ts';
import { lookupCalls, upstreamCall } from './cost.ts';
import { decodeGlobalId, type NodeRef, type NodeRefOf, type NodeType } from './ids.ts';
import { Bulk, ModelExecution, TaskExecution, Workflow, WorkflowExecution } from './refs.ts';
import { stitchingSdl } from './stitching.ts';

const byId = builder.selection<{ id: string }>('id');

/**
 * Representations arrive as `_Any`: whatever JSON the router (or anyone reaching this path) sends.
 * Every key field must be a non-empty string before it goes near a loader or an upstream path;
 * the resolvers below are async so that a bad key rejects its own entity, not the whole list.
 */
function keyOf<K extends string>(representation: object, fields: readonly K[]): Record<K, string> {
  const key = {} as Record<K, string>;
  for (const field of fields) {
    const value = (representation as Record<string, unknown>)[field];
    if (typeof value !== 'string' || value === '') throw badUserInput(`Entity key field ${field} must be a non-empty string`, field);
    key[field] = value;
  }
  return key;
}

/** A representation's global id, which must name this entity's type. */
function refOf<T extends NodeType>(representation: object, typename: T): NodeRefOf<T> {
  return decodeGlobalId(keyOf(representation, ['id']).id, [typename]);
}

/** What a representation of each entity type names, by global id or by natural key. */
const referenceOf = {
  WorkflowExecution: (representation: object): NodeRefOf<'WorkflowExecution'> =>
    'id' in representation
      ? refOf(representation, 'WorkflowExecution')
      : { typename: 'WorkflowExecution', ...keyOf(representation, ['workflowId', 'executionId']) },
  ModelExecution: (representation: object): NodeRefOf<'ModelExecution'> =>
    'id' in representation
      ? refOf(representation, 'ModelExecution')
      : { typename: 'ModelExecution', ...keyOf(representation, ['executionId']) },
  TaskExecution: (representation: object): NodeRefOf<'TaskExecution'> =>
    'id' in representation
      ? refOf(representation, 'TaskExecution')
      : { typename: 'TaskExecution', ...keyOf(representation, ['executionId']) },
  Bulk: (representation: object): NodeRefOf<'Bulk'> =>
    'id' in representation ? refOf(representation, 'Bulk') : { typename: 'Bulk', ...keyOf(representation, ['workflowId', 'bulkId']) },
  Workflow: (representation: object): NodeRefOf<'Workflow'> =>
    'id' in representation ? refOf(representation, 'Workflow') : { typename: 'Workflow', ...keyOf(representation, ['workflowId']) },
} satisfies { readonly [T in NodeType]: (representation: object) => NodeRefOf<T> };

builder.asEntity(WorkflowExecution, {
  key: [byId, builder.selection<{ workflowId: string; executionId: string }>('workflowId executionId')],
  resolveReference: async (ref, context) => {
    const { workflowId, executionId } = referenceOf.WorkflowExecution(ref);
    return context.upstreams.flows.loaders.execution.load({ workflowId, executionId });
  },
});

builder.asEntity(ModelExecution, {
  key: [byId, builder.selection<{ executionId: string }>('executionId')],
  resolveReference: async (ref, context) => loadModelExecution(referenceOf.ModelExecution(ref), context),
});

builder.asEntity(TaskExecution, {
  key: [byId, builder.selection<{ executionId: string }>('executionId')],
  resolveReference: async (ref, context) => context.upstreams.tasks.loaders.execution.load(referenceOf.TaskExecution(ref).executionId),
});

builder.asEntity(Bulk, {
  key: [byId, builder.selection<{ workflowId: string; bulkId: string }>('workflowId bulkId')],
  resolveReference: async (ref, context) => {
    const { workflowId, bulkId } = referenceOf.Bulk(ref);
    return loadBulk({ workflowId, bulkId }, context);
  },
});

builder.asEntity(Workflow, {
  key: [byId, builder.selection<{ workflowId: string }>('workflowId')],
  resolveReference: async (ref, context) => context.upstreams.workflows.loaders.workflow.load(referenceOf.Workflow(ref).workflowId),
});

/** What a representation will be looked up as; null for one refused without a call, and for a `User` (never looked up). */
function entityReference(representation: unknown): NodeRef | null {
  if (typeof representation !== 'object' || representation === null) return null;
  const typename = (representation as { __typename?: unknown }).__typename;
  if (typeof typename !== 'string' || !Object.hasOwn(referenceOf, typename)) return null;
  try {
    return referenceOf[typename as NodeType](representation);
  } catch {
    return null;
  }
}

/** `_entities`' share of the estimate (cost.ts): the calls its representations need, its selection once per representation. */
function entitiesComplexity({ representations }: { representations?: unknown }) {
  const list = Array.isArray(representations) ? representations : [];
  return { field: upstreamCall * lookupCalls(list.map(entityReference)), multiplier: list.length };
}

/**
 * The federation v2 subgraph schema with `_sdl` added: the public schema annotated for
 * @graphql-tools/stitching-directives. Build after every type file is imported.
 */
export function createSubgraphSchema(publicSchema: GraphQLSchema): GraphQLSchema {
  const subgraph = builder.toSubGraphSchema({
    sortSchema: true,
    linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  });
  const sdl = stitchingSdl(publicSchema);
  const { query, types, ...config } = subgraph.toConfig();
  if (!query) throw new Error('unreachable: subgraph without a query type');
  const queryConfig = query.toConfig();
  const entities = queryConfig.fields['_entities'];
  const withSdl = new GraphQLObjectType({
    ...queryConfig,
    fields: {
      ...queryConfig.fields,
      ...(entities ? { _entities: { ...entities, extensions: { ...entities.extensions, complexity: entitiesComplexity } } } : {}),
      _sdl: {
        type: new GraphQLNonNull(GraphQLString),
        description: 'The schema with @graphql-tools/stitching-directives (`@key`, `@merge`, `@canonical`).',
        resolve: () => sdl,
      },
    },
  });
  return new GraphQLSchema({ ...config, query: withSdl, types: types.filter((type) => type !== query) });
}

/**
 * Imports every type file and builds the schema. Nothing else happens here.
 */
import {
  DirectiveLocation,
  GraphQLBoolean,
  GraphQLDirective,
  GraphQLInt,
  GraphQLNonNull,
  type GraphQLSchema,
  GraphQLString,
  specifiedDirectives,
} from 'graphql';
import { type Builder, builder } from './builder.ts';
import './execution.ts';
import './output.ts';
import './connections.ts';
import './step.ts';
import './workflow-execution.ts';
import './workflow.ts';
import './model-execution.ts';
import './task-execution.ts';
import './bulk.ts';
import './executions.ts';
import './node.ts';
import './subscription.ts';
import './mutation.ts';
import './user.ts';
import { createSubgraphSchema } from './federation.ts';

builder.queryType({ description: 'Executions across the workflows, models and tasks hosts.' });
builder.subscriptionType({ description: 'Live executions over Server-Sent Events: the current state, then each change.' });
builder.mutationType({ description: 'Trigger workflows and cancel executions. Never retried: they are not idempotent.' });

/**
 * Incremental delivery (`@defer`, `@stream`), as the GraphQL incremental-delivery proposal and
 * graphql-js 17 define them. Declared in the schema itself, so `schema.graphql` tells clients'
 * compilers (Relay, codegen) that a document may use them.
 */
const incrementalDirectives = [
  new GraphQLDirective({
    name: 'defer',
    description:
      'Delivers this fragment after the rest of the response when `if` is true: slow fields (`cost`, `modelExecutions`) without holding up the others.',
    locations: [DirectiveLocation.FRAGMENT_SPREAD, DirectiveLocation.INLINE_FRAGMENT],
    args: {
      if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true },
      label: { type: GraphQLString, description: 'Names this part in the incremental payloads.' },
    },
  }),
  new GraphQLDirective({
    name: 'stream',
    description: 'Delivers the items of this list one by one after the first `initialCount` when `if` is true.',
    locations: [DirectiveLocation.FIELD],
    args: {
      if: { type: new GraphQLNonNull(GraphQLBoolean), defaultValue: true },
      label: { type: GraphQLString, description: 'Names this part in the incremental payloads.' },
      initialCount: { type: GraphQLInt, defaultValue: 0 },
    },
  }),
];

const schemaOptions = { sortSchema: true, directives: [...specifiedDirectives, ...incrementalDirectives] } as const;

export const schema = builder.toSchema(schemaOptions);

/** Served at `/graphql/subgraph`: federation's `_service`/`_entities` and stitching's `_sdl`. */
export const subgraphSchema = createSubgraphSchema(schema);

/** The schema and its composition schema with the types that registered hosts add (AnyHost.schema). */
export function schemaWith(extensions: readonly ((builder: Builder) => void)[]): { schema: GraphQLSchema; subgraphSchema: GraphQLSchema } {
  if (extensions.length === 0) return { schema, subgraphSchema };
  for (const extend of extensions) extend(builder);
  const extended = builder.toSchema(schemaOptions);
  return { schema: extended, subgraphSchema: createSubgraphSchema(extended) };
}

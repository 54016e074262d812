/**
 * Imports every type file and builds the schema. Nothing else happens here.
 */
import type { GraphQLSchema } from 'graphql';
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

export const schema = builder.toSchema({ sortSchema: true });

/** Served at `/graphql/subgraph`: federation's `_service`/`_entities` and stitching's `_sdl`. */
export const subgraphSchema = createSubgraphSchema(schema);

/** The schema and its composition schema with the types that registered hosts add (AnyHost.schema). */
export function schemaWith(extensions: readonly ((builder: Builder) => void)[]): { schema: GraphQLSchema; subgraphSchema: GraphQLSchema } {
  if (extensions.length === 0) return { schema, subgraphSchema };
  for (const extend of extensions) extend(builder);
  const extended = builder.toSchema({ sortSchema: true });
  return { schema: extended, subgraphSchema: createSubgraphSchema(extended) };
}

/**
 * The schema builder: plugins and scalars. No types are defined here.
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, JSONObjectResolver, JSONResolver, UUIDResolver } from 'graphql-scalars';
import type { Context } from '../context.ts';
import { expectedListLength } from './cost.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  // Every upstream-backed field is nullable so one failure never wipes its siblings.
  DefaultFieldNullability: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
    JSONObject: { Input: Record<string, unknown>; Output: Readonly<Record<string, unknown>> };
    UUID: { Input: string; Output: string };
  };
}>({
  // Directives turn federation's `@key`s into AST nodes, which is what `_service { sdl }` prints.
  plugins: [RelayPlugin, DirectivePlugin, FederationPlugin, ComplexityPlugin],
  // Each field's share of the static estimate (cost.ts); plugins/demand.ts enforces the limit
  // per operation with the request's variables, so the plugin sets none of its own.
  complexity: { defaultComplexity: 1, defaultListMultiplier: expectedListLength },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Our own `node`/`nodes` (schema/node.ts) keep order and give an error per missing id. Ids
    // are typed references (ids.ts) resolved with `t.id`, so relay's untyped `t.globalID` and
    // `t.arg.globalID`, and its encode/decode hooks, are left unused.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // A connection field multiplies its selection by the page size: its edges count once.
    edgesFieldOptions: { complexity: { field: 1, multiplier: 1 } },
  },
});

export type Builder = typeof builder;

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.addScalarType('UUID', UUIDResolver);

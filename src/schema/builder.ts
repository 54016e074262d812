/**
 * The schema builder: plugins, scalars and global-id encoding. No types are defined here.
 */
import SchemaBuilder from '@pothos/core';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, JSONObjectResolver, JSONResolver, UUIDResolver } from 'graphql-scalars';
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';

export interface GlobalId {
  readonly typename: string;
  readonly id: string;
}

/** Opaque, URL-safe global ids: base64url of `Type:localId`. */
export function encodeGlobalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`, 'utf8').toString('base64url');
}

export function decodeGlobalId(globalId: string): GlobalId {
  const decoded = /^[A-Za-z0-9_-]+={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) {
    throw badUserInput(`Malformed global id ${JSON.stringify(globalId.slice(0, 100))}`, 'id');
  }
  return { typename: decoded.slice(0, separator), id: decoded.slice(separator + 1) };
}

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
  plugins: [RelayPlugin, DirectivePlugin, FederationPlugin],
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Our own `node`/`nodes` (schema/node.ts) keep order and give an error per missing id.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, String(id)),
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
  },
});

export type Builder = typeof builder;

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);
builder.addScalarType('UUID', UUIDResolver);

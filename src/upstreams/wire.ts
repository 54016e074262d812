/**
 * What every host's wire.ts shares. A shape is one zod schema: its inferred type is the wire type,
 * so the declaration and the check cannot drift. Required fields must have their type, optional
 * ones may be absent or null, and fields a schema does not declare are dropped at parse (so a
 * secret the gateway never reads cannot reach a normaliser, let alone the model).
 */
import type { GraphQLError } from 'graphql';
import * as z from 'zod';
import { upstreamError } from '../errors.ts';
import type { UpstreamName } from '../model.ts';

export function unexpectedShape(upstream: UpstreamName): GraphQLError {
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an unexpected shape`);
}

/** Absent and null mean the same on every host. */
export const optString = z.string().nullish();
export const optNumber = z.number().nullish();
/** A JSON object whose members are not the gateway's to check (inputs, params). */
export const optObject = z.record(z.string(), z.unknown()).nullish();
/** Any JSON value (outputs, payloads): carried, never checked. */
export const anything = z.unknown().optional();

/**
 * `json` checked against `schema`, as a function per shape. The mismatch is the upstream's fault,
 * hence UPSTREAM_ERROR; zod's issues are dropped because they can quote the upstream's data.
 *
 * Compiled once, up front: the bulk answer is parsed hundreds of times a second, and zod's
 * interpreter, which wraps every field in a result object of its own, takes two to three times as
 * long as the compiled parser. `strict` so that a construct the compiler refuses fails at import
 * rather than silently falling back to the slow path.
 */
export function wireParser<S extends z.ZodType>(upstream: UpstreamName, schema: S): (json: unknown) => z.output<S> {
  const compiled = z.compile(schema, { strict: true });
  return (json) => {
    const result = compiled.safeParse(json);
    if (!result.success) throw unexpectedShape(upstream);
    return result.data;
  };
}

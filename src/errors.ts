/**
 * The whole client-visible error vocabulary (CONTRACT.md "Errors"). Only this file creates
 * errors that reach clients; anything else thrown in a resolver is masked by yoga.
 */
import { GraphQLError } from 'graphql';
import type { UpstreamName } from './model.ts';

export type ErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_ERROR'
  | 'NOT_CONFIGURED'
  | 'COST_ESTIMATED_TOO_EXPENSIVE'
  | 'RESPONSE_TOO_LARGE'
  | 'COST_ACTUAL_TOO_EXPENSIVE'
  | 'REQUEST_TIMEOUT';

export interface UpstreamErrorExtensions {
  readonly code: ErrorCode;
  readonly upstream: UpstreamName;
  readonly retryAfterSeconds?: number;
  /** HTTP status the upstream answered, when it answered. */
  readonly status?: number;
}

/** An error that carries a contract code; `name` stays `GraphQLError` so yoga never masks it. */
export function upstreamError(
  code: ErrorCode,
  upstream: UpstreamName,
  message: string,
  extra: { retryAfterSeconds?: number; status?: number } = {},
): GraphQLError {
  const extensions: UpstreamErrorExtensions = { code, upstream, ...extra };
  return new GraphQLError(message, { extensions: { ...extensions } });
}

export function notFound(upstream: UpstreamName, what: string): GraphQLError {
  return upstreamError('NOT_FOUND', upstream, `${what} not found`, { status: 404 });
}

export function notConfigured(upstream: UpstreamName, variable: string): GraphQLError {
  return upstreamError('NOT_CONFIGURED', upstream, `The ${upstream} upstream is not configured: set ${variable}`);
}

/** The caller, or the server, has as many subscriptions open as it may: refused before any upstream call. */
export function tooManySubscriptions(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' } });
}

/**
 * The HTTP request already made `maxCalls` upstream calls (all its operations together): this
 * one is not sent, and its field is null.
 */
export function costActualTooExpensive(upstream: UpstreamName, maxCalls: number): GraphQLError {
  return upstreamError(
    'COST_ACTUAL_TOO_EXPENSIVE',
    upstream,
    `This request spent its budget of ${maxCalls} upstream calls: the ${upstream} upstream was not called`,
  );
}

/** The HTTP request's own time ran out before this call to `upstream` could answer. */
export function requestTimeout(upstream: UpstreamName, timeoutMs: number): GraphQLError {
  return upstreamError('REQUEST_TIMEOUT', upstream, `This request ran out of time (${timeoutMs} ms) waiting for the ${upstream} upstream`);
}

/** Rejected before any upstream call. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) },
  });
}

/**
 * The caller brought no valid token where one is required (`AUTH_*`): the whole HTTP request is
 * refused with 401, before any upstream call.
 */
export function callerUnauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
  });
}

/** The caller spent its requests of the window: the whole HTTP request is refused with 429, before any upstream call. */
export function callerRateLimited(retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(`Too many requests from this caller: retry in ${retryAfterSeconds} s`, {
    extensions: { code: 'RATE_LIMITED', retryAfterSeconds, http: { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } } },
  });
}

/**
 * An operation refused before any upstream call: its static estimate, or what it asks of
 * `_entities`, is over a limit. `limit` names the setting, so an operator knows which one to raise.
 */
export function costEstimatedTooExpensive(message: string, extensions: { limit: string; estimate: number; max: number }): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', ...extensions } });
}

/** An answer over `MAX_RESPONSE_BYTES`: sent instead of it, the data dropped. */
export function responseTooLarge(maxBytes: number): GraphQLError {
  return new GraphQLError(`The answer is larger than ${maxBytes} bytes (MAX_RESPONSE_BYTES): ask for fewer items or fields`, {
    extensions: { code: 'RESPONSE_TOO_LARGE', maxBytes },
  });
}

/**
 * The error of one source of a merged list (the `executions` feed), saying which in
 * `extensions.source`: the page still answers with what the other sources gave.
 */
export function sourceError(error: Error, source: string): Error {
  if (!isContractError(error)) return error;
  return new GraphQLError(error.message, { extensions: { ...error.extensions, source } });
}

export function isContractError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && typeof error.extensions?.['code'] === 'string';
}

export function errorCodeOf(error: unknown): ErrorCode | undefined {
  return isContractError(error) ? (error.extensions['code'] as ErrorCode) : undefined;
}

/** Refusals of the persisted-documents layer (README "Clients"), made before any parsing. */
export type DocumentErrorCode = 'PERSISTED_QUERY_NOT_IN_LIST' | 'PERSISTED_QUERY_ID_REQUIRED';

/** `status` is the HTTP status yoga answers with. */
export function documentRefused(code: DocumentErrorCode, message: string, status: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

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
  return upstreamError(
    'NOT_CONFIGURED',
    upstream,
    `The ${upstream} upstream is not configured: set ${variable}`,
  );
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

export function isContractError(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && typeof error.extensions?.['code'] === 'string';
}

export function errorCodeOf(error: unknown): ErrorCode | undefined {
  return isContractError(error) ? (error.extensions['code'] as ErrorCode) : undefined;
}

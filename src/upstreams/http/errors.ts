/**
 * The one place where HTTP answers and transport failures become the contract's errors
 * (src/errors.ts). Nothing from an upstream answer (URL, headers, body) reaches a message,
 * except a short, clean `{"error": "..."}` text of a 400.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLError } from 'graphql';
import { isContractError, notFound, upstreamError } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';
import { isPlainObject } from '../json.ts';
import { parseRetryAfter } from './retry-after.ts';

const timeoutCodes: readonly string[] = ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT'];

/** Never contains the body unless it is a short single-line `{"error": "..."}` message. */
export function safeUpstreamMessage(body: string, secrets: readonly string[]): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (!isPlainObject(parsed)) return null;
  const message = parsed['error'];
  if (typeof message !== 'string') return null;
  const text = message.trim();
  if (text === '' || text.length > 120 || !/^[\x20-\x7e]+$/.test(text) || /[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return null;
  }
  return secrets.some((secret) => text.includes(secret)) ? null : text;
}

/** Maps a non-2xx answer to the contract's error. */
export function errorForStatus(
  upstream: UpstreamName,
  status: number,
  headers: IncomingHttpHeaders,
  body: string,
  options: { resource?: string; secrets?: readonly string[]; now?: number } = {},
): GraphQLError {
  const retryAfterMs = parseRetryAfter(headers['retry-after'], options.now);
  const retryAfter = retryAfterMs === null ? {} : { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) };
  if (status === 400) {
    const message = safeUpstreamMessage(body, options.secrets ?? []);
    const rejected = `The ${upstream} upstream rejected the request`;
    return upstreamError('BAD_USER_INPUT', upstream, message ? `${rejected}: ${message}` : rejected, { status });
  }
  if (status === 401 || status === 403) {
    return upstreamError('UNAUTHENTICATED', upstream, `The ${upstream} upstream refused the credentials`, { status });
  }
  if (status === 404) return notFound(upstream, options.resource ?? 'Resource');
  if (status === 429) {
    return upstreamError('RATE_LIMITED', upstream, `The ${upstream} upstream is rate limiting requests`, { status, ...retryAfter });
  }
  if (status === 502 || status === 503 || status === 504) {
    return upstreamError('UPSTREAM_UNAVAILABLE', upstream, `The ${upstream} upstream answered ${status}`, { status, ...retryAfter });
  }
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered ${status}`, { status });
}

/** Maps a thrown transport error; `deadlineExpired` when the call's own deadline aborted it. */
export function errorForTransport(upstream: UpstreamName, error: unknown, deadlineExpired = false): GraphQLError {
  if (isContractError(error)) return error;
  const { code, name, statusCode, headers } = (error ?? {}) as { code?: unknown; name?: unknown; statusCode?: unknown; headers?: unknown };
  if (deadlineExpired || name === 'TimeoutError' || (typeof code === 'string' && timeoutCodes.includes(code))) {
    return upstreamError('UPSTREAM_TIMEOUT', upstream, `The ${upstream} upstream did not answer in time`);
  }
  // A retry interceptor that gave up hands over the last answer as an error.
  if (typeof statusCode === 'number') {
    return errorForStatus(upstream, statusCode, isPlainObject(headers) ? (headers as IncomingHttpHeaders) : {}, '');
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') return oversizedBody(upstream);
  if (typeof code === 'string') {
    return upstreamError('UPSTREAM_UNAVAILABLE', upstream, `The ${upstream} upstream could not be reached`);
  }
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream call failed`);
}

/** A body past the cap: by the pool's `maxResponseSize` (no status known) or by `readCapped`. */
export function oversizedBody(upstream: UpstreamName, status?: number): GraphQLError {
  const message = `The ${upstream} upstream answered an oversized body`;
  return upstreamError('UPSTREAM_ERROR', upstream, message, status === undefined ? {} : { status });
}

/** A 2xx answer whose body is not JSON. */
export function unreadableBody(upstream: UpstreamName, status: number): GraphQLError {
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an unreadable body`, { status });
}

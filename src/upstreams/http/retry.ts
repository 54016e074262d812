/**
 * Retries of idempotent calls: on 429/502/503/504 and connection errors, with exponential
 * backoff and jitter, honouring a short `Retry-After`, never past the call's deadline. The
 * decision is a plain function; undici's retry interceptor does the waiting and re-sending.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { interceptors } from 'undici';
import type { Dispatcher, RetryHandler } from 'undici';
import type { Deadlines } from './deadline.ts';
import { parseRetryAfter } from './retry-after.ts';

const retryStatusCodes: readonly number[] = [429, 502, 503, 504];
const retryErrorCodes: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
];

/** The retry options of `HttpOptions`, defaults applied. */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly retryAfterCapMs: number;
}

/** A failed attempt as undici reports it: a connection error's `code`, or a retryable answer. */
export interface Failure {
  readonly statusCode?: number;
  readonly code?: string;
  readonly headers?: IncomingHttpHeaders;
}

/**
 * The wait in ms before retry number `counter` (1 for the first), or null to give up and
 * surface the failure. `until` is the call's deadline (epoch ms), when known.
 */
export function retryDelay(
  policy: RetryPolicy,
  failure: Failure,
  counter: number,
  until: number | undefined,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | null {
  if (counter > policy.maxRetries) return null;
  const { statusCode, code } = failure;
  const retryable =
    typeof statusCode === 'number' ? retryStatusCodes.includes(statusCode) : typeof code === 'string' && retryErrorCodes.includes(code);
  if (!retryable) return null;
  const retryAfterMs = parseRetryAfter(failure.headers?.['retry-after'], now);
  // Waiting longer than the cap would stall the whole GraphQL response: surface it instead.
  if (retryAfterMs !== null && retryAfterMs > policy.retryAfterCapMs) return null;
  const backoff = Math.min(policy.minDelayMs * 2 ** (counter - 1), policy.maxDelayMs);
  const delay = retryAfterMs ?? backoff / 2 + (random() * backoff) / 2;
  // A wait that outlives the call's deadline would only turn the real answer into a timeout.
  if (until !== undefined && now + delay >= until) return null;
  return delay;
}

/** undici's retry interceptor deciding by `retryDelay`; each retry is counted on the call's state. */
export function retryInterceptor(policy: RetryPolicy, deadlines: Deadlines, onRetry: () => void): Dispatcher.DispatcherComposeInterceptor {
  const retry: RetryHandler.RetryCallback = (error, { state, opts }, done) => {
    // undici passes the request options through, `signal` included, though its types omit it.
    const call = deadlines.find((opts as { signal?: object | null }).signal);
    const delay = retryDelay(policy, error as Failure, state.counter, call?.until);
    if (delay === null) return done(error);
    if (call !== undefined) call.attempts++;
    onRetry();
    // Returning the timer lets undici cancel the wait when the deadline aborts the call.
    return setTimeout(() => done(null), delay);
  };
  return interceptors.retry({ retry, maxRetries: policy.maxRetries, statusCodes: [...retryStatusCodes], throwOnError: false });
}

/**
 * One pooled undici dispatcher per upstream origin, behind the host's circuit breaker and an
 * in-flight coalescer for reads, and the one place where HTTP answers and
 * transport failures become the contract's errors (errors.ts). Nothing from an upstream answer
 * (URL, headers, body) reaches an error message; bodies go to the optional logger, redacted.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLError } from 'graphql';
import { Pool, interceptors } from 'undici';
import type { Dispatcher, RetryHandler } from 'undici';
import type { UpstreamConfig } from '../config.ts';
import { errorCodeOf, isContractError, notConfigured, upstreamError } from '../errors.ts';
import { readCapped } from './http/body.ts';
import { createBreaker } from './http/breaker.ts';
import { coalesceKey, createCoalescer } from './http/coalesce.ts';
import { errorForStatus, errorForTransport } from './http/errors.ts';
import { queryString } from './http/query.ts';
import { collectSecrets, redactBody } from './http/redact.ts';
import { parseRetryAfter } from './http/retry-after.ts';
import type { Http, HttpOptions, HttpRequest } from './http/types.ts';

export { errorForStatus, errorForTransport } from './http/errors.ts';
export { redactBody } from './http/redact.ts';
export { parseRetryAfter } from './http/retry-after.ts';
export { segment } from './http/segment.ts';
export type { Http, HttpOptions, HttpRequest, UpstreamCall, UpstreamLogger, UpstreamObserver } from './http/types.ts';

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
/** Failed answers' bodies are only logged, and cut short there: no need to read more. */
const errorBodyReadBytes = 64 * 1024;

/** A request with headers, body and target resolved once. */
interface PreparedCall {
  readonly method: HttpRequest['method'];
  /** Base path, request path and query. */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly idempotent: boolean;
  readonly secrets: readonly string[];
  readonly resource: string | undefined;
  /** Path without the query string, and the query string: for logs and the observer. */
  readonly path: string;
  readonly search: string;
}

/** A 2xx answer, shared as text so every caller parses its own copy. */
interface Answer {
  readonly status: number;
  readonly text: string;
}

/** How one upstream call is going; the retry policy finds it through the call's abort signal. */
interface CallState {
  /** When the call must give up (epoch ms). */
  until: number;
  attempts: number;
  /** The last HTTP status received. */
  status: number | null;
}

/**
 * A settled call, never a rejection: coalesced callers all get the answer or the error, and
 * the status and attempts behind it, for their own trace entry.
 */
interface Outcome {
  readonly answer: Answer | null;
  readonly error: unknown;
  readonly status: number | null;
  readonly attempts: number;
}

export function createHttp(config: UpstreamConfig, options: HttpOptions = {}): Http {
  const upstream = config.name;
  if (config.baseUrl === null) {
    const variable = config.variable;
    return {
      upstream,
      json: () => Promise.reject(notConfigured(upstream, variable)),
      health: () => 'not-configured',
      close: () => Promise.resolve(),
    };
  }
  const {
    logger,
    observer,
    deadlineMs = 10_000,
    maxRetries = 2,
    retryMinDelayMs = 100,
    retryMaxDelayMs = 1000,
    retryAfterCapMs = 2000,
    maxBodyBytes = 10 * 1024 * 1024,
  } = options;
  const base = new URL(config.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: config.connections,
    connectTimeout: config.connectTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    maxResponseSize: maxBodyBytes,
  });

  const host = base.host;
  // Each call's deadline and attempts, keyed by its abort signal (undici hands the signal back to
  // the retry policy inside the dispatch options).
  const calls = new WeakMap<object, CallState>();
  const retry: RetryHandler.RetryCallback = (error, { state, opts }, done) => {
    const { statusCode, code, headers } = error as Error & {
      statusCode?: number;
      code?: string;
      headers?: IncomingHttpHeaders;
    };
    // The first failure arrives with counter 1.
    if (state.counter > maxRetries) return done(error);
    const retryable =
      typeof statusCode === 'number' ? retryStatusCodes.includes(statusCode) : typeof code === 'string' && retryErrorCodes.includes(code);
    if (!retryable) return done(error);
    const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
    // Waiting longer than the cap would stall the whole GraphQL response: surface it instead.
    if (retryAfterMs !== null && retryAfterMs > retryAfterCapMs) return done(error);
    const backoff = Math.min(retryMinDelayMs * 2 ** (state.counter - 1), retryMaxDelayMs);
    const delay = retryAfterMs ?? backoff / 2 + (Math.random() * backoff) / 2;
    // A wait that outlives the call's deadline would only turn the real answer into a timeout.
    const { signal } = opts as { signal?: object | null };
    const call = signal ? calls.get(signal) : undefined;
    if (call !== undefined && Date.now() + delay >= call.until) return done(error);
    if (call !== undefined) call.attempts++;
    observer?.retried(upstream);
    // Returning the timer lets undici cancel the wait when the deadline aborts the call.
    return setTimeout(() => done(null), delay);
  };
  // Same pool, so still one dispatcher per origin; only idempotent calls go through retries.
  const retrying = pool.compose(
    interceptors.retry({ retry, maxRetries, statusCodes: [...retryStatusCodes], throwOnError: false }),
  );

  const breaker = createBreaker(upstream, config.breaker);
  const coalesce = config.coalesce;
  const coalescer = createCoalescer<Outcome>();

  const log = (fields: Record<string, unknown>, message: string) => {
    try {
      logger?.warn({ upstream, ...fields }, message);
    } catch {
      // A broken logger must not turn an answer into a failure.
    }
  };

  function prepare(request: HttpRequest): PreparedCall {
    const headers: Record<string, string> = { accept: 'application/json' };
    const secrets: string[] = [];
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      if (value === null || value === undefined) continue;
      const key = name.toLowerCase();
      headers[key] = value;
      collectSecrets(key, value, secrets);
    }
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const path = `${basePath}${request.path}`;
    const search = queryString(request.query);
    return {
      method: request.method,
      target: `${path}${search}`,
      headers,
      body,
      idempotent: request.idempotent ?? request.method === 'GET',
      secrets,
      resource: request.resource,
      path,
      search,
    };
  }

  /** One upstream call (retries included): the text of a 2xx answer, or a contract error. */
  async function send(call: PreparedCall, state: CallState, requestId: string | null, callerSignal: AbortSignal | undefined): Promise<Answer> {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
    state.until = Date.now() + deadlineMs;
    state.attempts = 1;
    calls.set(signal, state);
    const { secrets } = call;
    const logFields = { method: call.method, path: call.path, ...(requestId ? { reqId: requestId } : {}) };
    try {
      const response = await (call.idempotent ? retrying : pool).request({
        method: call.method,
        path: call.target,
        // The request id is added here, after the coalescing key was taken, so concurrent requests
        // still share one call (it then carries the first caller's id).
        headers: requestId ? { ...call.headers, 'x-request-id': requestId } : call.headers,
        body: call.body ?? null,
        signal,
        idempotent: call.idempotent,
      });
      const { statusCode } = response;
      state.status = statusCode;
      if (statusCode >= 200 && statusCode < 300) {
        const { text, truncated } = await readCapped(response.body, maxBodyBytes);
        if (truncated) {
          log({ ...logFields, status: statusCode }, 'upstream body too large');
          throw upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an oversized body`, {
            status: statusCode,
          });
        }
        return { status: statusCode, text };
      }
      const { text } = await readCapped(response.body, errorBodyReadBytes);
      if (statusCode !== 404) {
        log({ ...logFields, status: statusCode, body: redactBody(text, secrets) }, 'upstream answered an error');
      }
      throw errorForStatus(upstream, statusCode, response.headers, text, { secrets, ...(call.resource ? { resource: call.resource } : {}) });
    } catch (error) {
      if (isContractError(error)) throw error;
      // The caller gave up: nothing to report to anyone.
      if (callerSignal?.aborted && !deadline.aborted) throw error;
      const mapped = errorForTransport(upstream, error, deadline.aborted);
      const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
      if (typeof statusCode === 'number') state.status = statusCode;
      log({ ...logFields, code: typeof code === 'string' ? code : undefined }, 'upstream call failed');
      throw mapped;
    }
  }

  /** One call under the breaker, settled: an open circuit is an outcome with no attempt. */
  async function attempt(call: PreparedCall, requestId: string | null, callerSignal: AbortSignal | undefined): Promise<Outcome> {
    const state: CallState = { until: 0, attempts: 0, status: null };
    try {
      const answer = await breaker.fire(() => send(call, state, requestId, callerSignal));
      return { answer, error: null, status: state.status, attempts: state.attempts };
    } catch (error) {
      return { answer: null, error, status: state.status, attempts: state.attempts };
    }
  }

  async function json(request: HttpRequest): Promise<unknown> {
    const call = prepare(request);
    const startedAt = observer ? performance.now() : 0;
    const requestId = observer ? observer.requestId() : null;
    let shared = false;
    let outcome: Outcome;
    // Only reads are shared, and only without a caller signal: one caller giving up must not
    // abort the call the others wait on.
    if (coalesce && call.idempotent && !request.signal) {
      shared = true; // unless the coalescer starts a new call, below
      outcome = await coalescer.run(coalesceKey(call.method, call.target, call.headers, call.body), () => {
        shared = false;
        return attempt(call, requestId, undefined);
      });
    } else {
      outcome = await attempt(call, requestId, request.signal);
    }
    let value: unknown;
    let failure: unknown = null;
    if (outcome.answer === null) {
      failure = outcome.error;
    } else {
      // Every caller parses its own copy, so no one can change what another caller sees.
      try {
        value = JSON.parse(outcome.answer.text) as unknown;
      } catch {
        failure = unreadable(call, outcome.answer, requestId);
      }
    }
    if (observer) {
      try {
        observer.settled({
          upstream,
          method: call.method,
          host,
          path: call.path,
          search: call.search,
          status: outcome.status,
          code: failure === null ? null : (errorCodeOf(failure) ?? null),
          attempts: outcome.attempts,
          startedAt,
          durationMs: performance.now() - startedAt,
          batchSize: request.batchSize ?? null,
          shared,
        });
      } catch {
        // A broken observer must not turn an answer into a failure.
      }
    }
    if (failure !== null) throw failure;
    return value;
  }

  /** A 2xx body that is not JSON: logged (redacted), and the contract error for it. */
  function unreadable(call: PreparedCall, { status, text }: Answer, requestId: string | null): GraphQLError {
    log({ method: call.method, path: call.path, ...(requestId ? { reqId: requestId } : {}), status, body: redactBody(text, call.secrets) }, 'upstream answered non-JSON');
    return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an unreadable body`, { status });
  }

  return {
    upstream,
    json,
    health: () => breaker.state(),
    close: async () => {
      breaker.shutdown();
      await pool.close();
    },
  };
}

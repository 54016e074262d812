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
import { badUserInput, errorCodeOf, isContractError, notConfigured, notFound, upstreamError } from '../errors.ts';
import type { UpstreamName } from '../model.ts';
import type { BreakerState } from './http/breaker.ts';
import { createBreaker } from './http/breaker.ts';
import { coalesceKey, createCoalescer } from './http/coalesce.ts';
import { isPlainObject } from './json.ts';

/** pino-compatible: `logger.warn({ ...fields }, 'message')`. */
export interface UpstreamLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/**
 * What one caller's upstream call did, for metrics and the per-request trace. Holds no header,
 * body or credential: only what the caller asked for and how it went.
 */
export interface UpstreamCall {
  readonly upstream: UpstreamName;
  readonly method: HttpRequest['method'];
  /** `host[:port]` of the base URL (never its userinfo). */
  readonly host: string;
  /** The path as sent, base path included, without the query string. */
  readonly path: string;
  /** The query string as sent (`?a=1&b=2`, or ''): built by the clients from GraphQL arguments, never credentials. */
  readonly search: string;
  /** The last HTTP status received; null when none came (timeout, unreachable, circuit open). */
  readonly status: number | null;
  /** The contract error code of a failed call (errors.ts); null when it answered 2xx and parsed. */
  readonly code: string | null;
  /** HTTP attempts: 1 without retries, 0 when nothing was sent (circuit open). */
  readonly attempts: number;
  /** `performance.now()` when this caller asked. */
  readonly startedAt: number;
  /** This caller's wait, ms. */
  readonly durationMs: number;
  /** Ids carried by a bulk call (`HttpRequest.batchSize`); null otherwise. */
  readonly batchSize: number | null;
  /** The caller joined an identical call another caller already had in flight (coalescing). */
  readonly shared: boolean;
}

/** Hooks for metrics, logs and traces; every method must be cheap (it runs on every call). */
export interface UpstreamObserver {
  /** The id of the request this call serves, sent as `X-Request-ID`; read in the caller's async context. */
  requestId(): string | null;
  /** Once per caller when its call settles: a shared call is reported to each caller, `shared` set for the joiners. */
  settled(call: UpstreamCall): void;
  /** Each retry of an idempotent call, as it is scheduled. */
  retried(upstream: UpstreamName): void;
}

export interface HttpOptions {
  /** Receives failed answers (redacted, truncated bodies). @default undefined: nothing is logged */
  readonly logger?: UpstreamLogger | undefined;
  /** Metrics and trace hooks. @default undefined: nothing is observed */
  readonly observer?: UpstreamObserver | undefined;
  /** Budget for one call, retries, backoff and body included. @default 10000 */
  readonly deadlineMs?: number;
  /** Retries of an idempotent call after the first attempt. @default 2 */
  readonly maxRetries?: number;
  /** First backoff step; doubles per retry, with jitter. @default 100 */
  readonly retryMinDelayMs?: number;
  /** @default 1000 */
  readonly retryMaxDelayMs?: number;
  /** Longest `Retry-After` waited for; a longer one is surfaced at once instead. @default 2000 */
  readonly retryAfterCapMs?: number;
  /** Largest body read from a 2xx answer. @default 10485760 (10 MiB) */
  readonly maxBodyBytes?: number;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL's own path, ids already encoded with `segment()`. */
  readonly path: string;
  /** null/undefined values are not sent. */
  readonly query?: Readonly<Record<string, string | number | null | undefined>>;
  /** null/undefined values are not sent (a missing credential sends no header). */
  readonly headers?: Readonly<Record<string, string | null | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /**
   * The call only reads: retried on 429/502/503/504 and connection errors, and shared with
   * identical concurrent calls (same URL, body and credentials) unless `UPSTREAM_COALESCE=false`.
   * @default method === 'GET'
   */
  readonly idempotent?: boolean;
  /** Names the missing thing in a NOT_FOUND message. @default 'Resource' */
  readonly resource?: string;
  /** Ids one bulk call carries, reported to the observer (trace, metrics). @default undefined: not a batch */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

export interface Http {
  readonly upstream: UpstreamName;
  /** The parsed JSON of a 2xx answer; every failure is thrown as a contract error. */
  json(request: HttpRequest): Promise<unknown>;
  /** The host's circuit breaker. */
  health(): BreakerState;
  /** Closes the pool and the breaker's timers. */
  close(): Promise<void>;
}

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
const timeoutCodes: readonly string[] = [
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
];
/** Logged bodies of failed answers are cut here; no one needs more to debug. */
const errorBodyReadBytes = 64 * 1024;
const loggedBodyChars = 2048;
const sensitiveKeys = new Set(['api_key', 'organization_id', 'source_ip_address', 'authorization', 'x-api-key', 'x-project-id']);
const sensitiveHeaders = new Set(['authorization', 'x-api-key', 'x-project-id']);

/**
 * One URL path segment from an id: `/`, `?`, `#` and `%` are percent-encoded so an id can never
 * address another upstream path; empty, `.` and `..` are refused before any call.
 */
export function segment(id: string): string {
  // Values can reach here from untyped JSON (federation's `_Any`): only a string is an id.
  if (typeof id !== 'string') throw badUserInput('An id must be a string');
  if (id === '' || id === '.' || id === '..') throw badUserInput('An id must not be empty, "." or ".."');
  return encodeURIComponent(id);
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date; null when absent or malformed. */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: number = Date.now()): number | null {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Never contains the body unless it is a short single-line `{"error": "..."}` message. */
function safeUpstreamMessage(body: string, secrets: readonly string[]): string | null {
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

/** Maps a non-2xx answer to the contract's error; exported for unit tests. */
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
    return upstreamError(
      'BAD_USER_INPUT',
      upstream,
      message ? `The ${upstream} upstream rejected the request: ${message}` : `The ${upstream} upstream rejected the request`,
      { status },
    );
  }
  if (status === 401 || status === 403) {
    return upstreamError('UNAUTHENTICATED', upstream, `The ${upstream} upstream refused the credentials`, { status });
  }
  if (status === 404) return notFound(upstream, options.resource ?? 'Resource');
  if (status === 429) {
    return upstreamError('RATE_LIMITED', upstream, `The ${upstream} upstream is rate limiting requests`, {
      status,
      ...retryAfter,
    });
  }
  if (status === 502 || status === 503 || status === 504) {
    return upstreamError('UPSTREAM_UNAVAILABLE', upstream, `The ${upstream} upstream answered ${status}`, {
      status,
      ...retryAfter,
    });
  }
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered ${status}`, { status });
}

/** Maps a thrown transport error; exported for unit tests. */
export function errorForTransport(upstream: UpstreamName, error: unknown, deadlineExpired = false): GraphQLError {
  if (isContractError(error)) return error;
  const { code, name, statusCode, headers } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    statusCode?: unknown;
    headers?: unknown;
  };
  if (deadlineExpired || name === 'TimeoutError' || (typeof code === 'string' && timeoutCodes.includes(code))) {
    return upstreamError('UPSTREAM_TIMEOUT', upstream, `The ${upstream} upstream did not answer in time`);
  }
  // A retry interceptor that gave up hands over the last answer as an error.
  if (typeof statusCode === 'number') {
    return errorForStatus(upstream, statusCode, isPlainObject(headers) ? (headers as IncomingHttpHeaders) : {}, '');
  }
  if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
    return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an oversized body`);
  }
  if (typeof code === 'string') {
    return upstreamError('UPSTREAM_UNAVAILABLE', upstream, `The ${upstream} upstream could not be reached`);
  }
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream call failed`);
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      sensitiveKeys.has(key.toLowerCase()) ? '[REDACTED]' : redactValue(child),
    ]),
  );
}

/** For logs only: sensitive keys and the call's own credentials replaced, then truncated. */
export function redactBody(body: string, secrets: readonly string[] = []): string {
  let text: string;
  try {
    text = JSON.stringify(redactValue(JSON.parse(body)));
  } catch {
    // Truncated or non-JSON text: still strip `"api_key": "..."`-like pairs.
    text = body.replace(
      /("(?:api_key|organization_id|source_ip_address|authorization|x-api-key|x-project-id)"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi,
      '$1"[REDACTED]"',
    );
  }
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('[REDACTED]');
  }
  return text.length > loggedBodyChars ? `${text.slice(0, loggedBodyChars)}…` : text;
}

async function readCapped(body: Dispatcher.ResponseData['body'], cap: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (size + buffer.length > cap) {
      chunks.push(buffer.subarray(0, cap - size));
      body.destroy(); // the rest is not wanted; never leave a body unconsumed
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}

function buildQuery(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

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
      if (sensitiveHeaders.has(key)) secrets.push(value, value.replace(/^Bearer\s+/i, ''));
    }
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers['content-type'] = 'application/json';
    }
    const path = `${basePath}${request.path}`;
    const search = buildQuery(request.query);
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

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
import { badUserInput, isContractError, notConfigured, notFound, upstreamError } from '../errors.ts';
import type { UpstreamName } from '../model.ts';
import type { BreakerState } from './breaker.ts';
import { createBreaker } from './breaker.ts';
import { coalesceKey, createCoalescer } from './coalesce.ts';
import { isPlainObject } from './json.ts';

/** pino-compatible: `logger.warn({ ...fields }, 'message')`. */
export interface UpstreamLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface HttpOptions {
  /** Receives failed answers (redacted, truncated bodies). @default undefined: nothing is logged */
  readonly logger?: UpstreamLogger | undefined;
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
  readonly logFields: Record<string, unknown>;
}

/** A 2xx answer, shared as text so every caller parses its own copy. */
interface Answer {
  readonly status: number;
  readonly text: string;
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

  // When each call must give up, keyed by its abort signal (undici hands the signal back to the
  // retry policy inside the dispatch options).
  const deadlines = new WeakMap<object, number>();
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
    const until = signal ? deadlines.get(signal) : undefined;
    if (until !== undefined && Date.now() + delay >= until) return done(error);
    // Returning the timer lets undici cancel the wait when the deadline aborts the call.
    return setTimeout(() => done(null), delay);
  };
  // Same pool, so still one dispatcher per origin; only idempotent calls go through retries.
  const retrying = pool.compose(
    interceptors.retry({ retry, maxRetries, statusCodes: [...retryStatusCodes], throwOnError: false }),
  );

  const breaker = createBreaker(upstream, config.breaker);
  const coalesce = config.coalesce;
  const coalescer = createCoalescer<Answer>();

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
    return {
      method: request.method,
      target: `${path}${buildQuery(request.query)}`,
      headers,
      body,
      idempotent: request.idempotent ?? request.method === 'GET',
      secrets,
      resource: request.resource,
      logFields: { method: request.method, path },
    };
  }

  /** One upstream call (retries included): the text of a 2xx answer, or a contract error. */
  async function send(call: PreparedCall, callerSignal: AbortSignal | undefined): Promise<Answer> {
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
    deadlines.set(signal, Date.now() + deadlineMs);
    const { secrets, logFields } = call;
    try {
      const response = await (call.idempotent ? retrying : pool).request({
        method: call.method,
        path: call.target,
        headers: call.headers,
        body: call.body ?? null,
        signal,
        idempotent: call.idempotent,
      });
      const { statusCode } = response;
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
      const code = (error as { code?: unknown } | null)?.code;
      log({ ...logFields, code: typeof code === 'string' ? code : undefined }, 'upstream call failed');
      throw mapped;
    }
  }

  async function json(request: HttpRequest): Promise<unknown> {
    const call = prepare(request);
    const guarded = () => breaker.fire(() => send(call, request.signal));
    // Only reads are shared, and only without a caller signal: one caller giving up must not
    // abort the call the others wait on.
    const { status, text } =
      coalesce && call.idempotent && !request.signal
        ? await coalescer.run(coalesceKey(call.method, call.target, call.headers, call.body), guarded)
        : await guarded();
    // Every caller parses its own copy, so no one can change what another caller sees.
    try {
      return JSON.parse(text) as unknown;
    } catch {
      log({ ...call.logFields, status, body: redactBody(text, call.secrets) }, 'upstream answered non-JSON');
      throw upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an unreadable body`, { status });
    }
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

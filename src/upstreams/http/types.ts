/**
 * What the HTTP layer offers the host clients and the observability code; `../http.ts`
 * re-exports all of it.
 */
import type { UpstreamName } from '../../model.ts';
import type { BreakerState } from './breaker.ts';

/** pino-compatible: `logger.warn({ ...fields }, 'message')`. */
export interface UpstreamLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  /** @default absent: nothing is logged at this level */
  info?(obj: Record<string, unknown>, msg: string): void;
  /**
   * One line per failed call that served a request: the request's own warning sums them up
   * (observability). @default absent: nothing is logged at this level
   */
  debug?(obj: Record<string, unknown>, msg: string): void;
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

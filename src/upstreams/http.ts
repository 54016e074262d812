/**
 * One pooled undici dispatcher per upstream origin, behind the host's circuit breaker and an
 * in-flight coalescer for reads; every failure comes out as a contract error (errors.ts).
 * Nothing from an upstream answer (URL, headers, body) reaches an error message; bodies go to
 * the optional logger, redacted. Each concern is a part in `http/`; this file composes them.
 */
import type { UpstreamConfig } from '../config.ts';
import { notConfigured } from '../errors.ts';
import type { UpstreamName } from '../model.ts';
import { createBreaker } from './http/breaker.ts';
import type { Outcome } from './http/call.ts';
import { createAttempt } from './http/call.ts';
import { createCoalescer } from './http/coalesce.ts';
import { createDeadlines } from './http/deadline.ts';
import { createGate } from './http/gate.ts';
import { createCallLog } from './http/observe.ts';
import { createDispatchers } from './http/pool.ts';
import { createJson } from './http/request.ts';
import { retryInterceptor } from './http/retry.ts';
import type { Http, HttpOptions } from './http/types.ts';

export { errorForStatus, errorForTransport } from './http/errors.ts';
export { redactBody } from './http/redact.ts';
export { parseRetryAfter } from './http/retry-after.ts';
export { segment } from './http/segment.ts';
export type { Http, HttpOptions, HttpRequest, UpstreamCall, UpstreamLogger, UpstreamObserver } from './http/types.ts';

export function createHttp(config: UpstreamConfig, options: HttpOptions = {}): Http {
  const upstream = config.name;
  if (config.baseUrl === null) return unconfigured(upstream, config.variable);
  const { logger, observer, deadlineMs = 10_000, maxRetries = 2, maxBodyBytes = 10 * 1024 * 1024 } = options;
  const { retryMinDelayMs = 100, retryMaxDelayMs = 1000, retryAfterCapMs = 2000 } = options;
  const base = new URL(config.baseUrl);
  const deadlines = createDeadlines(deadlineMs);
  const policy = { maxRetries, minDelayMs: retryMinDelayMs, maxDelayMs: retryMaxDelayMs, retryAfterCapMs };
  const retry = retryInterceptor(policy, deadlines, () => observer?.retried(upstream));
  const dispatchers = createDispatchers(base.origin, config, maxBodyBytes, retry);
  const breaker = createBreaker(upstream, config.breaker, logger);
  const log = createCallLog(upstream, logger);
  const connections = createGate(config.connections);
  const json = createJson({
    upstream,
    host: base.host,
    basePath: base.pathname.replace(/\/+$/, ''),
    observer,
    log,
    attempt: createAttempt({ upstream, dispatchers, deadlines, breaker, connections, maxBodyBytes, log }),
    coalescer: config.coalesce ? createCoalescer<Outcome>() : null,
  });
  return {
    upstream,
    json,
    health: () => breaker.state(),
    close: async () => {
      breaker.shutdown();
      await dispatchers.pool.close();
    },
  };
}

/** A host without a base URL: every call fails NOT_CONFIGURED, before any network. */
function unconfigured(upstream: UpstreamName, variable: string): Http {
  return {
    upstream,
    json: () => Promise.reject(notConfigured(upstream, variable)),
    health: () => 'not-configured',
    close: () => Promise.resolve(),
  };
}

/**
 * Operability for one gateway instance: request ids, the per-request log line, the upstream
 * trace (`X-Gateway-Trace: 1` → `extensions.trace`), Prometheus metrics on `GET /metrics`.
 */
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { ObservabilityConfig } from '../config.ts';
import type { UpstreamCall, UpstreamObserver } from '../upstreams/http.ts';
import { type BreakerHealth, createMetrics, type GatewayMetrics } from './metrics.ts';
import { useObservability } from './plugin.ts';
import { currentScope } from './scope.ts';

export type { GatewayMetrics } from './metrics.ts';
export { outsideRequest } from './scope.ts';
export type { TraceEntry, TraceSummary } from './trace.ts';

/** What request-scoped code (context, loaders, subscriptions) reports; `context.observer`. */
export interface RequestObserver {
  /** The request's id (`X-Request-ID`); '' outside a request. */
  readonly requestId: string;
  /** A DataLoader batch function ran with this many keys (`gateway_loader_batch_size{loader}`). */
  loaderBatch(loader: string, size: number): void;
  /**
   * A GraphQL subscription started (`gateway_active_subscriptions{subscription}` + 1). Call the
   * returned function once it ends, however it ends; calling it again does nothing.
   */
  subscriptionStarted(subscription: string): () => void;
}

const nothing = () => {};

/** Observes nothing: for contexts built outside a gateway (scripts, unit tests). */
export const noopObserver: RequestObserver = {
  requestId: '',
  loaderBatch: nothing,
  subscriptionStarted: () => nothing,
};

export interface Observability {
  /** null when `METRICS=off`. */
  readonly metrics: GatewayMetrics | null;
  /** For createUpstreams: request ids sent upstream; calls into metrics and the current trace. */
  readonly upstream: UpstreamObserver;
  /** The current request's observer; call it while building the request's context. */
  observer(): RequestObserver;
  /** Put it first in yoga's plugin list, so every response gets its request id. */
  readonly plugin: Plugin;
}

export interface ObservabilityOptions {
  readonly logger?: Logger | undefined;
  /** The upstream circuit breakers, read when metrics are scraped. */
  readonly health: BreakerHealth;
  /** @default '/graphql' */
  readonly graphqlEndpoint?: string;
}

export function createObservability(config: ObservabilityConfig, options: ObservabilityOptions): Observability {
  const metrics = config.metrics ? createMetrics({ health: options.health }) : null;
  // Its line is already written: a stream's later failure is a warning of its own.
  const lateFailure = (reqId: string, { upstream, method, path, status, code }: UpstreamCall) => {
    try {
      options.logger?.warn({ reqId, upstream, method, path, status, code }, 'upstream call failed after the response started');
    } catch {
      // A broken logger must not turn an answer into a failure.
    }
  };
  const upstream: UpstreamObserver = {
    requestId: () => currentScope()?.request.id ?? null,
    settled(call) {
      metrics?.upstreamCall(call);
      const scope = currentScope();
      if (!scope) return;
      const { request } = scope;
      request.upstreamCalls++;
      if (!request.responded) request.upstreamFailures.add(call);
      else if (call.code !== null) lateFailure(request.id, call);
      scope.trace?.record(call);
    },
    retried(name) {
      metrics?.retry(name);
    },
  };
  const loaderBatch = metrics ? (loader: string, size: number) => metrics.loaderBatch(loader, size) : nothing;
  const subscriptionStarted = metrics ? (subscription: string) => metrics.subscriptionStarted(subscription) : () => nothing;
  return {
    metrics,
    upstream,
    observer: () => ({ requestId: currentScope()?.request.id ?? '', loaderBatch, subscriptionStarted }),
    plugin: useObservability({
      metrics,
      metricsToken: config.metricsToken,
      trace: config.trace,
      logger: options.logger,
      ...(options.graphqlEndpoint ? { graphqlEndpoint: options.graphqlEndpoint } : {}),
    }),
  };
}

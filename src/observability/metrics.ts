/**
 * Prometheus metrics, one registry per gateway (never prom-client's global one, so tests and
 * embedders can run several gateways in one process). Every label value comes from a fixed set
 * or is capped: no ids, paths, operation names or credentials ever become a label.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { UpstreamName } from '../model.ts';
import type { UpstreamCall } from '../upstreams/http.ts';

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';
/**
 * `success` no errors · `partial` data and errors · `error` errors and every root field null · `rejected`
 * refused before execution (parse, validation, limits) · `stream` a subscription or incremental
 * result, counted when it starts.
 */
export type OperationOutcome = 'success' | 'partial' | 'error' | 'rejected' | 'stream';

export type BreakerHealth = () => Readonly<Record<UpstreamName, { readonly state: string }>>;

export interface GatewayMetrics {
  readonly registry: Registry;
  operation(type: OperationType, outcome: OperationOutcome, seconds: number): void;
  /** One count per error of a response, by its `extensions.code`. */
  error(code: unknown): void;
  /** One caller's upstream call: a sent one counts with its status class and latency, a joined one as coalesced. */
  upstreamCall(call: UpstreamCall): void;
  retry(upstream: UpstreamName): void;
  loaderBatch(loader: string, size: number): void;
  /** Counts an active subscription until the returned function is called (idempotent). */
  subscriptionStarted(subscription: string): () => void;
}

const breakerStates = ['closed', 'half-open', 'open', 'not-configured'] as const;
/** Distinct free-form label values (error codes, loader and subscription names) kept per label; beyond: `other`. */
const maxDistinctValues = 50;
const labelLike = /^[A-Za-z][A-Za-z0-9_]{0,59}$/;

/** A label value from code-defined names only: anything odd, or past the cap, is `other`. */
function boundedLabel(): (value: unknown) => string {
  const seen = new Set<string>();
  return (value) => {
    if (typeof value !== 'string' || !labelLike.test(value)) return 'other';
    if (seen.has(value)) return value;
    if (seen.size >= maxDistinctValues) return 'other';
    seen.add(value);
    return value;
  };
}

function statusClass(call: UpstreamCall): string {
  if (call.status !== null) return `${Math.floor(call.status / 100)}xx`;
  if (call.code === 'UPSTREAM_TIMEOUT') return 'timeout';
  // No code: the caller gave up (its request's deadline) before the host answered.
  return call.code === null ? 'aborted' : 'unreachable';
}

export interface MetricsOptions {
  /** Read at scrape time for the breaker gauge. */
  readonly health: BreakerHealth;
  /** Process and Node.js metrics (CPU, memory, event loop, GC). @default true */
  readonly processMetrics?: boolean;
}

type Registers = Registry[];

/** Operations by type and outcome, their time, and the errors of their responses. */
function graphqlMetrics(registers: Registers) {
  const operations = new Counter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations by type and outcome',
    labelNames: ['operation_type', 'outcome'] as const,
    registers,
  });
  const operationSeconds = new Histogram({
    name: 'gateway_graphql_operation_duration_seconds',
    help: 'GraphQL operation time, from the request to its result',
    labelNames: ['operation_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const errors = new Counter({
    name: 'gateway_graphql_errors_total',
    help: 'Errors in GraphQL responses by extensions.code',
    labelNames: ['code'] as const,
    registers,
  });
  return { operations, operationSeconds, errors };
}

/** Upstream calls: sent ones by status class and time, failures, retries, short circuits and joined calls. */
function upstreamMetrics(registers: Registers) {
  const upstreamRequests = new Counter({
    name: 'gateway_upstream_requests_total',
    help: 'Upstream calls sent (retries of one call counted once; joined calls not counted), by status class',
    labelNames: ['upstream', 'method', 'status_class'] as const,
    registers,
  });
  const upstreamSeconds = new Histogram({
    name: 'gateway_upstream_request_duration_seconds',
    help: 'Upstream call time, retries and body included',
    labelNames: ['upstream'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const upstreamFailures = new Counter({
    name: 'gateway_upstream_failures_total',
    help: 'Failed upstream calls by contract error code',
    labelNames: ['upstream', 'code'] as const,
    registers,
  });
  const retries = new Counter({
    name: 'gateway_upstream_retries_total',
    help: 'Retries of idempotent upstream calls',
    labelNames: ['upstream'] as const,
    registers,
  });
  const shortCircuits = new Counter({
    name: 'gateway_upstream_short_circuits_total',
    help: 'Upstream calls refused at once because the host circuit breaker was open',
    labelNames: ['upstream'] as const,
    registers,
  });
  const coalesced = new Counter({
    name: 'gateway_upstream_coalesced_total',
    help: 'Upstream calls joined to an identical call already in flight instead of being sent',
    labelNames: ['upstream'] as const,
    registers,
  });
  return { upstreamRequests, upstreamSeconds, upstreamFailures, retries, shortCircuits, coalesced };
}

/** Each host's circuit breaker state, read at scrape time. */
function breakerGauge(registers: Registers, health: BreakerHealth): void {
  new Gauge({
    name: 'gateway_upstream_breaker_state',
    help: 'Circuit breaker state per upstream host: 1 for the current state, 0 for the others',
    labelNames: ['upstream', 'state'] as const,
    registers,
    collect() {
      for (const [upstream, { state }] of Object.entries(health())) {
        for (const candidate of breakerStates) this.set({ upstream, state: candidate }, state === candidate ? 1 : 0);
      }
    },
  });
}

/** DataLoader batch sizes and open subscriptions. */
function executionMetrics(registers: Registers) {
  const loaderBatches = new Histogram({
    name: 'gateway_loader_batch_size',
    help: 'Keys per DataLoader batch, by loader',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers,
  });
  const subscriptions = new Gauge({
    name: 'gateway_active_subscriptions',
    help: 'GraphQL subscriptions currently open, by subscription field',
    labelNames: ['subscription'] as const,
    registers,
  });

  return { loaderBatches, subscriptions };
}

/** One caller's upstream call: a joined one as coalesced, a refused one as short-circuited, a sent one by status and time. */
function recordUpstreamCall(upstream: ReturnType<typeof upstreamMetrics>, codeLabel: (value: unknown) => string, call: UpstreamCall): void {
  if (call.shared) {
    upstream.coalesced.inc({ upstream: call.upstream });
    return;
  }
  if (call.attempts === 0) {
    upstream.shortCircuits.inc({ upstream: call.upstream });
    return;
  }
  upstream.upstreamRequests.inc({ upstream: call.upstream, method: call.method, status_class: statusClass(call) });
  upstream.upstreamSeconds.observe({ upstream: call.upstream }, call.durationMs / 1000);
  if (call.code !== null) upstream.upstreamFailures.inc({ upstream: call.upstream, code: codeLabel(call.code) });
}

export function createMetrics(options: MetricsOptions): GatewayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const { operations, operationSeconds, errors } = graphqlMetrics(registers);
  const upstream = upstreamMetrics(registers);
  breakerGauge(registers, options.health);
  const { loaderBatches, subscriptions } = executionMetrics(registers);

  const codeLabel = boundedLabel();
  const loaderLabel = boundedLabel();
  const subscriptionLabel = boundedLabel();

  return {
    registry,
    operation(type, outcome, seconds) {
      operations.inc({ operation_type: type, outcome });
      operationSeconds.observe({ operation_type: type }, seconds);
    },
    error(code) {
      errors.inc({ code: code === undefined || code === null ? 'none' : codeLabel(code) });
    },
    upstreamCall(call) {
      recordUpstreamCall(upstream, codeLabel, call);
    },
    retry(name) {
      upstream.retries.inc({ upstream: name });
    },
    loaderBatch(loader, size) {
      loaderBatches.observe({ loader: loaderLabel(loader) }, size);
    },
    subscriptionStarted(subscription) {
      const labels = { subscription: subscriptionLabel(subscription) };
      subscriptions.inc(labels);
      let open = true;
      return () => {
        if (!open) return;
        open = false;
        subscriptions.dec(labels);
      };
    },
  };
}

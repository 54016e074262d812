/**
 * The only reader of process.env: a frozen, typed Config (CONTRACT.md "Environment").
 */
import type { PerUpstream, UpstreamName } from './model.ts';
import type { HostSettings } from './upstreams/host.ts';
import { defaultHosts } from './upstreams/registry.ts';

export interface UpstreamConfig {
  readonly name: UpstreamName;
  /** The host's server-side credential settings (`EACHLABS_API_KEY`, …), as its folder declares them; null when unset. */
  readonly settings: Readonly<Record<string, string | null>>;
  /** Base URL, path prefix included; null when the host is not configured. */
  readonly baseUrl: string | null;
  /** The variable that configures `baseUrl`, named in NOT_CONFIGURED errors. */
  readonly variable: string;
  /** @default 2000 */
  readonly connectTimeoutMs: number;
  /** Time to the response headers. @default 5000 */
  readonly headersTimeoutMs: number;
  /** Idle time between body chunks. @default 5000 */
  readonly bodyTimeoutMs: number;
  /** Pooled keep-alive connections per origin. @default 32 */
  readonly connections: number;
  readonly breaker: BreakerConfig;
  /**
   * Concurrent identical reads (same method, URL, body and credentials) share one upstream call
   * (`UPSTREAM_COALESCE=true|false`). @default true
   */
  readonly coalesce: boolean;
  /**
   * Budget of one upstream call, retries and backoff included: past it the field answers
   * UPSTREAM_TIMEOUT (`UPSTREAM_DEADLINE_MS`). @default 10000
   */
  readonly deadlineMs: number;
}

/**
 * One circuit breaker per upstream host: only health failures (timeouts, unreachable, 5xx) count;
 * a 4xx answer means the host is up.
 */
export interface BreakerConfig {
  /** `UPSTREAM_BREAKER=true|false`. @default true */
  readonly enabled: boolean;
  /** Failed share of the calls in the window above which it opens (`UPSTREAM_BREAKER_ERROR_PERCENT`). @default 50 */
  readonly errorThresholdPercentage: number;
  /** Calls in the window before it may open at all (`UPSTREAM_BREAKER_VOLUME_THRESHOLD`). @default 10 */
  readonly volumeThreshold: number;
  /** The rolling window the share is taken over (`UPSTREAM_BREAKER_WINDOW_MS`). @default 10000 */
  readonly rollingWindowMs: number;
  /** Fail-fast time before one probe call is let through (`UPSTREAM_BREAKER_RESET_MS`). @default 10000 */
  readonly resetTimeoutMs: number;
}

/** One HTTP request's share of the upstreams (README "Fairness and budgets"). */
export interface RequestBudgetConfig {
  /**
   * Upstream calls one HTTP request may cause, all its batched operations together
   * (`MAX_UPSTREAM_CALLS_PER_REQUEST`); the fields past it answer COST_ACTUAL_TOO_EXPENSIVE
   * without a call. @default 500
   */
  readonly maxCalls: number;
  /**
   * Upstream calls one HTTP request may have in flight to each host
   * (`MAX_UPSTREAM_CONCURRENCY_PER_REQUEST`): the rest wait their turn, so one request never
   * holds a host's whole pool. @default half of `UPSTREAM_CONNECTIONS` (16)
   */
  readonly maxConcurrency: number;
  /**
   * One HTTP request's whole time, every upstream call in it included (`REQUEST_TIMEOUT_MS`):
   * then the fields still waiting answer REQUEST_TIMEOUT beside what was already resolved.
   * Subscriptions are not bound by it. @default 30000
   */
  readonly timeoutMs: number;
}

/** Document limits enforced by graphql-armor before validation ends, so before any upstream call. */
export interface ArmorConfig {
  /** Deepest selection nesting (`GRAPHQL_MAX_DEPTH`). @default 12 */
  readonly maxDepth: number;
  /** Aliases per operation (`GRAPHQL_MAX_ALIASES`). @default 30 */
  readonly maxAliases: number;
  /** Lexer tokens per document (`GRAPHQL_MAX_TOKENS`). @default 2000 */
  readonly maxTokens: number;
  /** Directives per operation (`GRAPHQL_MAX_DIRECTIVES`). @default 20 */
  readonly maxDirectives: number;
  /**
   * graphql-armor's static cost: objects 2, scalars 1, ×1.5 per level (`GRAPHQL_COST_LIMIT`).
   * A 50-item page with every execution and step field costs ~6,800, a bulk's executions with
   * every field ~18,600, the README and GraphiQL examples at most ~3,200. @default 20000
   */
  readonly costLimit: number;
  /** Hide "Did you mean …?" hints (`GRAPHQL_BLOCK_FIELD_SUGGESTIONS=true|false`). @default true when introspection is off */
  readonly blockFieldSuggestions: boolean;
}

/** Request traces and metrics (README "Observability"). */
export interface ObservabilityConfig {
  /** Answer a request with `X-Gateway-Trace: 1` with `extensions.trace` (`GATEWAY_TRACE`). @default false in production, else true */
  readonly trace: boolean;
  /** Prometheus metrics on `GET /metrics` (`METRICS=on|off`). @default true */
  readonly metrics: boolean;
  /** Bearer token `GET /metrics` requires (`METRICS_TOKEN`). @default null: no token */
  readonly metricsToken: string | null;
}

/** Live executions: subscriptions, webhooks, replicas (README "Live updates"). */
export interface LiveConfig {
  /** `REDIS_URL`: replicas share subscription events, webhook dedup and polling leases through Redis. @default null: in memory, one instance */
  readonly redisUrl: string | null;
  /** `WEBHOOK_SECRET`: webhook calls must carry it (`X-Webhook-Secret` header or `?secret=`). @default null: unauthenticated, as the workflows host documents */
  readonly webhookSecret: string | null;
  /** `PUBLIC_URL`: this gateway's public base; triggers pass `PUBLIC_URL/webhooks/workflows` as `webhook_url`. @default null: no webhook, polling only */
  readonly publicUrl: string | null;
  /** `LIVE_POLL_MIN_MS`: first poll interval of a watched execution, and again after each change. @default 2000 */
  readonly pollMinMs: number;
  /** `LIVE_POLL_MAX_MS`: the cap the interval grows to (×1.5 per unchanged poll, ×2 per failure). @default 15000 */
  readonly pollMaxMs: number;
  /** `LIVE_LEASE_MS`: how long a replica's right to poll an execution lasts unrenewed (above the cap). @default 30000 */
  readonly leaseMs: number;
  /** `WEBHOOK_MAX_BYTES`: largest webhook body (413 above it). @default 262144 */
  readonly webhookMaxBytes: number;
}

function liveConfig(env: Env): LiveConfig {
  const redisUrl = nonEmpty(env['REDIS_URL']);
  if (redisUrl !== null && !/^rediss?:$/.test(new URL(redisUrl).protocol)) throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
  const pollMinMs = integer(env, 'LIVE_POLL_MIN_MS', 2000, 1);
  const pollMaxMs = integer(env, 'LIVE_POLL_MAX_MS', Math.max(15_000, pollMinMs), pollMinMs);
  return {
    redisUrl,
    webhookSecret: nonEmpty(env['WEBHOOK_SECRET']),
    publicUrl: baseUrl(env, 'PUBLIC_URL', null),
    pollMinMs,
    pollMaxMs,
    leaseMs: integer(env, 'LIVE_LEASE_MS', Math.max(30_000, 2 * pollMaxMs), pollMaxMs + 1),
    webhookMaxBytes: integer(env, 'WEBHOOK_MAX_BYTES', 256 * 1024, 1),
  };
}

export interface Config {
  readonly port: number;
  /** `simulated` starts the embedded simulator and points every upstream at it. */
  readonly mode: 'simulated' | 'live';
  readonly production: boolean;
  /** One entry per registered host (upstreams/registry.ts), by name. */
  readonly upstreams: PerUpstream<UpstreamConfig>;
  /** Ids per bulk-endpoint call. @default 100 */
  readonly bulkMaxBatchSize: number;
  /** @default 'info' */
  readonly logLevel: string;
  readonly observability: ObservabilityConfig;
  /** Latency the embedded simulator adds to each answer, ms. @default 0 */
  readonly simulatorLatencyMs: number;
  readonly armor: ArmorConfig;
  /** Schema introspection (`GRAPHQL_INTROSPECTION`). @default false in production, else true */
  readonly introspection: boolean;
  /**
   * Serve the composition schema at `/graphql/subgraph` (`GRAPHQL_SUBGRAPH`): federation's
   * `_service`/`_entities` and stitching's `_sdl`. Its SDL is the schema, as introspection is.
   * @default the value of `introspection`
   */
  readonly subgraph: boolean;
  /** Largest request body accepted, bytes (`MAX_REQUEST_BYTES`). @default 1048576 */
  readonly maxRequestBytes: number;
  /** Operations in one batched request (`GRAPHQL_MAX_BATCH`); 0 turns batching off. @default 10 */
  readonly maxBatch: number;
  /**
   * Execute public queries and mutations with graphql-jit (compiled once per document, cached):
   * ~18% less time on a 50-execution page in process. Off by default: it differs from graphql-js
   * in corner cases (errors carry no `locations`; an errored item of a union list was dropped
   * instead of null on the subgraph path, which therefore never uses it); subscriptions stay on
   * graphql-js (`GRAPHQL_JIT`). @default false
   */
  readonly jit: boolean;
  readonly live: LiveConfig;
  readonly budget: RequestBudgetConfig;
  /**
   * Terminal executions (a finished execution never changes) served from memory for this long
   * (`UPSTREAM_CACHE_TTL_MS`); 0 turns the cache off. @default 0
   */
  readonly terminalCacheTtlMs: number;
  /** Most executions in that cache (`UPSTREAM_CACHE_MAX_ENTRIES`). @default 10000 */
  readonly terminalCacheMaxEntries: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = nonEmpty(env[name]);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function percent(env: Env, name: string, fallback: number): number {
  const value = integer(env, name, fallback, 1);
  if (value > 100) throw new Error(`${name} must be an integer from 1 to 100, got ${value}`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined || raw === null) return fallback;
  if (raw === 'true' || raw === '1' || raw === 'on') return true;
  if (raw === 'false' || raw === '0' || raw === 'off') return false;
  throw new Error(`${name} must be true or false (or on/off), got ${JSON.stringify(raw)}`);
}

function baseUrl(env: Env, name: string, fallback: string | null): string | null {
  const raw = nonEmpty(env[name]) ?? fallback;
  if (raw === null) return null;
  const url = new URL(raw); // throws on a malformed value: fail at start, not per request
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${name} must be an http(s) URL`);
  }
  return raw.replace(/\/+$/, '');
}

/** `hosts`: what each upstream host is configured by; each host folder declares its own. */
export function loadConfig(
  env: Env = process.env,
  argv: readonly string[] = process.argv.slice(2),
  hosts: readonly HostSettings[] = defaultHosts,
): Config {
  const timeouts = {
    connectTimeoutMs: integer(env, 'UPSTREAM_CONNECT_TIMEOUT_MS', 2000, 1),
    headersTimeoutMs: integer(env, 'UPSTREAM_HEADERS_TIMEOUT_MS', 5000, 1),
    bodyTimeoutMs: integer(env, 'UPSTREAM_BODY_TIMEOUT_MS', 5000, 1),
    connections: integer(env, 'UPSTREAM_CONNECTIONS', 32, 1),
    breaker: {
      enabled: boolean(env, 'UPSTREAM_BREAKER', true),
      errorThresholdPercentage: percent(env, 'UPSTREAM_BREAKER_ERROR_PERCENT', 50),
      volumeThreshold: integer(env, 'UPSTREAM_BREAKER_VOLUME_THRESHOLD', 10, 1),
      rollingWindowMs: integer(env, 'UPSTREAM_BREAKER_WINDOW_MS', 10_000, 10),
      resetTimeoutMs: integer(env, 'UPSTREAM_BREAKER_RESET_MS', 10_000, 1),
    },
    coalesce: boolean(env, 'UPSTREAM_COALESCE', true),
    deadlineMs: integer(env, 'UPSTREAM_DEADLINE_MS', 10_000, 1),
  };
  // Each host may override the shared timeouts: `TASKS_API_HEADERS_TIMEOUT_MS` and so on.
  const upstream = ({ name, variable, defaultUrl, settings }: HostSettings): UpstreamConfig => {
    const prefix = variable.replace(/_URL$/, '');
    return {
      name,
      variable,
      baseUrl: baseUrl(env, variable, defaultUrl),
      settings: Object.fromEntries(settings.map((setting) => [setting, nonEmpty(env[setting])])),
      ...timeouts,
      connectTimeoutMs: integer(env, `${prefix}_CONNECT_TIMEOUT_MS`, timeouts.connectTimeoutMs, 1),
      headersTimeoutMs: integer(env, `${prefix}_HEADERS_TIMEOUT_MS`, timeouts.headersTimeoutMs, 1),
      bodyTimeoutMs: integer(env, `${prefix}_BODY_TIMEOUT_MS`, timeouts.bodyTimeoutMs, 1),
      deadlineMs: integer(env, `${prefix}_DEADLINE_MS`, timeouts.deadlineMs, 1),
    };
  };
  const production = env['NODE_ENV'] === 'production';
  const introspection = boolean(env, 'GRAPHQL_INTROSPECTION', !production);
  const config: Config = {
    port: integer(env, 'PORT', 4000),
    mode: argv.includes('--live') ? 'live' : 'simulated',
    production,
    // The default registry's hosts are always among `hosts` (a deployment adds to them).
    upstreams: Object.fromEntries(hosts.map((host) => [host.name, upstream(host)])) as PerUpstream<UpstreamConfig>,
    bulkMaxBatchSize: integer(env, 'BULK_MAX_BATCH_SIZE', 100, 1),
    logLevel: nonEmpty(env['LOG_LEVEL']) ?? 'info',
    observability: {
      trace: boolean(env, 'GATEWAY_TRACE', !production),
      metrics: boolean(env, 'METRICS', true),
      metricsToken: nonEmpty(env['METRICS_TOKEN']),
    },
    simulatorLatencyMs: integer(env, 'SIMULATOR_LATENCY_MS', 0),
    armor: {
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12, 1),
      maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30, 0),
      maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 2000, 1),
      maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 20, 0),
      costLimit: integer(env, 'GRAPHQL_COST_LIMIT', 20_000, 1),
      blockFieldSuggestions: boolean(env, 'GRAPHQL_BLOCK_FIELD_SUGGESTIONS', !introspection),
    },
    introspection,
    subgraph: boolean(env, 'GRAPHQL_SUBGRAPH', introspection),
    maxRequestBytes: integer(env, 'MAX_REQUEST_BYTES', 1024 * 1024, 1),
    maxBatch: integer(env, 'GRAPHQL_MAX_BATCH', 10, 0),
    jit: boolean(env, 'GRAPHQL_JIT', false),
    live: liveConfig(env),
    budget: {
      maxCalls: integer(env, 'MAX_UPSTREAM_CALLS_PER_REQUEST', 500, 1),
      maxConcurrency: integer(env, 'MAX_UPSTREAM_CONCURRENCY_PER_REQUEST', Math.max(1, Math.floor(timeouts.connections / 2)), 1),
      timeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1),
    },
    terminalCacheTtlMs: integer(env, 'UPSTREAM_CACHE_TTL_MS', 0, 0),
    terminalCacheMaxEntries: integer(env, 'UPSTREAM_CACHE_MAX_ENTRIES', 10_000, 1),
  };
  return deepFreeze(config);
}

/**
 * The same config with other upstream bases and server-side settings (the embedded
 * simulator's): each host's settings are replaced by those of `settings` it declares.
 */
export function withUpstreams(
  config: Config,
  bases: Readonly<Record<string, string | null>>,
  settings: Readonly<Record<string, string | null>>,
): Config {
  const upstreams = Object.fromEntries(
    Object.entries(config.upstreams).map(([name, upstream]) => [
      name,
      {
        ...upstream,
        baseUrl: name in bases ? (bases[name] ?? null) : upstream.baseUrl,
        settings: Object.fromEntries(Object.keys(upstream.settings).map((setting) => [setting, settings[setting] ?? null])),
      },
    ]),
  ) as PerUpstream<UpstreamConfig>;
  return deepFreeze({ ...config, upstreams });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

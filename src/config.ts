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
  /** Hide "Did you mean …?" hints (`GRAPHQL_BLOCK_FIELD_SUGGESTIONS=true|false`). @default true when introspection is off */
  readonly blockFieldSuggestions: boolean;
}

/**
 * Demand control (README "Demand control"): what one operation may plan to cost, checked before
 * any upstream call, and how large an answer may grow.
 */
export interface DemandConfig {
  /**
   * Highest static estimate an operation may have (`GRAPHQL_COST_LIMIT`): every field counts 1 per
   * item of the lists above it, every upstream call a field may make 100 (schema/cost.ts). The
   * default is 500 calls' worth; a 100-item page with every field, step, cost and error estimates
   * 35,600, 30 aliases of `nodes` over 100 model executions 303,000 (README "Demand control").
   * @default 50000
   */
  readonly costLimit: number;
  /**
   * Representations one operation may pass to `_entities`, all aliases together
   * (`GRAPHQL_MAX_ENTITIES`). @default 1000
   */
  readonly maxEntities: number;
  /**
   * Largest answer, bytes of JSON, all operations of a batch together (`MAX_RESPONSE_BYTES`): a
   * larger one is replaced by a RESPONSE_TOO_LARGE error before it is serialised. @default 16777216
   */
  readonly maxResponseBytes: number;
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
  /** `MAX_SUBSCRIPTIONS`: open subscriptions on this instance, every transport together (then TOO_MANY_SUBSCRIPTIONS). @default 10000 */
  readonly maxSubscriptions: number;
  /** `MAX_SUBSCRIPTIONS_PER_CALLER`: open subscriptions of one caller (JWT subject, else its own credentials, else its address). @default 50 */
  readonly maxSubscriptionsPerCaller: number;
}

/** Automatic persisted queries and trusted documents (README "Clients"). */
export interface DocumentsConfig {
  /** Documents remembered for automatic persisted queries (`APQ_MAX_ENTRIES`). @default 1000 */
  readonly apqMaxEntries: number;
  /** Total size of those documents, bytes (`APQ_MAX_BYTES`): the least recently used go first. @default 8388608 */
  readonly apqMaxBytes: number;
  /**
   * Run only the documents of the trusted-documents manifest, asked for by id; refuse any other
   * document, and register none through APQ (`TRUSTED_DOCUMENTS_ONLY=true|false`). @default false
   */
  readonly trustedOnly: boolean;
  /**
   * The manifest: a JSON object from `sha256:<hex>` (or bare hex) to a document, as GraphQL Code
   * Generator's client preset writes it (`TRUSTED_DOCUMENTS`). Its documents are also served by id
   * without TRUSTED_DOCUMENTS_ONLY. @default null: client/gql/persisted-documents.json, when present
   */
  readonly manifestPath: string | null;
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
    maxSubscriptions: integer(env, 'MAX_SUBSCRIPTIONS', 10_000, 1),
    maxSubscriptionsPerCaller: integer(env, 'MAX_SUBSCRIPTIONS_PER_CALLER', 50, 1),
  };
}

/** Caller authentication (README "Security"): JWTs verified by @graphql-yoga/plugin-jwt. */
export interface AuthConfig {
  /** `AUTH_JWKS_URL`: verify callers' JWTs (RS/PS/ES algorithms) against the keys of this JWKS. @default null */
  readonly jwksUrl: string | null;
  /** `AUTH_JWT_SECRET`: or verify HS256 JWTs with this shared secret (at least 32 characters). @default null */
  readonly jwtSecret: string | null;
  /** `AUTH_ISSUER`: the `iss` a token must carry. @default null: any */
  readonly issuer: string | null;
  /** `AUTH_AUDIENCE`: the `aud` a token must carry. @default null: any */
  readonly audience: string | null;
  /**
   * `AUTH_REQUIRED`: refuse callers without a valid token (UNAUTHENTICATED, HTTP 401). When false,
   * callers without a token are served, but never with the server-side upstream credentials.
   * @default true when a JWT setting is set, else false
   */
  readonly required: boolean;
  /** Whether `AUTH_REQUIRED` was set at all: `start:live` in production runs open only when an operator said so. */
  readonly requiredIsExplicit: boolean;
}

/** Which browser origins may read answers (`Access-Control-Allow-Origin`). */
export interface CorsConfig {
  /** `CORS_ORIGINS`, comma-separated, each normalised to `scheme://host[:port]`. @default [] */
  readonly origins: readonly string[];
  /** Also any `localhost`, `127.0.0.1` or `[::1]` origin, on any port. @default true outside production when `CORS_ORIGINS` is unset */
  readonly loopback: boolean;
}

/** Requests one caller may make (rate-limiter-flexible, README "Security"). */
export interface RateLimitConfig {
  /** `RATE_LIMIT_REQUESTS`: GraphQL operations per caller per window; 0 turns the limit off. @default 600 */
  readonly requests: number;
  /** `RATE_LIMIT_WINDOW_MS`: the window, whole seconds. @default 60000 */
  readonly windowMs: number;
}

function rateLimitConfig(env: Env): RateLimitConfig {
  const windowMs = integer(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000);
  // Redis expiries are whole seconds: a window that is not would be stretched silently.
  if (windowMs % 1000 !== 0) throw new Error(`RATE_LIMIT_WINDOW_MS must be whole seconds (a multiple of 1000), got ${windowMs}`);
  return { requests: integer(env, 'RATE_LIMIT_REQUESTS', 600, 0), windowMs };
}

function authConfig(env: Env): AuthConfig {
  const jwksUrl = nonEmpty(env['AUTH_JWKS_URL']);
  if (jwksUrl !== null && !/^https?:$/.test(new URL(jwksUrl).protocol)) throw new Error('AUTH_JWKS_URL must be an http(s) URL');
  const jwtSecret = nonEmpty(env['AUTH_JWT_SECRET']);
  const issuer = nonEmpty(env['AUTH_ISSUER']);
  const audience = nonEmpty(env['AUTH_AUDIENCE']);
  if (jwksUrl !== null && jwtSecret !== null) throw new Error('Set AUTH_JWKS_URL or AUTH_JWT_SECRET, not both');
  // HS256 with a short secret can be brute-forced offline from one token (RFC 7518 3.2 asks for 256 bits).
  if (jwtSecret !== null && jwtSecret.length < 32) throw new Error('AUTH_JWT_SECRET must be at least 32 characters');
  const enabled = jwksUrl !== null || jwtSecret !== null;
  if (!enabled && (issuer !== null || audience !== null))
    throw new Error('AUTH_ISSUER and AUTH_AUDIENCE need AUTH_JWKS_URL or AUTH_JWT_SECRET');
  const requiredIsExplicit = nonEmpty(env['AUTH_REQUIRED']) !== null;
  const required = boolean(env, 'AUTH_REQUIRED', enabled);
  if (required && !enabled) throw new Error('AUTH_REQUIRED=true needs AUTH_JWKS_URL or AUTH_JWT_SECRET to verify tokens with');
  return { jwksUrl, jwtSecret, issuer, audience, required, requiredIsExplicit };
}

function corsConfig(env: Env, production: boolean): CorsConfig {
  const raw = nonEmpty(env['CORS_ORIGINS']);
  if (raw === null) return { origins: [], loopback: !production };
  const origins = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      // Browsers send the serialised origin; anything else (a path, `*`) would never match or match too much.
      const url = URL.canParse(entry) ? new URL(entry) : null;
      const origin = url?.origin ?? 'null';
      if (url === null || origin === 'null' || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
        throw new Error(`CORS_ORIGINS entries must be origins like https://app.example.com, got ${JSON.stringify(entry)}`);
      }
      return origin;
    });
  return { origins, loopback: false };
}

export interface Config {
  readonly port: number;
  /** `HOST`: the listen address. @default '127.0.0.1' (the Docker image sets 0.0.0.0) */
  readonly host: string;
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
  readonly demand: DemandConfig;
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
  readonly documents: DocumentsConfig;
  readonly budget: RequestBudgetConfig;
  /**
   * Terminal executions (a finished execution never changes) served from memory for this long
   * (`UPSTREAM_CACHE_TTL_MS`); 0 turns the cache off. @default 0
   */
  readonly terminalCacheTtlMs: number;
  /** Most executions in that cache (`UPSTREAM_CACHE_MAX_ENTRIES`). @default 10000 */
  readonly terminalCacheMaxEntries: number;
  readonly auth: AuthConfig;
  readonly cors: CorsConfig;
  readonly rateLimit: RateLimitConfig;
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
    host: nonEmpty(env['HOST']) ?? '127.0.0.1',
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
      blockFieldSuggestions: boolean(env, 'GRAPHQL_BLOCK_FIELD_SUGGESTIONS', !introspection),
    },
    demand: {
      costLimit: integer(env, 'GRAPHQL_COST_LIMIT', 50_000, 1),
      maxEntities: integer(env, 'GRAPHQL_MAX_ENTITIES', 1000, 1),
      maxResponseBytes: integer(env, 'MAX_RESPONSE_BYTES', 16 * 1024 * 1024, 1024),
    },
    introspection,
    subgraph: boolean(env, 'GRAPHQL_SUBGRAPH', introspection),
    maxRequestBytes: integer(env, 'MAX_REQUEST_BYTES', 1024 * 1024, 1),
    maxBatch: integer(env, 'GRAPHQL_MAX_BATCH', 10, 0),
    jit: boolean(env, 'GRAPHQL_JIT', false),
    live: liveConfig(env),
    documents: {
      apqMaxEntries: integer(env, 'APQ_MAX_ENTRIES', 1000, 1),
      apqMaxBytes: integer(env, 'APQ_MAX_BYTES', 8 * 1024 * 1024, 1),
      trustedOnly: boolean(env, 'TRUSTED_DOCUMENTS_ONLY', false),
      manifestPath: nonEmpty(env['TRUSTED_DOCUMENTS']),
    },
    budget: {
      maxCalls: integer(env, 'MAX_UPSTREAM_CALLS_PER_REQUEST', 500, 1),
      maxConcurrency: integer(env, 'MAX_UPSTREAM_CONCURRENCY_PER_REQUEST', Math.max(1, Math.floor(timeouts.connections / 2)), 1),
      timeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1),
    },
    terminalCacheTtlMs: integer(env, 'UPSTREAM_CACHE_TTL_MS', 0, 0),
    terminalCacheMaxEntries: integer(env, 'UPSTREAM_CACHE_MAX_ENTRIES', 10_000, 1),
    auth: authConfig(env),
    cors: corsConfig(env, production),
    rateLimit: rateLimitConfig(env),
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

/**
 * createGateway(config) → { yoga, close }: builds the server, never listens (main.ts does).
 */
import type { Server } from 'node:http';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, type GraphQLSchema, Kind, OperationTypeNode } from 'graphql';
import { createYoga, type Plugin, useReadinessCheck, type YogaServerInstance, type YogaServerOptions } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type Context, createContext } from './context.ts';
import { type Examples, graphiqlTabs } from './graphiql.ts';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderLocalGraphiQL, useGraphiQLAssets } from './plugins/graphiql-assets.ts';
import { useRequestSizeLimit } from './plugins/request-size.ts';
import { useArmor } from './plugins/armor.ts';
import { type AuthContext, requestAuth, useCallerAuth } from './plugins/auth.ts';
import { corsFor, originAllowed } from './plugins/cors.ts';
import { type CallerKeyOf, callerKeyOf, createRateLimit } from './plugins/rate-limit.ts';
import { useDemandControl } from './plugins/demand.ts';
import { useResponseSizeLimit } from './plugins/response-size.ts';
import { useCsrfPreventionForWrites } from './plugins/csrf.ts';
import { documentIdParam, useDocuments } from './plugins/documents.ts';
import { useIncrementalDelivery, usesIncrementalDelivery } from './plugins/incremental.ts';
import { useBadUserInputCodes } from './plugins/user-input.ts';
import { createLive, type Live, registerLiveMetrics } from './live/index.ts';
import { createEventStreams, type EventStreams } from './edge/event-streams.ts';
import { type Serving, serve } from './edge/serve.ts';
import { createWebSockets } from './edge/websocket.ts';
import { createRequestBudgets } from './plugins/request-budget.ts';
import { createObservability, type Observability } from './observability/index.ts';
import { schemaWith } from './schema/index.ts';
import { createUpstreams, defaultHosts, type Upstreams } from './upstreams/index.ts';
import type { AnyHost } from './upstreams/host.ts';

/** Where the composition schema is served when `config.subgraph` is on. */
export const subgraphEndpoint = '/graphql/subgraph';

export interface GatewayOptions {
  readonly logger?: Logger;
  /** Supply an upstream layer (defaults to one built from `config`). */
  readonly upstreams?: Upstreams;
  /** The upstream hosts (config must come from `loadConfig` with the same list). @default defaultHosts */
  readonly hosts?: readonly AnyHost[];
  /** Ids for GraphiQL's example tabs (the simulator's, in the embedded default). */
  readonly examples?: Examples;
}

export interface Gateway {
  readonly yoga: YogaServerInstance<Record<string, never>, Context>;
  readonly upstreams: Upstreams;
  /** Shared watchers of subscribed executions and the webhook intake. */
  readonly live: Live;
  /** Metrics registry and hooks (`GET /metrics`). */
  readonly observability: Observability;
  /**
   * Serves the gateway on `server` (which it does not start): HTTP through yoga, graphql-ws on
   * WebSocket upgrades, and the drain main.ts runs on SIGTERM.
   */
  attach(server: Server): Serving;
  /** Closes upstream pools. */
  close(): Promise<void>;
}

/** The composition schema for an operation on `/graphql/subgraph`, the public one for every other. */
function useSubgraphSchema(schema: GraphQLSchema, subgraphSchema: GraphQLSchema): Plugin {
  return {
    onEnveloped({ context, setSchema }) {
      const request = (context as { request?: Request } | undefined)?.request;
      setSchema(request && new URL(request.url).pathname === subgraphEndpoint ? subgraphSchema : schema);
    },
  };
}

/** Whether a document's operation is a subscription or incremental (graphql-jit runs only the others). */
function isStreamed(document: DocumentNode): boolean {
  return (
    document.definitions.some(
      (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION,
    ) || usesIncrementalDelivery(document)
  );
}

type YogaOptions = YogaServerOptions<Record<string, never>, Context>;

/** What createGateway builds before yoga, and what yoga's options and plugins are made of. */
interface Parts {
  readonly config: Config;
  readonly schema: GraphQLSchema;
  readonly subgraphSchema: GraphQLSchema;
  readonly upstreams: Upstreams;
  readonly live: Live;
  readonly observability: Observability;
  readonly callerAuth: ReturnType<typeof useCallerAuth>;
  readonly rateLimit: ReturnType<typeof createRateLimit>;
  readonly documents: ReturnType<typeof useDocuments>;
  readonly budgets: ReturnType<typeof createRequestBudgets>;
  readonly eventStreams: EventStreams;
  readonly callerOf: CallerKeyOf;
}

/** GraphiQL's page (off in production): the example tabs, with the upstream trace asked for when it is on. */
function graphiqlOptions(config: Config, examples: Examples | undefined): YogaOptions['graphiql'] {
  if (config.production) return false;
  const tabs = graphiqlTabs(examples);
  // yoga's GraphiQL puts `query` (else its welcome text) in the first tab, whatever the
  // tabs say: give it the first example. `query` is read by the page but not typed by yoga.
  const first = { query: tabs[0]!.query, variables: tabs[0]!.variables ?? undefined };
  // Every tab asks for the upstream trace, so `extensions.trace` shows what a query cost.
  const headers = config.observability.trace ? JSON.stringify({ 'X-Gateway-Trace': '1' }, null, 2) : undefined;
  return {
    title: 'Execution Gateway',
    // Its live tab subscribes with a GET (text/event-stream), which CSRF prevention refuses without this header.
    additionalHeaders: { 'x-graphql-yoga-csrf': '1' },
    defaultTabs: headers ? tabs.map((tab) => ({ ...tab, headers })) : tabs,
    defaultQuery: first.query,
    ...first,
    ...(headers ? { headers, defaultHeaders: headers } : {}),
  };
}

/** yoga's own log lines through pino, or none. */
function yogaLogging(logger: Logger | undefined): YogaOptions['logging'] {
  return logger
    ? {
        debug: (...args) => logger.debug(args.map(String).join(' ')),
        info: (...args) => logger.info(args.map(String).join(' ')),
        warn: (...args) => logger.warn(args.map(String).join(' ')),
        error: (...args) => logger.error({ err: args[0] }, args.slice(1).map(String).join(' ') || 'error'),
      }
    : false;
}

/** `GET /ready`: the upstreams' and live layer's health; not ready only while Redis is unreachable. */
function useReadiness(upstreams: Upstreams, live: Live): Plugin {
  return useReadinessCheck({
    endpoint: '/ready',
    check: ({ fetchAPI }) => {
      const health = upstreams.health();
      const liveHealth = live.health();
      // An open breaker is a metric and a log line, not a reason to pull the instance. Redis
      // unreachable: this replica still serves, polling alone, but it is not what the deployment promises.
      const ready = !liveHealth.degraded;
      return new fetchAPI.Response(JSON.stringify({ ready, upstreams: health, live: liveHealth }), {
        status: ready ? 200 : 503,
        headers: { 'content-type': 'application/json' },
      });
    },
  });
}

/** yoga's plugins, in the order they must run. */
function gatewayPlugins(parts: Parts): YogaOptions['plugins'] {
  const { config, schema, observability, callerAuth, rateLimit, documents, budgets, live } = parts;
  return [
    ...(config.subgraph ? [useSubgraphSchema(schema, parts.subgraphSchema)] : []),
    // First: request ids on every response, metrics before any other route.
    observability.plugin,
    useRequestSizeLimit(config.maxRequestBytes),
    // Callers' tokens are verified, then their operations counted, before the request is executed.
    ...(callerAuth ? [callerAuth] : []),
    ...(rateLimit ? [rateLimit.plugin] : []),
    // Before anything reads `query`: APQ and trusted documents turn an id into the document.
    ...documents.plugins,
    // A browser's simple POST (no preflight) must carry a custom header or a JSON content type; GETs run only queries.
    useCsrfPreventionForWrites(['x-graphql-yoga-csrf', 'x-api-key', 'authorization']),
    ...(config.introspection ? [] : [useDisableIntrospection()]),
    useGraphiQLAssets(),
    useArmor(config.armor),
    useIncrementalDelivery(),
    // Before graphql-jit takes over execution: a refused operation runs no resolver at all.
    useDemandControl(config.demand),
    useResponseSizeLimit(config.demand.maxResponseBytes),
    ...(config.jit ? [useGraphQlJit({}, { enableIf: (args) => args.schema === schema && !isStreamed(args.document) })] : []),
    useBadUserInputCodes(),
    budgets.plugin,
    useReadiness(parts.upstreams, live),
    // Webhook routes (`/webhooks/*`) and `context.live` for subscriptions and mutations.
    ...live.plugins,
    parts.eventStreams.plugin,
  ];
}

function createGatewayYoga(parts: Parts, options: GatewayOptions): YogaServerInstance<Record<string, never>, Context> {
  const { config, upstreams, observability, budgets } = parts;
  return createYoga<Record<string, never>, Context>({
    // `/graphql/subgraph` serves the composition schema (federation and stitching) through the
    // same plugins: chosen per operation (useSubgraphSchema), so that an operation that came by
    // no HTTP request of its own (a WebSocket's) runs too.
    schema: parts.schema,
    graphqlEndpoint: config.subgraph ? '/graphql{/subgraph}?' : '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    renderGraphiQL: renderLocalGraphiQL,
    // Several operations in one HTTP request, up to a limit; 0 turns batching off.
    batching: config.maxBatch > 0 ? { limit: config.maxBatch } : false,
    // Trusted documents are asked for by id (plugins/documents.ts).
    extraParamNames: [documentIdParam],
    graphiql: graphiqlOptions(config, options.examples),
    logging: yogaLogging(options.logger),
    maskedErrors: true,
    cors: corsFor(config.cors),
    context: (initial) =>
      createContext(
        upstreams,
        config,
        (name) => initial.request.headers.get(name),
        observability.observer(),
        requestAuth(config.auth, initial as AuthContext),
        budgets.of(initial.request),
        () => parts.callerOf(initial.request, initial),
      ),
    plugins: gatewayPlugins(parts),
  });
}

/** Everything yoga is built from: upstreams, schema, live layer, observability and the per-caller limits. */
function createParts(config: Config, options: GatewayOptions): Parts {
  const logger = options.logger;
  const observability = createObservability(config.observability, { logger, health: () => upstreams.health() });
  const hosts = options.hosts ?? defaultHosts;
  const upstreams =
    options.upstreams ?? createUpstreams(config, { ...(logger ? { logger } : {}), observer: observability.upstream, hosts });
  const { schema, subgraphSchema } = schemaWith(hosts.flatMap((host) => (host.schema ? [host.schema] : [])));
  const live = createLive(config.live, logger);
  const callerAuth = useCallerAuth(config.auth);
  const callerOf = callerKeyOf(config.auth, upstreams);
  const rateLimit = createRateLimit(config.rateLimit, callerOf, config.live.redisUrl, (error) =>
    logger?.warn({ err: error }, 'rate limit store: Redis unavailable, counting in memory'),
  );
  const documents = useDocuments(config.documents);
  if (observability.metrics) registerLiveMetrics(live, observability.metrics.registry);
  // graphql-sse's single connection mode, beside yoga's distinct connections mode on the same path.
  const eventStreams = createEventStreams({
    endpoint: '/graphql',
    max: config.live.maxSubscriptions,
    perCaller: config.live.maxSubscriptionsPerCaller,
    callerOf,
  });
  const budgets = createRequestBudgets(config.budget);
  return {
    config,
    schema,
    subgraphSchema,
    upstreams,
    live,
    observability,
    callerAuth,
    rateLimit,
    documents,
    budgets,
    eventStreams,
    callerOf,
  };
}

/** graphql-ws on the GraphQL endpoint's WebSocket upgrades. */
function webSocketsFor(yoga: YogaServerInstance<Record<string, never>, Context>, { config, callerOf }: Parts) {
  return createWebSockets(yoga, {
    callerOf,
    endpoint: '/graphql',
    maxPayload: config.maxRequestBytes,
    production: config.production,
    originAllowed: originAllowed(config.cors),
    max: config.live.maxSubscriptions,
    perCaller: config.live.maxSubscriptionsPerCaller,
  });
}

export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  const parts = createParts(config, options);
  const { upstreams, observability, live, eventStreams, rateLimit } = parts;
  const yoga = createGatewayYoga(parts, options);
  return {
    yoga,
    upstreams,
    observability,
    live,
    attach: (server) => serve(server, { yoga, live, eventStreams, webSockets: webSocketsFor(yoga, parts) }),
    close: async () => {
      await live.close();
      await rateLimit?.close();
      await upstreams.close();
    },
  };
}

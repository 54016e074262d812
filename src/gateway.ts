/**
 * createGateway(config) → { yoga, close }: builds the server, never listens (main.ts does).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { type DocumentNode, Kind, OperationTypeNode } from 'graphql';
import { createYoga, useReadinessCheck, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { type Context, createContext } from './context.ts';
import { type Examples, graphiqlTabs } from './graphiql.ts';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { renderLocalGraphiQL, useGraphiQLAssets } from './plugins/graphiql-assets.ts';
import { useRequestSizeLimit } from './plugins/request-size.ts';
import { useArmor } from './plugins/armor.ts';
import { useBadUserInputCodes } from './plugins/user-input.ts';
import { createRequestBudgets } from './plugins/request-budget.ts';
import { createLive, type Live } from './live/index.ts';
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
  /** Closes upstream pools. */
  close(): Promise<void>;
}

/** Whether a document's operation is a subscription (graphql-jit runs only the others). */
function isSubscription(document: DocumentNode): boolean {
  return document.definitions.some(
    (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.SUBSCRIPTION,
  );
}

export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  const logger = options.logger;
  const observability = createObservability(config.observability, { logger, health: () => upstreams.health() });
  const hosts = options.hosts ?? defaultHosts;
  const upstreams = options.upstreams ?? createUpstreams(config, { ...(logger ? { logger } : {}), observer: observability.upstream, hosts });
  const { schema, subgraphSchema } = schemaWith(hosts.flatMap((host) => (host.schema ? [host.schema] : [])));
  const live = createLive(config.live, logger);
  const budgets = createRequestBudgets(config.budget);
  const yoga = createYoga<Record<string, never>, Context>({
    // `/graphql/subgraph` serves the composition schema (federation and stitching) through the same plugins.
    schema: config.subgraph
      ? ({ request }) => (new URL(request.url).pathname === subgraphEndpoint ? subgraphSchema : schema)
      : schema,
    graphqlEndpoint: config.subgraph ? '/graphql{/subgraph}?' : '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    renderGraphiQL: renderLocalGraphiQL,
    // Several operations in one HTTP request, up to a limit; 0 turns batching off.
    batching: config.maxBatch > 0 ? { limit: config.maxBatch } : false,
    graphiql: config.production
      ? false
      : (() => {
          const tabs = graphiqlTabs(options.examples);
          // yoga's GraphiQL puts `query` (else its welcome text) in the first tab, whatever the
          // tabs say: give it the first example. `query` is read by the page but not typed by yoga.
          const first = { query: tabs[0]!.query, variables: tabs[0]!.variables ?? undefined };
          // Every tab asks for the upstream trace, so `extensions.trace` shows what a query cost.
          const headers = config.observability.trace ? JSON.stringify({ 'X-Gateway-Trace': '1' }, null, 2) : undefined;
          return {
            title: 'Execution Gateway',
            defaultTabs: headers ? tabs.map((tab) => ({ ...tab, headers })) : tabs,
            defaultQuery: first.query,
            ...first,
            ...(headers ? { headers, defaultHeaders: headers } : {}),
          };
        })(),
    logging: logger
      ? {
          debug: (...args) => logger.debug(args.map(String).join(' ')),
          info: (...args) => logger.info(args.map(String).join(' ')),
          warn: (...args) => logger.warn(args.map(String).join(' ')),
          error: (...args) => logger.error({ err: args[0] }, args.slice(1).map(String).join(' ') || 'error'),
        }
      : false,
    maskedErrors: true,
    context: ({ request }) =>
      createContext(upstreams, config, (name) => request.headers.get(name), observability.observer(), budgets.of(request)),
    plugins: [
      // First: request ids on every response, metrics before any other route.
      observability.plugin,
      useRequestSizeLimit(config.maxRequestBytes),
      // Browsers' simple requests (no preflight) must carry a custom header or a JSON content type.
      useCSRFPrevention({ requestHeaders: ['x-graphql-yoga-csrf', 'x-api-key', 'authorization'] }),
      ...(config.introspection ? [] : [useDisableIntrospection()]),
      useGraphiQLAssets(),
      useArmor(config.armor),
      ...(config.jit
        ? [useGraphQlJit({}, { enableIf: (args) => args.schema === schema && !isSubscription(args.document) })]
        : []),
      useBadUserInputCodes(),
      budgets.plugin,
      // Readiness is this process's ability to serve: an open circuit is one host failing fast
      // (a metric and a warning), and pulling the instance would not bring that host back. The
      // body still says how each host is.
      useReadinessCheck({
        endpoint: '/ready',
        check: ({ fetchAPI }) =>
          new fetchAPI.Response(JSON.stringify({ ready: true, upstreams: upstreams.health() }), {
            headers: { 'content-type': 'application/json' },
          }),
      }),
      // Webhook routes (`/webhooks/*`) and `context.live` for subscriptions and mutations.
      ...live.plugins,
    ],
  });
  return {
    yoga,
    upstreams,
    observability,
    live,
    close: async () => {
      await live.close();
      await upstreams.close();
    },
  };
}

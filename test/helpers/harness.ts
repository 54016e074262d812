/**
 * The test harness: the real simulator on loopback, the real gateway listening on an
 * ephemeral port, and a graphql-request client speaking HTTP to it.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { GraphQLClient } from 'graphql-request';
import type { Logger } from 'pino';
import { loadConfig, withUpstreams, type Config } from '../../src/config.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { examplesFrom } from '../../src/graphiql.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.ts';

export interface Harness {
  readonly simulator: Simulator;
  readonly gateway: Gateway;
  readonly config: Config;
  /** `http://127.0.0.1:PORT/graphql` */
  readonly url: string;
  /** A client with no credentials of its own: the server-side ones apply. */
  readonly client: GraphQLClient;
  /** A client sending these headers. */
  clientWith(headers: Record<string, string>): GraphQLClient;
  /** POSTs a raw GraphQL request and returns the parsed body and status. */
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: GraphQLBody }>;
  close(): Promise<void>;
}

export interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface HarnessOptions {
  readonly simulator?: SimulatorOptions;
  /** Extra environment for loadConfig (on top of an empty one). */
  readonly env?: Record<string, string>;
  /** Leave the task host unconfigured (NOT_CONFIGURED paths). */
  readonly withoutTasks?: boolean;
  /** Give the gateway no server-side credentials. */
  readonly withoutServerCredentials?: boolean;
  /** Run over this simulator instead of a new one (not closed by `close()`): several gateways, one upstream. */
  readonly sharedSimulator?: Simulator;
  /** Set `PUBLIC_URL` to the gateway's own address, so upstream webhooks come back to it. */
  readonly publicUrl?: boolean;
  /** The gateway's logger (none: nothing is logged). */
  readonly logger?: Logger;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const simulator = options.sharedSimulator ?? (await startSimulator({ clock: 'manual', ...options.simulator }));
  // Listening first gives the port, which PUBLIC_URL needs before the gateway is built.
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const base = loadConfig({ ...options.env, ...(options.publicUrl ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}) }, []);
  const urls = options.withoutTasks ? { ...simulator.urls, tasks: null } : simulator.urls;
  const config = withUpstreams(base, urls, options.withoutServerCredentials ? {} : simulator.env);
  const gateway = createGateway(config, {
    examples: examplesFrom(simulator.data),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const serving = gateway.attach(server);
  const url = `http://127.0.0.1:${port}/graphql`;
  const clientWith = (headers: Record<string, string>) => new GraphQLClient(url, { headers, errorPolicy: 'all' });
  return {
    simulator,
    gateway,
    config,
    url,
    client: clientWith({}),
    clientWith,
    async post(body, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as GraphQLBody };
    },
    async close() {
      await serving.close();
      await gateway.close();
      if (!options.sharedSimulator) await simulator.close();
    },
  };
}

/** The `extensions.code` of every error, in order. */
export function codesOf(body: GraphQLBody): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.['code']);
}

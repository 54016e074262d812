/**
 * Adding an upstream is one folder and one registration line: a small fourth host
 * (test/fixtures/quotes: client, wire, normaliser, loaders, schema, simulator handler) is
 * registered with `hosts: [...defaultHosts, quotes]` and queried through the gateway beside the
 * built-in hosts, with its own credential, errors and health.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createGateway, type Gateway } from '../src/gateway.ts';
import { startSimulator, type Simulator } from '../src/simulator/index.ts';
import { defaultHosts } from '../src/upstreams/index.ts';
import { quotes } from './fixtures/quotes/index.ts';
import { type QuotesSimulator, quotesToken, startQuotesSimulator } from './fixtures/quotes/simulator.ts';

describe('a fourth host from a folder of its own', () => {
  let simulator: Simulator;
  let quotesHost: QuotesSimulator;
  let gateway: Gateway;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    simulator = await startSimulator({ clock: 'manual' });
    quotesHost = await startQuotesSimulator();
    const hosts = [...defaultHosts, quotes];
    const config = loadConfig({ ...simulator.env, QUOTES_API_URL: quotesHost.url, QUOTES_API_TOKEN: quotesToken }, [], hosts);
    gateway = createGateway(config, { hosts });
    server = createServer(gateway.yoga);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await gateway?.close();
    await quotesHost?.close();
    await simulator?.close();
  });

  const post = async (query: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { path?: unknown[]; extensions?: Record<string, unknown> }[];
    };
  };

  it('answers its own field beside the built-in hosts, with the server-side token sent to it alone', async () => {
    simulator.resetHits();
    quotesHost.requests.length = 0;
    const body = await post(
      `{ quote(quoteId: "q1") { quoteId text author } workflowExecutions(workflowId: "${simulator.data.bigWorkflowId}", first: 1) { totalCount } }`,
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.['quote']).toEqual({
      quoteId: 'q1',
      text: 'Simple things should be simple, complex things should be possible.',
      author: 'Alan Kay',
    });
    expect(body.data?.['workflowExecutions']).toMatchObject({ totalCount: expect.any(Number) });
    expect(quotesHost.requests).toEqual([{ path: '/quotes/q1', token: quotesToken }]);
    for (const request of simulator.requests()) expect(request.headers).not.toHaveProperty('x-quotes-token');
  });

  it('takes a caller’s own token, and its errors name the host', async () => {
    quotesHost.requests.length = 0;
    const refused = await post('{ quote(quoteId: "q2") { text } }', { 'x-quotes-token': 'someone-else' });
    expect(quotesHost.requests).toEqual([{ path: '/quotes/q2', token: 'someone-else' }]);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'quotes' });

    const missing = await post('{ quote(quoteId: "nope") { text } }');
    expect(missing.data?.['quote']).toBeNull();
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', upstream: 'quotes' });
  });

  it('has its own pool and breaker in health', () => {
    expect(gateway.upstreams.health()['quotes']).toEqual({ state: 'closed' });
    expect(gateway.upstreams.hosts.map((host) => host.name)).toEqual(['workflows', 'flows', 'models', 'tasks', 'quotes']);
  });
});

/**
 * Incremental delivery: `@defer` and `@stream` over multipart/mixed and SSE, raw on the wire.
 * The slow fields a frontend defers (`cost`, `modelExecutions`: one models call per workflow
 * execution) arrive after the page itself. test/apollo.test.ts drives the same through a client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers/harness.ts';

interface Payload {
  data?: Record<string, unknown>;
  incremental?: { data?: Record<string, unknown>; items?: unknown[]; path: (string | number)[]; label?: string }[];
  errors?: unknown[];
  hasNext?: boolean;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** The JSON parts of a multipart/mixed answer, in order. */
function multipartParts(body: string, contentType: string): Payload[] {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  return body
    .split(`\r\n--${boundary}`)
    .map((part) => part.split('\r\n\r\n').slice(1).join('\r\n\r\n').trim())
    .filter((json) => json.startsWith('{'))
    .map((json) => JSON.parse(json) as Payload);
}

/** The `next` events of an SSE answer, in order. */
function sseEvents(body: string): Payload[] {
  return body
    .split('\n\n')
    .filter((event) => event.includes('event: next'))
    .map(
      (event) =>
        JSON.parse(
          event
            .split('\n')
            .find((line) => line.startsWith('data: '))!
            .slice(6),
        ) as Payload,
    );
}

async function send(query: string, accept: string): Promise<{ contentType: string; body: string }> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

const deferredCost = () => `{
  workflowExecutions(workflowId: "${h.simulator.data.bigWorkflowId}", first: 2) {
    edges { node { executionId ... @defer(label: "slow") { cost modelExecutions(first: 2) { totalCount } } } }
  }
}`;

describe('@defer', () => {
  it('sends the page first and `cost` and `modelExecutions` later, over multipart/mixed', async () => {
    const { contentType, body } = await send(deferredCost(), 'multipart/mixed');
    expect(contentType).toContain('multipart/mixed');
    const [first, ...rest] = multipartParts(body, contentType);
    const edges = (first!.data!['workflowExecutions'] as { edges: { node: Record<string, unknown> }[] }).edges;
    expect(edges).toHaveLength(2);
    for (const { node } of edges) expect(Object.keys(node)).toEqual(['executionId']);
    expect(first!.hasNext).toBe(true);
    const deferred = rest.flatMap((payload) => payload.incremental ?? []);
    expect(deferred.map((part) => part.path)).toEqual(
      expect.arrayContaining([
        ['workflowExecutions', 'edges', 0, 'node'],
        ['workflowExecutions', 'edges', 1, 'node'],
      ]),
    );
    for (const part of deferred) {
      expect(part.label).toBe('slow');
      expect(part.data).toEqual({ cost: expect.anything(), modelExecutions: { totalCount: expect.any(Number) } });
    }
    expect(rest.at(-1)!.hasNext).toBe(false);
  });

  it('does the same over SSE', async () => {
    const { contentType, body } = await send(deferredCost(), 'text/event-stream');
    expect(contentType).toContain('text/event-stream');
    const events = sseEvents(body);
    expect(events[0]!.hasNext).toBe(true);
    expect(events.flatMap((event) => event.incremental ?? []).filter((part) => part.label === 'slow')).toHaveLength(2);
    expect(events.at(-1)!.hasNext).toBe(false);
  });

  it('answers in one piece with `if: false`, and to a client that accepts only JSON', async () => {
    const off = await send(deferredCost().replace('@defer(label: "slow")', '@defer(if: false)'), 'multipart/mixed');
    const parts = multipartParts(off.body, off.contentType);
    expect(parts).toHaveLength(1);
    const json = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: deferredCost() }),
    });
    // The spec's JSON media types cannot carry several payloads: yoga refuses rather than drop the deferred part.
    expect(json.status).toBe(406);
    await json.arrayBuffer();
  });
});

describe('@stream', () => {
  it('streams the edges of a page after the first `initialCount`', async () => {
    const query = `{ modelExecutions(first: 3) { edges @stream(initialCount: 1) { node { executionId } } } }`;
    const { contentType, body } = await send(query, 'multipart/mixed');
    const [first, ...rest] = multipartParts(body, contentType);
    expect((first!.data!['modelExecutions'] as { edges: unknown[] }).edges).toHaveLength(1);
    const streamed = rest.flatMap((payload) => payload.incremental ?? []).flatMap((part) => part.items ?? []);
    expect(streamed).toHaveLength(2);
    expect(rest.at(-1)!.hasNext).toBe(false);
  });

  it('is refused on a field that is not a list', async () => {
    const response = await h.post({ query: `{ modelExecutions(first: 1) @stream { totalCount } }` });
    expect(response.body.errors?.[0]?.message).toMatch(/stream/i);
  });
});

describe('with GRAPHQL_JIT', () => {
  let jit: Harness;
  beforeAll(async () => {
    jit = await startHarness({ env: { GRAPHQL_JIT: 'true' } });
  });
  afterAll(() => jit?.close());

  it('still defers: incremental documents run on graphql-js', async () => {
    const response = await fetch(jit.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
      body: JSON.stringify({ query: deferredCost() }),
    });
    const parts = multipartParts(await response.text(), response.headers.get('content-type') ?? '');
    expect(parts[0]!.hasNext).toBe(true);
    expect(parts.flatMap((payload) => payload.incremental ?? [])).toHaveLength(2);
  });
});

/**
 * Bounded answers (MAX_RESPONSE_BYTES): an answer over the limit is replaced by a
 * RESPONSE_TOO_LARGE error, measured before it is serialised, so the oversized JSON is never
 * built. One upstream output referenced many times (`nodes` over a repeated id: one call) makes an
 * answer far larger than anything the upstreams sent. In a file of its own: it reads the
 * process's peak RSS, which earlier tests in the same process would blur.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { modelsRoutes } from '../src/simulator/index.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';
import { sseClient, subscribe } from './helpers/live.ts';

const maxBytes = 1024 * 1024;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MAX_RESPONSE_BYTES: String(maxBytes) } });
});
afterAll(() => h?.close());

const predictionId = 'large-output-prediction';
const globalId = encodeGlobalId({ typename: 'ModelExecution', executionId: predictionId });

/** Every prediction the models host answers from now on has an output of `bytes` characters. */
function largeOutputs(bytes: number): void {
  const body = JSON.stringify({ id: predictionId, status: 'success', output: 'x'.repeat(bytes), metrics: { predict_time: 1, cost: 0.01 } });
  h.simulator.setFault('models', { route: modelsRoutes.prediction, fault: { kind: 'status', status: 200, body } });
}

const nodesQuery = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on ModelExecution { output } } }`;

async function postRaw(body: unknown): Promise<{ bytes: number; body: GraphQLBody | GraphQLBody[] }> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) as GraphQLBody | GraphQLBody[] };
}

describe('the response size limit (MAX_RESPONSE_BYTES)', () => {
  it('answers up to the limit and replaces a larger answer by RESPONSE_TOO_LARGE', async () => {
    largeOutputs(100_000);
    try {
      const fits = await postRaw({ query: nodesQuery, variables: { ids: Array.from({ length: 9 }, () => globalId) } });
      expect((fits.body as GraphQLBody).errors).toBeUndefined();
      expect(fits.bytes).toBeGreaterThan(900_000);
      h.simulator.resetHits();
      const over = await postRaw({ query: nodesQuery, variables: { ids: Array.from({ length: 30 }, () => globalId) } });
      const body = over.body as GraphQLBody;
      expect(codesOf(body)).toEqual(['RESPONSE_TOO_LARGE']);
      expect(body.errors![0]!.extensions).toMatchObject({ maxBytes });
      expect(body.data).toBeNull();
      expect(over.bytes).toBeLessThan(1000);
      expect(h.simulator.totalHits()).toBe(1); // the answer was 30 × one upstream output
    } finally {
      h.simulator.clearFaults();
    }
  });

  it('never builds the oversized answer: 100 × an 8 MB output (800 MB) is refused with the peak RSS nearly unmoved', async () => {
    largeOutputs(8 * 1024 * 1024);
    try {
      const peakBefore = process.resourceUsage().maxRSS * 1024;
      const over = await postRaw({ query: nodesQuery, variables: { ids: Array.from({ length: 100 }, () => globalId) } });
      const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
      expect(codesOf(over.body as GraphQLBody)).toEqual(['RESPONSE_TOO_LARGE']);
      // The output itself passes through a few buffers (simulator, HTTP body, parsed string): tens of MB, not 800.
      expect(peakGrowth).toBeLessThan(128 * 1024 * 1024);
    } finally {
      h.simulator.clearFaults();
    }
  });

  it('shares the limit among the operations of a batch', async () => {
    largeOutputs(400_000);
    try {
      const operation = { query: nodesQuery, variables: { ids: [globalId] } };
      const { body } = await postRaw([operation, operation, operation]);
      const results = body as GraphQLBody[];
      expect(results.slice(0, 2).map((result) => result.errors)).toEqual([undefined, undefined]);
      expect(codesOf(results[2]!)).toEqual(['RESPONSE_TOO_LARGE']);
    } finally {
      h.simulator.clearFaults();
    }
  });

  it('replaces a subscription event over the limit', async () => {
    largeOutputs(100_000);
    const client = sseClient(h.url);
    try {
      const aliases = Array.from({ length: 20 }, (_, i) => `o${i}: output`).join(' ');
      const subscription = subscribe(client, `subscription($id: ID!) { executionUpdated(id: $id) { status ${aliases} } }`, {
        id: globalId,
      });
      const [event] = await subscription.next(1);
      expect(event!.errors?.map((error) => error.extensions?.['code'])).toEqual(['RESPONSE_TOO_LARGE']);
      subscription.dispose();
    } finally {
      client.dispose();
      h.simulator.clearFaults();
    }
  });
});

/**
 * Apollo Client 4 (core, no React) against the gateway as a frontend uses it: InMemoryCache
 * normalisation with codegen's possibleTypes, relayStylePagination across pages while the list
 * grows, @defer over multipart/mixed, and the README's whole setup (persisted queries, SSE link
 * for subscriptions). (The persisted-query round trip in detail: test/documents.test.ts.)
 */
import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { Defer20220824Handler } from '@apollo/client/incremental';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode, print } from 'graphql';
import { createClient } from 'graphql-sse';
import { Observable, filter, firstValueFrom } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { possibleTypes } from '../client/possible-types.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { LIVE_POLL_MIN_MS: '50', LIVE_POLL_MAX_MS: '200' } });
});
afterAll(() => h?.close());

function apollo(cache = new InMemoryCache({ possibleTypes })) {
  return new ApolloClient({
    link: new HttpLink({ uri: h.url, headers: { 'x-api-key': h.simulator.credentials.apiKey } }),
    cache,
    // The gateway answers @defer in the 2022-08-24 format (`incremental`, `hasNext`).
    incrementalHandler: new Defer20220824Handler(),
  });
}

interface Edge {
  cursor: string;
  node: { __typename: 'WorkflowExecution'; id: string; executionId: string; status: string };
}
interface PageData {
  workflowExecutions: { edges: Edge[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null;
}

const Page = gql`
  query ApolloPage($workflowId: String!, $first: Int, $after: String) {
    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {
      edges { cursor node { id executionId status } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe('InMemoryCache', () => {
  it('normalises executions by id: a list item and `node(id:)` are one cache entry, fragments on interfaces match', async () => {
    const client = apollo();
    const workflowId = h.simulator.data.bigWorkflowId;
    const { data } = await client.query<PageData>({ query: Page, variables: { workflowId, first: 2 } });
    const listed = data!.workflowExecutions!.edges[0]!.node;
    const { data: read } = await client.query<{
      node: { __typename: string; id: string; status: string; workflowName: string | null } | null;
    }>({
      query: gql`
        query ApolloNode($id: ID!) {
          node(id: $id) { id ... on Execution { status } ... on WorkflowExecution { workflowName } }
        }
      `,
      variables: { id: listed.id },
    });
    expect(read!.node).toMatchObject({ __typename: 'WorkflowExecution', id: listed.id, status: listed.status });
    expect(read!.node!.workflowName).toEqual(expect.any(String));
    const entries = client.cache.extract() as Record<string, Record<string, unknown>>;
    const key = `WorkflowExecution:${listed.id}`;
    expect(entries[key]).toMatchObject({ executionId: listed.executionId, status: listed.status, workflowName: read!.node!.workflowName });
    expect(Object.keys(entries).filter((entry) => entry.startsWith('WorkflowExecution:'))).toHaveLength(2);
  });

  it('keeps a trigger and its execution as two entries', async () => {
    const client = apollo();
    const { data } = await client.mutate<{ triggerWorkflow: { id: string; executionId: string; execution: { id: string } } }>({
      mutation: gql`
        mutation ApolloTrigger($workflowId: String!) {
          triggerWorkflow(workflowId: $workflowId, inputs: { prompt: "apollo" }) { id executionId execution { id status } }
        }
      `,
      variables: { workflowId: h.simulator.data.bigWorkflowId },
    });
    const entries = client.cache.extract() as Record<string, unknown>;
    expect(data!.triggerWorkflow.id).not.toBe(data!.triggerWorkflow.execution.id);
    expect(entries[`WorkflowTrigger:${data!.triggerWorkflow.id}`]).toBeTruthy();
    expect(entries[`WorkflowExecution:${data!.triggerWorkflow.execution.id}`]).toBeTruthy();
  });
});

describe('relayStylePagination', () => {
  it('merges page 2 after executions were triggered in between: no duplicate, no gap', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const truth = (
      await apollo().query<PageData>({ query: Page, variables: { workflowId, first: 8 } })
    ).data!.workflowExecutions!.edges.map((edge) => edge.node.executionId);
    const cache = new InMemoryCache({
      possibleTypes,
      typePolicies: { Query: { fields: { workflowExecutions: relayStylePagination(['workflowId', 'bulkId']) } } },
    });
    const client = apollo(cache);
    const watched = client.watchQuery<PageData>({ query: Page, variables: { workflowId, first: 4 } });
    const first = await firstValueFrom(watched.pipe(filter((result) => result.dataState === 'complete')));
    expect(first.data.workflowExecutions!.edges.map((edge) => edge.node.executionId)).toEqual(truth.slice(0, 4));
    for (let i = 0; i < 2; i++) {
      h.simulator.advance(1_000);
      h.simulator.addExecution(workflowId);
    }
    await watched.fetchMore({ variables: { after: first.data.workflowExecutions!.pageInfo.endCursor } });
    const current = watched.getCurrentResult().data as PageData;
    const merged = current.workflowExecutions!.edges.map((edge) => edge.node.executionId);
    expect(merged).toEqual(truth.slice(0, 8));
  });
});

describe('@defer over multipart/mixed', () => {
  it('delivers the page first, then the deferred `cost` and `modelExecutions` into the same result', async () => {
    const client = apollo();
    interface Deferred {
      workflowExecutions: {
        edges: {
          node: { id: string; executionId: string; cost?: number | null; modelExecutions?: { totalCount: number | null } | null };
        }[];
      } | null;
    }
    const observable = client.watchQuery<Deferred>({
      query: gql`
        query ApolloDeferred($workflowId: String!) {
          workflowExecutions(workflowId: $workflowId, first: 2) {
            edges { node { id executionId ... @defer { cost modelExecutions(first: 5) { totalCount } } } }
          }
        }
      `,
      variables: { workflowId: h.simulator.data.picks.completedBulk.workflowId },
    });
    const emitted: Deferred[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = observable.subscribe({
        next: (result) => {
          if (result.error) reject(result.error);
          if (result.data) emitted.push(result.data as Deferred);
          if (result.dataState === 'complete') {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(emitted.length).toBeGreaterThanOrEqual(2);
    const [partial] = emitted;
    expect(partial!.workflowExecutions!.edges.every((edge) => edge.node.cost === undefined)).toBe(true);
    const complete = emitted.at(-1)!;
    for (const { node } of complete.workflowExecutions!.edges) {
      expect(node).toMatchObject({ cost: expect.anything(), modelExecutions: { totalCount: expect.any(Number) } });
    }
  });
});

describe('the README setup', () => {
  it('queries through persisted queries and subscribes through the SSE link', async () => {
    // As README "Clients" writes it.
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
    const headers = { 'x-api-key': h.simulator.credentials.apiKey };
    const sse = createClient({ url: h.url, headers, retryAttempts: 0 });
    const subscriptions = new ApolloLink(
      (operation) =>
        new Observable((observer) =>
          sse.subscribe(
            { query: print(operation.query), variables: operation.variables, operationName: operation.operationName },
            {
              next: (result) => observer.next(result as ApolloLink.Result),
              complete: () => observer.complete(),
              error: (error) => observer.error(error),
            },
          ),
        ),
    );
    const http = new PersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: h.url, headers }));
    const client = new ApolloClient({
      link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, subscriptions, http),
      cache: new InMemoryCache({
        possibleTypes,
        typePolicies: {
          Query: {
            fields: {
              workflowExecutions: relayStylePagination(['workflowId', 'bulkId']),
              modelExecutions: relayStylePagination(['filter']),
            },
          },
        },
      }),
      incrementalHandler: new Defer20220824Handler(),
    });

    const workflowId = h.simulator.data.bigWorkflowId;
    const { data } = await client.query<PageData>({ query: Page, variables: { workflowId, first: 2 } });
    expect(data!.workflowExecutions!.edges).toHaveLength(2);
    const trigger = await client.mutate<{ triggerWorkflow: { id: string } }>({
      mutation: gql`mutation ReadmeTrigger($workflowId: String!) { triggerWorkflow(workflowId: $workflowId, inputs: { prompt: "readme" }) { id } }`,
      variables: { workflowId },
    });
    const statuses: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = client
        .subscribe<{ executionUpdated: { status: string; isTerminal: boolean } }>({
          query: gql`subscription ReadmeWatch($id: ID!) { executionUpdated(id: $id) { id status isTerminal } }`,
          variables: { id: trigger.data!.triggerWorkflow.id },
        })
        .subscribe({
          next: (result) => {
            if (result.error || !result.data) return reject(result.error ?? new Error('no data'));
            statuses.push(result.data.executionUpdated.status);
            h.simulator.advance(60_000);
          },
          complete: () => {
            subscription.unsubscribe();
            resolve();
          },
          error: reject,
        });
    });
    expect(statuses.at(-1)).toBe('COMPLETED');
    sse.dispose();
  });
});

/**
 * Persisted documents: Apollo's automatic persisted queries through Apollo Client's own
 * PersistedQueryLink (miss → PERSISTED_QUERY_NOT_FOUND → the document → hit), the store's bound,
 * and trusted documents (TRUSTED_DOCUMENTS_ONLY): only the manifest `npm run codegen` writes from
 * client/operations.graphql runs, asked for by id.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskExecutionDocument } from '../client/gql/graphql.ts';
import { possibleTypes } from '../client/possible-types.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const manifest = JSON.parse(readFileSync(new URL('../client/gql/persisted-documents.json', import.meta.url), 'utf8')) as Record<
  string,
  string
>;

/** What a client sent: whether the body (or URL) held the document, and the hash it named. */
interface Sent {
  readonly method: string;
  readonly withDocument: boolean;
  readonly hash: string | undefined;
}

function recordingFetch(log: Sent[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? 'GET';
    const params =
      method === 'GET'
        ? { query: url.searchParams.get('query'), extensions: JSON.parse(url.searchParams.get('extensions') ?? 'null') as unknown }
        : (JSON.parse(String(init?.body)) as { query?: string; extensions?: unknown });
    const extensions = params.extensions as { persistedQuery?: { sha256Hash?: string } } | null;
    log.push({
      method,
      withDocument: typeof params.query === 'string' && params.query !== '',
      hash: extensions?.persistedQuery?.sha256Hash,
    });
    return fetch(input, init);
  };
}

function apollo(h: Harness, log: Sent[], options: { useGETForHashedQueries?: boolean } = {}) {
  const http = new HttpLink({ uri: h.url, fetch: recordingFetch(log) });
  return new ApolloClient({
    link: new PersistedQueryLink({ sha256, ...options }).concat(http),
    cache: new InMemoryCache({ possibleTypes }),
  });
}

/** The manifest id codegen embeds in a typed document. */
const idOf = (document: object) => (document as { __meta__?: { hash?: string } }).__meta__!.hash!;

interface TaskData {
  taskExecution: { id: string; executionId: string } | null;
}

const TaskQuery = gql`
  query PersistedTask($executionId: String!) {
    taskExecution(executionId: $executionId) { id executionId status }
  }
`;

async function post(h: Harness, body: Record<string, unknown>): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

describe('automatic persisted queries (Apollo PersistedQueryLink)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { APQ_MAX_ENTRIES: '2' } });
  });
  afterAll(() => h?.close());

  it('misses, gets PERSISTED_QUERY_NOT_FOUND, retries with the document, then hits with the hash alone', async () => {
    const executionId = h.simulator.data.taskExecutionIds[0]!;
    const first: Sent[] = [];
    const { data } = await apollo(h, first).query<TaskData>({ query: TaskQuery, variables: { executionId } });
    expect(data?.taskExecution).toMatchObject({ executionId, __typename: 'TaskExecution' });
    expect(first.map((sent) => sent.withDocument)).toEqual([false, true]);
    expect(first[0]!.hash).toBe(first[1]!.hash);
    // A new client (empty cache) asks by hash alone and is answered at once.
    const second: Sent[] = [];
    const again = await apollo(h, second).query<TaskData>({ query: TaskQuery, variables: { executionId } });
    expect(again.data?.taskExecution).toMatchObject({ executionId });
    expect(second.map((sent) => sent.withDocument)).toEqual([false]);
  });

  it('works with hashed queries over GET, which needs no CSRF header', async () => {
    const log: Sent[] = [];
    const executionId = h.simulator.data.taskExecutionIds[1]!;
    const query = gql`
      query PersistedTaskOverGet($executionId: String!) {
        taskExecution(executionId: $executionId) { id executionId queueName }
      }
    `;
    const { data } = await apollo(h, log, { useGETForHashedQueries: true }).query<TaskData>({ query, variables: { executionId } });
    expect(data?.taskExecution).toMatchObject({ executionId });
    expect(log.map((sent) => `${sent.method} ${sent.withDocument}`)).toEqual(['GET false', 'POST true']);
  });

  it('answers a hash alone that nobody registered with PERSISTED_QUERY_NOT_FOUND, and refuses a hash that does not match', async () => {
    const missing = await post(h, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ nobody }') } } });
    expect(codesOf(missing.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    h.simulator.resetHits();
    const query = '{ modelExecutions(first: 1) { totalCount } }';
    const mismatch = await post(h, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ other }') } } });
    expect(codesOf(mismatch.body)).toEqual(['PERSISTED_QUERY_MISMATCH']);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('remembers at most APQ_MAX_ENTRIES documents, dropping the least recently used', async () => {
    const documents = [1, 2, 3].map((n) => `{ modelExecutions(first: ${n}) { totalCount } }`);
    for (const query of documents) {
      const registered = await post(h, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
      expect(registered.body.data).toBeTruthy();
    }
    const byHash = (query: string) => post(h, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(codesOf((await byHash(documents[0]!)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect((await byHash(documents[1]!)).body.data).toBeTruthy();
    expect((await byHash(documents[2]!)).body.data).toBeTruthy();
  });

  it('serves the manifest documents by id without TRUSTED_DOCUMENTS_ONLY as well', async () => {
    const executionId = h.simulator.data.taskExecutionIds[0]!;
    const { body } = await post(h, { documentId: idOf(TaskExecutionDocument), variables: { executionId } });
    expect(body.data?.['taskExecution']).toMatchObject({ executionId });
  });
});

describe('APQ_MAX_BYTES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { APQ_MAX_BYTES: '300' } });
  });
  afterAll(() => h?.close());

  it('bounds the bytes remembered: a document over the budget is answered but not kept', async () => {
    const small = '{ modelExecutions(first: 1) { totalCount } }';
    const large = `${small}\n${'#'.repeat(400)}`;
    for (const query of [small, large]) {
      const registered = await post(h, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
      expect(registered.body.data).toBeTruthy();
    }
    const byHash = (query: string) => post(h, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect((await byHash(small)).body.data).toBeTruthy();
    expect(codesOf((await byHash(large)).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('trusted documents (TRUSTED_DOCUMENTS_ONLY=true)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { TRUSTED_DOCUMENTS_ONLY: 'true' } });
  });
  afterAll(() => h?.close());

  it('refuses an ad-hoc document before any upstream call, even one registered through APQ', async () => {
    h.simulator.resetHits();
    const query = '{ modelExecutions(first: 1) { totalCount } }';
    const adHoc = await post(h, { query });
    expect(adHoc.status).toBe(400);
    expect(codesOf(adHoc.body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    const register = await post(h, { query, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(query) } } });
    expect(codesOf(register.body)).toEqual(['PERSISTED_QUERY_ID_REQUIRED']);
    const get = await fetch(`${h.url}?query=${encodeURIComponent(query)}`);
    expect(get.status).toBe(400);
    await get.arrayBuffer();
    const unknown = await post(h, { documentId: `sha256:${sha256(query)}` });
    expect(codesOf(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('runs a manifest document asked for by documentId or by Apollo-style hash', async () => {
    const executionId = h.simulator.data.taskExecutionIds[0]!;
    const id = idOf(TaskExecutionDocument);
    expect(manifest[id]).toContain('query TaskExecution');
    const byDocumentId = await post(h, { documentId: id, variables: { executionId } });
    expect(byDocumentId.body.data?.['taskExecution']).toMatchObject({ executionId, status: expect.any(String) });
    const byHash = await post(h, {
      extensions: { persistedQuery: { version: 1, sha256Hash: id.replace('sha256:', '') } },
      variables: { executionId },
    });
    expect(byHash.body.data?.['taskExecution']).toMatchObject({ executionId });
  });

  it('every manifest id is the sha256 of its document', () => {
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${sha256(document)}`);
  });
});

/**
 * Relay: relay-compiler (its native binary, shipped in the npm package) compiles
 * test/relay/relayDocuments.ts against schema.graphql into a temporary directory, and
 * relay-runtime runs the artifacts against the gateway: a mutation whose payload holds two
 * objects with ids, and a paginated fragment (@connection, @refetchable) whose next page is
 * fetched after executions were created, merged by Relay's ConnectionHandler; and a subscription
 * over graphql-sse, set up as README "Clients" shows.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type ConcreteRequest,
  Environment,
  Network,
  Observable,
  RecordSource,
  type ReaderFragment,
  Store,
  commitMutation,
  fetchQuery,
  getSelector,
  requestSubscription,
} from 'relay-runtime';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Harness, startHarness } from './helpers/harness.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let workdir: string;
const artifacts: Record<string, unknown> = {};
let h: Harness;

/** Runs relay-compiler over the documents and schema.graphql; throws with its output when it fails. */
function compile(): void {
  workdir = mkdtempSync(join(tmpdir(), 'relay-'));
  mkdirSync(join(workdir, 'src'));
  mkdirSync(join(workdir, '__generated__'));
  copyFileSync(join(root, 'schema.graphql'), join(workdir, 'schema.graphql'));
  copyFileSync(join(root, 'test/relay/relayDocuments.ts'), join(workdir, 'src/relayDocuments.ts'));
  // The artifacts import relay-runtime: resolve it from the project's packages.
  symlinkSync(join(root, 'node_modules'), join(workdir, 'node_modules'), 'dir');
  writeFileSync(
    join(workdir, 'relay.config.json'),
    JSON.stringify({
      src: './src',
      schema: './schema.graphql',
      language: 'typescript',
      artifactDirectory: './__generated__',
      eagerEsModules: true,
    }),
  );
  const binary = createRequire(import.meta.url)('relay-compiler') as string | null;
  if (!binary) throw new Error(`relay-compiler ships no binary for ${process.platform}-${process.arch}`);
  const run = spawnSync(binary, [], { cwd: workdir, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`relay-compiler failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
}

beforeAll(async () => {
  compile();
  for (const file of readdirSync(join(workdir, '__generated__'))) {
    const loaded = (await import(pathToFileURL(join(workdir, '__generated__', file)).href)) as { default: unknown };
    artifacts[file.replace(/\.graphql\.ts$/, '')] = loaded.default;
  }
  h = await startHarness({ env: { LIVE_POLL_MIN_MS: '50', LIVE_POLL_MAX_MS: '200' } });
}, 60_000);
afterAll(async () => {
  await h?.close();
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

function environment(): Environment {
  const headers = { 'content-type': 'application/json', 'x-api-key': h.simulator.credentials.apiKey };
  const sse = createClient({ url: h.url, headers, retryAttempts: 0 });
  const network = Network.create(
    async (params, variables) =>
      (await (await fetch(h.url, { method: 'POST', headers, body: JSON.stringify({ query: params.text, variables }) })).json()) as never,
    (params, variables) => Observable.create((sink) => sse.subscribe({ query: params.text!, variables }, sink as never)),
  );
  return new Environment({ network, store: new Store(new RecordSource()) });
}

const request = (name: string) => artifacts[name] as ConcreteRequest;

describe('relay-compiler over schema.graphql', () => {
  it('compiles the documents: a query, its pagination query, a fragment and a mutation', () => {
    expect(Object.keys(artifacts).sort()).toEqual([
      'relayDocumentsExecutionsPaginationQuery',
      'relayDocumentsPageQuery',
      'relayDocumentsTriggerMutation',
      'relayDocumentsWatchSubscription',
      'relayDocuments_executions',
    ]);
  });
});

describe('relay-runtime', () => {
  it('stores a trigger and its execution as two records, each of one type', async () => {
    const env = environment();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const payload = await new Promise<{ triggerWorkflow: { id: string; execution: { id: string } } }>((resolve, reject) => {
        commitMutation(env, {
          mutation: request('relayDocumentsTriggerMutation'),
          variables: { workflowId: h.simulator.data.bigWorkflowId, inputs: { prompt: 'relay' } },
          onCompleted: (response, failures) =>
            failures?.length ? reject(new Error(JSON.stringify(failures))) : resolve(response as never),
          onError: reject,
        });
      });
      const messages = [...errors.mock.calls, ...warnings.mock.calls].map((call) => call.map(String).join(' '));
      expect(messages.filter((message) => /conflicting types|RelayResponseNormalizer/.test(message))).toEqual([]);
      const source = env.getStore().getSource();
      expect(source.get(payload.triggerWorkflow.id)?.['__typename']).toBe('WorkflowTrigger');
      expect(source.get(payload.triggerWorkflow.execution.id)?.['__typename']).toBe('WorkflowExecution');
    } finally {
      errors.mockRestore();
      warnings.mockRestore();
    }
  });

  it('subscribes to the execution a trigger started, over SSE, and the store follows it', async () => {
    const env = environment();
    const payload = await new Promise<{ triggerWorkflow: { id: string; execution: { id: string } } }>((resolve, reject) => {
      commitMutation(env, {
        mutation: request('relayDocumentsTriggerMutation'),
        variables: { workflowId: h.simulator.data.bigWorkflowId, inputs: { prompt: 'relay watch' } },
        onCompleted: (response) => resolve(response as never),
        onError: reject,
      });
    });
    await new Promise<void>((resolve, reject) => {
      const { dispose } = requestSubscription(env, {
        subscription: request('relayDocumentsWatchSubscription'),
        variables: { id: payload.triggerWorkflow.id },
        onNext: () => h.simulator.advance(60_000),
        onCompleted: () => {
          dispose();
          resolve();
        },
        onError: reject,
      });
    });
    expect(env.getStore().getSource().get(payload.triggerWorkflow.execution.id)).toMatchObject({
      __typename: 'WorkflowExecution',
      status: 'COMPLETED',
    });
  });

  it('pages a @connection fragment while executions are created: the merged edges are the list as it was', async () => {
    const env = environment();
    const workflowId = h.simulator.data.bigWorkflowId;
    const truthEnv = environment();
    const truthData = (await fetchQuery(truthEnv, request('relayDocumentsPageQuery'), { workflowId, first: 8 }).toPromise()) as object;
    const ids = (environment_: Environment, data: object) => {
      const snapshot = environment_.lookup(getSelector(artifacts['relayDocuments_executions'] as ReaderFragment, data) as never);
      const connection = (snapshot.data as { workflowExecutions: { edges: { node: { executionId: string } }[] } }).workflowExecutions;
      return connection.edges.map((edge) => edge.node.executionId);
    };
    const truth = ids(truthEnv, truthData);
    expect(truth).toHaveLength(8);

    const data = (await fetchQuery(env, request('relayDocumentsPageQuery'), { workflowId, first: 4 }).toPromise()) as object;
    expect(ids(env, data)).toEqual(truth.slice(0, 4));
    const endCursor = (() => {
      const snapshot = env.lookup(getSelector(artifacts['relayDocuments_executions'] as ReaderFragment, data) as never);
      return (snapshot.data as { workflowExecutions: { pageInfo: { endCursor: string } } }).workflowExecutions.pageInfo.endCursor;
    })();
    for (let i = 0; i < 2; i++) {
      h.simulator.advance(1_000);
      h.simulator.addExecution(workflowId);
    }
    // What usePaginationFragment's loadNext does: the refetch query from the end cursor, merged by the connection handler.
    await fetchQuery(env, request('relayDocumentsExecutionsPaginationQuery'), { workflowId, first: 4, after: endCursor }).toPromise();
    expect(ids(env, data)).toEqual(truth);
  });
});

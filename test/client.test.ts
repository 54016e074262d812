/**
 * The typed SDK (client/sdk.ts, generated from client/operations.graphql by `npm run codegen`)
 * against the running gateway — queries, `node`, every mutation, and the subscriptions through
 * graphql-sse with the SDK's documents and types — and its drift check: regenerating gives the
 * committed files.
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { print } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import { createClient, type ExecutionResult } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Sdk,
  type WatchBulkProgressSubscription,
  WatchBulkProgressDocument,
  type WatchExecutionSubscription,
  type WatchExecutionSubscriptionVariables,
  WatchExecutionDocument,
  getSdk,
} from '../client/sdk.ts';
import config from '../codegen.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
let sdk: Sdk;
beforeAll(async () => {
  // Quick polls: the subscription test watches an execution to its end.
  h = await startHarness({ env: { LIVE_POLL_MIN_MS: '50', LIVE_POLL_MAX_MS: '200' } });
  sdk = getSdk(new GraphQLClient(h.url));
});
afterAll(() => h?.close());

describe('typed SDK (graphql-request)', () => {
  it('reads a workflow execution with its steps', async () => {
    const workflow = h.simulator.data.workflows[0]!;
    const executionId = workflow.executionIds[0]!;
    const { workflowExecution } = await sdk.WorkflowExecution({ executionId, workflowId: workflow.id });
    expect(workflowExecution?.executionId).toBe(executionId);
    expect(workflowExecution?.workflowName).toBe(workflow.name);
    expect(workflowExecution?.steps?.map((step) => step.stepId)).toEqual(workflow.steps.map((step) => step.stepId));
  });

  it('pages executions and filters model executions with typed variables', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const first = await sdk.WorkflowExecutions({ workflowId, first: 3 });
    const second = await sdk.WorkflowExecutions({ workflowId, first: 3, after: first.workflowExecutions?.pageInfo.endCursor });
    const ids = [...(first.workflowExecutions?.edges ?? []), ...(second.workflowExecutions?.edges ?? [])].map((e) => e?.node?.executionId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const { modelExecutions } = await sdk.ModelExecutions({ filter: { status: ['COMPLETED'] }, first: 5 });
    expect(modelExecutions?.edges?.every((edge) => edge?.node?.status === 'COMPLETED')).toBe(true);
  });

  it('throws a ClientError with the contract code for an unknown execution', async () => {
    const error = await sdk.TaskExecution({ executionId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('reads any node by its global id, typed by `__typename`', async () => {
    const { completedBulk, completedTask } = h.simulator.data.picks;
    const { taskExecution } = await sdk.TaskExecution({ executionId: completedTask });
    const { node } = await sdk.Node({ id: taskExecution!.id });
    expect(node?.__typename).toBe('TaskExecution');
    if (node?.__typename === 'TaskExecution') expect(node.executionId).toBe(completedTask);
    const { bulk } = await sdk.BulkProgress({ workflowId: completedBulk.workflowId, bulkId: completedBulk.bulkId });
    const read = await sdk.Node({ id: bulk!.id });
    expect(read.node).toMatchObject({ __typename: 'Bulk', bulkId: completedBulk.bulkId, progress: { isComplete: true } });
  });

  it('runs every mutation: trigger, bulk trigger, cancel a task and a model execution', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const { triggerWorkflow } = await sdk.TriggerWorkflow({ workflowId, inputs: { prompt: 'a typed koi pond' } });
    expect(triggerWorkflow).toMatchObject({ accepted: true, status: 'PENDING', upstreamStatus: 'queued', message: null });
    const { bulkTriggerWorkflow } = await sdk.BulkTriggerWorkflow({ workflowId, inputs: [{ prompt: 'one' }, { style: 'no prompt' }] });
    expect(bulkTriggerWorkflow?.items.map((item) => item.accepted)).toEqual([true, false]);
    const { queuedTask, modelExecutionRunning } = h.simulator.data.picks;
    const { cancelTaskExecution } = await sdk.CancelTaskExecution({ executionId: queuedTask });
    expect(cancelTaskExecution).toMatchObject({ executionId: queuedTask, status: 'CANCELLED' });
    const { cancelModelExecution } = await sdk.CancelModelExecution({ executionId: modelExecutionRunning });
    expect(cancelModelExecution?.executionId).toBe(modelExecutionRunning);
  });

  it('subscribes with the SDK’s documents and types over graphql-sse', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const { triggerWorkflow } = await sdk.TriggerWorkflow({ workflowId, inputs: { prompt: 'watched' } });
    const client = createClient({ url: h.url, retryAttempts: 0 });
    const variables: WatchExecutionSubscriptionVariables = { id: triggerWorkflow!.id! };
    const events: ExecutionResult<WatchExecutionSubscription, unknown>[] = [];
    const watching = (async () => {
      for await (const event of client.iterate<WatchExecutionSubscription>({ query: print(WatchExecutionDocument), variables })) {
        events.push(event);
        h.simulator.advance(60_000);
      }
    })();
    await watching;
    const states = events.map((event) => event.data?.executionUpdated);
    expect(states[0]).toMatchObject({ __typename: 'WorkflowExecution', executionId: triggerWorkflow!.executionId });
    expect(states.at(-1)).toMatchObject({ isTerminal: true, status: 'COMPLETED' });
    const { completedBulk } = h.simulator.data.picks;
    const progress: ExecutionResult<WatchBulkProgressSubscription, unknown>[] = [];
    for await (const event of client.iterate<WatchBulkProgressSubscription>({
      query: print(WatchBulkProgressDocument),
      variables: { ...completedBulk },
    }))
      progress.push(event);
    expect(progress.at(-1)?.data?.bulkProgress).toMatchObject({ isComplete: true, total: completedBulk.executionIds.length });
    client.dispose();
  });

  it('client/sdk.ts, client/gql/ and client/possible-types.ts are up to date (run `npm run codegen` after changing client/operations.graphql)', async () => {
    for (const target of ['./client/sdk.ts', './client/possible-types.ts']) {
      const [output] = await generate({ ...config, silent: true, generates: { [target]: config.generates[target]! } }, false);
      expect(output!.content).toBe(readFileSync(new URL(`.${target}`, import.meta.url), 'utf8'));
    }
    const outputs = await generate({ ...config, silent: true, generates: { './client/gql/': config.generates['./client/gql/']! } }, false);
    expect(outputs.length).toBeGreaterThan(3);
    for (const output of outputs)
      expect(output.content, output.filename).toBe(
        readFileSync(new URL(`../${output.filename.replace(/^\.\//, '')}`, import.meta.url), 'utf8'),
      );
  });
});

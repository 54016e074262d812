/**
 * Trigger and cancel round trips through the gateway and the simulator's write endpoints:
 * arguments checked before any call, writes sent exactly once, a triggered execution watched to
 * its end by webhook (PUBLIC_URL), a task cancel that reaches ancestors and descendants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { modelsRoutes, tasksRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';
import { eventually, execution, ExecutionUpdated, sleep, sseClient, subscribe } from './helpers/live.ts';

let h: Harness;
let workflowId: string;
beforeAll(async () => {
  // Polls an hour apart: whatever a subscriber sees after the first event came by webhook.
  h = await startHarness({ publicUrl: true, env: { LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000' } });
  workflowId = h.simulator.data.workflows.find((w) => w.executionIds.includes(h.simulator.data.picks.completedImageExecution))!.id;
});
afterAll(() => h?.close());

const Trigger = /* GraphQL */ `
  mutation Trigger($workflowId: String!, $inputs: JSONObject, $versionId: String) {
    triggerWorkflow(workflowId: $workflowId, inputs: $inputs, versionId: $versionId) {
      accepted id executionId status upstreamStatus startedAt message
      execution { executionId workflowName status versionId inputs }
    }
  }
`;

const BulkTrigger = /* GraphQL */ `
  mutation BulkTrigger($workflowId: String!, $inputs: [JSONObject!]!) {
    bulkTriggerWorkflow(workflowId: $workflowId, inputs: $inputs) {
      bulkId
      bulk { progress { total running completed isComplete } }
      items { accepted executionId status upstreamStatus message }
    }
  }
`;

const CancelTask = /* GraphQL */ `
  mutation CancelTask($executionId: String!) {
    cancelTaskExecution(executionId: $executionId) {
      executionId status upstreamStatus cancelledAt
      execution { status upstreamStatus ... on TaskExecution { cancelledBy parent { upstreamStatus } root { upstreamStatus } } }
    }
  }
`;

const CancelModel = /* GraphQL */ `
  mutation CancelModel($executionId: String!) {
    cancelModelExecution(executionId: $executionId) { executionId status upstreamStatus message execution { status upstreamStatus } }
  }
`;

const hits = (route: string) => h.simulator.hits()[route] ?? 0;

describe('triggerWorkflow', () => {
  it('triggers, then the execution is watched to completion by webhook, the gateway’s own URL passed as webhook_url', async () => {
    const { body, status } = await h.post({
      query: Trigger,
      variables: { workflowId, inputs: { prompt: 'a lighthouse at dawn', style: 'watercolor' }, versionId: 'v2' },
    });
    expect(status).toBe(200);
    const trigger = body.data!['triggerWorkflow'] as Record<string, unknown>;
    expect(trigger).toMatchObject({ accepted: true, status: 'PENDING', upstreamStatus: 'queued', message: null });
    expect(trigger['execution']).toMatchObject({
      executionId: trigger['executionId'],
      workflowName: 'Text to Image Generator',
      status: 'RUNNING',
    });
    // Only list summaries carry the version (README): the one asked for.
    expect(h.simulator.data.workflowExecutionSummary(trigger['executionId'] as string)!['version_id']).toBe('v2');
    const sent = h.simulator.requests().find((request) => request.route === workflowsRoutes.trigger)!;
    expect(sent.body).toEqual({
      version_id: 'v2',
      inputs: { prompt: 'a lighthouse at dawn', style: 'watercolor' },
      webhook_url: h.url.replace(/\/graphql$/, '/webhooks/workflows'),
    });

    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: trigger['id'] });
    await sub.next(1);
    expect(execution(sub.events[0])).toMatchObject({ executionId: trigger['executionId'], status: 'RUNNING' });
    h.simulator.advance(10 * 60_000);
    await sub.done;
    expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED', isTerminal: true });
    // No WEBHOOK_SECRET here: the webhook prompted a re-read (202), which found the completion.
    expect(h.simulator.webhooks()).toEqual([
      expect.objectContaining({ executionId: trigger['executionId'], status: 'completed', attempt: 1, responseStatus: 202 }),
    ]);
    client.dispose();
  });

  it('passes on the upstream’s refusal as BAD_USER_INPUT, and checks arguments before any call', async () => {
    const refused = await h.post({ query: Trigger, variables: { workflowId, inputs: { style: 'oil painting' } } });
    expect(codesOf(refused.body)).toEqual(['BAD_USER_INPUT']);
    expect(refused.body.errors![0]!.message).toContain("missing required field 'prompt'");
    const before = h.simulator.totalHits();
    const empty = await h.post({ query: Trigger, variables: { workflowId: ' ' } });
    expect(codesOf(empty.body)).toEqual(['BAD_USER_INPUT']);
    const unknown = await h.post({ query: Trigger, variables: { workflowId: 'no-such-workflow', inputs: { prompt: 'x' } } });
    expect(codesOf(unknown.body)).toEqual(['NOT_FOUND']);
    expect(h.simulator.totalHits()).toBe(before + 1);
  });

  it('gives a watchable id when triggered by the workflow’s slug', async () => {
    const { body } = await h.post({ query: Trigger, variables: { workflowId: 'text-to-image-generator', inputs: { prompt: 'a fox' } } });
    const trigger = body.data!['triggerWorkflow'] as Record<string, unknown>;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: trigger['id'] });
    await sub.next(1);
    expect(execution(sub.events[0])).toMatchObject({ executionId: trigger['executionId'], status: 'RUNNING' });
    sub.dispose();
    client.dispose();
  });

  it('is sent once, never retried, even on a retryable failure', async () => {
    h.simulator.setFault('workflows', { route: workflowsRoutes.trigger, fault: { kind: 'status', status: 503 }, times: 3 });
    const before = hits(workflowsRoutes.trigger);
    const failed = await h.post({ query: Trigger, variables: { workflowId, inputs: { prompt: 'x' } } });
    expect(codesOf(failed.body)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(hits(workflowsRoutes.trigger)).toBe(before + 1);
    h.simulator.clearFaults();
  });
});

describe('bulkTriggerWorkflow', () => {
  it('returns the bulk and one result per input, accepted and refused alike', async () => {
    const inputs = [{ prompt: 'a koi pond' }, { style: 'no prompt here' }, { prompt: 'a red fox', style: 'line art' }];
    const { body } = await h.post({ query: BulkTrigger, variables: { workflowId, inputs } });
    const bulk = body.data!['bulkTriggerWorkflow'] as {
      bulkId: string;
      bulk: { progress: Record<string, unknown> };
      items: Record<string, unknown>[];
    };
    expect(bulk.items.map((item) => item['accepted'])).toEqual([true, false, true]);
    expect(bulk.items[1]).toMatchObject({
      executionId: null,
      status: 'FAILED',
      upstreamStatus: 'failed',
      message: "invalid input: missing required field 'prompt'",
    });
    expect(bulk.bulk.progress).toMatchObject({ total: 2, running: 2, isComplete: false });
    const listed = h.simulator.data.workflowExecution(bulk.items[0]!['executionId'] as string)!;
    expect(listed['bulk_id']).toBe(bulk.bulkId);
  });

  it('refuses 0 or more than 10 inputs before any call', async () => {
    const before = h.simulator.totalHits();
    for (const inputs of [[], Array.from({ length: 11 }, () => ({ prompt: 'x' }))]) {
      const { body } = await h.post({ query: BulkTrigger, variables: { workflowId, inputs } });
      expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    }
    expect(h.simulator.totalHits()).toBe(before);
  });
});

describe('cancelTaskExecution', () => {
  it('cancels the task with its ancestors and descendants: pending_cancel until the worker confirms', async () => {
    const own = await startHarness();
    const { deepTaskChainLeaf: leaf, deepTaskChainRoot: root } = own.simulator.data.picks;
    const parent = own.simulator.data.taskExecution(leaf)!['parent_execution_id'] as string;
    const { body } = await own.post({ query: CancelTask, variables: { executionId: parent } });
    const cancel = body.data!['cancelTaskExecution'] as Record<string, unknown>;
    expect(cancel).toMatchObject({ executionId: parent, status: 'RUNNING', upstreamStatus: 'pending_cancel' });
    expect(cancel['cancelledAt']).toEqual(expect.any(String));
    expect(cancel['execution']).toMatchObject({
      upstreamStatus: 'pending_cancel',
      cancelledBy: 'manual',
      parent: { upstreamStatus: 'pending_cancel' },
      root: { upstreamStatus: 'pending_cancel' },
    });
    expect(own.simulator.data.taskExecution(leaf)!['status']).toBe('pending_cancel');
    own.simulator.advance(3000);
    expect([leaf, parent, root].map((id) => own.simulator.data.taskExecution(id)!['status'])).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    await own.close();
  });

  it('refuses a finished task (BAD_USER_INPUT from the host) and a non-UUID id before any call', async () => {
    const finished = await h.post({ query: CancelTask, variables: { executionId: h.simulator.data.picks.completedTask } });
    expect(codesOf(finished.body)).toEqual(['BAD_USER_INPUT']);
    expect(finished.body.errors![0]!.message).toContain('Execution cannot be cancelled (status: completed)');
    const before = hits(tasksRoutes.cancel);
    const malformed = await h.post({ query: CancelTask, variables: { executionId: 'not-a-uuid' } });
    expect(codesOf(malformed.body)).toEqual(['BAD_USER_INPUT']);
    expect(hits(tasksRoutes.cancel)).toBe(before);
  });
});

describe('cancelModelExecution', () => {
  it('cancels a running prediction (best effort) and a subscriber sees it end', async () => {
    const own = await startHarness({ env: { LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '40' } });
    const { modelExecutionRunning: id } = own.simulator.data.picks;
    const client = sseClient(own.url);
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'ModelExecution', executionId: id }) });
    await sub.next(1);
    const { body } = await own.post({ query: CancelModel, variables: { executionId: id } });
    expect(body.data!['cancelModelExecution']).toMatchObject({
      executionId: id,
      status: 'CANCELLED',
      upstreamStatus: 'cancelled',
      message: 'Prediction canceled successfully',
      execution: { status: 'CANCELLED', upstreamStatus: 'cancelled' },
    });
    await sub.done;
    expect(execution(sub.events.at(-1))).toMatchObject({ status: 'CANCELLED', isTerminal: true });
    expect(own.simulator.hits()[modelsRoutes.cancel]).toBe(1);
    client.dispose();
    await eventually(() => own.gateway.live.watches.stats().watching === 0);
    await sleep(10);
    await own.close();
  });

  it('answers NOT_FOUND for an unknown prediction', async () => {
    const { body } = await h.post({ query: CancelModel, variables: { executionId: 'no-such-prediction' } });
    expect(codesOf(body)).toEqual(['NOT_FOUND']);
  });
});

/**
 * Global ids: clients store them, so today's encodings are pinned byte for byte, every entry
 * point (node, nodes, the `id` fields, triggers, GraphiQL's tabs, subscriptions) speaks the
 * same encoding, and a malformed id is BAD_USER_INPUT before any upstream call.
 */
import { GraphQLError } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesFrom } from '../src/graphiql.ts';
import { decodeGlobalId, encodeGlobalId, executionTypes, type NodeRef, nodeTypes } from '../src/schema/ids.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';
import { ExecutionUpdated, sseClient, subscribe } from './helpers/live.ts';

/** The encoding as first shipped, restated independently of src/schema/ids.ts. */
const shipped = (typename: string, local: string) => Buffer.from(`${typename}:${local}`, 'utf8').toString('base64url');

/** Encodings given out before ids.ts existed (computed at commit c5c46f2): they must keep decoding to the same thing. */
const pinned: [NodeRef, string][] = [
  [
    {
      typename: 'WorkflowExecution',
      workflowId: '6e3c6bc6-7b67-4d01-8df5-5923c23ea572',
      executionId: '00547a0d-0e5f-4693-b7fa-e56cde3431ff',
    },
    'V29ya2Zsb3dFeGVjdXRpb246WyI2ZTNjNmJjNi03YjY3LTRkMDEtOGRmNS01OTIzYzIzZWE1NzIiLCIwMDU0N2EwZC0wZTVmLTQ2OTMtYjdmYS1lNTZjZGUzNDMxZmYiXQ',
  ],
  [
    { typename: 'WorkflowExecution', workflowId: 'text-to-image', executionId: 'exec-1' },
    'V29ya2Zsb3dFeGVjdXRpb246WyJ0ZXh0LXRvLWltYWdlIiwiZXhlYy0xIl0',
  ],
  [
    { typename: 'WorkflowExecution', workflowId: 'wf "quoted"', executionId: 'ex\\1' },
    'V29ya2Zsb3dFeGVjdXRpb246WyJ3ZiBcInF1b3RlZFwiIiwiZXhcXDEiXQ',
  ],
  [{ typename: 'ModelExecution', executionId: 'exec_abc123' }, 'TW9kZWxFeGVjdXRpb246ZXhlY19hYmMxMjM'],
  [{ typename: 'ModelExecution', executionId: 'prédiction/é?#' }, 'TW9kZWxFeGVjdXRpb246cHLDqWRpY3Rpb24vw6k_Iw'],
  [
    { typename: 'TaskExecution', executionId: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' },
    'VGFza0V4ZWN1dGlvbjozZjFjMmQ0ZS01YTZiLTRjN2QtOGU5Zi0wYTFiMmMzZDRlNWY',
  ],
  [
    { typename: 'Bulk', workflowId: '6e3c6bc6-7b67-4d01-8df5-5923c23ea572', bulkId: '550e8400-e29b-41d4-a716-446655440000' },
    'QnVsazpbIjZlM2M2YmM2LTdiNjctNGQwMS04ZGY1LTU5MjNjMjNlYTU3MiIsIjU1MGU4NDAwLWUyOWItNDFkNC1hNzE2LTQ0NjY1NTQ0MDAwMCJd',
  ],
];

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions['code'] : error;
  }
  return 'no error';
}

describe('encoding', () => {
  it.each(pinned)('pins %o', (ref, id) => {
    expect(encodeGlobalId(ref)).toBe(id);
    expect(decodeGlobalId(id, nodeTypes)).toEqual(ref);
  });

  it('pins the variants added since: a workflow, and a model execution with its model slug', () => {
    const workflow: NodeRef = { typename: 'Workflow', workflowId: '6e3c6bc6-7b67-4d01-8df5-5923c23ea572' };
    const withModel: NodeRef = { typename: 'ModelExecution', executionId: 'exec_abc123', model: 'flux-1-1-pro' };
    expect(encodeGlobalId(workflow)).toBe('V29ya2Zsb3c6NmUzYzZiYzYtN2I2Ny00ZDAxLThkZjUtNTkyM2MyM2VhNTcy');
    expect(encodeGlobalId(withModel)).toBe(shipped('ModelExecution/model', '["exec_abc123","flux-1-1-pro"]'));
    expect(decodeGlobalId(encodeGlobalId(workflow), nodeTypes)).toEqual(workflow);
    expect(decodeGlobalId(encodeGlobalId(withModel), nodeTypes)).toEqual(withModel);
    // The variant is in the type token, so no id given out before can read as one: not even one whose id looks like its pair.
    expect(decodeGlobalId(shipped('ModelExecution', '["exec_abc123","flux-1-1-pro"]'), nodeTypes)).toEqual({
      typename: 'ModelExecution',
      executionId: '["exec_abc123","flux-1-1-pro"]',
    });
  });

  it('still decodes padded ids, as it always has', () => {
    expect(decodeGlobalId('TW9kZWxFeGVjdXRpb246ZXhlY19hYmMxMjM=', nodeTypes)).toEqual({
      typename: 'ModelExecution',
      executionId: 'exec_abc123',
    });
  });
});

describe('malformed ids are BAD_USER_INPUT', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['not base64url', '%%%'],
    ['standard base64', Buffer.from('ModelExecution:a?>').toString('base64')],
    ['no separator', shipped('ModelExecution', '').slice(0, -1)],
    ['no type', shipped('', 'x')],
    ['no local id', shipped('TaskExecution', '')],
    ['an unknown type', shipped('User', '1')],
    ['a workflow id that is not JSON', shipped('WorkflowExecution', 'wf,ex')],
    ['a workflow pair of one', shipped('WorkflowExecution', '["ex"]')],
    ['a workflow pair of three', shipped('WorkflowExecution', '["wf","ex","x"]')],
    ['an empty workflow id', shipped('WorkflowExecution', '["","ex"]')],
    ['a non-string execution id', shipped('WorkflowExecution', '["wf",1]')],
    ['a bulk id that is not a pair', shipped('Bulk', '{"workflowId":"w","bulkId":"b"}')],
    ['a model variant that is not a pair', shipped('ModelExecution/model', 'exec_abc123')],
    ['a model variant without its model', shipped('ModelExecution/model', '["exec_abc123",""]')],
    ['an unknown variant', shipped('ModelExecution/version', '["exec_abc123","v1"]')],
    ['a variant of another type', shipped('TaskExecution/model', '["t","m"]')],
    ['two variants', shipped('ModelExecution/model/x', '["exec_abc123","flux-1-1-pro"]')],
  ];
  it.each(cases)('%s', (_name, id) => {
    expect(codeOf(() => decodeGlobalId(id, nodeTypes))).toBe('BAD_USER_INPUT');
  });

  it('refuses a well-formed id of a type the caller does not accept', () => {
    const bulk = pinned.find(([ref]) => ref.typename === 'Bulk')![1];
    expect(codeOf(() => decodeGlobalId(bulk, executionTypes))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => decodeGlobalId(pinned[0]![1], ['ModelExecution']))).toBe('BAD_USER_INPUT');
  });
});

describe('through the gateway', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it('gives out the shipped encoding for every node type (a listed model execution with its slug), and `nodes` reads each back', async () => {
    const { picks } = h.simulator.data;
    const workflowId = h.simulator.data.workflows.find((w) => w.executionIds.includes(picks.completedImageExecution))!.id;
    const { body } = await h.post({
      query: `query($wf: String!, $ex: String!, $task: String!, $bwf: String!, $bulk: UUID!) {
        workflowExecution(executionId: $ex, workflowId: $wf) { id workflowId executionId }
        modelExecutions(first: 1) { edges { node { id executionId model } } }
        taskExecution(executionId: $task) { id executionId }
        bulk(workflowId: $bwf, bulkId: $bulk) { id workflowId bulkId }
      }`,
      variables: {
        wf: workflowId,
        ex: picks.completedImageExecution,
        task: picks.deepTaskChainLeaf,
        bwf: picks.completedBulk.workflowId,
        bulk: picks.completedBulk.bulkId,
      },
    });
    expect(body.errors).toBeUndefined();
    const data = body.data as Record<string, any>; // any: ad-hoc query shape
    const model = data['modelExecutions'].edges[0].node;
    const expected = [
      shipped('WorkflowExecution', JSON.stringify([data['workflowExecution'].workflowId, data['workflowExecution'].executionId])),
      shipped('ModelExecution/model', JSON.stringify([model.executionId, model.model])),
      shipped('TaskExecution', data['taskExecution'].executionId),
      shipped('Bulk', JSON.stringify([data['bulk'].workflowId, data['bulk'].bulkId])),
    ];
    expect([data['workflowExecution'].id, model.id, data['taskExecution'].id, data['bulk'].id]).toEqual(expected);

    const read = await h.post({ query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, variables: { ids: expected } });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data!['nodes']).toEqual([
      { __typename: 'WorkflowExecution', id: expected[0] },
      { __typename: 'ModelExecution', id: expected[1] },
      { __typename: 'TaskExecution', id: expected[2] },
      { __typename: 'Bulk', id: expected[3] },
    ]);
  });

  it('gives a trigger its own id, distinct from its execution’s (Relay keys records by id), and GraphiQL’s live tab the pinned encoding', async () => {
    const workflowId = h.simulator.data.workflows[0]!.id;
    const { body } = await h.post({
      query: `mutation($wf: String!) { triggerWorkflow(workflowId: $wf, inputs: { prompt: "a lighthouse" }) { id executionId execution { id } } }`,
      variables: { wf: workflowId },
    });
    const trigger = body.data!['triggerWorkflow'] as { id: string; executionId: string; execution: { id: string } };
    expect(trigger.id).toBe(shipped('WorkflowTrigger', JSON.stringify([workflowId, trigger.executionId])));
    expect(trigger.execution.id).toBe(shipped('WorkflowExecution', JSON.stringify([workflowId, trigger.executionId])));
    // Not a Node: `node(id:)` must answer an object with the id it was asked for, so it refuses.
    h.simulator.resetHits();
    const node = await h.post({ query: `query($id: ID!) { node(id: $id) { id } }`, variables: { id: trigger.id } });
    expect(codesOf(node.body)).toEqual(['BAD_USER_INPUT']);
    expect(h.simulator.totalHits()).toBe(0);

    const { picks, workflows } = h.simulator.data;
    const running = workflows.find((w) => w.executionIds.includes(picks.runningExecution))!.id;
    expect(examplesFrom(h.simulator.data).runningExecutionGlobalId).toBe(
      shipped('WorkflowExecution', JSON.stringify([running, picks.runningExecution])),
    );
  });

  it('answers a malformed id with BAD_USER_INPUT and no upstream call, per item in `nodes`', async () => {
    h.simulator.resetHits();
    const single = await h.post({
      query: `query($id: ID!) { node(id: $id) { id } }`,
      variables: { id: shipped('WorkflowExecution', 'nope') },
    });
    expect(single.body.data).toEqual({ node: null });
    expect(codesOf(single.body)).toEqual(['BAD_USER_INPUT']);
    const many = await h.post({
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      variables: { ids: ['%%%', shipped('User', '1')] },
    });
    expect(many.body.data).toEqual({ nodes: [null, null] });
    expect(codesOf(many.body)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('refuses a bulk id where an execution is watched', async () => {
    const { completedBulk } = h.simulator.data.picks;
    const client = sseClient(h.url);
    h.simulator.resetHits();
    const sub = subscribe(client, ExecutionUpdated, {
      id: shipped('Bulk', JSON.stringify([completedBulk.workflowId, completedBulk.bulkId])),
    });
    await sub.done;
    expect(sub.events[0]?.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(h.simulator.totalHits()).toBe(0);
    client.dispose();
  });
});

/**
 * The execution graph beyond the feed: a Workflow (by uuid or slug, as a Node, from each of its
 * executions), the model execution a step ran (batched per workflow execution, shared with
 * `cost`), typed outputs whose images the simulator serves, and a model execution's slug that
 * survives `node(id:)` and subscriptions. Call counts come from the simulator's hit counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { outputItemsOf } from '../src/schema/output.ts';
import { flowsRoutes, modelsRoutes, workflowsRoutes } from '../src/simulator/index.ts';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';
import { ExecutionUpdated, sseClient, subscribe } from './helpers/live.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

type Any = any;

async function query(text: string, variables: Record<string, unknown> = {}): Promise<{ data: Any; errors: unknown[] | undefined }> {
  const { body } = await h.post({ query: text, variables });
  return { data: body.data as Any, errors: body.errors };
}

const workflowOf = (executionId: string) => h.simulator.data.workflows.find((workflow) => workflow.executionIds.includes(executionId))!;
type Json = Record<string, unknown>;
const stepsOf = (detail: Json) => Object.values(detail['step_outputs'] as Record<string, Json>);

describe('Workflow', () => {
  it('is read by slug in one call, which every execution’s `workflow` link (by uuid) shares; by uuid alike', async () => {
    const workflow = h.simulator.data.workflows[0]!;
    const upstream = (await (
      await fetch(`${h.simulator.urls.workflows}/workflows/${workflow.id}`, { headers: { 'x-api-key': h.simulator.credentials.apiKey } })
    ).json()) as Json;
    h.simulator.resetHits();
    const { data, errors } = await query(
      `query($slug: String!) {
        workflow(idOrSlug: $slug) { id workflowId slug name description latestVersionId triggerCount versions { versionId triggerCount }
          executions(first: 3) { totalCount edges { node { executionId workflow { id slug } } } } }
      }`,
      { slug: workflow.slug },
    );
    expect(errors).toBeUndefined();
    expect(data.workflow).toMatchObject({
      id: encodeGlobalId({ typename: 'Workflow', workflowId: workflow.id }),
      workflowId: workflow.id,
      slug: workflow.slug,
      name: workflow.name,
      description: upstream['description'],
      latestVersionId: upstream['latest_version_id'],
      triggerCount: workflow.executionIds.length,
    });
    expect(data.workflow.versions.map((version: Any) => version.versionId).sort()).toEqual(
      (upstream['versions'] as Json[]).map((version) => version['version_id']).sort(),
    );
    expect(data.workflow.executions.totalCount).toBe(workflow.executionIds.length);
    expect(data.workflow.executions.edges.map((edge: Any) => edge.node.executionId)).toEqual(workflow.executionIds.slice(0, 3));
    for (const edge of data.workflow.executions.edges) expect(edge.node.workflow).toEqual({ id: data.workflow.id, slug: workflow.slug });
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.workflow]: 1, [workflowsRoutes.list]: 1 });

    h.simulator.resetHits();
    const byId = await query(`query($id: String!) { workflow(idOrSlug: $id) { id name } again: workflow(idOrSlug: $id) { id } }`, {
      id: workflow.id,
    });
    expect(byId.data).toEqual({ workflow: { id: data.workflow.id, name: workflow.name }, again: { id: data.workflow.id } });
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.workflow]: 1 });
  });

  it('pages its executions as `workflowExecutions` does, optionally of one bulk', async () => {
    const { completedBulk } = h.simulator.data.picks;
    const { data, errors } = await query(
      `query($wf: String!, $bulk: UUID!) {
        workflow(idOrSlug: $wf) { executions(first: 4, bulkId: $bulk) { totalCount edges { cursor node { executionId bulkId } } } }
        workflowExecutions(workflowId: $wf, bulkId: $bulk, first: 4) { totalCount edges { cursor node { executionId bulkId } } }
      }`,
      { wf: completedBulk.workflowId, bulk: completedBulk.bulkId },
    );
    expect(errors).toBeUndefined();
    expect(data.workflow.executions).toEqual(data.workflowExecutions);
    expect(data.workflowExecutions.totalCount).toBe(completedBulk.executionIds.length);
  });

  it('is a Node: `node` reads it back, and 100 `nodes` with workflows cost one call per workflow and per bulk of executions', async () => {
    const { workflows } = h.simulator.data;
    // The four workflows, and 96 executions of them: 16 of each, and the rest of the largest.
    const executions = workflows.flatMap((workflow, i) =>
      workflow.executionIds.slice(0, i === 0 ? 48 : 16).map((executionId) => ({ workflowId: workflow.id, executionId })),
    );
    const ids = [
      ...workflows.map((workflow) => encodeGlobalId({ typename: 'Workflow', workflowId: workflow.id })),
      ...executions.map((execution) => encodeGlobalId({ typename: 'WorkflowExecution', ...execution })),
    ];
    expect(ids).toHaveLength(100);
    h.simulator.resetHits();
    const { data, errors } = await query(
      `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Workflow { name } ... on WorkflowExecution { workflow { name } } } }`,
      { ids },
    );
    expect(errors).toBeUndefined();
    expect(data.nodes.map((node: Any) => node.id)).toEqual(ids);
    expect(data.nodes.filter((node: Any) => node.__typename === 'Workflow').map((node: Any) => node.name)).toEqual(
      workflows.map((workflow) => workflow.name),
    );
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.workflow]: 4, [flowsRoutes.bulk]: 4 });
    const one = await query(`query($id: ID!) { node(id: $id) { id ... on Workflow { slug } } }`, { id: ids[0] });
    expect(one.data.node).toEqual({ id: ids[0], slug: workflows[0]!.slug });
  });

  it('answers NOT_FOUND for an unknown workflow', async () => {
    const { data, errors } = await query(`{ workflow(idOrSlug: "no-such-workflow") { name } }`);
    expect(data).toEqual({ workflow: null });
    expect(codesOf({ errors: errors as Any })).toEqual(['NOT_FOUND']);
  });
});

describe('Step.modelExecution', () => {
  it('is the prediction the step names, with its cost and run time: one detail and one models call per execution read in bulk, shared with `cost`', async () => {
    const { completedImageExecution } = h.simulator.data.picks;
    const workflow = workflowOf(completedImageExecution);
    const detail = h.simulator.data.workflowExecution(completedImageExecution)!;
    const listed = h.simulator.data.modelExecutionList().filter((item) => item['workflow_execution_id'] === completedImageExecution);
    h.simulator.resetHits();
    const { data, errors } = await query(
      `query($ex: String!, $wf: String!) { workflowExecution(executionId: $ex, workflowId: $wf) {
        cost modelExecutions { totalCount }
        steps { stepId modelExecution { executionId model cost runTimeSeconds workflowExecutionId } }
      } }`,
      { ex: completedImageExecution, wf: workflow.id },
    );
    expect(errors).toBeUndefined();
    const steps = data.workflowExecution.steps as Any[];
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      const predictionId = (stepsOf(detail).find((candidate) => candidate['step_id'] === step.stepId)!['metadata'] as Json)[
        'prediction_id'
      ];
      const item = listed.find((candidate) => candidate['id'] === predictionId)!;
      expect(step.modelExecution).toEqual({
        executionId: predictionId,
        model: item['model'],
        cost: item['execution_cost'],
        runTimeSeconds: item['run_time'],
        workflowExecutionId: completedImageExecution,
      });
    }
    expect(h.simulator.hits()).toEqual({ [flowsRoutes.bulk]: 1, [workflowsRoutes.detail]: 1, [modelsRoutes.list]: 1 });
  });

  it('reads a detail-shaped execution’s steps without another detail call; null for steps not completed', async () => {
    const { failedExecution } = h.simulator.data.picks;
    h.simulator.resetHits();
    const { data, errors } = await query(
      `query($ex: String!) { workflowExecution(executionId: $ex) { steps { stepId status modelExecution { executionId status } } } }`,
      { ex: failedExecution },
    );
    expect(errors).toBeUndefined();
    // The failed first step names no prediction (the upstream names it once completed); the skipped one never ran.
    expect(data.workflowExecution.steps.map((step: Any) => [step.status, step.modelExecution])).toEqual([
      ['FAILED', null],
      ['CANCELLED', null],
    ]);
    expect(h.simulator.hits()).toEqual({ [workflowsRoutes.detail]: 1 });
  });

  it('costs one models call per workflow execution on a page of 50 (measured in the README)', async () => {
    const workflow = h.simulator.data.workflows[0]!;
    h.simulator.resetHits();
    const { data, errors } = await query(
      `query($wf: String!) { workflow(idOrSlug: $wf) { executions(first: 50) { edges { node { executionId cost steps { status modelExecution { cost runTimeSeconds } } } } } } }`,
      { wf: workflow.slug },
    );
    expect(errors).toBeUndefined();
    const nodes = data.workflow.executions.edges.map((edge: Any) => edge.node);
    const withPrediction = nodes.filter((node: Any) => node.steps.some((step: Any) => step.status === 'COMPLETED'));
    for (const node of nodes) {
      for (const step of node.steps) expect(step.modelExecution !== null).toBe(step.status === 'COMPLETED');
      const costs = node.steps.flatMap((step: Any) => (step.modelExecution ? [step.modelExecution.cost] : []));
      if (node.cost !== null && costs.length === node.steps.length)
        expect(node.cost).toBeCloseTo(
          costs.reduce((a: number, b: number) => a + b, 0),
          6,
        );
    }
    const hits = h.simulator.hits();
    expect(hits[modelsRoutes.list]).toBe(50); // `cost` asks every execution; the steps share those calls
    expect(hits[workflowsRoutes.detail]).toBe(withPrediction.length);
    expect(hits).toMatchObject({ [workflowsRoutes.workflow]: 1, [workflowsRoutes.list]: 1, [flowsRoutes.bulk]: 1 });
  });
});

describe('typed outputs', () => {
  it('types an image list, text and structured output, and the images are served by the simulator', async () => {
    const { completedImageExecution, completedStructuredExecution } = h.simulator.data.picks;
    const { data, errors } = await query(
      `query($img: String!, $obj: String!) {
        image: workflowExecution(executionId: $img) { output outputs { __typename ... on ImageOutput { url contentType } }
          steps { outputs { __typename ... on TextOutput { text } ... on ImageOutput { url } } } }
        structured: workflowExecution(executionId: $obj) { output outputs { __typename ... on JsonOutput { value } } }
      }`,
      { img: completedImageExecution, obj: completedStructuredExecution },
    );
    expect(errors).toBeUndefined();
    expect(data.image.outputs).toEqual(
      data.image.output.map((url: string) => ({ __typename: 'ImageOutput', url, contentType: 'image/png' })),
    );
    expect(data.image.steps[0].outputs).toEqual([{ __typename: 'TextOutput', text: expect.any(String) }]);
    expect(data.structured.outputs).toEqual([{ __typename: 'JsonOutput', value: data.structured.output }]);
    for (const { url } of data.image.outputs) {
      expect(url.startsWith(`${h.simulator.mediaBase}/`)).toBe(true);
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
  });

  it('classifies each element: URLs by the upstream’s content type or their extension, text, structured values', () => {
    expect(outputItemsOf(null)).toBeNull();
    expect(outputItemsOf([])).toEqual([]);
    expect(
      outputItemsOf([
        'https://cdn.example.com/a/photo.JPG?sig=1',
        'https://cdn.example.com/clip.mp4',
        'https://cdn.example.com/blob',
        { url: 'https://cdn.example.com/blob', content_type: 'image/webp' },
        'data:image/gif;base64,R0lGOD',
        'just words, not a link: https://example.com',
        42,
        null,
        ['nested'],
        { caption: 'a cat' },
      ]),
    ).toEqual([
      { kind: 'image', url: 'https://cdn.example.com/a/photo.JPG?sig=1', contentType: 'image/jpeg' },
      { kind: 'file', url: 'https://cdn.example.com/clip.mp4', contentType: 'video/mp4' },
      { kind: 'file', url: 'https://cdn.example.com/blob', contentType: null },
      { kind: 'image', url: 'https://cdn.example.com/blob', contentType: 'image/webp' },
      { kind: 'image', url: 'data:image/gif;base64,R0lGOD', contentType: 'image/gif' },
      { kind: 'text', text: 'just words, not a link: https://example.com' },
      { kind: 'json', value: 42 },
      { kind: 'json', value: ['nested'] },
      { kind: 'json', value: { caption: 'a cat' } },
    ]);
    expect(outputItemsOf('Once upon a time')).toEqual([{ kind: 'text', text: 'Once upon a time' }]);
  });
});

describe('ModelExecution.model is never a lie', () => {
  it('a listed execution’s id carries its slug to `node`, `nodes` and a subscription; an id without one answers null, never ""', async () => {
    const { data } = await query(
      `{ modelExecutions(first: 3, filter: { status: [COMPLETED] }) { edges { node { id executionId model } } } }`,
    );
    const listed = data.modelExecutions.edges.map((edge: Any) => edge.node);
    for (const node of listed) expect(node.model).toMatch(/^[a-z0-9-]+$/);
    const read = await query(`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ModelExecution { executionId model } } }`, {
      ids: listed.map((node: Any) => node.id),
    });
    expect(read.errors).toBeUndefined();
    expect(read.data.nodes).toEqual(listed);
    const bare = encodeGlobalId({ typename: 'ModelExecution', executionId: listed[0].executionId });
    const plain = await query(`query($id: ID!) { node(id: $id) { id ... on ModelExecution { model } } }`, { id: bare });
    expect(plain.errors).toBeUndefined();
    expect(plain.data.node).toEqual({ id: bare, model: null });

    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: listed[0].id });
    await sub.done;
    expect(sub.events[0]?.data?.['executionUpdated']).toMatchObject({ id: listed[0].id, model: listed[0].model });
    client.dispose();
  });
});

/**
 * Pure unit tests of the upstream layer's wire validators and normalisers, over fixtures taken
 * from the reference pages' examples (test/fixtures; docs/upstreams.md pages 000–004). No network.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphQLError } from 'graphql';
import type * as model from '../src/model.ts';
import { normaliseStatus } from '../src/model.ts';
import { errorForStatus, errorForTransport, parseRetryAfter, redactBody, segment } from '../src/upstreams/http.ts';
import { decodeOnce, decodeStructured, parseTimestamp, preferOutputJson } from '../src/upstreams/json.ts';
import { pageOf } from '../src/upstreams/normalise.ts';
import { normaliseBulkExecution, normaliseBulkExecutions } from '../src/upstreams/flows/normalise.ts';
import { parseBulkResponse } from '../src/upstreams/flows/wire.ts';
import { modelListParams } from '../src/upstreams/models/client.ts';
import {
  normaliseCancelPrediction,
  normaliseModelExecution,
  normaliseModelExecutionList,
  normalisePrediction,
} from '../src/upstreams/models/normalise.ts';
import { parseCancelPrediction, parseModelExecutionList, parsePrediction } from '../src/upstreams/models/wire.ts';
import { taskRunsParams } from '../src/upstreams/tasks/client.ts';
import { normaliseCancelExecution, normaliseTaskExecution, normaliseTaskRuns } from '../src/upstreams/tasks/normalise.ts';
import { parseCancelExecution, parseTaskExecution, parseTaskRuns } from '../src/upstreams/tasks/wire.ts';
import {
  normaliseExecutionDetails,
  normaliseExecutionList,
  normaliseTrigger,
  normaliseWorkflow,
} from '../src/upstreams/workflows/normalise.ts';
import {
  parseBulkTriggerResponse,
  parseExecutionDetails,
  parseListExecutionsResponse,
  parseTriggerResponse,
  parseWorkflowDetail,
} from '../src/upstreams/workflows/wire.ts';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a throw');
}

/** Every string anywhere in a value, keys included (Dates as ISO text). */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Date) out.push(value.toISOString());
  else if (value instanceof Map) for (const [k, v] of value) strings([k, v], out);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings([k, v], out);
  return out;
}

const detailJson = fixture('workflows-execution');
const bulkJson = fixture('flows-bulk');

describe('status normalisation (CONTRACT.md table)', () => {
  const table: [string, model.ExecutionStatus][] = [
    ['pending', 'PENDING'],
    ['queued', 'PENDING'],
    ['claimed', 'PENDING'],
    ['created', 'PENDING'],
    ['starting', 'PENDING'],
    ['running', 'RUNNING'],
    ['processing', 'RUNNING'],
    ['waiting', 'RUNNING'],
    ['pending_cancel', 'RUNNING'],
    ['completed', 'COMPLETED'],
    ['success', 'COMPLETED'],
    ['succeeded', 'COMPLETED'],
    ['failed', 'FAILED'],
    ['error', 'FAILED'],
    ['cancelled', 'CANCELLED'],
    ['canceled', 'CANCELLED'],
    ['SUCCESS', 'COMPLETED'],
    ['Pending_Cancel', 'RUNNING'],
    ['Cancelled', 'CANCELLED'],
    ['exploded', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ];
  it.each(table)('%s → %s', (upstream, expected) => {
    expect(normaliseStatus(upstream)).toBe(expected);
  });

  it('keeps an unknown status verbatim on every host and never throws', () => {
    const task = normaliseTaskExecution(parseTaskExecution({ ...fixture('tasks-execution'), status: 'Hibernating' }));
    expect([task.status, task.upstreamStatus, task.isTerminal]).toEqual(['UNKNOWN', 'Hibernating', false]);
    const detail = normaliseExecutionDetails(parseExecutionDetails({ ...detailJson, status: 'PAUSED' }));
    expect([detail.status, detail.upstreamStatus, detail.output]).toEqual(['UNKNOWN', 'PAUSED', null]);
    const item = normaliseModelExecution({ id: 'x' });
    expect([item.status, item.upstreamStatus]).toEqual(['UNKNOWN', '']);
  });
});

describe('decoding rules', () => {
  it('decodeOnce parses JSON text exactly once', () => {
    expect(decodeOnce('"\\"hi\\""')).toBe('"hi"');
    expect(decodeOnce('"{\\"a\\":1}"')).toBe('{"a":1}');
    expect(decodeOnce('["u1","u2"]')).toEqual(['u1', 'u2']);
    expect(decodeOnce('Once upon a time...')).toBe('Once upon a time...');
    expect(decodeOnce('{"truncated":')).toBe('{"truncated":');
  });

  it('prefers a non-empty output_json over output, and ignores {}', () => {
    expect(preferOutputJson({ a: 1 }, '"text"')).toEqual({ a: 1 });
    expect(preferOutputJson({}, '"text"')).toBe('text');
    expect(preferOutputJson(null, '[1,2]')).toEqual([1, 2]);
    expect(preferOutputJson([], 'plain')).toEqual([]);
    expect(preferOutputJson(undefined, '')).toBeNull();
  });

  it('decodes a model output only when it is a JSON array or object', () => {
    expect(decodeStructured('https://storage.example.com/a.jpg')).toBe('https://storage.example.com/a.jpg');
    expect(decodeStructured('42')).toBe('42');
    expect(decodeStructured('"quoted"')).toBe('"quoted"');
    expect(decodeStructured('["a","b"]')).toEqual(['a', 'b']);
    expect(decodeStructured('{"k":true}')).toEqual({ k: true });
    expect(decodeStructured('[not json')).toBe('[not json');
  });

  it('parses RFC 3339 timestamps and turns anything else into null', () => {
    expect(parseTimestamp('2025-12-04T11:48:10Z')?.toISOString()).toBe('2025-12-04T11:48:10.000Z');
    expect(parseTimestamp('2026-02-24T10:00:00.123456+02:00')?.toISOString()).toBe('2026-02-24T08:00:00.123Z');
    for (const bad of [undefined, null, '', '   ', 'yesterday', '2025-13-45T99:00:00Z', 1733312890, '2025-12-04']) {
      expect(parseTimestamp(bad)).toBeNull();
    }
  });
});

describe('workflows detail (docs/upstreams.md page 000)', () => {
  const execution = normaliseExecutionDetails(parseExecutionDetails(detailJson));

  it('maps the execution fields', () => {
    expect(execution).toMatchObject({
      source: 'WORKFLOW',
      shape: 'detail',
      executionId: '69ae8c7b-7500-4a45-b7c0-348b8cc2665b',
      workflowId: '50741f40-8621-4d46-8a91-dff4d873be98',
      workflowName: null,
      versionId: null,
      bulkId: '550e8400-e29b-41d4-a716-446655440000',
      status: 'COMPLETED',
      upstreamStatus: 'completed',
      isTerminal: true,
      inputs: { story: 'tell an epic story of a rat graduating from law' },
      output: ['https://storage.googleapis.com/uploads/image1.png', 'https://storage.googleapis.com/uploads/image2.png'],
      error: { message: 'ExecutionFailed', cause: "Step 'generate_image' failed: Model timeout after 30s", classification: null },
      progressPercent: 100,
      durationMs: 163_000,
    });
    expect(execution.createdAt?.toISOString()).toBe('2025-12-04T11:48:10.000Z');
  });

  it('maps steps from metadata', () => {
    expect(execution.steps?.map((s) => s.stepId)).toEqual(['step1', 'step2']);
    expect(execution.steps?.[1]).toMatchObject({
      name: null,
      status: 'COMPLETED',
      primary: 'https://storage.googleapis.com/uploads/image1.png',
      model: 'nano-banana-pro',
      modelVersion: '0.0.1',
      params: { prompt: 'Generate images based on the story', num_images: 2, aspect_ratio: '16:9', resolution: '1K', output_format: 'png' },
      durationMs: 134_000,
      executionId: '69ae8c7b-7500-4a45-b7c0-348b8cc2665b',
      workflowId: '50741f40-8621-4d46-8a91-dff4d873be98',
    });
  });

  it('orders steps by started_at, queued last, ties by key', () => {
    const steps = {
      z: { step_id: 'z', status: 'queued' },
      late: { step_id: 'late', status: 'running', started_at: '2025-12-04T12:00:00Z' },
      b: { step_id: 'b', status: 'completed', started_at: '2025-12-04T11:00:00Z' },
      a: { step_id: 'a', status: 'completed', started_at: '2025-12-04T11:00:00Z' },
      q: { step_id: 'q', status: 'queued', started_at: 'garbage' },
    };
    const result = normaliseExecutionDetails(parseExecutionDetails({ ...detailJson, status: 'running', step_outputs: steps }));
    expect(result.steps?.map((s) => s.stepId)).toEqual(['a', 'b', 'late', 'q', 'z']);
    expect(result.progressPercent).toBe(40);
    expect(result.output).toBeNull();
  });

  it('has null steps/progress without step_outputs and null times when absent', () => {
    const result = normaliseExecutionDetails(
      parseExecutionDetails({ execution_id: 'e', workflow_id: 'w', status: 'running', started_at: null, completed_at: '' }),
    );
    expect(result).toMatchObject({
      steps: null,
      progressPercent: null,
      startedAt: null,
      completedAt: null,
      createdAt: null,
      durationMs: null,
      error: null,
      bulkId: null,
    });
  });
});

describe('workflows list (docs/upstreams.md page 001)', () => {
  it('maps summaries and pages from what was asked, not the response offset', () => {
    const page = normaliseExecutionList(parseListExecutionsResponse(fixture('workflows-list')), { offset: 0, limit: 2 });
    expect(page).toMatchObject({ totalCount: 142, hasNextPage: true });
    expect(page.items[0]).toMatchObject({
      shape: 'summary',
      executionId: 'exec-1',
      workflowId: 'wf-123',
      workflowName: 'Text to Image Generator',
      versionId: 'v1',
      status: 'COMPLETED',
      durationMs: 300_000,
      steps: null,
      inputs: null,
      output: null,
    });
    expect(page.items[1]?.completedAt).toBeNull();
    expect(page.items[0]?.createdAt?.toISOString()).toBe('2025-12-20T10:00:00.000Z');
  });

  it('computes hasNextPage with and without total_count', () => {
    const list = parseListExecutionsResponse({ ...fixture('workflows-list'), offset: 999 });
    expect(normaliseExecutionList(list, { offset: 140, limit: 10 }).hasNextPage).toBe(false);
    expect(normaliseExecutionList(list, { offset: 139, limit: 10 }).hasNextPage).toBe(true);
    const { total_count: _, ...withoutTotal } = fixture('workflows-list');
    const noTotal = parseListExecutionsResponse(withoutTotal);
    expect(normaliseExecutionList(noTotal, { offset: 0, limit: 2 })).toMatchObject({ hasNextPage: true, totalCount: null });
    expect(normaliseExecutionList(noTotal, { offset: 0, limit: 3 }).hasNextPage).toBe(false);
    expect(pageOf([], { offset: 0, limit: 10 }, 5).hasNextPage).toBe(false);
  });
});

describe('flows bulk (docs/upstreams.md page 003)', () => {
  const wire = parseBulkResponse(bulkJson);
  const ids = ['69ae8c7b-7500-4a45-b7c0-348b8cc2665b', '0b7c2f61-3d4e-4a8b-9c1d-2e3f4a5b6c7d', 'not-returned'];
  const map = normaliseBulkExecutions(wire.executions, '50741f40-8621-4d46-8a91-dff4d873be98', ids);

  it('keys by execution id, dropping ids not asked for and repeats', () => {
    expect([...map.keys()]).toEqual(ids.slice(0, 2));
    const repeated = normaliseBulkExecutions([...wire.executions, { execution_id: ids[0] ?? '', status: 'failed' }], 'w', ids);
    expect(repeated.get(ids[0] ?? '')?.status).toBe('COMPLETED');
  });

  it('maps the bulk shape', () => {
    expect(map.get(ids[0] ?? '')).toMatchObject({
      shape: 'bulk',
      workflowName: 'Rat Lawyer Story',
      inputs: { story: 'tell an epic story of a rat graduating from law' },
      progressPercent: 100,
      output: ['https://storage.googleapis.com/uploads/image1.png', 'https://storage.googleapis.com/uploads/image2.png'],
      error: null,
      durationMs: 163_000,
    });
    const running = map.get(ids[1] ?? '');
    expect(running).toMatchObject({ status: 'RUNNING', output: null, progressPercent: 50, completedAt: null });
    expect(running?.steps?.[0]).toMatchObject({
      stepId: 'step1',
      name: 'Write the story',
      output: { title: 'Judge Whiskers', pages: 3 },
      params: { user_prompt: 'a cat who becomes a judge' },
    });
    expect(running?.steps?.[1]).toMatchObject({
      stepId: 'step2',
      status: 'PENDING',
      input: null,
      output: null,
      primary: null,
      params: null,
    });
  });

  it('never copies api_key, organization_id or source_ip_address', () => {
    const secrets = ['org_7f3a9c2e51d84b06', 'sk_live_4e8b2d9f71c3a5e06d1b', '203.0.113.57'];
    const found = strings(normaliseBulkExecutions(wire.executions, 'w', ids.concat('ffffffff-0000-4000-8000-000000000000')));
    expect(found.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(found.filter((s) => s.includes(secret))).toEqual([]);
    for (const key of ['api_key', 'organization_id', 'source_ip_address']) expect(found).not.toContain(key);
  });

  it('gives the same steps as the detail shape, except names', () => {
    const detailSteps = structuredClone(detailJson) as { step_outputs: Record<string, { input?: unknown; metadata: { params: unknown } }> };
    // The detail shape's resolved `input`; the legacy bulk shape reports it as JSON text.
    for (const step of Object.values(detailSteps.step_outputs)) step.input = step.metadata.params;
    const fromDetail = normaliseExecutionDetails(parseExecutionDetails(detailSteps)).steps;
    const fromBulk = map.get(ids[0] ?? '')?.steps?.map((step) => ({ ...step, name: null }));
    expect(fromBulk).toEqual(fromDetail);
    expect(fromDetail?.length).toBe(2);
  });

  it('decodes a JSON string literal output once', () => {
    const execution = normaliseBulkExecution(
      {
        execution_id: 'e',
        status: 'completed',
        output: '"{\\"a\\": 1}"',
        step_results: [{ step_id: 's', output: '"\\"hi\\""', input: 'not json' }],
      },
      'w',
    );
    expect(execution.output).toBe('{"a": 1}');
    expect(execution.steps?.[0]).toMatchObject({ output: '"hi"', primary: '"hi"', input: 'not json', params: null, upstreamStatus: '' });
    expect(execution.workflowId).toBe('w');
  });
});

describe('models (docs/upstreams.md page 002 and prediction)', () => {
  it('maps a list item and pages from total_count', () => {
    const page = normaliseModelExecutionList(parseModelExecutionList(fixture('models-list')), { offset: 0, limit: 20 });
    expect(page).toMatchObject({ totalCount: 123, hasNextPage: true });
    expect(page.items[0]).toMatchObject({
      source: 'MODEL',
      executionId: 'exec_abc123',
      model: 'flux-1-1-pro',
      status: 'COMPLETED',
      cost: 0.05,
      runTimeSeconds: 12.5,
      workflowId: 'wf_abc123',
      workflowExecutionId: 'wf_exec_abc123',
      output: 'https://storage.example.com/predictions/abc123/image.jpg',
      error: null,
      errorClassification: null,
      durationMs: 13_000,
    });
    expect(normaliseModelExecutionList(parseModelExecutionList(fixture('models-list')), { offset: 122, limit: 20 }).hasNextPage).toBe(
      false,
    );
  });

  it('maps error classification and failures', () => {
    expect(
      normaliseModelExecution({ id: 'a', status: 'failed', error_classification: 'provider_rate_limit', error: 'Too many requests' }),
    ).toMatchObject({
      errorClassification: 'PROVIDER_RATE_LIMIT',
      error: { message: 'Too many requests', cause: null, classification: 'PROVIDER_RATE_LIMIT' },
    });
    expect(normaliseModelExecution({ id: 'b', status: 'error', error_classification: 'cosmic_rays' }).error).toEqual({
      message: 'Model execution failed',
      cause: null,
      classification: 'UNKNOWN',
    });
    expect(normaliseModelExecution({ id: 'c', status: 'failed' }).error).toEqual({
      message: 'Model execution failed',
      cause: null,
      classification: null,
    });
    expect(normaliseModelExecution({ id: 'd', output: '["u1"]' }).output).toEqual(['u1']);
  });

  it('maps a prediction without copying urls', () => {
    const prediction = normalisePrediction(parsePrediction(fixture('models-prediction')), 'asked');
    expect(prediction).toMatchObject({
      executionId: 'abc123-def456-ghi789',
      model: null,
      status: 'COMPLETED',
      cost: 0.05,
      runTimeSeconds: 12.5,
      output: 'https://storage.example.com/predictions/abc123/image.jpg',
    });
    expect(strings(prediction).filter((s) => s.includes('api.eachlabs.ai'))).toEqual([]);
    expect(normalisePrediction(parsePrediction({ status: 'processing', model: 'flux' }), 'asked')).toMatchObject({
      executionId: 'asked',
      model: 'flux',
      status: 'RUNNING',
      isTerminal: false,
    });
  });

  it('builds the list query string parameters', () => {
    expect(
      modelListParams({
        offset: 20,
        limit: 10,
        model: 'flux',
        statuses: ['failed', 'error'],
        errorClassifications: ['unknown', 'provider_auth'],
        from: new Date('2026-01-01T00:00:00Z'),
        to: null,
        workflowId: null,
      }),
    ).toEqual({
      limit: 10,
      offset: 20,
      model: 'flux',
      status: 'failed,error',
      workflow_id: null,
      workflow_execution_id: null,
      error_classification: 'unknown,provider_auth',
      from: '2026-01-01T00:00:00.000Z',
      to: null,
    });
  });
});

describe('tasks (docs/upstreams.md page 004)', () => {
  it('maps every field', () => {
    const task = normaliseTaskExecution(parseTaskExecution(fixture('tasks-execution')));
    expect(task).toMatchObject({
      source: 'TASK',
      executionId: '3f2c9a4e-8b1d-4e6f-a2c3-5d7e9f0a1b2c',
      workflowId: 'summarise-invoice',
      status: 'COMPLETED',
      upstreamStatus: 'completed',
      payload: { document_url: 's3://inbox/invoice-0042.pdf', language: 'en' },
      result: { total: 1280.5, currency: 'EUR', lines: 4 },
      output: { total: 1280.5, currency: 'EUR', lines: 4 },
      retryCount: 1,
      queueName: 'summarise-invoice',
      assignedToWorker: 'worker-7b4d',
      batchId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      concurrencyKey: 'tenant-acme',
      deploymentId: 'dep_2026_02_20',
      sessionId: '6c5b4a39-2817-4f6e-9d5c-4b3a29181716',
      stepKey: 'summarise',
      userId: 'user_42',
      outputSchemaName: 'InvoiceSummary',
      runTimeoutSeconds: 3600,
      cancelledAt: null,
      cancelledBy: null,
      parentExecutionId: '11111111-2222-4333-8444-555555555555',
      rootExecutionId: '00000000-aaaa-4bbb-8ccc-dddddddddddd',
      error: null,
      durationMs: 41_123,
    });
  });

  it('maps a failure, a cancellation and Polos-only statuses', () => {
    const failed = normaliseTaskExecution(
      parseTaskExecution({ ...fixture('tasks-execution'), status: 'failed', error: 'boom', result: null }),
    );
    expect(failed.error).toEqual({ message: 'boom', cause: null, classification: null });
    const cancelling = normaliseTaskExecution(
      parseTaskExecution({
        ...fixture('tasks-execution'),
        status: 'pending_cancel',
        cancelled_at: '2026-02-24T10:00:05+00:00',
        cancelled_by: 'manual',
      }),
    );
    expect(cancelling).toMatchObject({ status: 'RUNNING', isTerminal: false, cancelledBy: 'manual' });
    expect(cancelling.cancelledAt?.toISOString()).toBe('2026-02-24T10:00:05.000Z');
  });
});

describe('task runs list (docs/upstreams.md D5)', () => {
  // WorkflowRunSummary as the Polos handler serialises it: a bare array, explicit nulls.
  const run = {
    id: '3f2c9a4e-8b1d-4e6f-a2c3-5d7e9f0a1b2c',
    root_execution_id: null,
    workflow_id: 'summarise-invoice',
    session_id: '6c5b4a39-2817-4f6e-9d5c-4b3a29181716',
    created_at: '2026-02-24T10:00:00.123456+00:00',
    status: 'completed',
    completed_at: '2026-02-24T10:00:41.246456+00:00',
    payload: { document_url: 's3://inbox/invoice-0042.pdf' },
    result: { total: 1280.5 },
    error: null,
  };

  it('maps a run: what it carries, and null (unknown) for what only the execution says', () => {
    const page = normaliseTaskRuns(parseTaskRuns([run, { ...run, id: 'b', status: 'failed', error: 'boom', result: null }]), {
      offset: 0,
      limit: 2,
    });
    expect(page).toMatchObject({ totalCount: null, hasNextPage: true }); // a full page of a list without a total
    expect(page.items[0]).toMatchObject({
      source: 'TASK',
      shape: 'run',
      executionId: run.id,
      workflowId: 'summarise-invoice',
      status: 'COMPLETED',
      result: { total: 1280.5 },
      output: { total: 1280.5 },
      sessionId: run.session_id,
      rootExecutionId: null,
      startedAt: null,
      durationMs: null,
      retryCount: null,
      queueName: null,
      parentExecutionId: null,
    });
    expect(page.items[0]!.createdAt?.toISOString()).toBe('2026-02-24T10:00:00.123Z');
    expect(page.items[1]!.error).toEqual({ message: 'boom', cause: null, classification: null });
    expect(normaliseTaskRuns(parseTaskRuns([run]), { offset: 0, limit: 5 }).hasNextPage).toBe(false);
  });

  it('refuses an envelope where a bare array is documented, and sends the window as RFC 3339', () => {
    expect(thrown(() => parseTaskRuns({ runs: [run] })).extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'tasks' });
    const from = new Date('2026-02-24T10:00:00Z');
    expect(taskRunsParams({ workflowType: 'agent', offset: 20, limit: 21, from, to: null })).toEqual({
      workflow_type: 'agent',
      workflow_id: null,
      limit: 21,
      offset: 20,
      start_time: '2026-02-24T10:00:00.000Z',
      end_time: null,
    });
  });
});

describe('workflow (docs/upstreams.md A5)', () => {
  it('maps WorkflowDetail and its versions, dropping each version’s definition', () => {
    const wire = parseWorkflowDetail({
      workflow_id: '50741f40-8621-4d46-8a91-dff4d873be98',
      slug: 'text-to-image-generator',
      name: 'Text to Image Generator',
      description: 'Generates images from text prompts',
      categories: ['image-generation', 'ai'],
      locked: false,
      production: false,
      latest_version_id: 'v2',
      status: 'active',
      trigger_count: 42,
      created_at: '2025-12-01T10:00:00Z',
      updated_at: '2025-12-07T15:30:00Z',
      versions: [
        {
          version_id: 'v2',
          slug: 'text-to-image-generator',
          production: true,
          trigger_count: 15,
          status: 'active',
          definition: { steps: [] },
        },
      ],
    });
    const workflow = normaliseWorkflow(wire);
    expect(workflow).toMatchObject({
      workflowId: '50741f40-8621-4d46-8a91-dff4d873be98',
      slug: 'text-to-image-generator',
      description: 'Generates images from text prompts',
      categories: ['image-generation', 'ai'],
      latestVersionId: 'v2',
      triggerCount: 42,
      versions: [{ versionId: 'v2', production: true, triggerCount: 15, status: 'active', createdAt: null }],
    });
    expect(JSON.stringify(wire)).not.toContain('definition');
    expect(normaliseWorkflow(parseWorkflowDetail({ workflow_id: 'w', name: 'n' }))).toMatchObject({
      description: null,
      slug: null,
      versions: [],
      categories: [],
    });
    expect(thrown(() => parseWorkflowDetail({ name: 'n' })).extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: 'workflows' });
  });

  it('reads the prediction a completed step names', () => {
    const json = fixture('workflows-execution') as { step_outputs: Record<string, { metadata: Record<string, unknown> }> };
    json.step_outputs['step2']!.metadata['prediction_id'] = '6yxkzw4th9rme0ct1re8q42xer';
    const steps = normaliseExecutionDetails(parseExecutionDetails(json)).steps!;
    expect(steps.map((step) => step.predictionId)).toEqual([null, '6yxkzw4th9rme0ct1re8q42xer']);
  });
});

describe('wire validators', () => {
  const cases: [string, () => unknown, model.UpstreamName][] = [
    ['detail without workflow_id', () => parseExecutionDetails({ execution_id: 'e', status: 'running' }), 'workflows'],
    ['detail with a numeric status', () => parseExecutionDetails({ ...detailJson, status: 3 }), 'workflows'],
    ['detail with a bad step', () => parseExecutionDetails({ ...detailJson, step_outputs: { s: { status: 'running' } } }), 'workflows'],
    ['detail as an array', () => parseExecutionDetails([detailJson]), 'workflows'],
    ['list without executions', () => parseListExecutionsResponse({ total_count: 1 }), 'workflows'],
    ['bulk with executions as an object', () => parseBulkResponse({ executions: {} }), 'flows'],
    ['bulk step without step_id', () => parseBulkResponse({ executions: [{ execution_id: 'e', step_results: [{}] }] }), 'flows'],
    ['models list with a string cost', () => parseModelExecutionList({ executions: [{ id: 'a', execution_cost: '0.05' }] }), 'models'],
    ['prediction with a string metric', () => parsePrediction({ metrics: { cost: 'free' } }), 'models'],
    ['task without retry_count', () => parseTaskExecution({ ...fixture('tasks-execution'), retry_count: undefined }), 'tasks'],
    ['task as null', () => parseTaskExecution(null), 'tasks'],
  ];
  it.each(cases)('rejects %s with UPSTREAM_ERROR', (_, parse, upstream) => {
    const error = thrown(parse);
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream });
    expect(error.message).toBe(`The ${upstream} upstream answered an unexpected shape`);
  });

  it('accepts extra fields, nulls and absent optional fields', () => {
    expect(() => parseExecutionDetails({ execution_id: 'e', workflow_id: 'w', status: 'x', bulk_id: null, extra: [1] })).not.toThrow();
    expect(() =>
      parseBulkResponse({ executions: [{ execution_id: 'e', parameters: null, step_results: null, output_json: null }] }),
    ).not.toThrow();
    expect(() => parseTaskExecution(fixture('tasks-execution'))).not.toThrow();
  });
});

type Json = Record<string, unknown>;

/** `value` with every key in `keys` set to null, and without those keys at all. */
function nulledAndAbsent(value: Json, keys: readonly string[]): Json[] {
  const nulled: Json = { ...value };
  const absent: Json = { ...value };
  for (const key of keys) {
    nulled[key] = null;
    delete absent[key];
  }
  return [nulled, absent];
}

/** `value` plus a field no host documents. */
function withExtra(value: Json): Json {
  return { ...value, undocumented: { nested: ['x'] } };
}

describe('wire schemas, host by host', () => {
  const tasksJson = fixture('tasks-execution');
  const listJson = fixture('workflows-list');
  const predictionJson = fixture('models-prediction');
  const modelsListJson = fixture('models-list');
  const detailStep = (detailJson['step_outputs'] as Record<string, Json>)['step1'] as Json;
  const detailMetadata = detailStep['metadata'] as Json;
  const summaryJson = (listJson['executions'] as Json[])[0] as Json;
  const bulkExecutionJson = (bulkJson['executions'] as Json[])[0] as Json;
  const bulkStepJson = (bulkExecutionJson['step_results'] as Json[])[0] as Json;
  const modelItemJson = (modelsListJson['executions'] as Json[])[0] as Json;
  const bulkSecrets = ['sk_live_4e8b2d9f71c3a5e06d1b', 'org_7f3a9c2e51d84b06', '203.0.113.57'];
  const leak = 'sk_live_LEAKED_0123456789';

  const wrongTypes: [model.UpstreamName, string, () => unknown][] = [
    ['workflows', 'detail execution_id', () => parseExecutionDetails({ ...detailJson, execution_id: { leak } })],
    ['workflows', 'step status', () => parseExecutionDetails({ ...detailJson, step_outputs: { s: { ...detailStep, status: [leak] } } })],
    [
      'workflows',
      'summary created_at',
      () => parseListExecutionsResponse({ ...listJson, executions: [{ ...summaryJson, created_at: [leak] }] }),
    ],
    ['workflows', 'trigger status', () => parseTriggerResponse({ execution_id: leak, status: 202 })],
    ['workflows', 'bulk trigger bulk_id', () => parseBulkTriggerResponse({ bulk_id: [leak], executions: [] })],
    ['flows', 'execution_id', () => parseBulkResponse({ ...bulkJson, executions: [{ ...bulkExecutionJson, execution_id: 42 }] })],
    [
      'flows',
      'parameter name',
      () => parseBulkResponse({ executions: [{ ...bulkExecutionJson, parameters: [{ name: 7, value: leak }] }] }),
    ],
    [
      'flows',
      'step step_id',
      () => parseBulkResponse({ executions: [{ ...bulkExecutionJson, step_results: [{ ...bulkStepJson, step_id: [leak] }] }] }),
    ],
    ['models', 'list item id', () => parseModelExecutionList({ ...modelsListJson, executions: [{ ...modelItemJson, id: { leak } }] })],
    ['models', 'list executions', () => parseModelExecutionList({ executions: leak })],
    ['tasks', 'retry_count', () => parseTaskExecution({ ...tasksJson, retry_count: leak })],
    ['tasks', 'cancel status', () => parseCancelExecution({ execution_id: leak, status: null })],
  ];
  it.each(wrongTypes)('%s: a wrong type in %s is UPSTREAM_ERROR naming only the host', (upstream, _, parse) => {
    const error = thrown(parse);
    expect(error.message).toBe(`The ${upstream} upstream answered an unexpected shape`);
    expect(error.extensions).toEqual({ code: 'UPSTREAM_ERROR', upstream });
    expect(error.originalError).toBeUndefined();
    const told = JSON.stringify(error) + String(error.stack);
    for (const secret of [leak, ...bulkSecrets]) expect(told).not.toContain(secret);
    // zod's own wording would name the field and quote what it found.
    expect(told).not.toMatch(/Invalid input|received|invalid_type/);
  });

  it('workflows: optional fields may be null or absent', () => {
    for (const metadata of nulledAndAbsent(detailMetadata, ['model', 'version', 'params'])) {
      for (const step of nulledAndAbsent({ ...detailStep, metadata }, ['started_at', 'completed_at', 'output', 'primary', 'input'])) {
        const steps = normaliseExecutionDetails(parseExecutionDetails({ ...detailJson, step_outputs: { s: step } })).steps;
        expect(steps?.[0]).toMatchObject({
          stepId: 'step1',
          startedAt: null,
          input: null,
          output: null,
          primary: null,
          model: null,
          params: null,
        });
      }
    }
    for (const step of nulledAndAbsent(detailStep, ['metadata'])) {
      const steps = normaliseExecutionDetails(parseExecutionDetails({ ...detailJson, step_outputs: { s: step } })).steps;
      expect(steps?.[0]).toMatchObject({ model: null, modelVersion: null, params: null });
    }
    const detailOptional = ['bulk_id', 'started_at', 'completed_at', 'inputs', 'step_outputs', 'output', 'error', 'error_cause'];
    for (const detail of nulledAndAbsent(detailJson, detailOptional)) {
      expect(normaliseExecutionDetails(parseExecutionDetails(detail))).toMatchObject({
        executionId: '69ae8c7b-7500-4a45-b7c0-348b8cc2665b',
        bulkId: null,
        inputs: null,
        steps: null,
        output: null,
        error: null,
        startedAt: null,
      });
    }
    for (const summary of nulledAndAbsent(summaryJson, ['started_at', 'ended_at', 'inputs'])) {
      for (const list of nulledAndAbsent({ executions: [summary] }, ['offset', 'total_count'])) {
        const page = normaliseExecutionList(parseListExecutionsResponse(list), { offset: 0, limit: 10 });
        expect(page).toMatchObject({ totalCount: null, hasNextPage: false });
        expect(page.items[0]).toMatchObject({ executionId: 'exec-1', startedAt: null, completedAt: null });
      }
    }
    for (const trigger of nulledAndAbsent({ status: 'failed', execution_id: 'e', started_at: 'x', message: 'm' }, [
      'execution_id',
      'started_at',
      'message',
    ])) {
      expect(normaliseTrigger(parseTriggerResponse(trigger))).toMatchObject({
        executionId: null,
        status: 'FAILED',
        startedAt: null,
        message: null,
      });
      expect(parseBulkTriggerResponse({ bulk_id: 'b', executions: [trigger] }).executions).toHaveLength(1);
    }
  });

  it('flows: optional fields may be null or absent', () => {
    const stepOptional = ['step_name', 'model', 'version', 'started_at', 'ended_at', 'status', 'output', 'output_json', 'input'];
    for (const step of nulledAndAbsent(bulkStepJson, stepOptional)) {
      const execution = parseBulkResponse({ executions: [{ ...bulkExecutionJson, step_results: [step] }] }).executions[0];
      expect(normaliseBulkExecution(execution!, 'w').steps?.[0]).toMatchObject({
        stepId: 'step2',
        name: null,
        status: 'UNKNOWN',
        input: null,
        output: null,
        model: null,
      });
    }
    for (const parameter of nulledAndAbsent({ name: 'story', value: 'x' }, ['value'])) {
      const execution = parseBulkResponse({ executions: [{ ...bulkExecutionJson, parameters: [parameter] }] }).executions[0];
      expect(normaliseBulkExecution(execution!, 'w').inputs).toEqual({ story: null });
    }
    const executionOptional = [
      'flow_id',
      'flow_name',
      'average_percent',
      'parameters',
      'step_results',
      'status',
      'output',
      'output_json',
      'created_at',
      'started_at',
      'ended_at',
    ];
    for (const execution of nulledAndAbsent(bulkExecutionJson, executionOptional)) {
      for (const response of nulledAndAbsent({ executions: [execution] }, ['status', 'total'])) {
        const parsed = parseBulkResponse(response).executions[0];
        expect(normaliseBulkExecution(parsed!, 'w')).toMatchObject({
          workflowId: 'w',
          workflowName: null,
          progressPercent: null,
          inputs: null,
          steps: null,
          output: null,
          status: 'UNKNOWN',
        });
      }
    }
  });

  it('models: optional fields may be null or absent', () => {
    const itemOptional = Object.keys(modelItemJson)
      .filter((key) => key !== 'id')
      .concat('error_classification', 'error');
    for (const item of nulledAndAbsent(modelItemJson, itemOptional)) {
      for (const list of nulledAndAbsent({ executions: [item] }, ['total_count', 'offset', 'limit'])) {
        const page = normaliseModelExecutionList(parseModelExecutionList(list), { offset: 0, limit: 1 });
        expect(page).toMatchObject({ totalCount: null, hasNextPage: true });
        expect(page.items[0]).toMatchObject({
          executionId: 'exec_abc123',
          model: null,
          cost: null,
          output: null,
          workflowId: null,
          error: null,
        });
      }
    }
    for (const metrics of nulledAndAbsent(predictionJson['metrics'] as Json, ['predict_time', 'cost'])) {
      expect(normalisePrediction(parsePrediction({ ...predictionJson, metrics }), 'asked')).toMatchObject({
        cost: null,
        runTimeSeconds: null,
      });
    }
    for (const prediction of nulledAndAbsent(predictionJson, Object.keys(predictionJson).concat('model', 'error'))) {
      expect(normalisePrediction(parsePrediction(prediction), 'asked')).toMatchObject({
        executionId: 'asked',
        model: null,
        output: null,
        cost: null,
      });
    }
    for (const answer of nulledAndAbsent({ status: 's', message: 'm', predictionID: 'p' }, ['status', 'message', 'predictionID'])) {
      expect(normaliseCancelPrediction(parseCancelPrediction(answer), 'asked')).toMatchObject({
        executionId: 'asked',
        upstreamStatus: '',
        message: null,
      });
    }
  });

  it('tasks: optional fields may be null or absent', () => {
    const required = ['id', 'workflow_id', 'status', 'created_at', 'retry_count'];
    const optional = Object.keys(tasksJson).filter((key) => !required.includes(key));
    expect(optional).toHaveLength(19);
    for (const execution of nulledAndAbsent(tasksJson, optional)) {
      expect(normaliseTaskExecution(parseTaskExecution(execution))).toMatchObject({
        executionId: '3f2c9a4e-8b1d-4e6f-a2c3-5d7e9f0a1b2c',
        payload: null,
        result: null,
        queueName: null,
        runTimeoutSeconds: null,
        startedAt: null,
        error: null,
      });
    }
    for (const answer of nulledAndAbsent({ execution_id: 'e', status: 'pending_cancel', cancelled_at: 'x' }, ['cancelled_at'])) {
      expect(normaliseCancelExecution(parseCancelExecution(answer))).toMatchObject({
        executionId: 'e',
        status: 'RUNNING',
        cancelledAt: null,
      });
    }
  });

  it('ignores extra fields at every level and drops them', () => {
    const detail = withExtra({ ...detailJson, step_outputs: { step1: withExtra(detailStep) } });
    expect(parseExecutionDetails(detail)).toEqual(parseExecutionDetails({ ...detailJson, step_outputs: { step1: detailStep } }));
    const list = withExtra({ ...listJson, executions: [withExtra(summaryJson)] });
    expect(parseListExecutionsResponse(list)).toEqual(parseListExecutionsResponse({ ...listJson, executions: [summaryJson] }));
    const trigger = { execution_id: 'e', status: 'queued' };
    expect(parseBulkTriggerResponse(withExtra({ bulk_id: 'b', executions: [withExtra(trigger)] }))).toEqual({
      bulk_id: 'b',
      executions: [trigger],
    });

    const parameter = { name: 'story', value: 'x' };
    const execution = { ...bulkExecutionJson, parameters: [parameter], step_results: [bulkStepJson] };
    const bulk = withExtra({
      executions: [withExtra({ ...execution, parameters: [withExtra(parameter)], step_results: [withExtra(bulkStepJson)] })],
    });
    expect(parseBulkResponse(bulk)).toEqual(parseBulkResponse({ executions: [execution] }));

    const models = withExtra({ ...modelsListJson, executions: [withExtra(modelItemJson)] });
    expect(parseModelExecutionList(models)).toEqual(parseModelExecutionList(modelsListJson));
    const metrics = predictionJson['metrics'] as Json;
    expect(parsePrediction(withExtra({ ...predictionJson, metrics: withExtra(metrics) }))).toEqual(parsePrediction(predictionJson));
    expect(parseCancelPrediction(withExtra({ status: 's' }))).toEqual({ status: 's' });

    expect(parseTaskExecution(withExtra(tasksJson))).toEqual(parseTaskExecution(tasksJson));
    expect(parseCancelExecution(withExtra({ execution_id: 'e', status: 's' }))).toEqual({ execution_id: 'e', status: 's' });
    for (const parsed of [
      parseExecutionDetails(detail),
      parseBulkResponse(bulk),
      parseModelExecutionList(models),
      parseTaskExecution(withExtra(tasksJson)),
    ]) {
      expect(strings(parsed)).not.toContain('undocumented');
    }
  });

  it("keeps a step metadata's undeclared fields: they vary by step type", () => {
    const step = { ...detailStep, metadata: { ...detailMetadata, endpoint: 'https://example.com/hook', timeout_ms: 500 } };
    const parsed = parseExecutionDetails({ ...detailJson, step_outputs: { step1: step } });
    expect(parsed.step_outputs?.['step1']?.metadata).toEqual(step.metadata);
  });

  it('drops the secret fields at parse', () => {
    const bulk = parseBulkResponse(bulkJson);
    const found = strings(bulk);
    expect(found).toContain('69ae8c7b-7500-4a45-b7c0-348b8cc2665b');
    for (const secret of bulkSecrets) expect(found.filter((s) => s.includes(secret))).toEqual([]);
    for (const key of ['api_key', 'organization_id', 'source_ip_address']) expect(found).not.toContain(key);

    const list = parseListExecutionsResponse({ ...listJson, executions: [{ ...summaryJson, api_key: leak }] });
    expect(list.executions[0]).not.toHaveProperty('api_key');
    expect(strings(list)).not.toContain(leak);

    const prediction = parsePrediction(predictionJson);
    expect(prediction).not.toHaveProperty('urls');
    expect(strings(prediction).filter((s) => s.includes('api.eachlabs.ai'))).toEqual([]);
  });
});

describe('http mapping (no network)', () => {
  it.each([
    ['a/b', 'a%2Fb'],
    ['?x', '%3Fx'],
    ['#y', '%23y'],
    ['%2F', '%252F'],
    ['../etc', '..%2Fetc'],
  ])('segment(%s) = %s', (id, encoded) => {
    expect(segment(id)).toBe(encoded);
  });

  it.each(['', '.', '..'])('segment rejects %j before any call', (id) => {
    expect(thrown(() => segment(id)).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('maps statuses to contract codes without echoing bodies', () => {
    const code = (status: number, body = '', headers = {}) => errorForStatus('models', status, headers, body, { now: 0 });
    expect(code(400, '{"error":"invalid bulk_id format"}').message).toBe(
      'The models upstream rejected the request: invalid bulk_id format',
    );
    expect(code(400, '<html>https://internal.example/x</html>').message).toBe('The models upstream rejected the request');
    expect(code(400, '{"error":"key sk_123456 is bad"}', {}).extensions['code']).toBe('BAD_USER_INPUT');
    expect(errorForStatus('models', 400, {}, '{"error":"key sk_123456 is bad"}', { secrets: ['sk_123456'] }).message).not.toContain(
      'sk_123456',
    );
    expect(code(401).extensions).toMatchObject({ code: 'UNAUTHENTICATED', upstream: 'models' });
    expect(code(403).extensions['code']).toBe('UNAUTHENTICATED');
    expect(code(404).extensions['code']).toBe('NOT_FOUND');
    expect(code(429, '', { 'retry-after': '7' }).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 7 });
    expect(code(429, '', { 'retry-after': new Date(30_000).toUTCString() }).extensions['retryAfterSeconds']).toBe(30);
    expect(code(429).extensions['retryAfterSeconds']).toBeUndefined();
    for (const status of [502, 503, 504]) expect(code(status).extensions['code']).toBe('UPSTREAM_UNAVAILABLE');
    expect(code(500).extensions['code']).toBe('UPSTREAM_ERROR');
    expect(code(503).message).toBe('The models upstream answered 503');
  });

  it('maps transport failures', () => {
    const code = (error: unknown, expired = false) => errorForTransport('tasks', error, expired).extensions['code'];
    for (const c of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])
      expect(code({ code: c })).toBe('UPSTREAM_TIMEOUT');
    expect(code(new DOMException('late', 'TimeoutError'))).toBe('UPSTREAM_TIMEOUT');
    expect(code(new Error('aborted'), true)).toBe('UPSTREAM_TIMEOUT');
    for (const c of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']) expect(code({ code: c })).toBe('UPSTREAM_UNAVAILABLE');
    expect(errorForTransport('tasks', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:8080' }).message).toBe(
      'The tasks upstream could not be reached',
    );
  });

  it('parses Retry-After and redacts logged bodies', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
    const logged = redactBody(JSON.stringify(bulkJson), ['sk_live_4e8b2d9f71c3a5e06d1b']);
    const truncated = redactBody('{"api_key": "sk_live_4e8b2d9f71c3a5e06d1b", "organization_id": "org_7f3a9c2e51d84b06", "x":');
    for (const text of [logged, truncated]) {
      expect(text).not.toContain('sk_live_4e8b2d9f71c3a5e06d1b');
      expect(text).not.toContain('org_7f3a9c2e51d84b06');
    }
    expect(logged).not.toContain('203.0.113.57');
    expect(logged.length).toBeLessThanOrEqual(2049);
    expect(redactBody('x token=abcd1234 y', ['abcd1234'])).toBe('x token=[REDACTED] y');
  });
});

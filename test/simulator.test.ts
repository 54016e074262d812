/**
 * The upstream simulator over real loopback HTTP: auth, paging, shapes, the agreement of the two
 * workflow shapes, filters, Polos nulls and chains, the clock, faults and hit counters. Expected
 * values come from the spec's rules and from `sim.data` (simulator truth), never restated fixtures.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src/simulator/index.ts';

type Json = Record<string, unknown>;

let sim: Simulator;
const epoch = Date.parse('2026-03-10T12:00:00Z');

beforeAll(async () => {
  sim = await startSimulator({ clock: 'manual', now: epoch, seed: 7 });
});
afterAll(async () => {
  await sim?.close();
});

const apiKeyHeaders = () => ({ 'X-API-Key': sim.credentials.apiKey });
const taskHeaders = () => ({ authorization: `Bearer ${sim.credentials.tasksToken}`, 'x-project-id': sim.credentials.tasksProjectId });

async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as Json };
}
const workflowDetail = async (id: string) => (await getJson(`${sim.urls.workflows}/executions/${id}`, apiKeyHeaders())).body;
const workflowList = (workflow: string, query = '') =>
  getJson(`${sim.urls.workflows}/workflows/${workflow}/executions${query}`, apiKeyHeaders());
async function bulkPost(workflowId: string, body: unknown, headers: Record<string, string> = apiKeyHeaders()) {
  const res = await fetch(`${sim.urls.flows}/${workflowId}/executions/bulk`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}
const models = (query: string) => getJson(`${sim.urls.models}/executions${query}`, apiKeyHeaders());
const rows = (body: Json) => body.executions as Json[];
const steps = (detail: Json) => Object.values(detail.step_outputs as Record<string, Json>);
const workflowOf = (executionId: string) => {
  const workflow = sim.data.workflows.find((w) => w.executionIds.includes(executionId));
  if (!workflow) throw new Error(`no workflow holds ${executionId}`);
  return workflow;
};
const allExecutionIds = () => sim.data.workflows.flatMap((w) => w.executionIds);
const isoSecond = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The docs/upstreams.md A4 rules (docs/upstreams.md page 000) every detail answer must satisfy. */
function expectDetailRules(detail: Json): void {
  expect(['running', 'completed', 'failed', 'cancelled']).toContain(detail.status);
  expect(detail.started_at).toMatch(isoSecond);
  expect('completed_at' in detail).toBe(detail.status !== 'running');
  expect('error' in detail).toBe(detail.status === 'failed');
  expect('error_cause' in detail).toBe(detail.status === 'failed');
  if (detail.status === 'failed') expect(detail.error).toBe('ExecutionFailed');
  for (const value of Object.values(detail.inputs as Json)) expect(typeof value).toBe('string');
  for (const [key, step] of Object.entries(detail.step_outputs as Record<string, Json>)) {
    expect(step.step_id).toBe(key);
    expect(['queued', 'running', 'completed', 'failed', 'cancelled']).toContain(step.status);
    if (step.status === 'queued') expect(step).not.toHaveProperty('started_at');
    expect('completed_at' in step).toBe(step.status === 'completed' || step.status === 'failed');
    expect('output' in step).toBe(step.status === 'completed');
    if ('output' in step) expect(step.primary).toEqual(Array.isArray(step.output) ? step.output[0] : step.output);
    const metadata = step.metadata as Json;
    expect(typeof metadata.model).toBe('string');
    if ('input' in step) expect(metadata.params).toEqual(step.input);
  }
  if (detail.status === 'completed') {
    const done = steps(detail).filter((s) => s.status === 'completed');
    const last = done.reduce((a, b) => (String(b.completed_at) >= String(a.completed_at) ? b : a));
    expect(detail.output).toEqual(last.output);
  } else {
    expect(detail.output).toBeNull();
  }
  if (detail.status === 'failed') {
    const list = steps(detail);
    const failedIndex = list.findIndex((s) => s.status === 'failed');
    expect(failedIndex).toBeGreaterThanOrEqual(0);
    for (const later of list.slice(failedIndex + 1)) expect(later.status).toBe('cancelled');
  }
}

describe('auth', () => {
  it('eachlabs hosts answer 401 with the documented body without or with a wrong key', async () => {
    const { executionIds, id } = sim.data.workflows[0]!;
    const target = executionIds[0]!;
    const cases: [string, RequestInit][] = [
      [`${sim.urls.workflows}/executions/${target}`, {}],
      [`${sim.urls.workflows}/executions/${target}`, { headers: { 'X-API-Key': `${sim.credentials.apiKey}x` } }],
      [`${sim.urls.workflows}/workflows/${id}/executions`, {}],
      [`${sim.urls.flows}/${id}/executions/bulk`, { method: 'POST', body: JSON.stringify({ execution_ids: [target] }) }],
      [`${sim.urls.models}/executions`, { headers: { 'X-API-Key': 'smk_wrong' } }],
      [`${sim.urls.models}/prediction/${sim.data.modelExecutionIds[0]}`, {}],
    ];
    for (const [url, init] of cases) {
      const res = await fetch(url, init);
      expect(res.status, url).toBe(401);
      expect(await res.json()).toEqual({ error: 'Invalid or missing API key' });
    }
  });

  it('accepts every key the account issued, and answers a revoked one as an unknown key', async () => {
    const { executionIds, id } = sim.data.workflows[0]!;
    const urls = [
      `${sim.urls.workflows}/executions/${executionIds[0]}`,
      `${sim.urls.workflows}/workflows/${id}/executions`,
      `${sim.urls.models}/prediction/${sim.data.picks.modelExecutionRunning}`,
    ];
    const second = sim.issueApiKey();
    expect(second).not.toBe(sim.credentials.apiKey);
    for (const url of urls) expect((await fetch(url, { headers: { 'X-API-Key': second } })).status, url).toBe(200);
    expect((await bulkPost(id, { execution_ids: [executionIds[0]] }, { 'X-API-Key': second })).status).toBe(200);
    sim.revokeApiKey(second);
    for (const url of urls) {
      const res = await fetch(url, { headers: { 'X-API-Key': second } });
      expect(res.status, url).toBe(401);
      expect(await res.json()).toEqual({ error: 'Invalid or missing API key' });
    }
    // The account's other keys are untouched.
    expect((await fetch(urls[0]!, { headers: apiKeyHeaders() })).status).toBe(200);
  });

  it('the flows host takes X-API-KEY in any case', async () => {
    const { executionIds, id } = sim.data.workflows[0]!;
    for (const name of ['X-API-KEY', 'x-api-key']) {
      const { status, body } = await bulkPost(id, { execution_ids: [executionIds[0]] }, { [name]: sim.credentials.apiKey });
      expect(status).toBe(200);
      expect(body.total).toBe(1);
    }
  });

  it('the task host checks Bearer sk_ token then project id, as Polos does', async () => {
    const url = `${sim.urls.tasks}/api/v1/executions/${sim.data.picks.completedTask}`;
    const project = { 'x-project-id': sim.credentials.tasksProjectId };
    const unauthorized: [Record<string, string>, string][] = [
      [project, 'Missing Authorization header'],
      [
        { ...project, authorization: `Token ${sim.credentials.tasksToken}` },
        "Invalid Authorization header format. Expected 'Bearer <token>'",
      ],
      [{ ...project, authorization: 'Bearer pk_123' }, "Invalid API key format. API key must start with 'sk_'"],
      [{ ...project, authorization: `Bearer ${sim.credentials.tasksToken}0` }, 'Invalid API key'],
    ];
    for (const [headers, message] of unauthorized) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: message, error_type: 'UNAUTHORIZED' });
    }
    const bearer = { authorization: `Bearer ${sim.credentials.tasksToken}` };
    for (const headers of [bearer, { ...bearer, 'x-project-id': 'not-a-uuid' }]) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe('');
    }
    const alt = await fetch(url, { headers: { ...bearer, 'project-id': sim.credentials.tasksProjectId } });
    expect(alt.status).toBe(200);
    expect(((await alt.json()) as Json).id).toBe(sim.data.picks.completedTask);
  });
});

describe('workflows list', () => {
  const big = () => sim.data.workflows.find((w) => w.id === sim.data.bigWorkflowId)!;

  it('pages newest first, offset = next page offset only while more remain', async () => {
    const { id, executionIds } = big();
    expect(executionIds.length).toBeGreaterThan(150);
    const first = await workflowList(id, '?limit=100');
    expect(first.status).toBe(200);
    expect(first.body.total_count).toBe(executionIds.length);
    expect(rows(first.body).map((r) => r.execution_id)).toEqual(executionIds.slice(0, 100));
    expect(first.body.offset).toBe(100);
    const second = await workflowList(id, `?offset=${first.body.offset}&limit=100`);
    expect(rows(second.body).map((r) => r.execution_id)).toEqual(executionIds.slice(100));
    expect(second.body).not.toHaveProperty('offset');
    const created = [...rows(first.body), ...rows(second.body)].map((r) => Date.parse(String(r.created_at)));
    for (let i = 1; i < created.length; i++) expect(created[i]!).toBeLessThanOrEqual(created[i - 1]!);
  });

  it('defaults to 50, accepts the slug, and summaries omit ended_at only while running', async () => {
    const { id, slug, executionIds } = big();
    const bySlug = await workflowList(slug);
    const byId = await workflowList(id);
    expect(rows(bySlug.body)).toHaveLength(50);
    expect(bySlug.body).toEqual(byId.body);
    for (const row of rows(byId.body)) {
      expect(row).toMatchObject({ flow_id: id, flow_name: big().name });
      expect('ended_at' in row).toBe(row.status !== 'running');
      expect(row).toEqual(sim.data.workflowExecutionSummary(String(row.execution_id)));
    }
    expect(rows(byId.body).map((r) => r.execution_id)).toEqual(executionIds.slice(0, 50));
  });

  it('filters by bulk_id, still paging', async () => {
    for (const bulk of sim.data.bulks) {
      const { body } = await workflowList(bulk.workflowId, `?bulk_id=${bulk.bulkId}`);
      expect(new Set(rows(body).map((r) => r.execution_id))).toEqual(new Set(bulk.executionIds));
      expect(body.total_count).toBe(bulk.executionIds.length);
      expect(body).not.toHaveProperty('offset');
    }
    const bulk = sim.data.picks.completedBulk;
    const page = await workflowList(bulk.workflowId, `?bulk_id=${bulk.bulkId}&limit=1`);
    expect(rows(page.body)).toHaveLength(1);
    expect(page.body.offset).toBe(1);
    const none = await workflowList(bulk.workflowId, '?bulk_id=00000000-0000-4000-8000-000000000000');
    expect(none.body).toEqual({ executions: [], total_count: 0 });
  });

  it('answers 400 for bad parameters and 404 for an unknown workflow', async () => {
    const { id } = big();
    for (const query of ['?limit=0', '?limit=101', '?limit=ten', '?offset=-1', '?offset=1.5']) {
      const { status, body } = await workflowList(id, query);
      expect(status, query).toBe(400);
      expect(typeof body.error).toBe('string');
    }
    expect(await workflowList(id, '?bulk_id=bulk-1')).toEqual({ status: 400, body: { error: 'invalid bulk_id format' } });
    expect(await workflowList('4f1c2d3e-0000-4000-8000-000000000001')).toEqual({ status: 404, body: { error: 'workflow not found' } });
  });
});

describe('workflows detail', () => {
  it('every seeded execution follows the documented field rules and matches data', async () => {
    const statuses = new Set<unknown>();
    for (const id of allExecutionIds()) {
      const detail = await workflowDetail(id);
      expectDetailRules(detail);
      expect(detail).toEqual(sim.data.workflowExecution(id));
      expect(detail.workflow_id).toBe(workflowOf(id).id);
      statuses.add(detail.status);
    }
    expect([...statuses].sort()).toEqual(['cancelled', 'completed', 'failed', 'running']);
  });

  it('bulk_id only on bulk members; picks have the promised shapes', async () => {
    const { picks, bulks } = sim.data;
    const member = bulks[0]!;
    expect((await workflowDetail(member.executionIds[0]!)).bulk_id).toBe(member.bulkId);
    const image = await workflowDetail(picks.completedImageExecution);
    expect(image).not.toHaveProperty('bulk_id');
    expect(image.status).toBe('completed');
    expect(
      Array.isArray(image.output) && image.output.every((u) => String(u).startsWith(`${sim.mediaBase}/`) && String(u).endsWith('.png')),
    ).toBe(true);
    expect(typeof (await workflowDetail(picks.completedTextExecution)).output).toBe('string');
    const structured = (await workflowDetail(picks.completedStructuredExecution)).output;
    expect(structured !== null && typeof structured === 'object' && !Array.isArray(structured)).toBe(true);
    const failed = await workflowDetail(picks.failedExecution);
    expect(failed.status).toBe('failed');
    expect(steps(failed).some((s) => s.status === 'cancelled' && !('started_at' in s))).toBe(true);
    const running = await workflowDetail(picks.runningExecution);
    expect(running.status).toBe('running');
    expect(steps(running).some((s) => s.status === 'running' || s.status === 'queued')).toBe(true);
    expect((await workflowDetail(picks.cancelledExecution)).status).toBe('cancelled');
  });

  it('404 for an unknown execution', async () => {
    expect(await getJson(`${sim.urls.workflows}/executions/00000000-0000-4000-8000-000000000000`, apiKeyHeaders())).toEqual({
      status: 404,
      body: { error: 'execution not found' },
    });
  });
});

describe('flows bulk endpoint', () => {
  it('omits unknown and foreign ids, ignores the asked order, and leaks the legacy secrets', async () => {
    const [wf, other] = sim.data.workflows as [(typeof sim.data.workflows)[number], (typeof sim.data.workflows)[number]];
    const known = wf.executionIds.slice(3, 9);
    const asked = [...known, '00000000-0000-4000-8000-000000000000', other.executionIds[0]!, 'not-an-id'];
    const forward = await bulkPost(wf.id, { execution_ids: asked });
    const backward = await bulkPost(wf.id, { execution_ids: [...asked].reverse() });
    expect(forward.status).toBe(200);
    expect(forward.body.status).toBe('success');
    expect(forward.body.total).toBe(known.length);
    const order = rows(forward.body).map((e) => e.execution_id);
    expect(new Set(order)).toEqual(new Set(known));
    expect(rows(backward.body).map((e) => e.execution_id)).toEqual(order);
    expect(order.join() === known.join() && order.join() === [...known].reverse().join()).toBe(false);
    for (const execution of rows(forward.body)) {
      expect(String(execution.api_key)).toMatch(/^sk_live_/);
      expect(execution.api_key).not.toBe(sim.credentials.apiKey);
      expect(execution.api_key).toBe(sim.data.secrets.bulkApiKey);
      expect(execution.organization_id).toBe(sim.data.secrets.organizationId);
      expect(sim.data.secrets.sourceIpAddresses).toContain(execution.source_ip_address);
      expect(execution).toEqual(sim.data.bulkExecution(String(execution.execution_id)));
    }
  });

  it('answers 400 for a bad body and more than 1000 ids', async () => {
    const { id } = sim.data.workflows[0]!;
    for (const body of [
      '{"execution_ids": [',
      '{}',
      '{"execution_ids": "a"}',
      '[1]',
      JSON.stringify({ execution_ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) }),
    ]) {
      const res = await bulkPost(id, body);
      expect(res.status).toBe(400);
      expect(typeof res.body.error).toBe('string');
    }
    expect((await bulkPost(id, { execution_ids: Array.from({ length: 1000 }, (_, i) => `id-${i}`) })).body.total).toBe(0);
  });

  it('carries the same facts as GET /executions/{id} for every execution', async () => {
    for (const workflow of sim.data.workflows) {
      const { body } = await bulkPost(workflow.id, { execution_ids: workflow.executionIds });
      expect(body.total).toBe(workflow.executionIds.length);
      for (const bulk of rows(body)) {
        const detail = await workflowDetail(String(bulk.execution_id));
        expect(bulk.status).toBe(detail.status);
        expect(bulk.started_at).toBe(detail.started_at);
        expect(bulk.ended_at).toBe(detail.completed_at ?? null);
        expect(Object.fromEntries((bulk.parameters as { name: string; value: string }[]).map((p) => [p.name, p.value]))).toEqual(
          detail.inputs,
        );
        expect(bulk.output === null ? null : JSON.parse(String(bulk.output))).toEqual(detail.output);
        const detailSteps = steps(detail);
        const bulkSteps = bulk.step_results as Json[];
        expect(bulkSteps.map((s) => s.step_id)).toEqual(detailSteps.map((s) => s.step_id));
        bulkSteps.forEach((step, i) => {
          const twin = detailSteps[i]!;
          const metadata = twin.metadata as Json;
          expect([step.status, step.model, step.version]).toEqual([twin.status, metadata.model, metadata.version]);
          expect(step.started_at).toBe(twin.started_at ?? null);
          expect(step.ended_at).toBe(twin.completed_at ?? null);
          expect(step.output === null ? undefined : JSON.parse(String(step.output))).toEqual(twin.output);
          const value = twin.output;
          expect(step.output_json).toEqual(value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null);
          expect(step.input === null ? undefined : JSON.parse(String(step.input))).toEqual(metadata.params);
        });
        const terminal = bulkSteps.filter((s) => ['completed', 'failed', 'cancelled'].includes(String(s.status))).length;
        expect(bulk.average_percent).toBe(Math.round((100 * terminal) / bulkSteps.length));
      }
    }
  });
});

describe('models host', () => {
  const truth = () => sim.data.modelExecutionList();

  it('lists newest first with applied offset and limit (default 20)', async () => {
    const { status, body } = await models('');
    expect(status).toBe(200);
    expect(body).toMatchObject({ total_count: truth().length, offset: 0, limit: 20 });
    expect(rows(body)).toEqual(truth().slice(0, 20));
    const page = await models('?offset=25&limit=7');
    expect(page.body).toMatchObject({ offset: 25, limit: 7 });
    expect(rows(page.body)).toEqual(truth().slice(25, 32));
  });

  it('covers every status and error classification, with string-or-null outputs', () => {
    const all = truth();
    expect(new Set(all.map((e) => e.status))).toEqual(new Set(['starting', 'processing', 'success', 'failed', 'cancelled']));
    const classes = new Set(all.filter((e) => e.status === 'failed').map((e) => e.error_classification));
    expect(classes.size).toBe(10);
    for (const e of all) {
      expect(e.output === null || typeof e.output === 'string').toBe(true);
      expect('error' in e).toBe(e.status === 'failed');
      expect(e.execution_cost as number).toBeGreaterThanOrEqual(0);
    }
    expect(all.some((e) => e.workflow_id === null)).toBe(true);
  });

  it('each filter narrows to exactly the matching executions', async () => {
    const all = truth();
    const linked = sim.data.modelExecution(sim.data.picks.modelExecutionLinked)!;
    const sorted = all.map((e) => String(e.created_at)).sort();
    const from = sorted[Math.floor(sorted.length / 3)]!;
    const to = sorted[Math.floor((2 * sorted.length) / 3)]!;
    const cases: [string, (e: Json) => boolean][] = [
      ['model=flux-1-1-pro', (e) => e.model === 'flux-1-1-pro'],
      ['status=failed,cancelled', (e) => e.status === 'failed' || e.status === 'cancelled'],
      ['status=starting', (e) => e.status === 'starting'],
      [`workflow_id=${linked.workflow_id}`, (e) => e.workflow_id === linked.workflow_id],
      [`workflow_execution_id=${linked.workflow_execution_id}`, (e) => e.workflow_execution_id === linked.workflow_execution_id],
      [
        'error_classification=provider_auth,unknown',
        (e) => e.status === 'failed' && ['provider_auth', 'unknown'].includes(String(e.error_classification)),
      ],
      [`from=${from}&to=${to}`, (e) => String(e.created_at) >= from && String(e.created_at) <= to],
      ['model=nano-banana-pro&status=success', (e) => e.model === 'nano-banana-pro' && e.status === 'success'],
    ];
    for (const [query, predicate] of cases) {
      const expected = all.filter(predicate);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, query).toBeLessThan(all.length);
      const { body } = await models(`?limit=100&${query}`);
      expect(body.total_count, query).toBe(expected.length);
      expect(rows(body), query).toEqual(expected.slice(0, 100));
    }
    const linkedSteps = steps(await workflowDetail(String(linked.workflow_execution_id))).filter((s) => 'started_at' in s);
    expect((await models(`?workflow_execution_id=${linked.workflow_execution_id}`)).body.total_count).toBe(linkedSteps.length);
  });

  it('answers 400 for a bad error_classification, limit or date', async () => {
    const bad = await models('?error_classification=provider_error,timeout');
    expect(bad.status).toBe(400);
    expect(String(bad.body.error)).toContain('timeout');
    expect(String(bad.body.error)).toContain('content_moderation');
    for (const query of ['?limit=101', '?limit=0', '?offset=-3', '?from=yesterday', '?to=2026-03-10']) {
      const { status, body } = await models(query);
      expect(status, query).toBe(400);
      expect(typeof body.error).toBe('string');
    }
  });

  it('GET /v1/prediction/{id} has the third shape with raw outputs', async () => {
    const { picks } = sim.data;
    const get = (id: string) => getJson(`${sim.urls.models}/prediction/${id}`, apiKeyHeaders());
    const array = await get(picks.predictionArrayOutput);
    expect(Object.keys(array.body).sort()).toEqual(['id', 'input', 'logs', 'metrics', 'output', 'status', 'urls']);
    expect(Array.isArray(array.body.output)).toBe(true);
    expect(array.body.urls).toEqual({
      cancel: `${sim.urls.models}/prediction/${picks.predictionArrayOutput}/cancel`,
      get: `${sim.urls.models}/prediction/${picks.predictionArrayOutput}`,
    });
    const object = (await get(picks.predictionObjectOutput)).body.output;
    expect(object !== null && typeof object === 'object' && !Array.isArray(object)).toBe(true);
    const linked = (await get(picks.modelExecutionLinked)).body;
    const listed = sim.data.modelExecution(picks.modelExecutionLinked)!;
    expect(linked.metrics).toEqual({ predict_time: listed.run_time, cost: listed.execution_cost });
    const detail = await workflowDetail(String(listed.workflow_execution_id));
    const step = steps(detail).find((s) => (s.metadata as Json).prediction_id === picks.modelExecutionLinked)!;
    expect(linked.output).toEqual(step.output);
    expect(linked.input).toEqual(step.input);
    expect(listed.output).toBe(JSON.stringify(step.output));
    expect((await get(picks.modelExecutionRunning)).body).not.toHaveProperty('output');
    expect(await get('00000000-0000-4000-8000-000000000000')).toEqual({ status: 404, body: { error: 'Prediction not found' } });
  });
});

describe('tasks host', () => {
  const fields = [
    'created_at',
    'id',
    'payload',
    'retry_count',
    'status',
    'workflow_id',
    'assigned_to_worker',
    'batch_id',
    'cancelled_at',
    'cancelled_by',
    'completed_at',
    'concurrency_key',
    'deployment_id',
    'error',
    'output_schema_name',
    'parent_execution_id',
    'queue_name',
    'result',
    'root_execution_id',
    'run_timeout_seconds',
    'session_id',
    'started_at',
    'step_key',
    'user_id',
  ];
  const micros = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
  const task = async (id: string) => {
    const res = await fetch(`${sim.urls.tasks}/api/v1/executions/${id}`, { headers: taskHeaders() });
    return { status: res.status, text: await res.text() };
  };

  it('every task has all page-004 fields, optional ones null somewhere and set somewhere', async () => {
    const bodies: Json[] = [];
    for (const id of sim.data.taskExecutionIds) {
      const { status, text } = await task(id);
      expect(status).toBe(200);
      const body = JSON.parse(text) as Json;
      expect(Object.keys(body).sort()).toEqual([...fields].sort());
      expect(body).toEqual(sim.data.taskExecution(id));
      expect(typeof body.queue_name).toBe('string');
      for (const name of ['created_at', 'started_at', 'completed_at', 'cancelled_at'])
        if (body[name] !== null) expect(body[name]).toMatch(micros);
      expect(body.error !== null).toBe(body.status === 'failed');
      bodies.push(body);
    }
    for (const name of fields.filter(
      (f) => !['created_at', 'id', 'payload', 'retry_count', 'status', 'workflow_id', 'queue_name'].includes(f),
    )) {
      expect(
        bodies.some((b) => b[name] === null),
        `${name} null somewhere`,
      ).toBe(true);
      expect(
        bodies.some((b) => b[name] !== null),
        `${name} set somewhere`,
      ).toBe(true);
    }
    expect(new Set(bodies.map((b) => b.status))).toEqual(
      new Set(['queued', 'claimed', 'running', 'waiting', 'completed', 'failed', 'pending_cancel', 'cancelled']),
    );
    expect(new Set(bodies.map((b) => b.retry_count))).toEqual(new Set([0, 1, 2]));
    expect(new Set(bodies.map((b) => (Array.isArray(b.payload) ? 'array' : typeof b.payload))).size).toBeGreaterThanOrEqual(4);
  });

  it('the deep chain leaf reaches its root through parent links (depth >= 5)', async () => {
    let current = JSON.parse((await task(sim.data.picks.deepTaskChainLeaf)).text) as Json;
    const root = current.root_execution_id;
    let hops = 0;
    while (current.parent_execution_id !== null) {
      expect(current.root_execution_id).toBe(root);
      current = JSON.parse((await task(String(current.parent_execution_id))).text) as Json;
      hops++;
    }
    expect(hops).toBeGreaterThanOrEqual(5);
    expect(current.id).toBe(root);
    expect(current.id).toBe(sim.data.picks.deepTaskChainRoot);
  });

  it('a non-UUID id is 400 and an unknown one 404, both with an empty body', async () => {
    expect(await task('not-a-uuid')).toEqual({ status: 400, text: '' });
    expect(await task('00000000-0000-4000-8000-000000000000')).toEqual({ status: 404, text: '' });
  });
});

describe('workflows: GET /workflows/{id} (docs/upstreams.md A5)', () => {
  const workflow = (idOrSlug: string, headers: Record<string, string> = apiKeyHeaders()) =>
    getJson(`${sim.urls.workflows}/workflows/${idOrSlug}`, headers);

  it('answers a workflow by uuid or slug, with versions counted from its executions', async () => {
    const [first] = sim.data.workflows;
    const byId = await workflow(first!.id);
    expect(byId.status).toBe(200);
    expect((await workflow(first!.slug)).body).toEqual(byId.body);
    expect(byId.body).toMatchObject({ workflow_id: first!.id, slug: first!.slug, name: first!.name, status: 'active' });
    expect(typeof byId.body.description).toBe('string');
    const versions = byId.body.versions as Json[];
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expect(versions.reduce((sum, version) => sum + Number(version.trigger_count), 0)).toBe(byId.body.trigger_count);
    expect(byId.body.trigger_count).toBe((await workflowList(first!.id, '?limit=1')).body.total_count);
    expect(versions.map((version) => version.version_id)).toContain(byId.body.latest_version_id);
  });

  it('is 404 for an unknown workflow and 401 without the key', async () => {
    expect(await workflow('no-such-workflow')).toEqual({ status: 404, body: { error: 'workflow not found' } });
    expect((await workflow(sim.data.workflows[0]!.id, {})).status).toBe(401);
  });
});

describe('tasks: GET /api/v1/workflows/runs (docs/upstreams.md D5)', () => {
  const runs = async (query = '', headers: Record<string, string> = taskHeaders()) => {
    const res = await fetch(`${sim.urls.tasks}/api/v1/workflows/runs${query}`, { headers });
    const text = await res.text();
    return {
      status: res.status,
      text,
      body: (res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : null) as Json[] | null,
    };
  };
  const keys = [
    'completed_at',
    'created_at',
    'error',
    'id',
    'payload',
    'result',
    'root_execution_id',
    'session_id',
    'status',
    'workflow_id',
  ];
  const all = async (type: string) => (await runs(`?workflow_type=${type}&limit=1000`)).body!;

  it('is a bare array of run summaries of one workflow type, newest first, with the execution’s values', async () => {
    const workflows = await all('workflow');
    expect(workflows.length).toBeGreaterThan(5);
    const agents = await all('agent');
    const tools = await all('tool');
    expect(agents.length).toBeGreaterThan(0);
    expect(tools.length).toBeGreaterThan(0);
    expect(workflows.length + agents.length + tools.length).toBe(
      sim.data.taskExecutionIds.filter((id) => sim.data.taskExecution(id)).length,
    );
    expect((await runs()).body).toEqual(workflows.slice(0, 50));
    for (const list of [workflows, agents, tools]) {
      const times = list.map((run) => Date.parse(String(run.created_at)));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      for (const run of list) {
        expect(Object.keys(run).sort()).toEqual(keys);
        const full = sim.data.taskExecution(String(run.id))!;
        for (const key of keys) expect(run[key], key).toEqual(full[key]);
      }
    }
    expect(agents.every((run) => String(run.workflow_id).endsWith('-agent'))).toBe(true);
  });

  it('pages with limit and offset (no maximum), filters by workflow and creation time, and ignores an invalid time', async () => {
    const workflows = await all('workflow');
    expect((await runs('?limit=3&offset=2')).body).toEqual(workflows.slice(2, 5));
    const one = String(workflows[0]!.workflow_id);
    expect((await runs(`?workflow_id=${one}&limit=1000`)).body).toEqual(workflows.filter((run) => run.workflow_id === one));
    const middle = String(workflows[3]!.created_at);
    const newer = workflows.filter((run) => Date.parse(String(run.created_at)) >= Date.parse(middle));
    expect((await runs(`?limit=1000&start_time=${encodeURIComponent(middle)}`)).body).toEqual(newer);
    expect((await runs(`?limit=1000&end_time=${encodeURIComponent(middle)}`)).body).toEqual(
      workflows.filter((run) => !newer.includes(run) || run.created_at === middle),
    );
    expect((await runs('?limit=1000&start_time=yesterday&end_time=2026-13-45')).body).toEqual(workflows);
  });

  it('refuses a non-integer limit with text, and answers 401 and 403 like the rest of Polos', async () => {
    const bad = await runs('?limit=ten');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('limit');
    expect((await runs('', { 'x-project-id': sim.credentials.tasksProjectId })).status).toBe(401);
    const other = await runs('', { ...taskHeaders(), 'x-project-id': '00000000-0000-4000-8000-000000000000' });
    expect(other.status).toBe(403);
    expect(other.body).toMatchObject({ error_type: 'PROJECT_ACCESS_FORBIDDEN' });
  });
});

describe('media: the images the world names', () => {
  const imagesOf = (value: unknown): string[] => JSON.stringify(value).match(/http:\/\/[^"\\]+\.png/g) ?? [];

  it('are on the simulator’s own origin in every shape, and served as PNGs', async () => {
    const { picks } = sim.data;
    const detail = await workflowDetail(picks.completedImageExecution);
    const bulk = (await bulkPost(workflowOf(picks.completedImageExecution).id, { execution_ids: [picks.completedImageExecution] })).body;
    const prediction = (await getJson(`${sim.urls.models}/prediction/${picks.predictionArrayOutput}`, apiKeyHeaders())).body;
    const urls = [...imagesOf(detail), ...imagesOf(bulk), ...imagesOf(prediction)];
    expect(urls.length).toBeGreaterThan(4);
    expect(JSON.stringify([detail, bulk, prediction])).not.toContain('storage.googleapis.com');
    for (const url of new Set(urls)) {
      expect(url.startsWith(`${sim.mediaBase}/`)).toBe(true);
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      const png = Buffer.from(await response.arrayBuffer());
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.readUInt32BE(16)).toBe(128);
    }
  });

  it('serves only the images the world names', async () => {
    const [url] = imagesOf(await workflowDetail(sim.data.picks.completedImageExecution));
    for (const other of [
      url!.replace(/\/\d\.png$/, '/9.png'),
      `${sim.mediaBase}/00000000-0000-4000-8000-000000000000/1.png`,
      `${sim.mediaBase}/../package.json`,
    ]) {
      const response = await fetch(other);
      expect(response.status, other).toBe(404);
      await response.arrayBuffer();
    }
  });
});

describe('clock', () => {
  let own: Simulator;
  beforeAll(async () => {
    own = await startSimulator({ clock: 'manual', now: epoch, seed: 7 });
  });
  afterAll(async () => {
    await own?.close();
  });

  it('running executions, predictions and tasks reach a terminal state as time advances', async () => {
    const { picks } = own.data;
    const detail = async (id: string) =>
      (await getJson(`${own.urls.workflows}/executions/${id}`, { 'X-API-Key': own.credentials.apiKey })).body;
    const before = await detail(picks.runningExecution);
    expect(before.status).toBe('running');
    own.advance(30_000);
    const middle = await detail(picks.runningExecution);
    expect(steps(middle).filter((s) => s.status === 'completed').length).toBeGreaterThanOrEqual(
      steps(before).filter((s) => s.status === 'completed').length,
    );
    own.advance(5 * 60_000);
    const after = await detail(picks.runningExecution);
    expect(after.status).toBe('completed');
    expectDetailRules(after);
    expect(Date.parse(String(after.completed_at))).toBeLessThanOrEqual(own.now());
    expect((await detail(picks.runningFailingExecution)).status).toBe('failed');
    for (const id of picks.runningBulk.executionIds) expect(['completed', 'failed']).toContain((await detail(id)).status);
    const prediction = await getJson(`${own.urls.models}/prediction/${picks.modelExecutionRunning}`, {
      'X-API-Key': own.credentials.apiKey,
    });
    expect(prediction.body.status).toBe('success');
    const taskHeadersOwn = { authorization: `Bearer ${own.credentials.tasksToken}`, 'x-project-id': own.credentials.tasksProjectId };
    for (const id of [picks.queuedTask, picks.deepTaskChainLeaf, picks.deepTaskChainRoot]) {
      expect((await getJson(`${own.urls.tasks}/api/v1/executions/${id}`, taskHeadersOwn)).body.status).toBe('completed');
    }
  });
});

describe('faults, latency and hits', () => {
  const detailUrl = () => `${sim.urls.workflows}/executions/${sim.data.picks.completedImageExecution}`;
  const call = () => fetch(detailUrl(), { headers: apiKeyHeaders(), signal: AbortSignal.timeout(2000) });
  afterAll(() => {
    sim.clearFaults();
    sim.setLatency(0);
  });

  it('status, rate-limit, html, empty, malformed and wrong-shape answers', async () => {
    sim.setFault('workflows', { fault: { kind: 'status', status: 503 } });
    let res = await call();
    expect(res.status).toBe(503);
    expect(((await res.json()) as Json).error).toBeTypeOf('string');
    sim.setFault('workflows', { fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    res = await call();
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await res.json()).toEqual({ error: 'Rate limit exceeded. Please retry after 7 seconds.' });
    sim.setFault('workflows', { fault: { kind: 'html' } });
    res = await call();
    expect([res.status, res.headers.get('content-type')]).toEqual([502, 'text/html']);
    expect(await res.text()).toContain('<html>');
    sim.setFault('workflows', { fault: { kind: 'empty' } });
    res = await call();
    expect([res.status, await res.text()]).toEqual([200, '']);
    sim.setFault('workflows', { fault: { kind: 'malformed-json' } });
    res = await call();
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
    sim.setFault('workflows', { fault: { kind: 'wrong-shape' } });
    res = await call();
    const body = (await res.json()) as Json;
    expect(body).not.toHaveProperty('execution_id');
    sim.setFault('workflows', null);
    expect((await call()).status).toBe(200);
  });

  it('truncated, reset and hang fail the client', async () => {
    sim.setFault('workflows', { fault: { kind: 'truncated' } });
    await expect(call().then((r) => r.text())).rejects.toThrow();
    sim.setFault('workflows', { fault: { kind: 'reset' } });
    await expect(call()).rejects.toThrow();
    sim.setFault('workflows', { fault: { kind: 'hang' } });
    await expect(fetch(detailUrl(), { headers: apiKeyHeaders(), signal: AbortSignal.timeout(200) })).rejects.toThrow();
    sim.clearFaults();
    expect((await call()).status).toBe(200);
  });

  it('times and route scope the fault; hits count faulted requests', async () => {
    sim.resetHits();
    sim.setFault('workflows', { fault: { kind: 'status', status: 500 }, route: 'workflows GET /executions/{id}', times: 2 });
    const list = await workflowList(sim.data.bigWorkflowId, '?limit=1');
    expect(list.status).toBe(200);
    expect((await call()).status).toBe(500);
    expect((await call()).status).toBe(500);
    expect((await call()).status).toBe(200);
    expect(sim.hits()).toEqual({ 'workflows GET /executions/{id}': 3, 'workflows GET /workflows/{id}/executions': 1 });
    expect(sim.requests().map((r) => r.status)).toEqual([200, 500, 500, 200]);
  });

  it("latency is the time to answer, the simulator's own work included, faults too", async () => {
    sim.setLatency(150);
    try {
      for (const fault of [false, true]) {
        if (fault) sim.setFault('workflows', { fault: { kind: 'status', status: 503 }, times: 1 });
        const started = performance.now();
        expect((await call()).status).toBe(fault ? 503 : 200);
        const took = performance.now() - started;
        expect(took).toBeGreaterThanOrEqual(145);
        expect(took).toBeLessThan(250);
      }
    } finally {
      sim.setLatency(0);
    }
  });

  it('counts routes per host, unmatched ones too, and records headers and bodies', async () => {
    sim.resetHits();
    const { picks, workflows } = sim.data;
    await workflowDetail(picks.completedTextExecution);
    await fetch(`${sim.urls.workflows}/nope`, { headers: apiKeyHeaders() });
    await bulkPost(workflows[0]!.id, { execution_ids: [workflows[0]!.executionIds[0]] });
    await models('?limit=1&model=flux-1-1-pro');
    await getJson(`${sim.urls.models}/prediction/${picks.modelExecutionStandalone}`, apiKeyHeaders());
    await fetch(`${sim.urls.tasks}/api/v1/executions/${picks.completedTask}`, { headers: taskHeaders() });
    expect(sim.hits()).toEqual({
      'workflows GET /executions/{id}': 1,
      'workflows GET unmatched': 1,
      'flows POST /{id}/executions/bulk': 1,
      'models GET /executions': 1,
      'models GET /prediction/{id}': 1,
      'tasks GET /api/v1/executions/{id}': 1,
    });
    expect([sim.totalHits(), sim.totalHits('workflows'), sim.totalHits('tasks')]).toEqual([6, 2, 1]);
    const log = sim.requests();
    const flows = log.find((r) => r.host === 'flows')!;
    expect(flows.body).toEqual({ execution_ids: [workflows[0]!.executionIds[0]] });
    expect(log.find((r) => r.host === 'models' && r.route === 'models GET /executions')!.query).toEqual({
      limit: '1',
      model: 'flux-1-1-pro',
    });
    const tasks = log.find((r) => r.host === 'tasks')!;
    expect(tasks.headers.authorization).toBe(`Bearer ${sim.credentials.tasksToken}`);
    expect(tasks.headers).not.toHaveProperty('x-api-key');
    for (const r of log.filter((r) => r.host !== 'tasks')) expect(r.headers['x-api-key']).toBe(sim.credentials.apiKey);
    sim.resetHits();
    expect([sim.totalHits(), sim.requests().length]).toEqual([0, 0]);
  });

  it('close() ends hung requests', async () => {
    const own = await startSimulator({ clock: 'manual', now: epoch });
    own.setFault('tasks', { fault: { kind: 'hang' } });
    const pending = fetch(`${own.urls.tasks}/api/v1/executions/${own.data.picks.completedTask}`, {
      headers: { authorization: 'Bearer sk_x' },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(own.totalHits('tasks')).toBe(1);
    await own.close();
    await expect(pending).rejects.toThrow();
  });
});

/** The hosts' own OpenAPI documents, kept in the repository so this check runs on any clone. */
const openapiDir = fileURLToPath(new URL('./fixtures/openapi/', import.meta.url));

describe('answers validate against the vendor OpenAPI documents', () => {
  /** OpenAPI 3.0 `nullable: true` → a JSON Schema union with null. */
  function convertNullable(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(convertNullable);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node))
      if (key !== 'nullable' && key !== 'example' && key !== 'examples') out[key] = convertNullable(value);
    return (node as Json).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
  }
  let validator: (doc: 'workflows' | 'models', schema: string) => ValidateFunction;

  beforeAll(() => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    // ajv-formats is CommonJS; its default export arrives as the module object under nodenext.
    type AddFormats = (instance: Ajv) => Ajv;
    const loaded = addFormatsModule as unknown as AddFormats & { default?: AddFormats };
    const addFormats: AddFormats = loaded.default ?? loaded;
    addFormats(ajv);
    ajv.addFormat('int32', true).addFormat('int64', true);
    for (const doc of ['workflows', 'models'] as const) {
      const spec = JSON.parse(readFileSync(`${openapiDir}${doc}.openapi.json`, 'utf8')) as { components: { schemas: Json } };
      ajv.addSchema({ $id: doc, components: { schemas: convertNullable(spec.components.schemas) } });
    }
    validator = (doc, schema) => {
      const fn = ajv.getSchema(`${doc}#/components/schemas/${schema}`);
      if (!fn) throw new Error(`no schema ${doc} ${schema}`);
      return fn;
    };
  });

  const expectValid = (fn: ValidateFunction, value: unknown, label: string) => {
    const ok = fn(value);
    expect(ok ? [] : fn.errors, label).toEqual([]);
  };

  it('workflows: WorkflowDetail for every workflow', async () => {
    const detail = validator('workflows', 'WorkflowDetail');
    for (const workflow of sim.data.workflows)
      expectValid(detail, (await getJson(`${sim.urls.workflows}/workflows/${workflow.id}`, apiKeyHeaders())).body, workflow.slug);
    expect(detail({ workflow_id: 'x', name: 'n' })).toBe(false);
  });

  it('workflows: ExecutionDetails for every execution, ListExecutionsResponse pages', async () => {
    const details = validator('workflows', 'ExecutionDetails');
    for (const id of allExecutionIds()) expectValid(details, await workflowDetail(id), id);
    const list = validator('workflows', 'ListExecutionsResponse');
    for (const workflow of sim.data.workflows) expectValid(list, (await workflowList(workflow.id, '?limit=100')).body, workflow.slug);
    expect(details({ execution_id: 'x', workflow_id: 'y', status: 'done' })).toBe(false);
  });

  it('models: ListExecutionsResponse pages and Prediction for every model execution', async () => {
    const list = validator('models', 'ListExecutionsResponse');
    const total = sim.data.modelExecutionList().length;
    for (let offset = 0; offset < total; offset += 100)
      expectValid(list, (await models(`?limit=100&offset=${offset}`)).body, `offset ${offset}`);
    const prediction = validator('models', 'Prediction');
    for (const id of sim.data.modelExecutionIds) {
      const { status, body } = await getJson(`${sim.urls.models}/prediction/${id}`, apiKeyHeaders());
      if (status === 404) continue; // not created yet at this instant
      expectValid(prediction, body, id);
    }
    expect(list({ executions: [], total_count: 0 })).toBe(false);
  });
});

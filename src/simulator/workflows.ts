/**
 * Host A, the eachlabs workflows engine (`/api/v1`, header `X-API-Key`), as docs/upstreams.md §1
 * describes it: execution details (docs/upstreams.md page 000, A4), the executions of a workflow (docs/upstreams.md page 001, A3,
 * §5.1) and the workflow itself with its versions (A5); the writes trigger (A1) and bulk-trigger (A2) with their webhooks (A6). Cancel
 * (`POST /executions/{id}/cancel`) is a SIMULATOR EXTENSION: no such route is documented (A7).
 */
import { workflowProfiles } from './world/catalogue.ts';
import { workflowStateAt, type StepState, type World, type WorkflowDef, type WorkflowExecutionFact } from './world/index.ts';
import { HOUR } from './world/time.ts';
import { isoSeconds, UUID_RE } from './format.ts';
import { headerValue, json, segmentsAfter, type HostHandler, type Route, type SimRequest, type SimResponse } from './http.ts';

export const workflowsRoutes = {
  detail: 'workflows GET /executions/{id}',
  list: 'workflows GET /workflows/{id}/executions',
  workflow: 'workflows GET /workflows/{id}',
  trigger: 'workflows POST /{id}/trigger',
  bulkTrigger: 'workflows POST /{id}/bulk-trigger',
  /** Simulator extension: undocumented upstream (docs/upstreams.md A7). */
  cancel: 'workflows POST /executions/{id}/cancel',
} as const;

/** Where a finished execution's webhook goes (simulator/webhooks.ts). */
export interface WebhookRegistry {
  register(executionId: string, url: string): void;
}

/** The bulk trigger's documented bounds (docs/upstreams.md A2). */
const bulkInputs = { min: 1, max: 10 } as const;

const unauthorized = (): SimResponse => json(401, { error: 'Invalid or missing API key' });

/** The `X-API-Key` check shared by the eachlabs hosts (header names are case-insensitive). */
export function hasApiKey(request: SimRequest, world: Pick<World, 'apiKeys'>): boolean {
  const given = headerValue(request.headers, 'x-api-key');
  return given !== undefined && world.apiKeys.has(given);
}

/** `primary`: the first element of a list output, else the output itself. */
export function primaryOf(output: unknown): unknown {
  return Array.isArray(output) ? output[0] : output;
}

function renderStepOutput(step: StepState): Record<string, unknown> {
  const { plan } = step;
  const body: Record<string, unknown> = { step_id: plan.def.stepId, status: step.status };
  if (step.startedAt !== null) body.started_at = isoSeconds(step.startedAt);
  if (step.completedAt !== null) body.completed_at = isoSeconds(step.completedAt);
  if (step.hasOutput) {
    body.output = plan.output;
    const primary = primaryOf(plan.output);
    if (primary !== undefined) body.primary = primary;
  }
  // The resolved input exists once the step started; `metadata.params` is the same object.
  if (step.startedAt !== null) body.input = { ...plan.params };
  const metadata: Record<string, unknown> = { model: plan.def.model, version: plan.def.version };
  if (step.startedAt !== null) metadata.params = { ...plan.params };
  if (step.completedAt !== null && step.status === 'completed') {
    metadata.prediction_id = plan.predictionId;
    metadata.processed_at = isoSeconds(step.completedAt);
  }
  body.metadata = metadata;
  if (step.error) {
    body.error = step.error.message;
    body.error_cause = `prediction ${plan.predictionId} failed (${step.error.classification})`;
  }
  return body;
}

/** `ExecutionDetails` exactly as `GET /executions/{id}` answers it at `now`. */
export function renderWorkflowDetail(fact: WorkflowExecutionFact, now: number): Record<string, unknown> {
  const state = workflowStateAt(fact, now);
  const body: Record<string, unknown> = { execution_id: fact.id, workflow_id: fact.workflow.id, status: state.status };
  if (fact.bulkId !== null) body.bulk_id = fact.bulkId;
  body.started_at = isoSeconds(state.startedAt);
  if (state.completedAt !== null) body.completed_at = isoSeconds(state.completedAt);
  body.inputs = { ...fact.inputs };
  body.step_outputs = Object.fromEntries(state.steps.map((step) => [step.plan.def.stepId, renderStepOutput(step)]));
  // Documented: null for running, failed and cancelled executions.
  body.output = state.hasOutput ? state.output : null;
  if (state.status === 'failed') {
    body.error = 'ExecutionFailed';
    body.error_cause = state.errorCause ?? 'Execution failed';
  }
  return body;
}

/** `ExecutionSummary` of the list endpoint (`flow_*` names, `ended_at`). */
export function renderWorkflowSummary(fact: WorkflowExecutionFact, now: number): Record<string, unknown> {
  const state = workflowStateAt(fact, now);
  const body: Record<string, unknown> = {
    execution_id: fact.id,
    flow_id: fact.workflow.id,
    flow_name: fact.workflow.name,
    version_id: fact.versionId,
    status: state.status,
    started_at: isoSeconds(state.startedAt),
  };
  if (state.completedAt !== null) body.ended_at = isoSeconds(state.completedAt);
  body.created_at = isoSeconds(fact.createdAt);
  body.updated_at = isoSeconds(state.updatedAt);
  return body;
}

/**
 * `WorkflowDetail` (docs/upstreams.md A5) at `now`. The world draws no versions: each version id its
 * executions name is one, created an hour before its first execution, counting the executions
 * that name it; the workflow is as old as its first version and was last updated by its latest.
 */
export function renderWorkflow(world: World, workflow: WorkflowDef, now: number): Record<string, unknown> {
  const executions = (world.executionsByWorkflow.get(workflow.id) ?? []).filter((fact) => fact.createdAt <= now);
  const versions = new Map<string, { createdAt: number; triggers: number }>();
  for (const fact of executions) {
    const version = versions.get(fact.versionId) ?? { createdAt: Infinity, triggers: 0 };
    versions.set(fact.versionId, { createdAt: Math.min(version.createdAt, fact.createdAt - HOUR), triggers: version.triggers + 1 });
  }
  const ordered = [...versions].sort(([a, x], [b, y]) => x.createdAt - y.createdAt || (a < b ? -1 : 1));
  const latest = ordered.at(-1);
  const createdAt = ordered[0]?.[1].createdAt ?? now;
  const definition = {
    steps: workflow.steps.map((step) => ({ step_id: step.stepId, name: step.name, model: step.model, version: step.version })),
  };
  const profile = workflowProfiles[workflow.slug];
  return {
    workflow_id: workflow.id,
    slug: workflow.slug,
    name: workflow.name,
    description: profile?.description ?? '',
    categories: [...(profile?.categories ?? [])],
    locked: false,
    production: true,
    ...(latest ? { latest_version_id: latest[0] } : {}),
    status: 'active',
    trigger_count: executions.length,
    created_at: isoSeconds(createdAt),
    updated_at: isoSeconds(latest?.[1].createdAt ?? createdAt),
    versions: ordered.map(([versionId, version]) => ({
      version_id: versionId,
      slug: workflow.slug,
      locked: false,
      production: versionId === latest?.[0],
      allowed_to_share: false,
      trigger_count: version.triggers,
      created_at: isoSeconds(version.createdAt),
      updated_at: isoSeconds(version.createdAt),
      status: 'active',
      definition,
    })),
  };
}

/** A workflow by uuid or slug (the list endpoint accepts both). */
export function findWorkflow(world: World, idOrSlug: string) {
  return world.workflows.find((workflow) => workflow.id === idOrSlug || workflow.slug === idOrSlug) ?? null;
}

/** Non-negative integer query parameter: the value, the default when absent/empty, or null when invalid. */
export function intParam(query: URLSearchParams, name: string, fallback: number): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw)) return null;
  return Number(raw);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Inputs are kept as strings (the bulk endpoint's `parameters` are strings); other JSON as text. */
function stringInputs(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

/** The docs' refusal for one set of inputs, or null when they are acceptable. */
function inputProblem(world: World, workflow: WorkflowDef, inputs: unknown): string | null {
  if (!isObject(inputs)) return 'invalid input: inputs must be an object';
  const required = world.writes.inputNames(workflow.id)[0];
  if (required !== undefined && (inputs[required] === undefined || inputs[required] === null || inputs[required] === '')) {
    return `invalid input: missing required field '${required}'`;
  }
  return null;
}

/** `version_id` and `webhook_url` as the trigger bodies carry them, or the 400 message. */
function triggerOptions(body: Record<string, unknown>): { versionId: string | null; webhookUrl: string | null } | string {
  const { version_id: versionId, webhook_url: webhookUrl } = body;
  if (versionId !== undefined && versionId !== null && typeof versionId !== 'string') return 'invalid version_id';
  if (webhookUrl !== undefined && webhookUrl !== null) {
    if (typeof webhookUrl !== 'string' || !/^https?:\/\/\S+$/.test(webhookUrl)) return 'invalid webhook_url: must be an http(s) URI';
  }
  return { versionId: (versionId as string | undefined) || null, webhookUrl: (webhookUrl as string | undefined) || null };
}

export function createWorkflowsHandler(world: World, webhooks: WebhookRegistry): HostHandler {
  return {
    match: (method, pathname) => matchRoute(world, webhooks, method, pathname),
    unmatched: () => json(404, { error: 'not found' }),
  };
}

function matchRoute(world: World, webhooks: WebhookRegistry, method: string, pathname: string): Route | null {
  const segments = segmentsAfter(pathname, '/api/v1');
  if (!segments) return null;
  const [first, second, third, ...rest] = segments;
  if (method === 'POST') {
    if (first !== undefined && second === 'trigger' && third === undefined) return triggerRoute(world, webhooks, first);
    if (first !== undefined && second === 'bulk-trigger' && third === undefined) return bulkTriggerRoute(world, webhooks, first);
    if (first === 'executions' && second !== undefined && third === 'cancel' && rest.length === 0) return cancelRoute(world, second);
    return null;
  }
  if (method !== 'GET') return null;
  if (first === 'executions' && second !== undefined && third === undefined) return detailRoute(world, second);
  if (first === 'workflows' && second !== undefined && third === 'executions' && rest.length === 0) return listRoute(world, second);
  if (first === 'workflows' && second !== undefined && third === undefined) return workflowRoute(world, second);
  return null;
}

interface StartOptions {
  readonly versionId: string | null;
  readonly webhookUrl: string | null;
  readonly bulkId: string | null;
}

/** Creates one execution (and registers its webhook): the trigger answer's entry for it. */
function start(
  world: World,
  webhooks: WebhookRegistry,
  workflow: WorkflowDef,
  inputs: Record<string, unknown>,
  now: number,
  options: StartOptions,
) {
  const fact = world.writes.trigger(workflow.id, stringInputs(inputs), now, options);
  if (options.webhookUrl) webhooks.register(fact.id, options.webhookUrl);
  return { execution_id: fact.id, status: 'queued', started_at: isoSeconds(fact.createdAt) };
}

/** Checks shared by both triggers: key, JSON object body, workflow, options. */
function accept(world: World, request: SimRequest, workflowParam: string) {
  if (!hasApiKey(request, world)) return unauthorized();
  const body = request.body;
  if (!isObject(body)) return json(400, { error: 'invalid request body: expected a JSON object' });
  const workflow = findWorkflow(world, workflowParam);
  if (!workflow) return json(404, { error: 'workflow not found' });
  const options = triggerOptions(body);
  if (typeof options === 'string') return json(400, { error: options });
  return { body, workflow, options };
}

function triggerRoute(world: World, webhooks: WebhookRegistry, workflowParam: string): Route {
  return {
    key: workflowsRoutes.trigger,
    handle: (request) => {
      const accepted = accept(world, request, workflowParam);
      if ('status' in accepted) return accepted;
      const { body, workflow, options } = accepted;
      const inputs = body['inputs'] ?? {};
      const problem = inputProblem(world, workflow, inputs);
      if (problem) return json(400, { error: problem });
      return json(202, start(world, webhooks, workflow, inputs as Record<string, unknown>, request.now, { ...options, bulkId: null }));
    },
  };
}

function bulkTriggerRoute(world: World, webhooks: WebhookRegistry, workflowParam: string): Route {
  return {
    key: workflowsRoutes.bulkTrigger,
    handle: (request) => {
      const accepted = accept(world, request, workflowParam);
      if ('status' in accepted) return accepted;
      const { body, workflow, options } = accepted;
      const inputs = body['inputs'];
      if (!Array.isArray(inputs) || inputs.length < bulkInputs.min || inputs.length > bulkInputs.max) {
        return json(400, { error: `inputs must contain ${bulkInputs.min}–${bulkInputs.max} items` });
      }
      const bulkId = world.writes.newBulkId();
      const executions = inputs.map((item: unknown) => {
        const problem = inputProblem(world, workflow, item);
        // Partial failure is allowed: a refused entry has no execution_id.
        if (problem) return { status: 'failed', message: problem };
        return start(world, webhooks, workflow, item as Record<string, unknown>, request.now, { ...options, bulkId });
      });
      const ids = executions.flatMap((entry) => ('execution_id' in entry ? [entry.execution_id] : []));
      world.writes.addBulk({ workflowId: workflow.id, bulkId, executionIds: ids });
      return json(202, { bulk_id: bulkId, executions });
    },
  };
}

function cancelRoute(world: World, id: string): Route {
  return {
    key: workflowsRoutes.cancel,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const status = world.writes.cancelWorkflowExecution(id, request.now);
      if (status === null) return json(404, { error: 'execution not found' });
      if (status !== 'cancelled') return json(400, { error: `execution is not running (status: ${status})` });
      return json(200, { execution_id: id, status });
    },
  };
}

function detailRoute(world: World, id: string): Route {
  return {
    key: workflowsRoutes.detail,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const fact = world.executions.get(id);
      return fact ? json(200, renderWorkflowDetail(fact, request.now)) : json(404, { error: 'execution not found' });
    },
  };
}

function workflowRoute(world: World, workflowParam: string): Route {
  return {
    key: workflowsRoutes.workflow,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const workflow = findWorkflow(world, workflowParam);
      return workflow ? json(200, renderWorkflow(world, workflow, request.now)) : json(404, { error: 'workflow not found' });
    },
  };
}

function listRoute(world: World, workflowParam: string): Route {
  return {
    key: workflowsRoutes.list,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const bulkId = request.query.get('bulk_id') || null;
      if (bulkId !== null && !UUID_RE.test(bulkId)) return json(400, { error: 'invalid bulk_id format' });
      const offset = intParam(request.query, 'offset', 0);
      if (offset === null) return json(400, { error: 'invalid offset: must be an integer >= 0' });
      const limit = intParam(request.query, 'limit', 50);
      if (limit === null || limit < 1 || limit > 100) return json(400, { error: 'invalid limit: must be an integer between 1 and 100' });
      const workflow = findWorkflow(world, workflowParam);
      if (!workflow) return json(404, { error: 'workflow not found' });
      const all = (world.executionsByWorkflow.get(workflow.id) ?? []).filter(
        (fact) => fact.createdAt <= request.now && (bulkId === null || fact.bulkId?.toLowerCase() === bulkId.toLowerCase()),
      );
      const page = all.slice(offset, offset + limit);
      const body: Record<string, unknown> = { executions: page.map((fact) => renderWorkflowSummary(fact, request.now)) };
      // docs/upstreams.md §5.1: `offset` is the NEXT page's offset, and absent when there is no next page.
      const next = offset + page.length;
      if (next < all.length) body.offset = next;
      body.total_count = all.length;
      return json(200, body);
    },
  };
}

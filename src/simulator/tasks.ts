/**
 * Host D, the Polos orchestrator (`GET /api/v1/executions/{execution_id}`): docs/upstreams.md
 * §4, page 004. Auth is `Authorization: Bearer sk_…` plus `X-Project-ID` (or `Project-ID`).
 * Several Polos handlers answer a bare status with an EMPTY body (project id missing/invalid,
 * non-UUID execution id, not found); auth failures carry `{"error","error_type"}`.
 * Every optional field is serialised as an explicit null, never omitted.
 * `POST /api/v1/executions/{id}/cancel` (docs/upstreams.md D4) cancels the target, its ancestors and its
 * descendants: `pending_cancel` until the worker confirms, `cancelled` at once when queued.
 * `GET /api/v1/workflows/runs` (D5) lists the project's runs of one workflow type, newest first:
 * a bare array with no total.
 */
import { taskStateAt, type TaskFact, type World } from './world/index.ts';
import { parseRfc3339, rfc3339Micros, UUID_RE } from './format.ts';
import { emptyResponse, headerValue, json, segmentsAfter, type HostHandler, type SimRequest, type SimResponse } from './http.ts';

export const tasksRoutes = {
  execution: 'tasks GET /api/v1/executions/{id}',
  cancel: 'tasks POST /api/v1/executions/{id}/cancel',
  runs: 'tasks GET /api/v1/workflows/runs',
} as const;

/**
 * Polos lists runs per workflow type (`workflow`, `agent`, `tool`), a property of the deployed
 * workflow the world does not draw: here a workflow whose id ends in `-agent` is an agent, in
 * `-tool` a tool, anything else a workflow.
 */
export function workflowTypeOf(workflowId: string): 'workflow' | 'agent' | 'tool' {
  if (workflowId.endsWith('-agent')) return 'agent';
  return workflowId.endsWith('-tool') ? 'tool' : 'workflow';
}

/** A `WorkflowRunSummary` of the runs list: a few fields of `ExecutionResponse`. */
export function renderTaskRun(fact: TaskFact, now: number): Record<string, unknown> | null {
  const task = renderTask(fact, now);
  if (!task) return null;
  const { id, root_execution_id, workflow_id, session_id, created_at, status, completed_at, payload, result, error } = task;
  return { id, root_execution_id, workflow_id, session_id, created_at, status, completed_at, payload, result, error };
}

const cancellationError = (status: number, error: string): SimResponse => json(status, { error, error_type: 'CANCELLATION_ERROR' });

const ts = (ms: number | null): string | null => (ms === null ? null : rfc3339Micros(ms));

/** `ExecutionResponse` at `now`, or null when it does not exist yet. */
export function renderTask(fact: TaskFact, now: number): Record<string, unknown> | null {
  const state = taskStateAt(fact, now);
  if (now < state.createdAt) return null;
  return {
    created_at: rfc3339Micros(state.createdAt),
    id: fact.id,
    payload: fact.payload,
    retry_count: fact.retryCount,
    status: state.status,
    workflow_id: fact.workflowId,
    assigned_to_worker: state.status === 'queued' ? null : fact.worker,
    batch_id: fact.batchId,
    cancelled_at: ts(state.cancelledAt),
    cancelled_by: state.cancelledAt === null ? null : fact.cancelledBy,
    completed_at: ts(state.completedAt),
    concurrency_key: fact.concurrencyKey,
    deployment_id: fact.deploymentId,
    error: state.status === 'failed' ? fact.error : null,
    output_schema_name: fact.outputSchemaName,
    parent_execution_id: fact.parentId,
    queue_name: fact.queueName,
    result: state.status === 'completed' ? fact.result : null,
    root_execution_id: fact.rootId,
    run_timeout_seconds: fact.runTimeoutSeconds,
    session_id: fact.sessionId,
    started_at: ts(state.startedAt),
    step_key: fact.stepKey,
    user_id: fact.userId,
  };
}

function unauthorized(message: string): SimResponse {
  return json(401, { error: message, error_type: 'UNAUTHORIZED' });
}

/** Polos' auth middleware then ProjectId extractor; null when the request may proceed. */
function authorise(world: World, request: SimRequest): SimResponse | null {
  const authorization = headerValue(request.headers, 'authorization');
  if (authorization === undefined) return unauthorized('Missing Authorization header');
  const match = /^Bearer (.+)$/.exec(authorization);
  if (!match?.[1]) return unauthorized("Invalid Authorization header format. Expected 'Bearer <token>'");
  const token = match[1].trim();
  if (!token.startsWith('sk_')) return unauthorized("Invalid API key format. API key must start with 'sk_'");
  if (token !== world.credentials.tasksToken) return unauthorized('Invalid API key');
  const project = headerValue(request.headers, 'x-project-id') ?? headerValue(request.headers, 'project-id');
  if (project === undefined || !UUID_RE.test(project)) return emptyResponse(400);
  return null;
}

/** axum's `Query` extractor refuses a non-integer with 400 and a plain-text body. */
function integerParam(query: URLSearchParams, name: string, fallback: number): number | SimResponse {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^[+-]?\d{1,18}$/.test(raw))
    return { status: 400, text: `Failed to deserialize query string: ${name}: invalid digit found in string` };
  return Number(raw);
}

/** D5: `workflow_type` (default `workflow`), `workflow_id`, `limit` (50, no maximum), `offset`, and a creation window whose invalid ends are ignored. */
function runsRoute(world: World) {
  return {
    key: tasksRoutes.runs,
    handle: (request: SimRequest): SimResponse => {
      const denied = authorise(world, request);
      if (denied) return denied;
      const project = headerValue(request.headers, 'x-project-id') ?? headerValue(request.headers, 'project-id');
      if (project?.toLowerCase() !== world.credentials.tasksProjectId) {
        return json(403, { error: 'Access to this project is forbidden', error_type: 'PROJECT_ACCESS_FORBIDDEN' });
      }
      const limit = integerParam(request.query, 'limit', 50);
      if (typeof limit !== 'number') return limit;
      const offset = integerParam(request.query, 'offset', 0);
      if (typeof offset !== 'number') return offset;
      // Postgres refuses a negative LIMIT or OFFSET; the handler turns that into a 500.
      if (limit < 0 || offset < 0) return json(500, { error: 'Failed to get workflow executions', error_type: 'INTERNAL_ERROR' });
      const type = request.query.get('workflow_type') ?? 'workflow';
      const workflowId = request.query.get('workflow_id');
      const time = (name: string) => {
        const raw = request.query.get(name);
        return raw === null ? null : parseRfc3339(raw);
      };
      const [start, end] = [time('start_time'), time('end_time')];
      const runs = world.tasks
        .map((fact) => ({ fact, createdAt: taskStateAt(fact, request.now).createdAt }))
        .filter(
          ({ fact, createdAt }) =>
            createdAt <= request.now &&
            workflowTypeOf(fact.workflowId) === type &&
            (workflowId === null || fact.workflowId === workflowId) &&
            (start === null || createdAt >= start) &&
            (end === null || createdAt <= end),
        )
        .sort((a, b) => b.createdAt - a.createdAt || (a.fact.id < b.fact.id ? -1 : 1))
        .slice(offset, offset + limit)
        .flatMap(({ fact }) => renderTaskRun(fact, request.now) ?? []);
      return json(200, runs);
    },
  };
}

export function createTasksHandler(world: World): HostHandler {
  const execution = (id: string) => ({
    key: tasksRoutes.execution,
    handle: (request: SimRequest): SimResponse => {
      const denied = authorise(world, request);
      if (denied) return denied;
      if (!UUID_RE.test(id)) return emptyResponse(400);
      // Executions are looked up within the caller's project: another project's id is not found.
      const project = headerValue(request.headers, 'x-project-id') ?? headerValue(request.headers, 'project-id');
      const fact = project?.toLowerCase() === world.credentials.tasksProjectId ? world.tasksById.get(id.toLowerCase()) : undefined;
      const body = fact ? renderTask(fact, request.now) : null;
      return body ? json(200, body) : emptyResponse(404);
    },
  });
  const cancel = (id: string) => ({
    key: tasksRoutes.cancel,
    handle: (request: SimRequest): SimResponse => {
      const denied = authorise(world, request);
      if (denied) return denied;
      if (!UUID_RE.test(id)) return json(400, { error: 'Invalid execution ID', error_type: 'BAD_REQUEST' });
      const project = headerValue(request.headers, 'x-project-id') ?? headerValue(request.headers, 'project-id');
      if (project?.toLowerCase() !== world.credentials.tasksProjectId) return cancellationError(404, 'Execution not found');
      const result = world.writes.cancelTask(id.toLowerCase(), request.now);
      if (result.kind === 'not-found') return cancellationError(404, 'Execution not found');
      if (result.kind === 'not-cancellable') return cancellationError(400, `Execution cannot be cancelled (status: ${result.status})`);
      return json(200, { execution_id: id.toLowerCase(), status: result.status, cancelled_at: rfc3339Micros(result.at) });
    },
  });
  return {
    match: (method, pathname) => {
      const segments = segmentsAfter(pathname, '/api/v1');
      if (!segments) return null;
      const [first, second, ...rest] = segments;
      if (method === 'POST') {
        return first === 'executions' && second !== undefined && rest.length === 1 && rest[0] === 'cancel' ? cancel(second) : null;
      }
      if (method !== 'GET') return null;
      if (first === 'executions' && second !== undefined && rest.length === 0) return execution(second);
      if (first === 'workflows' && second === 'runs' && rest.length === 0) return runsRoute(world);
      return null;
    },
    unmatched: (request) => authorise(world, request) ?? emptyResponse(404),
  };
}

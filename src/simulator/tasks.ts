/**
 * Host D, the Polos orchestrator (`GET /api/v1/executions/{execution_id}`): docs/upstreams.md
 * §4, page 004. Auth is `Authorization: Bearer sk_…` plus `X-Project-ID` (or `Project-ID`).
 * Several Polos handlers answer a bare status with an EMPTY body (project id missing/invalid,
 * non-UUID execution id, not found); auth failures carry `{"error","error_type"}`.
 * Every optional field is serialised as an explicit null, never omitted.
 * `POST /api/v1/executions/{id}/cancel` (docs/upstreams.md D4) cancels the target, its ancestors and its
 * descendants: `pending_cancel` until the worker confirms, `cancelled` at once when queued.
 */
import { taskStateAt, type TaskFact, type World } from './world/index.ts';
import { rfc3339Micros, UUID_RE } from './format.ts';
import { emptyResponse, headerValue, json, segmentsAfter, type HostHandler, type SimRequest, type SimResponse } from './http.ts';

export const tasksRoutes = {
  execution: 'tasks GET /api/v1/executions/{id}',
  cancel: 'tasks POST /api/v1/executions/{id}/cancel',
} as const;

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
      return null;
    },
    unmatched: (request) => authorise(world, request) ?? emptyResponse(404),
  };
}

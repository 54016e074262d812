/**
 * Host C, the legacy "AI Flows" bulk endpoint (`POST /api/v1/{workflowID}/executions/bulk`,
 * header `X-API-KEY`): docs/upstreams.md §3, page 003.
 *
 * Encoding (decided once; the gateway's normaliser relies on it):
 * - `output` (execution and step) is JSON text: `JSON.stringify(value)` ("parse output as JSON"),
 *   so a text output "Once upon" travels as `"\"Once upon\""`, an image list as `"[\"https://…\"]"`,
 *   an object as `"{…}"`. It is null when there is no output yet (execution: unless completed).
 * - `output_json` is the value itself when it is a (non-array) object, else null.
 * - step `input` is `JSON.stringify(resolved input object)`, the same object the detail shape
 *   shows as step `input` and `metadata.params`; null before the step started.
 * - `parameters` are the execution inputs as `{name, value}` with string values.
 * - timestamps use `started_at`/`ended_at`; absent instants are null; `deleted_at` is null.
 * - statuses are the workflows host's (`running|completed|failed|cancelled`, steps also `queued`).
 * - `average_percent` = round(100 × terminal steps / steps).
 * - the answer omits unknown ids and ids of another workflow, and is ordered by a stable hash
 *   of the id, never in the asked order.
 */
import { workflowStateAt, type World, type WorkflowExecutionFact } from './world/index.ts';
import { isoSeconds } from './format.ts';
import { json, segmentsAfter, type HostHandler, type SimRequest, type SimResponse } from './http.ts';
import { hashString } from './random.ts';
import { findWorkflow, hasApiKey } from './workflows.ts';

export const flowsRoutes = { bulk: 'flows POST /{id}/executions/bulk' } as const;

/** Above this many ids the simulator answers 400 (the docs document no limit). */
export const maxBulkIds = 1000;

function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function objectOrNull(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms));

/** One execution as the bulk endpoint answers it at `now`. */
export function renderBulkExecution(world: World, fact: WorkflowExecutionFact, now: number): Record<string, unknown> {
  const state = workflowStateAt(fact, now);
  const terminalSteps = state.steps.filter(
    (step) => step.status === 'completed' || step.status === 'failed' || step.status === 'cancelled',
  ).length;
  return {
    flow_id: fact.workflow.id,
    average_percent: state.steps.length === 0 ? 100 : Math.round((100 * terminalSteps) / state.steps.length),
    flow_name: fact.workflow.name,
    organization_id: world.organizationId,
    api_key: world.organizationApiKey,
    execution_id: fact.id,
    source_ip_address: fact.sourceIp,
    parameters: Object.entries(fact.inputs).map(([name, value]) => ({ name, value })),
    step_results: state.steps.map((step) => ({
      step_id: step.plan.def.stepId,
      step_name: step.plan.def.name,
      model: step.plan.def.model,
      version: step.plan.def.version,
      started_at: iso(step.startedAt),
      ended_at: iso(step.completedAt),
      status: step.status,
      output: step.hasOutput ? jsonText(step.plan.output) : null,
      output_json: step.hasOutput ? objectOrNull(step.plan.output) : null,
      input: step.startedAt === null ? null : JSON.stringify(step.plan.params),
    })),
    status: state.status,
    output: state.hasOutput ? jsonText(state.output) : null,
    output_json: state.hasOutput ? objectOrNull(state.output) : null,
    created_at: isoSeconds(fact.createdAt),
    started_at: isoSeconds(state.startedAt),
    ended_at: iso(state.completedAt),
    updated_at: isoSeconds(state.updatedAt),
    deleted_at: null,
  };
}

export function createFlowsHandler(world: World): HostHandler {
  const bulk = (workflowParam: string) => ({
    key: flowsRoutes.bulk,
    handle: (request: SimRequest): SimResponse => {
      if (!hasApiKey(request, world)) return json(401, { error: 'Invalid or missing API key' });
      const body = request.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return json(400, { error: 'invalid request body: expected a JSON object' });
      const ids: unknown = (body as { execution_ids?: unknown }).execution_ids;
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        return json(400, { error: 'invalid request body: execution_ids must be an array of strings' });
      }
      if (ids.length > maxBulkIds) return json(400, { error: `too many execution_ids: at most ${maxBulkIds}` });
      const workflow = findWorkflow(world, workflowParam);
      if (!workflow) return json(404, { error: 'workflow not found' });
      const found = new Map<string, WorkflowExecutionFact>();
      for (const id of ids) {
        const fact = world.executions.get(id);
        if (fact && fact.workflow.id === workflow.id && fact.createdAt <= request.now) found.set(id, fact);
      }
      const executions = [...found.values()]
        .sort((a, b) => hashString(a.id) - hashString(b.id))
        .map((fact) => renderBulkExecution(world, fact, request.now));
      return json(200, { status: 'success', total: executions.length, executions });
    },
  });
  return {
    match: (method, pathname) => {
      const segments = segmentsAfter(pathname, '/api/v1');
      if (!segments || method !== 'POST') return null;
      const [workflowId, executions, bulkSegment, ...rest] = segments;
      if (workflowId !== undefined && executions === 'executions' && bulkSegment === 'bulk' && rest.length === 0) return bulk(workflowId);
      return null;
    },
    unmatched: () => json(404, { error: 'not found' }),
  };
}

/**
 * Flows bulk shape (docs/upstreams.md page 003) → model. Pure: no I/O. `api_key`, `organization_id` and
 * `source_ip_address` are never read: every field below is picked explicitly.
 */
import type * as model from '../../model.ts';
import { durationBetween, normaliseStatus } from '../../model.ts';
import { decodeOnce, isPlainObject, parseTimestamp, preferOutputJson, primaryOf } from '../json.ts';
import { lifecycleOf, orderSteps } from '../normalise.ts';
import type { WireBulkExecution, WireParameter, WireStepResult } from './wire.ts';

/**
 * The bulk shape reports a step's resolved parameters only as its `input` JSON text, so that
 * decoded object is both `input` and `params`; `primary` follows the detail shape's documented
 * rule (first element of a list output), so both shapes give the same Step.
 */
export function normaliseStepResult(step: WireStepResult, executionId: string, workflowId: string): model.Step {
  const status = normaliseStatus(step.status);
  const startedAt = parseTimestamp(step.started_at);
  const completedAt = parseTimestamp(step.ended_at);
  const input = typeof step.input === 'string' ? (step.input === '' ? null : decodeOnce(step.input)) : (step.input ?? null);
  const output = preferOutputJson(step.output_json, step.output);
  return {
    stepId: step.step_id,
    name: step.step_name || null,
    status,
    upstreamStatus: step.status ?? '',
    startedAt,
    completedAt,
    durationMs: durationBetween(startedAt, completedAt),
    input,
    output,
    primary: primaryOf(output),
    model: step.model || null,
    modelVersion: step.version || null,
    params: isPlainObject(input) ? input : null,
    // The bulk shape does not say which prediction a step ran.
    predictionId: null,
    executionId,
    workflowId,
  };
}

function inputsOf(parameters: readonly WireParameter[] | null | undefined): Record<string, unknown> | null {
  if (!parameters) return null;
  return Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.value ?? null]));
}

/**
 * `workflowId` is the one asked for, used when `flow_id` is absent. The shape has no bulk id and
 * no error fields; `output` is kept only once COMPLETED, as for the detail shape.
 */
export function normaliseBulkExecution(wire: WireBulkExecution, workflowId: string): model.WorkflowExecution {
  const lifecycle = lifecycleOf({
    status: wire.status,
    createdAt: wire.created_at,
    startedAt: wire.started_at,
    completedAt: wire.ended_at,
  });
  const { status } = lifecycle;
  const resolvedWorkflowId = wire.flow_id || workflowId;
  const steps = orderSteps(
    (wire.step_results ?? []).map((step) => ({
      key: step.step_id,
      step: normaliseStepResult(step, wire.execution_id, resolvedWorkflowId),
    })),
  );
  return {
    source: 'WORKFLOW',
    shape: 'bulk',
    executionId: wire.execution_id,
    workflowId: resolvedWorkflowId,
    workflowName: wire.flow_name || null,
    versionId: null,
    bulkId: null,
    ...lifecycle,
    inputs: inputsOf(wire.parameters),
    output: status === 'COMPLETED' ? preferOutputJson(wire.output_json, wire.output) : null,
    error: null,
    progressPercent: typeof wire.average_percent === 'number' ? wire.average_percent : null,
    steps: wire.step_results ? steps : null,
  };
}

/** Keyed by execution id: ids not asked for and repeats (first wins) are dropped. */
export function normaliseBulkExecutions(
  executions: readonly WireBulkExecution[],
  workflowId: string,
  askedIds: readonly string[],
): ReadonlyMap<string, model.WorkflowExecution> {
  const asked = new Set(askedIds);
  const result = new Map<string, model.WorkflowExecution>();
  for (const execution of executions) {
    if (!asked.has(execution.execution_id) || result.has(execution.execution_id)) continue;
    result.set(execution.execution_id, normaliseBulkExecution(execution, workflowId));
  }
  return result;
}

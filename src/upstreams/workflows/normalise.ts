/**
 * Workflows host (pages 000, 001) → model. Pure: no I/O.
 */
import type * as model from '../../model.ts';
import { durationBetween, normaliseStatus } from '../../model.ts';
import { isPlainObject, parseTimestamp } from '../json.ts';
import { lifecycleOf, orderSteps, pageOf, progressPercentOf } from '../normalise.ts';
import type { TriggerResult } from '../types.ts';
import type {
  WireExecutionDetails,
  WireExecutionSummary,
  WireListExecutionsResponse,
  WireStepOutput,
  WireTriggerResponse,
  WireWorkflowDetail,
} from './wire.ts';

export function normaliseStepOutput(step: WireStepOutput, executionId: string, workflowId: string): model.Step {
  const status = normaliseStatus(step.status);
  const startedAt = parseTimestamp(step.started_at);
  const completedAt = parseTimestamp(step.completed_at);
  const metadata = step.metadata ?? null;
  return {
    stepId: step.step_id,
    // Only the bulk shape names steps.
    name: null,
    status,
    upstreamStatus: step.status,
    startedAt,
    completedAt,
    durationMs: durationBetween(startedAt, completedAt),
    input: step.input ?? null,
    output: step.output ?? null,
    primary: step.primary ?? null,
    model: metadata?.model ?? null,
    modelVersion: metadata?.version ?? null,
    params: isPlainObject(metadata?.params) ? metadata.params : null,
    predictionId: metadata?.prediction_id || null,
    executionId,
    workflowId,
  };
}

function errorOf(message: string | null | undefined, cause: string | null | undefined): model.ExecutionError | null {
  if (!message && !cause) return null;
  return { message: message || 'Workflow execution failed', cause: cause || null, classification: null };
}

/**
 * `GET /executions/{id}` (and the webhook body). The detail shape has no `created_at`: the
 * execution's creation is taken to be its `started_at`. No name or version either.
 */
export function normaliseExecutionDetails(wire: WireExecutionDetails): model.WorkflowExecution {
  // The detail shape has no created_at: creation is taken to be the start.
  const lifecycle = lifecycleOf({
    status: wire.status,
    createdAt: wire.started_at,
    startedAt: wire.started_at,
    completedAt: wire.completed_at,
  });
  const { status } = lifecycle;
  const entries = Object.entries(wire.step_outputs ?? {}).map(([key, step]) => ({
    key,
    step: normaliseStepOutput(step, wire.execution_id, wire.workflow_id),
  }));
  const steps = orderSteps(entries);
  return {
    source: 'WORKFLOW',
    shape: 'detail',
    executionId: wire.execution_id,
    workflowId: wire.workflow_id,
    workflowName: null,
    versionId: null,
    bulkId: wire.bulk_id || null,
    ...lifecycle,
    inputs: wire.inputs ?? null,
    // Documented as populated only once completed; anything else is not a result.
    output: status === 'COMPLETED' ? (wire.output ?? null) : null,
    error: errorOf(wire.error, wire.error_cause),
    progressPercent: progressPercentOf(steps),
    steps: wire.step_outputs ? steps : null,
  };
}

/** A list item: no steps, inputs or output (`shape: 'summary'`); `api_key` is never read. */
export function normaliseExecutionSummary(wire: WireExecutionSummary, bulkId: string | null = null): model.WorkflowExecution {
  const lifecycle = lifecycleOf({
    status: wire.status,
    createdAt: wire.created_at,
    startedAt: wire.started_at,
    completedAt: wire.ended_at,
  });
  return {
    source: 'WORKFLOW',
    shape: 'summary',
    executionId: wire.execution_id,
    workflowId: wire.flow_id,
    workflowName: wire.flow_name,
    versionId: wire.version_id,
    // Summaries do not carry it; a list filtered by `bulk_id` knows it.
    bulkId,
    ...lifecycle,
    inputs: null,
    output: null,
    error: null,
    progressPercent: null,
    steps: null,
  };
}

export function normaliseExecutionList(
  wire: WireListExecutionsResponse,
  asked: { offset: number; limit: number },
  bulkId: string | null = null,
): model.Page<model.WorkflowExecution> {
  const items = wire.executions.map((summary) => normaliseExecutionSummary(summary, bulkId));
  return pageOf(items, asked, wire.total_count ?? null);
}

/** `GET /workflows/{id}`: the workflow by its uuid, however it was asked for. */
export function normaliseWorkflow(wire: WireWorkflowDetail): model.Workflow {
  return {
    workflowId: wire.workflow_id,
    slug: wire.slug || null,
    name: wire.name,
    description: wire.description ?? null,
    categories: wire.categories ?? [],
    status: wire.status || null,
    latestVersionId: wire.latest_version_id || null,
    triggerCount: wire.trigger_count ?? null,
    createdAt: parseTimestamp(wire.created_at),
    updatedAt: parseTimestamp(wire.updated_at),
    versions: (wire.versions ?? []).map((version) => ({
      versionId: version.version_id,
      status: version.status || null,
      production: version.production ?? null,
      triggerCount: version.trigger_count ?? null,
      createdAt: parseTimestamp(version.created_at),
      updatedAt: parseTimestamp(version.updated_at),
    })),
  };
}

/** A trigger answer (or one bulk item): accepted (`queued`) with an id, or refused with a message. */
export function normaliseTrigger(wire: WireTriggerResponse): TriggerResult {
  return {
    executionId: wire.execution_id || null,
    status: normaliseStatus(wire.status),
    upstreamStatus: wire.status,
    startedAt: parseTimestamp(wire.started_at),
    message: wire.message || null,
  };
}

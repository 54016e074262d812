/**
 * Task host (docs/upstreams.md page 004) → TaskExecution. Pure: no I/O.
 */
import type * as model from '../../model.ts';
import { normaliseStatus } from '../../model.ts';
import type { CancelResult } from '../types.ts';
import { lifecycleOf, pageOf } from '../normalise.ts';
import { parseTimestamp } from '../json.ts';
import type { WireCancelExecution, WireTaskExecution, WireTaskRun } from './wire.ts';

/** What an execution and a run summary both carry. */
function shared(wire: WireTaskExecution | WireTaskRun, shape: 'execution' | 'run', lifecycle: ReturnType<typeof lifecycleOf>) {
  return {
    source: 'TASK' as const,
    shape,
    executionId: wire.id,
    workflowId: wire.workflow_id,
    ...lifecycle,
    output: wire.result ?? null,
    error: wire.error ? { message: wire.error, cause: null, classification: null } : null,
    payload: wire.payload ?? null,
    result: wire.result ?? null,
  };
}

export function normaliseTaskExecution(wire: WireTaskExecution): model.TaskExecution {
  const lifecycle = lifecycleOf({
    status: wire.status,
    createdAt: wire.created_at,
    startedAt: wire.started_at,
    completedAt: wire.completed_at,
  });
  return {
    ...shared(wire, 'execution', lifecycle),
    retryCount: wire.retry_count,
    queueName: wire.queue_name ?? null,
    assignedToWorker: wire.assigned_to_worker ?? null,
    batchId: wire.batch_id ?? null,
    concurrencyKey: wire.concurrency_key ?? null,
    deploymentId: wire.deployment_id ?? null,
    sessionId: wire.session_id ?? null,
    stepKey: wire.step_key ?? null,
    userId: wire.user_id ?? null,
    outputSchemaName: wire.output_schema_name ?? null,
    runTimeoutSeconds: wire.run_timeout_seconds ?? null,
    cancelledAt: parseTimestamp(wire.cancelled_at),
    cancelledBy: wire.cancelled_by ?? null,
    parentExecutionId: wire.parent_execution_id ?? null,
    rootExecutionId: wire.root_execution_id ?? null,
  };
}

/**
 * A run summary: what it does not carry (start, retries, queue, worker, parent …) is null, to be
 * read from the execution itself (`shape: 'run'`). Its start is unknown, not absent.
 */
export function normaliseTaskRun(wire: WireTaskRun): model.TaskExecution {
  const lifecycle = lifecycleOf({ status: wire.status, createdAt: wire.created_at, startedAt: null, completedAt: wire.completed_at });
  return {
    ...shared(wire, 'run', lifecycle),
    retryCount: null,
    queueName: null,
    assignedToWorker: null,
    batchId: null,
    concurrencyKey: null,
    deploymentId: null,
    sessionId: wire.session_id ?? null,
    stepKey: null,
    userId: null,
    outputSchemaName: null,
    runTimeoutSeconds: null,
    cancelledAt: null,
    cancelledBy: null,
    parentExecutionId: null,
    rootExecutionId: wire.root_execution_id ?? null,
  };
}

/** The runs list has no total: a full page means there may be more. */
export function normaliseTaskRuns(wire: readonly WireTaskRun[], asked: { offset: number; limit: number }): model.Page<model.TaskExecution> {
  return pageOf(wire.map(normaliseTaskRun), asked, null);
}

export function normaliseCancelExecution(wire: WireCancelExecution): CancelResult {
  return {
    executionId: wire.execution_id,
    status: normaliseStatus(wire.status),
    upstreamStatus: wire.status,
    cancelledAt: parseTimestamp(wire.cancelled_at),
    message: null,
  };
}

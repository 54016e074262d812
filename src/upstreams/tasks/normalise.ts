/**
 * Task host (docs/upstreams.md page 004) → TaskExecution. Pure: no I/O.
 */
import type * as model from '../../model.ts';
import { normaliseStatus } from '../../model.ts';
import type { CancelResult } from '../types.ts';
import { lifecycleOf } from '../normalise.ts';
import { parseTimestamp } from '../json.ts';
import type { WireCancelExecution, WireTaskExecution } from './wire.ts';

export function normaliseTaskExecution(wire: WireTaskExecution): model.TaskExecution {
  const lifecycle = lifecycleOf({ status: wire.status, createdAt: wire.created_at, startedAt: wire.started_at, completedAt: wire.completed_at });
  return {
    source: 'TASK',
    executionId: wire.id,
    workflowId: wire.workflow_id,
    ...lifecycle,
    output: wire.result ?? null,
    error: wire.error ? { message: wire.error, cause: null, classification: null } : null,
    payload: wire.payload ?? null,
    result: wire.result ?? null,
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

export function normaliseCancelExecution(wire: WireCancelExecution): CancelResult {
  return {
    executionId: wire.execution_id,
    status: normaliseStatus(wire.status),
    upstreamStatus: wire.status,
    cancelledAt: parseTimestamp(wire.cancelled_at),
    message: null,
  };
}

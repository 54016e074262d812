/**
 * The task host's JSON exactly as received (reference page 004, Polos `ExecutionResponse`).
 * Optional fields are serialised as explicit `null`.
 */
import { checker } from '../validate.ts';

export interface WireTaskExecution {
  readonly id: string;
  readonly workflow_id: string;
  /** Documented `pending|running|completed|failed|cancelled`; the code writes more (FINDINGS D7). */
  readonly status: string;
  readonly created_at: string;
  readonly retry_count: number;
  readonly payload?: unknown;
  readonly result?: unknown;
  readonly assigned_to_worker?: string | null;
  readonly batch_id?: string | null;
  readonly cancelled_at?: string | null;
  readonly cancelled_by?: string | null;
  readonly completed_at?: string | null;
  readonly concurrency_key?: string | null;
  readonly deployment_id?: string | null;
  readonly error?: string | null;
  readonly output_schema_name?: string | null;
  readonly parent_execution_id?: string | null;
  readonly queue_name?: string | null;
  readonly root_execution_id?: string | null;
  readonly run_timeout_seconds?: number | null;
  readonly session_id?: string | null;
  readonly started_at?: string | null;
  readonly step_key?: string | null;
  readonly user_id?: string | null;
}

const optionalStrings = [
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
  'root_execution_id',
  'session_id',
  'started_at',
  'step_key',
  'user_id',
] as const;

const check = checker('tasks');

export function parseTaskExecution(json: unknown): WireTaskExecution {
  const execution = check.object(json);
  for (const key of ['id', 'workflow_id', 'status', 'created_at']) check.string(execution, key);
  check.number(execution, 'retry_count');
  for (const key of optionalStrings) check.optString(execution, key);
  check.optNumber(execution, 'run_timeout_seconds');
  return execution as unknown as WireTaskExecution;
}

/** `POST /api/v1/executions/{id}/cancel` 200 (FINDINGS D4): usually `pending_cancel`. */
export interface WireCancelExecution {
  readonly execution_id: string;
  readonly status: string;
  readonly cancelled_at?: string | null;
}

export function parseCancelExecution(json: unknown): WireCancelExecution {
  const answer = check.object(json);
  check.string(answer, 'execution_id');
  check.string(answer, 'status');
  check.optString(answer, 'cancelled_at');
  return answer as unknown as WireCancelExecution;
}

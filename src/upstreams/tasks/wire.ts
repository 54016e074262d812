/**
 * The task host's JSON: an execution, the runs list and the cancel answer. Optional fields are
 * serialised as explicit `null`.
 */
import * as z from 'zod';
import { anything, optNumber, optString, wireParser } from '../wire.ts';

const taskExecution = z.object({
  id: z.string(),
  workflow_id: z.string(),
  /** Documented `pending|running|completed|failed|cancelled`; the host writes more. */
  status: z.string(),
  created_at: z.string(),
  retry_count: z.number(),
  payload: anything,
  result: anything,
  assigned_to_worker: optString,
  batch_id: optString,
  cancelled_at: optString,
  cancelled_by: optString,
  completed_at: optString,
  concurrency_key: optString,
  deployment_id: optString,
  error: optString,
  output_schema_name: optString,
  parent_execution_id: optString,
  queue_name: optString,
  root_execution_id: optString,
  run_timeout_seconds: optNumber,
  session_id: optString,
  started_at: optString,
  step_key: optString,
  user_id: optString,
});

/** `WorkflowRunSummary`: an item of `GET /api/v1/workflows/runs` (docs/upstreams.md D5). */
const taskRun = z.object({
  id: z.string(),
  workflow_id: z.string(),
  status: z.string(),
  created_at: z.string(),
  root_execution_id: optString,
  session_id: optString,
  completed_at: optString,
  payload: anything,
  result: anything,
  error: optString,
});

/** A bare array: no envelope, no total. */
const taskRuns = z.array(taskRun);

/** `POST /api/v1/executions/{id}/cancel` 200: usually `pending_cancel`. */
const cancelExecution = z.object({
  execution_id: z.string(),
  status: z.string(),
  cancelled_at: optString,
});

export type WireTaskExecution = z.infer<typeof taskExecution>;
export type WireCancelExecution = z.infer<typeof cancelExecution>;
export type WireTaskRun = z.infer<typeof taskRun>;

export const parseTaskExecution: (json: unknown) => WireTaskExecution = wireParser('tasks', taskExecution);
export const parseTaskRuns: (json: unknown) => WireTaskRun[] = wireParser('tasks', taskRuns);
export const parseCancelExecution: (json: unknown) => WireCancelExecution = wireParser('tasks', cancelExecution);

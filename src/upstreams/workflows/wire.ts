/**
 * The workflows host's JSON exactly as received (reference pages 000 and 001, openapi
 * `ExecutionDetails`, `StepOutput`, `ListExecutionsResponse`, `ExecutionSummary`).
 */
import { checker } from '../validate.ts';

/** `metadata` varies by step type (model / http / python); only these fields are read. */
export interface WireStepMetadata {
  readonly model?: string | null;
  readonly version?: string | null;
  readonly params?: Readonly<Record<string, unknown>> | null;
  readonly [field: string]: unknown;
}

export interface WireStepOutput {
  readonly step_id: string;
  /** `queued|running|completed|failed|cancelled` documented; anything is accepted. */
  readonly status: string;
  /** Omitted for queued steps. */
  readonly started_at?: string | null;
  readonly completed_at?: string | null;
  /** string, array, object, number or boolean. */
  readonly output?: unknown;
  readonly primary?: unknown;
  /** The resolved step input (an object). */
  readonly input?: unknown;
  readonly metadata?: WireStepMetadata | null;
}

export interface WireExecutionDetails {
  readonly execution_id: string;
  readonly workflow_id: string;
  readonly status: string;
  /** Only present for bulk-triggered executions (the mdx also allows null). */
  readonly bulk_id?: string | null;
  readonly started_at?: string | null;
  readonly completed_at?: string | null;
  readonly inputs?: Readonly<Record<string, unknown>> | null;
  readonly step_outputs?: Readonly<Record<string, WireStepOutput>> | null;
  /** Only populated when `status` is completed: string, array or object. */
  readonly output?: unknown;
  readonly error?: string | null;
  readonly error_cause?: string | null;
}

export interface WireExecutionSummary {
  readonly execution_id: string;
  readonly flow_id: string;
  readonly flow_name: string;
  readonly version_id: string;
  readonly status: string;
  readonly created_at: string;
  /** A key identifier: never copied into the model. */
  readonly api_key?: string | null;
  readonly started_at?: string | null;
  readonly ended_at?: string | null;
  readonly updated_at?: string | null;
  readonly deleted_at?: string | null;
  readonly inputs?: Readonly<Record<string, unknown>> | null;
  /** "Structure varies": object or array; not read (summaries carry no steps). */
  readonly step_results?: unknown;
  readonly output?: string | null;
  readonly output_json?: Readonly<Record<string, unknown>> | null;
  readonly cost?: unknown;
}

export interface WireListExecutionsResponse {
  readonly executions: readonly WireExecutionSummary[];
  /** The *next* page's offset (FINDINGS §5.1): never used for paging. */
  readonly offset?: number | null;
  /** Required by the spec; tolerated absent (paging then falls back to a full page). */
  readonly total_count?: number | null;
}

const check = checker('workflows');

function checkStepOutput(value: unknown): WireStepOutput {
  const step = check.object(value);
  check.string(step, 'step_id');
  check.string(step, 'status');
  check.optString(step, 'started_at');
  check.optString(step, 'completed_at');
  const metadata = check.optObject(step, 'metadata');
  if (metadata) {
    check.optString(metadata, 'model');
    check.optString(metadata, 'version');
    check.optObject(metadata, 'params');
  }
  return step as unknown as WireStepOutput;
}

export function parseExecutionDetails(json: unknown): WireExecutionDetails {
  const execution = check.object(json);
  check.string(execution, 'execution_id');
  check.string(execution, 'workflow_id');
  check.string(execution, 'status');
  check.optString(execution, 'bulk_id');
  check.optString(execution, 'started_at');
  check.optString(execution, 'completed_at');
  check.optObject(execution, 'inputs');
  check.optString(execution, 'error');
  check.optString(execution, 'error_cause');
  const steps = check.optObject(execution, 'step_outputs');
  for (const step of Object.values(steps ?? {})) checkStepOutput(step);
  return execution as unknown as WireExecutionDetails;
}

function checkSummary(value: unknown): WireExecutionSummary {
  const summary = check.object(value);
  for (const key of ['execution_id', 'flow_id', 'flow_name', 'version_id', 'status', 'created_at']) {
    check.string(summary, key);
  }
  check.optString(summary, 'started_at');
  check.optString(summary, 'ended_at');
  check.optObject(summary, 'inputs');
  return summary as unknown as WireExecutionSummary;
}

export function parseListExecutionsResponse(json: unknown): WireListExecutionsResponse {
  const list = check.object(json);
  for (const summary of check.array(list['executions'])) checkSummary(summary);
  check.optNumber(list, 'offset');
  check.optNumber(list, 'total_count');
  return list as unknown as WireListExecutionsResponse;
}

/** `POST /{workflowID}/trigger` 202, and each item of a bulk trigger (FINDINGS A1, A2). */
export interface WireTriggerResponse {
  /** Only for accepted triggers. */
  readonly execution_id?: string | null;
  /** `queued | failed`. */
  readonly status: string;
  /** The later changelog says it is never returned: optional. */
  readonly started_at?: string | null;
  /** Only when `status` is failed. */
  readonly message?: string | null;
}

export interface WireBulkTriggerResponse {
  readonly bulk_id: string;
  /** In request order; a refused item has no `execution_id`. */
  readonly executions: readonly WireTriggerResponse[];
}

function checkTrigger(value: unknown): WireTriggerResponse {
  const trigger = check.object(value);
  check.string(trigger, 'status');
  check.optString(trigger, 'execution_id');
  check.optString(trigger, 'started_at');
  check.optString(trigger, 'message');
  return trigger as unknown as WireTriggerResponse;
}

export function parseTriggerResponse(json: unknown): WireTriggerResponse {
  return checkTrigger(json);
}

export function parseBulkTriggerResponse(json: unknown): WireBulkTriggerResponse {
  const bulk = check.object(json);
  check.string(bulk, 'bulk_id');
  for (const item of check.array(bulk['executions'])) checkTrigger(item);
  return bulk as unknown as WireBulkTriggerResponse;
}

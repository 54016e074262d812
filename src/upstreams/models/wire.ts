/**
 * The models host's JSON exactly as received: `GET /v1/executions` (reference page 002, openapi
 * `ListExecutionsResponse`/`ExecutionSummary`) and `GET /v1/prediction/{id}` (FINDINGS B3,
 * openapi `Prediction`).
 */
import { checker } from '../validate.ts';

export interface WireModelExecution {
  readonly id: string;
  readonly model?: string | null;
  readonly status?: string | null;
  readonly workflow_id?: string | null;
  readonly workflow_execution_id?: string | null;
  /** USD. */
  readonly execution_cost?: number | null;
  /** Seconds. */
  readonly run_time?: number | null;
  readonly created_at?: string | null;
  readonly started_at?: string | null;
  readonly completed_at?: string | null;
  /** "Primary execution output": usually a URL or text, sometimes JSON text. */
  readonly output?: string | null;
  /** Undocumented: lower-case canonical classification of a failed execution. */
  readonly error_classification?: string | null;
  /** Undocumented: the failure message. */
  readonly error?: string | null;
}

export interface WireModelExecutionList {
  readonly executions: readonly WireModelExecution[];
  /** Required by the spec; tolerated absent (paging then falls back to a full page). */
  readonly total_count?: number | null;
  /** Applied (echoed) offset and limit: not used, paging uses what was asked. */
  readonly offset?: number | null;
  readonly limit?: number | null;
}

export interface WirePrediction {
  /** Not marked required by the spec; the asked id stands in when absent. */
  readonly id?: string | null;
  readonly input?: Readonly<Record<string, unknown>> | null;
  readonly status?: string | null;
  /** string, array or object depending on the model. */
  readonly output?: unknown;
  readonly logs?: string | null;
  readonly metrics?: { readonly predict_time?: number | null; readonly cost?: number | null } | null;
  /** Upstream URLs: never copied. */
  readonly urls?: unknown;
  /** Undocumented; read when present. */
  readonly model?: string | null;
  /** Undocumented; read when present. */
  readonly error?: string | null;
}

const check = checker('models');

function checkExecution(value: unknown): void {
  const execution = check.object(value);
  check.string(execution, 'id');
  for (const key of [
    'model',
    'status',
    'workflow_id',
    'workflow_execution_id',
    'created_at',
    'started_at',
    'completed_at',
    'output',
    'error_classification',
    'error',
  ]) {
    check.optString(execution, key);
  }
  check.optNumber(execution, 'execution_cost');
  check.optNumber(execution, 'run_time');
}

export function parseModelExecutionList(json: unknown): WireModelExecutionList {
  const list = check.object(json);
  for (const execution of check.array(list['executions'])) checkExecution(execution);
  check.optNumber(list, 'total_count');
  check.optNumber(list, 'offset');
  check.optNumber(list, 'limit');
  return list as unknown as WireModelExecutionList;
}

export function parsePrediction(json: unknown): WirePrediction {
  const prediction = check.object(json);
  for (const key of ['id', 'status', 'logs', 'model', 'error']) check.optString(prediction, key);
  check.optObject(prediction, 'input');
  const metrics = check.optObject(prediction, 'metrics');
  if (metrics) {
    check.optNumber(metrics, 'predict_time');
    check.optNumber(metrics, 'cost');
  }
  return prediction as unknown as WirePrediction;
}

/** `POST /v1/prediction/{id}/cancel` 200 (FINDINGS B4); note the camelCase `predictionID`. */
export interface WireCancelPrediction {
  readonly status?: string | null;
  readonly message?: string | null;
  readonly predictionID?: string | null;
}

export function parseCancelPrediction(json: unknown): WireCancelPrediction {
  const answer = check.object(json);
  for (const key of ['status', 'message', 'predictionID']) check.optString(answer, key);
  return answer as unknown as WireCancelPrediction;
}

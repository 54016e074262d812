/**
 * The models host's JSON: `GET /v1/executions`, `GET /v1/prediction/{id}` and
 * `POST /v1/prediction/{id}/cancel`.
 */
import * as z from 'zod';
import { anything, optNumber, optString, wireParser } from '../wire.ts';

const modelExecution = z.object({
  id: z.string(),
  model: optString,
  status: optString,
  workflow_id: optString,
  workflow_execution_id: optString,
  /** USD. */
  execution_cost: optNumber,
  /** Seconds. */
  run_time: optNumber,
  created_at: optString,
  started_at: optString,
  completed_at: optString,
  /** "Primary execution output": usually a URL or text, sometimes JSON text. */
  output: optString,
  /** Undocumented: lower-case canonical classification of a failed execution. */
  error_classification: optString,
  /** Undocumented: the failure message. */
  error: optString,
});

const modelExecutionList = z.object({
  executions: z.array(modelExecution),
  /** Documented as required; tolerated absent (paging then falls back to a full page). */
  total_count: optNumber,
  /** Applied (echoed) offset and limit: not used, paging uses what was asked. */
  offset: optNumber,
  limit: optNumber,
});

/** Not declared, so dropped at parse: `urls`, the upstream's own URLs, never copied. */
const prediction = z.object({
  /** Not marked required; the asked id stands in when absent. */
  id: optString,
  status: optString,
  /** string, array or object depending on the model. */
  output: anything,
  logs: optString,
  metrics: z.object({ predict_time: optNumber, cost: optNumber }).nullish(),
  /** Undocumented; read when present. */
  model: optString,
  /** Undocumented; read when present. */
  error: optString,
});

/** The cancel answer; note the camelCase `predictionID`. */
const cancelPrediction = z.object({
  status: optString,
  message: optString,
  predictionID: optString,
});

export type WireModelExecution = z.infer<typeof modelExecution>;
export type WireModelExecutionList = z.infer<typeof modelExecutionList>;
export type WirePrediction = z.infer<typeof prediction>;
export type WireCancelPrediction = z.infer<typeof cancelPrediction>;

export const parseModelExecutionList: (json: unknown) => WireModelExecutionList = wireParser('models', modelExecutionList);
export const parsePrediction: (json: unknown) => WirePrediction = wireParser('models', prediction);
export const parseCancelPrediction: (json: unknown) => WireCancelPrediction = wireParser('models', cancelPrediction);

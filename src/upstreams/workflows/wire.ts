/**
 * The workflows host's JSON: `GET /executions/{id}` (also the webhook body), the executions list,
 * and the trigger answers.
 */
import * as z from 'zod';
import { anything, optNumber, optObject, optString, wireParser } from '../wire.ts';

/**
 * `metadata` varies by step type (model / http / python): only these fields are checked, and the
 * rest are kept, as they came, for whoever reads a step's metadata next.
 */
const stepMetadata = z.looseObject({
  model: optString,
  version: optString,
  params: optObject,
});

const stepOutput = z.object({
  step_id: z.string(),
  /** `queued|running|completed|failed|cancelled` documented; anything is accepted. */
  status: z.string(),
  /** Omitted for queued steps. */
  started_at: optString,
  completed_at: optString,
  /** string, array, object, number or boolean. */
  output: anything,
  primary: anything,
  /** The resolved step input (an object). */
  input: anything,
  metadata: stepMetadata.nullish(),
});

const executionDetails = z.object({
  execution_id: z.string(),
  workflow_id: z.string(),
  status: z.string(),
  /** Only present for bulk-triggered executions. */
  bulk_id: optString,
  started_at: optString,
  completed_at: optString,
  inputs: optObject,
  step_outputs: z.record(z.string(), stepOutput).nullish(),
  /** Only populated when `status` is completed: string, array or object. */
  output: anything,
  error: optString,
  error_cause: optString,
});

/**
 * A list item. Not declared, so dropped at parse: the key identifier `api_key`, and `updated_at`,
 * `deleted_at`, `step_results`, `output`, `output_json` and `cost`, which a summary never shows.
 */
const executionSummary = z.object({
  execution_id: z.string(),
  flow_id: z.string(),
  flow_name: z.string(),
  version_id: z.string(),
  status: z.string(),
  created_at: z.string(),
  started_at: optString,
  ended_at: optString,
  inputs: optObject,
});

const listExecutionsResponse = z.object({
  executions: z.array(executionSummary),
  /** The *next* page's offset, not the applied one: never used for paging. */
  offset: optNumber,
  /** Documented as required; tolerated absent (paging then falls back to a full page). */
  total_count: optNumber,
});

/** `POST /{workflowID}/trigger` 202, and each item of a bulk trigger. */
const triggerResponse = z.object({
  /** Only for accepted triggers. */
  execution_id: optString,
  /** `queued | failed`. */
  status: z.string(),
  /** Documented, yet not always returned. */
  started_at: optString,
  /** Only when `status` is failed. */
  message: optString,
});

const bulkTriggerResponse = z.object({
  bulk_id: z.string(),
  /** In request order; a refused item has no `execution_id`. */
  executions: z.array(triggerResponse),
});

export type WireStepMetadata = z.infer<typeof stepMetadata>;
export type WireStepOutput = z.infer<typeof stepOutput>;
export type WireExecutionDetails = z.infer<typeof executionDetails>;
export type WireExecutionSummary = z.infer<typeof executionSummary>;
export type WireListExecutionsResponse = z.infer<typeof listExecutionsResponse>;
export type WireTriggerResponse = z.infer<typeof triggerResponse>;
export type WireBulkTriggerResponse = z.infer<typeof bulkTriggerResponse>;

export const parseExecutionDetails: (json: unknown) => WireExecutionDetails = wireParser('workflows', executionDetails);
export const parseListExecutionsResponse: (json: unknown) => WireListExecutionsResponse = wireParser('workflows', listExecutionsResponse);
export const parseTriggerResponse: (json: unknown) => WireTriggerResponse = wireParser('workflows', triggerResponse);
export const parseBulkTriggerResponse: (json: unknown) => WireBulkTriggerResponse = wireParser('workflows', bulkTriggerResponse);

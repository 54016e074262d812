/**
 * The workflows host's JSON: `GET /executions/{id}` (also the webhook body), the executions list,
 * `GET /workflows/{id}`, and the trigger answers.
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
  /** The model execution the step ran; documented once the step completed. */
  prediction_id: optString,
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

/** `WorkflowVersionSummary`. Not declared, so dropped at parse: its `definition` (the whole workflow graph), `locked`, `allowed_to_share`. */
const workflowVersion = z.object({
  version_id: z.string(),
  production: z.boolean().nullish(),
  trigger_count: optNumber,
  created_at: optString,
  updated_at: optString,
  /** `active|archived|deleted`. */
  status: optString,
});

/** `GET /workflows/{workflowID}` 200: `WorkflowDetail`, asked by uuid or slug. */
const workflowDetail = z.object({
  workflow_id: z.string(),
  name: z.string(),
  /** Documented as required; tolerated absent. */
  description: optString,
  slug: optString,
  categories: z.array(z.string()).nullish(),
  latest_version_id: optString,
  status: optString,
  trigger_count: optNumber,
  created_at: optString,
  updated_at: optString,
  versions: z.array(workflowVersion).nullish(),
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
export type WireWorkflowDetail = z.infer<typeof workflowDetail>;
export type WireBulkTriggerResponse = z.infer<typeof bulkTriggerResponse>;

export const parseExecutionDetails: (json: unknown) => WireExecutionDetails = wireParser('workflows', executionDetails);
export const parseListExecutionsResponse: (json: unknown) => WireListExecutionsResponse = wireParser('workflows', listExecutionsResponse);
export const parseWorkflowDetail: (json: unknown) => WireWorkflowDetail = wireParser('workflows', workflowDetail);
export const parseTriggerResponse: (json: unknown) => WireTriggerResponse = wireParser('workflows', triggerResponse);
export const parseBulkTriggerResponse: (json: unknown) => WireBulkTriggerResponse = wireParser('workflows', bulkTriggerResponse);

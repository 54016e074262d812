/**
 * The flows host's bulk answer (`POST /api/v1/{workflowID}/executions/bulk`). Every field is
 * documented as a string and none as required, so only what the gateway cannot do without
 * (`executions`, `execution_id`, a step's `step_id`) is.
 *
 * Not declared, so dropped at parse: the secrets and personal data `api_key`, `organization_id`
 * and `source_ip_address` (never read, copied or logged), and `updated_at`, `deleted_at` and the
 * answer's `status`, which nothing reads.
 */
import * as z from 'zod';
import { anything, optNumber, optString, wireParser } from '../wire.ts';

const parameter = z.object({
  name: z.string(),
  /** Documented as a string; the official Go SDK types parameters as `any`. */
  value: anything,
});

const stepResult = z.object({
  step_id: z.string(),
  step_name: optString,
  model: optString,
  version: optString,
  started_at: optString,
  ended_at: optString,
  status: optString,
  /** JSON text ("parse output as JSON"). */
  output: optString,
  output_json: anything,
  /** JSON text of the resolved step input; an already decoded value is taken as it is. */
  input: anything,
});

const bulkExecution = z.object({
  execution_id: z.string(),
  flow_id: optString,
  flow_name: optString,
  /** Undocumented; read as progress percent. */
  average_percent: optNumber,
  parameters: z.array(parameter).nullish(),
  step_results: z.array(stepResult).nullish(),
  status: optString,
  output: optString,
  output_json: anything,
  created_at: optString,
  started_at: optString,
  ended_at: optString,
});

const bulkResponse = z.object({
  total: optNumber,
  executions: z.array(bulkExecution),
});

export type WireParameter = z.infer<typeof parameter>;
export type WireStepResult = z.infer<typeof stepResult>;
export type WireBulkExecution = z.infer<typeof bulkExecution>;
export type WireBulkResponse = z.infer<typeof bulkResponse>;

export const parseBulkResponse: (json: unknown) => WireBulkResponse = wireParser('flows', bulkResponse);

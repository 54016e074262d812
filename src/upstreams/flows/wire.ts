/**
 * The flows host's bulk answer exactly as received (reference page 003, `GetExecutionsResponse`;
 * FINDINGS §3). Every field is typed `<string>` on the page; none is marked required, so only
 * what the gateway cannot do without (`executions`, `execution_id`) is.
 */
import { checker } from '../validate.ts';

export interface WireParameter {
  readonly name: string;
  /** `<string>` on the page; the official Go SDK types parameters as `any`. */
  readonly value?: unknown;
}

export interface WireStepResult {
  readonly step_id: string;
  readonly step_name?: string | null;
  readonly model?: string | null;
  readonly version?: string | null;
  readonly started_at?: string | null;
  readonly ended_at?: string | null;
  readonly status?: string | null;
  /** JSON text ("parse output as JSON"). */
  readonly output?: string | null;
  readonly output_json?: unknown;
  /** JSON text of the resolved step input. */
  readonly input?: string | null;
}

export interface WireBulkExecution {
  readonly execution_id: string;
  readonly flow_id?: string | null;
  readonly flow_name?: string | null;
  /** Undocumented; read as progress percent. */
  readonly average_percent?: number | null;
  /** Secrets and personal data: never read, copied or logged. */
  readonly organization_id?: string | null;
  readonly api_key?: string | null;
  readonly source_ip_address?: string | null;
  readonly parameters?: readonly WireParameter[] | null;
  readonly step_results?: readonly WireStepResult[] | null;
  readonly status?: string | null;
  readonly output?: string | null;
  readonly output_json?: unknown;
  readonly created_at?: string | null;
  readonly started_at?: string | null;
  readonly ended_at?: string | null;
  readonly updated_at?: string | null;
  readonly deleted_at?: string | null;
}

export interface WireBulkResponse {
  readonly status?: string | null;
  readonly total?: number | null;
  readonly executions: readonly WireBulkExecution[];
}

const check = checker('flows');

function checkStepResult(value: unknown): void {
  const step = check.object(value);
  check.string(step, 'step_id');
  for (const key of ['step_name', 'model', 'version', 'started_at', 'ended_at', 'status', 'output']) {
    check.optString(step, key);
  }
}

function checkExecution(value: unknown): void {
  const execution = check.object(value);
  check.string(execution, 'execution_id');
  for (const key of ['flow_id', 'flow_name', 'status', 'output', 'created_at', 'started_at', 'ended_at']) {
    check.optString(execution, key);
  }
  check.optNumber(execution, 'average_percent');
  for (const parameter of check.optArray(execution, 'parameters') ?? []) {
    check.string(check.object(parameter), 'name');
  }
  for (const step of check.optArray(execution, 'step_results') ?? []) checkStepResult(step);
}

export function parseBulkResponse(json: unknown): WireBulkResponse {
  const response = check.object(json);
  for (const execution of check.array(response['executions'])) checkExecution(execution);
  check.optNumber(response, 'total');
  return response as unknown as WireBulkResponse;
}

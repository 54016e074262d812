/**
 * What the rest of the gateway sees of the upstream layer: per-host operations that call one
 * endpoint and hand back model values. Failures are thrown as the contract's GraphQLErrors
 * (errors.ts), never as raw HTTP or parse errors.
 */
import type * as model from '../model.ts';

/** Per-request credentials, already resolved (caller's first, else server-side). */
export interface Credentials {
  /** Sent as `X-API-Key` to workflows, flows and models only. */
  readonly apiKey: string | null;
  /** Sent as `Authorization: Bearer …` to the task host only. */
  readonly tasksToken: string | null;
  /** Sent as `X-Project-ID` to the task host only. */
  readonly tasksProjectId: string | null;
}

export interface WorkflowListQuery {
  readonly workflowId: string;
  readonly bulkId?: string | null;
  readonly offset: number;
  /** 1–100. */
  readonly limit: number;
}

export interface ModelListQuery {
  readonly offset: number;
  /** 1–100. */
  readonly limit: number;
  readonly model?: string | null;
  /** Upstream status values, sent comma-separated. */
  readonly statuses?: readonly string[] | null;
  readonly workflowId?: string | null;
  readonly workflowExecutionId?: string | null;
  /** Lower-case upstream classification values, sent comma-separated. */
  readonly errorClassifications?: readonly string[] | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/**
 * What a write endpoint answered, normalised. Writes are never retried and never shared with
 * another caller's call: they are not idempotent.
 */
export interface TriggerResult {
  /** Absent when the upstream refused this trigger (`status: failed` with a `message`). */
  readonly executionId: string | null;
  readonly status: model.ExecutionStatus;
  readonly upstreamStatus: string;
  readonly startedAt: Date | null;
  /** Why the upstream refused it. */
  readonly message: string | null;
}

export interface BulkTriggerResult {
  readonly bulkId: string;
  /** In request order: accepted and refused items alike. */
  readonly items: readonly TriggerResult[];
}

export interface TriggerRequest {
  readonly workflowId: string;
  readonly versionId?: string | null;
  /** Sent as `webhook_url`: where the host posts the execution when it finishes. */
  readonly webhookUrl?: string | null;
}

export interface CancelResult {
  readonly executionId: string;
  readonly status: model.ExecutionStatus;
  readonly upstreamStatus: string;
  readonly cancelledAt: Date | null;
  readonly message: string | null;
}

export interface WorkflowsApi {
  /** `GET /executions/{id}`: the detail shape with `step_outputs`. */
  getExecution(credentials: Credentials, executionId: string): Promise<model.WorkflowExecution>;
  /** `GET /workflows/{id}/executions`: summaries (`shape: 'summary'`). */
  listExecutions(credentials: Credentials, query: WorkflowListQuery): Promise<model.Page<model.WorkflowExecution>>;
  /** `POST /{workflowID}/trigger` (FINDINGS A1). */
  trigger(
    credentials: Credentials,
    request: TriggerRequest & { readonly inputs?: Readonly<Record<string, unknown>> | null },
  ): Promise<TriggerResult>;
  /** `POST /{workflowID}/bulk-trigger` (FINDINGS A2): 1–10 inputs, some may be refused. */
  bulkTrigger(
    credentials: Credentials,
    request: TriggerRequest & { readonly inputs: readonly Readonly<Record<string, unknown>>[] },
  ): Promise<BulkTriggerResult>;
}

export interface FlowsApi {
  /**
   * `POST /{workflowId}/executions/bulk`: the bulk shape with `step_results`, keyed by execution
   * id. Ids the upstream omitted are absent from the map; unknown or repeated ids are dropped.
   */
  bulkExecutions(
    credentials: Credentials,
    workflowId: string,
    executionIds: readonly string[],
  ): Promise<ReadonlyMap<string, model.WorkflowExecution>>;
}

export interface ModelsApi {
  /** `GET /executions` with every documented filter. */
  listExecutions(credentials: Credentials, query: ModelListQuery): Promise<model.Page<model.ModelExecution>>;
  /** `GET /prediction/{id}`: the third shape (`metrics.cost`, `metrics.predict_time`). */
  getPrediction(credentials: Credentials, predictionId: string): Promise<model.ModelExecution>;
  /** `POST /prediction/{id}/cancel` (FINDINGS B4): best effort, the prediction may still finish. */
  cancelPrediction(credentials: Credentials, predictionId: string): Promise<CancelResult>;
}

export interface TasksApi {
  /** `GET /api/v1/executions/{id}`; NOT_CONFIGURED without `TASKS_API_URL`. */
  getExecution(credentials: Credentials, executionId: string): Promise<model.TaskExecution>;
  /** `POST /api/v1/executions/{id}/cancel` (FINDINGS D4): ancestors and descendants too. */
  cancelExecution(credentials: Credentials, executionId: string): Promise<CancelResult>;
}

export interface Upstreams {
  readonly workflows: WorkflowsApi;
  readonly flows: FlowsApi;
  readonly models: ModelsApi;
  readonly tasks: TasksApi;
  /**
   * Each host's circuit breaker: `open` fails fast, `half-open` lets one probe through,
   * `not-configured` has no base URL.
   */
  health(): Record<model.UpstreamName, { state: 'closed' | 'open' | 'half-open' | 'not-configured' }>;
  /** Closes every pooled dispatcher and breaker timer. */
  close(): Promise<void>;
}

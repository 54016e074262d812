/**
 * A per-request upstream session: every host's client and loaders, bound once to the request's
 * credential for that host (each host folder decides what its credential is). Resolvers,
 * mutations and subscriptions reach the upstreams only through `context.upstreams`, and never
 * see or pass a credential.
 */
import type DataLoader from 'dataloader';
import type * as model from '../model.ts';
import type {
  BulkTriggerResult,
  CancelResult,
  ModelListQuery,
  TaskRunsQuery,
  TriggerRequest,
  TriggerResult,
  WorkflowListQuery,
} from './types.ts';

/** One host, bound to one request's credential. */
export interface HostSession<Client, Loaders> {
  /** The host's calls, credential already attached. Not cached: for writes and polls. */
  readonly client: Client;
  /** Per-request DataLoaders over `client` (batching, dedup, per-request cache). */
  readonly loaders: Loaders;
  /**
   * A digest of the credential this session sends to the host (never the credential itself):
   * what caches, the coalescer and live watchers key on, so one caller's reads never serve another's.
   */
  readonly credentialKey: string;
}

export interface WorkflowsClient {
  /** `GET /executions/{id}`: the detail shape with `step_outputs`. */
  getExecution(executionId: string): Promise<model.WorkflowExecution>;
  /** `GET /workflows/{id}/executions`: summaries (`shape: 'summary'`). */
  listExecutions(query: WorkflowListQuery): Promise<model.Page<model.WorkflowExecution>>;
  /** `GET /workflows/{id}` by uuid or slug (docs/upstreams.md A5): the workflow and its versions. */
  getWorkflow(idOrSlug: string): Promise<model.Workflow>;
  /** `POST /{workflowID}/trigger` (docs/upstreams.md A1). */
  trigger(request: TriggerRequest & { readonly inputs?: Readonly<Record<string, unknown>> | null }): Promise<TriggerResult>;
  /** `POST /{workflowID}/bulk-trigger` (docs/upstreams.md A2): 1–10 inputs, some may be refused. */
  bulkTrigger(request: TriggerRequest & { readonly inputs: readonly Readonly<Record<string, unknown>>[] }): Promise<BulkTriggerResult>;
}

export interface WorkflowsLoaders {
  /** `GET /executions/{id}`: the only shape with `error`/`error_cause`. */
  readonly detail: DataLoader<string, model.WorkflowExecution>;
  readonly page: DataLoader<WorkflowListQuery, model.Page<model.WorkflowExecution>, string>;
  /** `GET /workflows/{id}` by uuid or slug; a workflow read by one is cached under the other too. */
  readonly workflow: DataLoader<string, model.Workflow>;
}

export interface WorkflowExecutionKey {
  readonly executionId: string;
  /** Known workflow → the bulk endpoint; unknown → `GET /executions/{id}` on the workflows host. */
  readonly workflowId: string | null;
}

export interface FlowsClient {
  /**
   * `POST /{workflowId}/executions/bulk`: the bulk shape with `step_results`, keyed by execution
   * id. Ids the upstream omitted are absent from the map; unknown or repeated ids are dropped.
   */
  bulkExecutions(workflowId: string, executionIds: readonly string[]): Promise<ReadonlyMap<string, model.WorkflowExecution>>;
}

export interface FlowsLoaders {
  /** Full workflow executions: the bulk endpoint, grouped by workflow; the detail read when the workflow is unknown. */
  readonly execution: DataLoader<WorkflowExecutionKey, model.WorkflowExecution, string>;
}

export interface ModelsClient {
  /** `GET /executions` with every documented filter. */
  listExecutions(query: ModelListQuery): Promise<model.Page<model.ModelExecution>>;
  /** `GET /prediction/{id}`: the third shape (`metrics.cost`, `metrics.predict_time`). */
  getPrediction(predictionId: string): Promise<model.ModelExecution>;
  /** `POST /prediction/{id}/cancel` (docs/upstreams.md B4): best effort, the prediction may still finish. */
  cancelPrediction(predictionId: string): Promise<CancelResult>;
}

export interface ModelsLoaders {
  readonly page: DataLoader<ModelListQuery, model.Page<model.ModelExecution>, string>;
  readonly prediction: DataLoader<string, model.ModelExecution>;
}

export interface TasksClient {
  /** `GET /api/v1/executions/{id}`; NOT_CONFIGURED without `TASKS_API_URL`. */
  getExecution(executionId: string): Promise<model.TaskExecution>;
  /** `GET /api/v1/workflows/runs` (docs/upstreams.md D5): runs of one workflow type, newest first, no total (`shape: 'run'`). */
  listRuns(query: TaskRunsQuery): Promise<model.Page<model.TaskExecution>>;
  /** `POST /api/v1/executions/{id}/cancel` (docs/upstreams.md D4): ancestors and descendants too. */
  cancelExecution(executionId: string): Promise<CancelResult>;
}

export interface TasksLoaders {
  readonly execution: DataLoader<string, model.TaskExecution>;
  readonly runs: DataLoader<TaskRunsQuery, model.Page<model.TaskExecution>, string>;
}

/** `context.upstreams`: the four hosts of the default registry, each bound to the request. */
export interface UpstreamSession {
  readonly workflows: HostSession<WorkflowsClient, WorkflowsLoaders>;
  readonly flows: HostSession<FlowsClient, FlowsLoaders>;
  readonly models: HostSession<ModelsClient, ModelsLoaders>;
  readonly tasks: HostSession<TasksClient, TasksLoaders>;
}

/**
 * The normalised domain model. Every upstream shape is turned into these types by a
 * normaliser in `upstreams/<host>/normalise.ts`; schema files see only these types.
 * Everything is readonly: a model value is a snapshot of what an upstream said.
 */

/** The hosts of the default registry (upstreams/registry.ts). */
export type BuiltinUpstream = 'workflows' | 'flows' | 'models' | 'tasks';
/** A registered host's name: a built-in one, or one a deployment registers. */
export type UpstreamName = BuiltinUpstream | (string & Record<never, never>);
/** Something per registered host: always the built-in ones, maybe others. */
export type PerUpstream<T> = Readonly<Record<BuiltinUpstream, T>> & Readonly<Record<string, T>>;

export type ExecutionSource = 'WORKFLOW' | 'MODEL' | 'TASK';

export const executionStatuses = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'UNKNOWN'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

export const errorClassifications = [
  'CONTENT_MODERATION',
  'EXECUTION_TIMEOUT',
  'INVALID_USER_INPUT',
  'INVALID_MODEL_CONFIG',
  'PROVIDER_AUTH',
  'PROVIDER_ERROR',
  'PROVIDER_RATE_LIMIT',
  'PROVIDER_UNAVAILABLE',
  'INTERNAL_ERROR',
  'UNKNOWN',
] as const;
export type ErrorClassification = (typeof errorClassifications)[number];

/** CONTRACT.md "Status normalisation": upstream value (lower case) → ExecutionStatus. */
const upstreamStatusGroups: Readonly<Record<Exclude<ExecutionStatus, 'UNKNOWN'>, readonly string[]>> = {
  PENDING: ['pending', 'queued', 'claimed', 'created', 'starting'],
  RUNNING: ['running', 'processing', 'waiting', 'pending_cancel'],
  COMPLETED: ['completed', 'success', 'succeeded'],
  FAILED: ['failed', 'error'],
  CANCELLED: ['cancelled', 'canceled'],
};

const statusByUpstream = new Map<string, ExecutionStatus>(
  Object.entries(upstreamStatusGroups).flatMap(([status, values]) => values.map((value) => [value, status as ExecutionStatus] as const)),
);

/** Never throws: an unlisted or missing value is UNKNOWN (the verbatim value is kept elsewhere). */
export function normaliseStatus(upstream: string | null | undefined): ExecutionStatus {
  if (typeof upstream !== 'string') return 'UNKNOWN';
  return statusByUpstream.get(upstream.trim().toLowerCase()) ?? 'UNKNOWN';
}

/** Every upstream value of a group, for filters that map an enum back to the wire. */
export function upstreamStatusesOf(status: ExecutionStatus): readonly string[] {
  return status === 'UNKNOWN' ? [] : upstreamStatusGroups[status];
}

export function isTerminalStatus(status: ExecutionStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

export interface ExecutionError {
  readonly message: string;
  readonly cause: string | null;
  readonly classification: ErrorClassification | null;
}

interface ExecutionBase {
  readonly source: ExecutionSource;
  /** The upstream's own id. */
  readonly executionId: string;
  readonly status: ExecutionStatus;
  /** Verbatim upstream status ('' when the upstream sent none). */
  readonly upstreamStatus: string;
  readonly isTerminal: boolean;
  readonly createdAt: Date | null;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly durationMs: number | null;
  readonly output: unknown;
  readonly error: ExecutionError | null;
}

export interface Step {
  readonly stepId: string;
  /** Only the bulk endpoint names steps; `GET /executions/{id}` does not. */
  readonly name: string | null;
  readonly status: ExecutionStatus;
  readonly upstreamStatus: string | null;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  readonly durationMs: number | null;
  readonly input: unknown;
  readonly output: unknown;
  readonly primary: unknown;
  readonly model: string | null;
  readonly modelVersion: string | null;
  readonly params: Readonly<Record<string, unknown>> | null;
  /**
   * The model execution (models host) a model step ran: `metadata.prediction_id`, which the
   * detail shape documents once the step completed. Null otherwise, and always in the bulk shape,
   * which does not say.
   */
  readonly predictionId: string | null;
  /** The workflow execution this step belongs to. */
  readonly executionId: string;
  readonly workflowId: string;
}

/**
 * Which upstream shape a workflow execution came from. A list `summary` carries no steps,
 * inputs or output; the `bulk` shape carries no `error`/`error_cause`; only `detail`
 * (`GET /executions/{id}` or a webhook) carries everything.
 */
export type WorkflowShape = 'summary' | 'bulk' | 'detail';

export interface WorkflowExecution extends ExecutionBase {
  readonly source: 'WORKFLOW';
  readonly shape: WorkflowShape;
  readonly workflowId: string;
  readonly workflowName: string | null;
  readonly versionId: string | null;
  readonly bulkId: string | null;
  readonly inputs: Readonly<Record<string, unknown>> | null;
  readonly progressPercent: number | null;
  readonly steps: readonly Step[] | null;
}

export interface ModelExecution extends ExecutionBase {
  readonly source: 'MODEL';
  /** The model slug; null where no answer named it (the prediction shape documents none). */
  readonly model: string | null;
  readonly cost: number | null;
  readonly runTimeSeconds: number | null;
  readonly errorClassification: ErrorClassification | null;
  readonly workflowId: string | null;
  readonly workflowExecutionId: string | null;
}

/**
 * Which upstream shape a task execution came from. A summary of the runs list (`run`,
 * docs/upstreams.md D5) carries its id, workflow, status, creation and completion, payload,
 * result, error, session and root: every other field is null in it, unknown rather than unset,
 * and is read from `GET /api/v1/executions/{id}` when asked for.
 */
export type TaskShape = 'run' | 'execution';

export interface TaskExecution extends ExecutionBase {
  readonly source: 'TASK';
  readonly shape: TaskShape;
  readonly workflowId: string;
  readonly payload: unknown;
  readonly result: unknown;
  /** Null only in the `run` shape. */
  readonly retryCount: number | null;
  readonly queueName: string | null;
  readonly assignedToWorker: string | null;
  readonly batchId: string | null;
  readonly concurrencyKey: string | null;
  readonly deploymentId: string | null;
  readonly sessionId: string | null;
  readonly stepKey: string | null;
  readonly userId: string | null;
  readonly outputSchemaName: string | null;
  readonly runTimeoutSeconds: number | null;
  readonly cancelledAt: Date | null;
  readonly cancelledBy: string | null;
  readonly parentExecutionId: string | null;
  readonly rootExecutionId: string | null;
}

export type Execution = WorkflowExecution | ModelExecution | TaskExecution;

export interface BulkProgress {
  readonly total: number;
  readonly pending: number;
  readonly running: number;
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly percentComplete: number;
  readonly isComplete: boolean;
}

export interface Bulk {
  readonly workflowId: string;
  readonly bulkId: string;
}

export interface WorkflowVersion {
  readonly versionId: string;
  readonly status: string | null;
  readonly production: boolean | null;
  readonly triggerCount: number | null;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
}

/** A workflow of the workflows host (`GET /workflows/{id}`, docs/upstreams.md A5). */
export interface Workflow {
  /** The workflow's uuid, whichever of uuid or slug it was asked by. */
  readonly workflowId: string;
  readonly slug: string | null;
  readonly name: string;
  readonly description: string | null;
  readonly categories: readonly string[];
  /** `active`, `archived` or `deleted`, verbatim. */
  readonly status: string | null;
  readonly latestVersionId: string | null;
  readonly triggerCount: number | null;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
  readonly versions: readonly WorkflowVersion[];
}

/** One page of an offset-paged upstream list, in model terms. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly totalCount: number | null;
  /** Computed from what was asked and what came back, never from the upstream's `offset`. */
  readonly hasNextPage: boolean;
}

/** Progress of a set of executions, counted by normalised status. */
/** A bulk trigger takes at most 10 inputs; this bounds paging should a bulk ever be larger. */
const maxBulkPages = 10;

/**
 * Every member of a bulk, read page after page (100 per page) through the workflows list
 * filtered by `bulk_id`; `readPage` is the caller's way to that list (a loader or a client).
 */
export async function bulkMembers(
  bulk: Bulk,
  readPage: (query: { workflowId: string; bulkId: string; offset: number; limit: number }) => Promise<Page<WorkflowExecution>>,
): Promise<WorkflowExecution[]> {
  const members: WorkflowExecution[] = [];
  for (let pageIndex = 0; pageIndex < maxBulkPages; pageIndex++) {
    const page = await readPage({ workflowId: bulk.workflowId, bulkId: bulk.bulkId, offset: members.length, limit: 100 });
    members.push(...page.items);
    if (!page.hasNextPage || page.items.length === 0) break;
  }
  return members;
}

export function progressOf(executions: readonly Pick<ExecutionBase, 'status'>[]): BulkProgress {
  const count = (status: ExecutionStatus) => executions.filter((e) => e.status === status).length;
  const total = executions.length;
  const completed = count('COMPLETED');
  const failed = count('FAILED');
  const cancelled = count('CANCELLED');
  const done = completed + failed + cancelled;
  return {
    total,
    pending: count('PENDING'),
    running: count('RUNNING') + count('UNKNOWN'),
    completed,
    failed,
    cancelled,
    percentComplete: total === 0 ? 100 : Math.round((done / total) * 10000) / 100,
    isComplete: done === total,
  };
}

export function durationBetween(start: Date | null, end: Date | null): number | null {
  if (!start || !end) return null;
  const ms = end.getTime() - start.getTime();
  return ms >= 0 ? ms : null;
}

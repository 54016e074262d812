/** Polos task executions (tasks host) as facts: a list of timed status changes. */

export type TaskStatus = 'queued' | 'claimed' | 'running' | 'waiting' | 'completed' | 'failed' | 'pending_cancel' | 'cancelled';

export interface TaskFact {
  readonly id: string;
  readonly workflowId: string;
  readonly queueName: string;
  /** Status changes in time order; the first one is the creation (`queued`). */
  readonly phases: readonly { readonly at: number; readonly status: TaskStatus }[];
  readonly payload: unknown;
  /** Shown once completed. */
  readonly result: unknown;
  /** Shown once failed. */
  readonly error: string | null;
  readonly retryCount: number;
  readonly worker: string;
  readonly batchId: string | null;
  readonly concurrencyKey: string | null;
  readonly deploymentId: string | null;
  readonly sessionId: string | null;
  readonly stepKey: string | null;
  readonly userId: string | null;
  readonly outputSchemaName: string | null;
  readonly runTimeoutSeconds: number | null;
  readonly cancelledBy: string | null;
  readonly parentId: string | null;
  readonly rootId: string | null;
}

export interface TaskState {
  readonly status: TaskStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly cancelledAt: number | null;
}

export function taskStateAt(fact: TaskFact, now: number): TaskState {
  const first = fact.phases[0];
  if (!first) throw new Error(`task ${fact.id} has no phases`);
  const reached = fact.phases.filter((phase) => phase.at <= now);
  const current = reached[reached.length - 1] ?? first;
  const startedAt = reached.find((phase) => phase.status === 'running')?.at ?? null;
  const cancelledAt = reached.find((phase) => phase.status === 'pending_cancel' || phase.status === 'cancelled')?.at ?? null;
  const terminal = current.status === 'completed' || current.status === 'failed' || current.status === 'cancelled';
  return { status: current.status, createdAt: first.at, startedAt, completedAt: terminal ? current.at : null, cancelledAt };
}

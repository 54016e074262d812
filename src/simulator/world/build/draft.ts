/** The world while it is built: one seeded generator and the collections the writes later change too. */
import type { Rng } from '../../random.ts';
import type { WorkflowKind } from '../catalogue.ts';
import type { ModelExecutionFact } from '../models.ts';
import type { TaskFact } from '../tasks.ts';
import type { BulkFact, WorkflowExecutionFact } from '../workflows.ts';

export interface Draft {
  /** Every draw of the world comes from it, in one fixed order: the ids depend on that order. */
  readonly rng: Rng;
  /** The instant (ms, whole second) the world is laid out relative to. */
  readonly epoch: number;
  readonly kinds: readonly WorkflowKind[];
  readonly executions: Map<string, WorkflowExecutionFact>;
  /** Per workflow id: in creation order while being laid out, then newest first. */
  readonly byWorkflow: Map<string, WorkflowExecutionFact[]>;
  readonly bulks: BulkFact[];
  readonly models: ModelExecutionFact[];
  readonly tasks: TaskFact[];
}

/** Newest first by created_at, ties by id: the order of the list endpoints. */
export function newestFirst(
  a: { readonly createdAt: number; readonly id: string },
  b: { readonly createdAt: number; readonly id: string },
): number {
  return b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1);
}

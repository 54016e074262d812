/**
 * The write endpoints' changes to the world: trigger, bulk, cancel. They draw from the world's own
 * generator, after the build, so the ids they make depend on the order of the writes.
 */
import { createRng } from '../random.ts';
import { newestFirst, type Draft } from './build/draft.ts';
import { makeExecution } from './build/execution.ts';
import { modelStateAt, predictionsOf, type ModelExecutionFact } from './models.ts';
import { taskStateAt, type TaskFact, type TaskStatus } from './tasks.ts';
import { SECOND } from './time.ts';
import { workflowStateAt, type BulkFact, type WorkflowExecutionFact, type WorkflowStatus } from './workflows.ts';

/** Result of cancelling a task: the target's status right after, or why it could not be. */
export type TaskCancel =
  | { readonly kind: 'cancelled'; readonly status: TaskStatus; readonly at: number }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-cancellable'; readonly status: TaskStatus };

export interface TriggerOptions {
  readonly bulkId: string | null;
  readonly versionId: string | null;
}

/**
 * How the write endpoints change the world. Facts stay immutable: a change replaces a fact
 * with a new one whose timeline diverges at the moment of the write.
 */
export interface WorldWrites {
  /** Input names of a workflow; the first is required (the docs' "missing required field 'prompt'"). */
  inputNames(workflowId: string): readonly string[];
  /** A new execution created at `at`, planned to complete, with its step predictions. */
  trigger(workflowId: string, inputs: Readonly<Record<string, string>>, at: number, options: TriggerOptions): WorkflowExecutionFact;
  newBulkId(): string;
  addBulk(bulk: BulkFact): void;
  /** Best effort: a prediction not yet finished at `at` ends `cancelled` then; false when unknown. */
  cancelPrediction(id: string, at: number): boolean;
  /** Polos: the target, its ancestors and descendants that are still cancellable. */
  cancelTask(id: string, at: number): TaskCancel;
  /** Simulator extension (no documented route): a running execution ends `cancelled` at `at`. */
  cancelWorkflowExecution(id: string, at: number): WorkflowStatus | null;
}

const cancellableTaskStatuses: readonly TaskStatus[] = ['queued', 'claimed', 'running', 'waiting', 'pending_cancel'];
/** A worker confirms a cancellation this long after it was asked for. */
const workerConfirmMs = 2 * SECOND;

/** The built world as the writes change it: the draft's collections and the by-id indexes. */
export interface WritableWorld extends Draft {
  readonly modelsById: Map<string, ModelExecutionFact>;
  readonly tasksById: Map<string, TaskFact>;
}

export function createWrites(world: WritableWorld): WorldWrites {
  return {
    // A throwaway generator: reading the names must not move the world's own sequence.
    inputNames: (workflowId) => Object.keys(kindOf(world, workflowId)?.inputs(createRng(0)) ?? {}),
    newBulkId: () => world.rng.uuid(),
    addBulk: (bulk) => void world.bulks.push(bulk),
    trigger: (workflowId, inputs, at, options) => trigger(world, workflowId, inputs, at, options),
    cancelPrediction: (id, at) => cancelPrediction(world, id, at),
    cancelTask: (id, at) => cancelTask(world, id, at),
    cancelWorkflowExecution: (id, at) => cancelWorkflowExecution(world, id, at),
  };
}

const kindOf = (world: WritableWorld, workflowId: string) => world.kinds.find((kind) => kind.def.id === workflowId);

function trigger(
  world: WritableWorld,
  workflowId: string,
  inputs: Readonly<Record<string, string>>,
  at: number,
  options: TriggerOptions,
): WorkflowExecutionFact {
  const { executions, byWorkflow, models, modelsById } = world;
  const kind = kindOf(world, workflowId);
  if (!kind) throw new Error(`unknown workflow ${workflowId}`);
  const created = makeExecution(world, kind, at, 'completed', options.bulkId, inputs);
  const fact = options.versionId ? { ...created, versionId: options.versionId } : created;
  executions.set(fact.id, fact);
  const list = (byWorkflow.get(workflowId) ?? []).map((item) => (item.id === fact.id ? fact : item));
  list.sort(newestFirst);
  byWorkflow.set(workflowId, list);
  for (const prediction of predictionsOf(fact)) {
    models.push(prediction);
    modelsById.set(prediction.id, prediction);
  }
  models.sort(newestFirst);
  return fact;
}

function cancelPrediction({ models, modelsById }: WritableWorld, id: string, at: number): boolean {
  const fact = modelsById.get(id);
  const state = fact ? modelStateAt(fact, at) : null;
  if (!fact || !state) return false;
  if (state.status === 'starting' || state.status === 'processing') {
    const cancelled: ModelExecutionFact = { ...fact, outcome: 'cancelled', startAt: Math.min(fact.startAt, at), endAt: at };
    modelsById.set(id, cancelled);
    const index = models.findIndex((m) => m.id === id);
    if (index >= 0) models[index] = cancelled;
  }
  return true;
}

function cancelTask(world: WritableWorld, id: string, at: number): TaskCancel {
  const target = world.tasksById.get(id);
  if (!target || taskStateAt(target, at).createdAt > at) return { kind: 'not-found' };
  const targetStatus = taskStateAt(target, at).status;
  if (!cancellableTaskStatuses.includes(targetStatus)) return { kind: 'not-cancellable', status: targetStatus };
  for (const taskId of cancelScope(world, id, target)) {
    const fact = world.tasksById.get(taskId);
    if (fact) cancelOne(world, fact, at);
  }
  const after = taskStateAt(world.tasksById.get(id) ?? target, at);
  return { kind: 'cancelled', status: after.status, at: after.cancelledAt ?? at };
}

/** Ancestors up the parent chain, descendants down every branch (Polos' recursive CTE). */
function cancelScope({ tasks, tasksById }: WritableWorld, id: string, target: TaskFact): Set<string> {
  const affected = new Set<string>([id]);
  for (let parent = target.parentId; parent !== null && !affected.has(parent); parent = tasksById.get(parent)?.parentId ?? null) {
    affected.add(parent);
  }
  let grew = true;
  while (grew) {
    grew = false;
    for (const task of tasks) {
      if (task.parentId !== null && affected.has(task.parentId) && !affected.has(task.id)) {
        affected.add(task.id);
        grew = true;
      }
    }
  }
  return affected;
}

/** One task of the scope, unless it is past cancelling or already being cancelled. */
function cancelOne({ tasks, tasksById }: WritableWorld, fact: TaskFact, at: number): void {
  const state = taskStateAt(fact, at);
  if (!cancellableTaskStatuses.includes(state.status) || state.status === 'pending_cancel') return;
  const reached = fact.phases.filter((phase) => phase.at <= at);
  // No worker assigned yet (queued): cancelled at once; otherwise once the worker confirms.
  const ending: TaskFact['phases'] =
    state.status === 'queued'
      ? [{ at, status: 'cancelled' }]
      : [
          { at, status: 'pending_cancel' },
          { at: at + workerConfirmMs, status: 'cancelled' },
        ];
  const cancelled: TaskFact = { ...fact, phases: [...reached, ...ending], cancelledBy: 'manual' };
  tasksById.set(cancelled.id, cancelled);
  const index = tasks.findIndex((task) => task.id === cancelled.id);
  if (index >= 0) tasks[index] = cancelled;
}

function cancelWorkflowExecution({ executions, byWorkflow }: WritableWorld, id: string, at: number): WorkflowStatus | null {
  const fact = executions.get(id);
  if (!fact) return null;
  const state = workflowStateAt(fact, at);
  if (state.status !== 'running') return state.status;
  const cancelled: WorkflowExecutionFact = { ...fact, ending: { kind: 'cancelled', at } };
  executions.set(id, cancelled);
  byWorkflow.set(
    fact.workflow.id,
    (byWorkflow.get(fact.workflow.id) ?? []).map((item) => (item.id === id ? cancelled : item)),
  );
  return 'cancelled';
}

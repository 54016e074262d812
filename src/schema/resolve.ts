/**
 * Resolver helpers shared by several types: reaching the fuller shape of a workflow or task
 * execution through the request's loaders.
 */
import type { Context } from '../context.ts';
import type * as model from '../model.ts';

/** A list summary lacks steps, inputs and output: load the bulk shape (batched per workflow). */
export async function fullWorkflowExecution(execution: model.WorkflowExecution, context: Context): Promise<model.WorkflowExecution> {
  if (execution.shape !== 'summary') return execution;
  return context.upstreams.flows.loaders.execution.load({
    executionId: execution.executionId,
    workflowId: execution.workflowId,
  });
}

/** Only `GET /executions/{id}` carries `error`/`error_cause`: fetch it for failed executions only. */
export async function workflowExecutionError(execution: model.WorkflowExecution, context: Context): Promise<model.ExecutionError | null> {
  if (execution.shape === 'detail') return execution.error;
  if (execution.status !== 'FAILED') return null;
  const detail = await context.upstreams.workflows.loaders.detail.load(execution.executionId);
  return detail.error;
}

/** A run of the task host's runs list lacks most fields: read the execution itself (one call per task, deduplicated). */
export async function fullTaskExecution(task: model.TaskExecution, context: Context): Promise<model.TaskExecution> {
  return task.shape === 'run' ? context.upstreams.tasks.loaders.execution.load(task.executionId) : task;
}

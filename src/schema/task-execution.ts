/**
 * TaskExecution (the task host, a Polos orchestrator) with its parent/root chain. A task read from
 * the runs list (the `executions` feed) carries a few fields; the others read the execution itself.
 */
import type { Context } from '../context.ts';
import type * as model from '../model.ts';
import { builder } from './builder.ts';
import { upstreamCall } from './cost.ts';
import { Execution } from './execution.ts';
import { TaskExecution } from './refs.ts';
import { fullTaskExecution } from './resolve.ts';
import { User } from './user.ts';

/** A field the runs list does not carry: from the execution itself when the task is a run. */
function full<T>(pick: (task: model.TaskExecution) => T) {
  return async (task: model.TaskExecution, _args: unknown, context: Context): Promise<T> => pick(await fullTaskExecution(task, context));
}

TaskExecution.implement({
  description: 'A queued task execution with retries, worker, queue and its place in a chain.',
  interfaces: [builder.nodeInterfaceRef(), Execution],
  isTypeOf: (value) => (value as model.Execution).source === 'TASK',
  fields: (t) => ({
    workflowId: t.exposeString('workflowId', { nullable: false }),
    payload: t.expose('payload', { type: 'JSON' }),
    result: t.expose('result', { type: 'JSON' }),
    retryCount: t.int({
      nullable: false,
      resolve: full((task) => {
        if (task.retryCount === null) throw new Error('unreachable: a task execution read by id without retry_count');
        return task.retryCount;
      }),
    }),
    queueName: t.string({ resolve: full((task) => task.queueName) }),
    assignedToWorker: t.string({ resolve: full((task) => task.assignedToWorker) }),
    batchId: t.string({ resolve: full((task) => task.batchId) }),
    concurrencyKey: t.string({ resolve: full((task) => task.concurrencyKey) }),
    deploymentId: t.string({ resolve: full((task) => task.deploymentId) }),
    sessionId: t.exposeString('sessionId'),
    stepKey: t.string({ resolve: full((task) => task.stepKey) }),
    userId: t.string({ resolve: full((task) => task.userId) }),
    user: t.field({
      type: User,
      description: 'The user `userId` names, as a reference a stitching or federation gateway resolves in the users service.',
      resolve: full((task) => (task.userId ? { id: task.userId } : null)),
    }),
    outputSchemaName: t.string({ resolve: full((task) => task.outputSchemaName) }),
    runTimeoutSeconds: t.int({ resolve: full((task) => task.runTimeoutSeconds) }),
    cancelledAt: t.field({ type: 'DateTime', resolve: full((task) => task.cancelledAt) }),
    cancelledBy: t.string({ resolve: full((task) => task.cancelledBy) }),
    parent: t.field({
      type: TaskExecution,
      description: 'The execution that started this one (deduplicated within the request).',
      complexity: upstreamCall,
      resolve: async (run, _args, context) => {
        const task = await fullTaskExecution(run, context);
        return task.parentExecutionId ? context.upstreams.tasks.loaders.execution.load(task.parentExecutionId) : null;
      },
    }),
    root: t.field({
      type: TaskExecution,
      description: 'The first execution of the chain; itself for a root.',
      complexity: upstreamCall,
      resolve: async (run, _args, context) => {
        if (run.rootExecutionId && run.rootExecutionId !== run.executionId)
          return context.upstreams.tasks.loaders.execution.load(run.rootExecutionId);
        const task = await fullTaskExecution(run, context);
        return task.parentExecutionId ? null : task;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  taskExecution: t.field({
    type: TaskExecution,
    description: 'One task execution; NOT_CONFIGURED unless TASKS_API_URL is set.',
    args: { executionId: t.arg.string({ required: true }) },
    complexity: upstreamCall,
    resolve: (_root, { executionId }, context) => context.upstreams.tasks.loaders.execution.load(executionId),
  }),
}));

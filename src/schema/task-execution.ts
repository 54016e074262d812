/**
 * TaskExecution (the task host, a Polos orchestrator) with its parent/root chain.
 */
import type * as model from '../model.ts';
import { builder } from './builder.ts';
import { upstreamCall } from './cost.ts';
import { Execution } from './execution.ts';
import { TaskExecution } from './refs.ts';
import { User } from './user.ts';

TaskExecution.implement({
  description: 'A queued task execution with retries, worker, queue and its place in a chain.',
  interfaces: [builder.nodeInterfaceRef(), Execution],
  isTypeOf: (value) => (value as model.Execution).source === 'TASK',
  fields: (t) => ({
    workflowId: t.exposeString('workflowId', { nullable: false }),
    payload: t.expose('payload', { type: 'JSON' }),
    result: t.expose('result', { type: 'JSON' }),
    retryCount: t.exposeInt('retryCount', { nullable: false }),
    queueName: t.exposeString('queueName'),
    assignedToWorker: t.exposeString('assignedToWorker'),
    batchId: t.exposeString('batchId'),
    concurrencyKey: t.exposeString('concurrencyKey'),
    deploymentId: t.exposeString('deploymentId'),
    sessionId: t.exposeString('sessionId'),
    stepKey: t.exposeString('stepKey'),
    userId: t.exposeString('userId'),
    user: t.field({
      type: User,
      description: 'The user `userId` names, as a reference a stitching or federation gateway resolves in the users service.',
      resolve: (task) => (task.userId ? { id: task.userId } : null),
    }),
    outputSchemaName: t.exposeString('outputSchemaName'),
    runTimeoutSeconds: t.exposeInt('runTimeoutSeconds'),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime' }),
    cancelledBy: t.exposeString('cancelledBy'),
    parent: t.field({
      type: TaskExecution,
      description: 'The execution that started this one (deduplicated within the request).',
      complexity: upstreamCall,
      resolve: (task, _args, context) =>
        task.parentExecutionId ? context.upstreams.tasks.loaders.execution.load(task.parentExecutionId) : null,
    }),
    root: t.field({
      type: TaskExecution,
      description: 'The first execution of the chain; itself for a root.',
      complexity: upstreamCall,
      resolve: (task, _args, context) => {
        if (!task.rootExecutionId || task.rootExecutionId === task.executionId) return task.parentExecutionId ? null : task;
        return context.upstreams.tasks.loaders.execution.load(task.rootExecutionId);
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

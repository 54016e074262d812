/**
 * WorkflowExecution and its root fields. Details load through the bulk endpoint, grouped by
 * workflow; a list page of 50 with steps costs one list call and one bulk call.
 */
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import type * as model from '../model.ts';
import { builder } from './builder.ts';
import { ModelExecutionConnection, WorkflowExecutionConnection } from './connections.ts';
import { itemsOf, pageComplexity, upstreamCall } from './cost.ts';
import { Execution } from './execution.ts';
import { firstModelExecutionsOf, modelExecutionsOfWorkflowExecution } from './model-execution.ts';
import { connectionOf, type ConnectionShape, maxPageSize, pageRequest, upstreamLimit } from './paging.ts';
import { Bulk, Step, WorkflowExecution } from './refs.ts';
import { fullWorkflowExecution } from './resolve.ts';

/** Default page size of the workflows list (the upstream's own default). */
export const defaultWorkflowPage = 50;

/** Default page size of a workflow execution's model executions. */
const defaultModelExecutionsPage = 20;

/** A page of one workflow's executions (optionally of one bulk): `workflowExecutions`, and a `Workflow`'s `executions`. */
export async function workflowExecutionsOf(
  workflowId: string,
  args: { bulkId?: string | null; first?: number | null; after?: string | null },
  context: Context,
): Promise<ConnectionShape<model.WorkflowExecution>> {
  return connectionOf(pageRequest(args, defaultWorkflowPage), (window) =>
    context.upstreams.workflows.loaders.page.load({
      workflowId,
      bulkId: args.bulkId ?? null,
      offset: window.offset,
      limit: upstreamLimit(window),
    }),
  );
}

async function full<T>(execution: model.WorkflowExecution, context: Context, pick: (e: model.WorkflowExecution) => T) {
  return pick(await fullWorkflowExecution(execution, context));
}

WorkflowExecution.implement({
  description: 'A run of a workflow on the workflows host: its steps, inputs and output.',
  interfaces: [builder.nodeInterfaceRef(), Execution],
  isTypeOf: (value) => (value as model.Execution).source === 'WORKFLOW',
  fields: (t) => ({
    workflowId: t.exposeString('workflowId', { nullable: false }),
    workflowName: t.field({
      type: 'String',
      resolve: (execution, _args, context) =>
        execution.workflowName ?? (execution.shape === 'detail' ? null : full(execution, context, (e) => e.workflowName)),
    }),
    versionId: t.exposeString('versionId'),
    bulkId: t.field({
      type: 'UUID',
      description: 'Set when the execution was started by a bulk trigger.',
      resolve: (execution, _args, context) => execution.bulkId ?? full(execution, context, (e) => e.bulkId),
    }),
    bulk: t.field({
      type: Bulk,
      resolve: async (execution, _args, context) => {
        const bulkId = execution.bulkId ?? (await full(execution, context, (e) => e.bulkId));
        return bulkId ? { workflowId: execution.workflowId, bulkId } : null;
      },
    }),
    inputs: t.field({ type: 'JSONObject', resolve: (execution, _args, context) => full(execution, context, (e) => e.inputs) }),
    progressPercent: t.float({
      resolve: (execution, _args, context) => full(execution, context, (e) => e.progressPercent),
    }),
    steps: t.field({
      type: [Step],
      resolve: (execution, _args, context) => full(execution, context, (e) => e.steps),
    }),
    step: t.field({
      type: Step,
      args: { stepId: t.arg.string({ required: true }) },
      resolve: (execution, { stepId }, context) => full(execution, context, (e) => e.steps?.find((step) => step.stepId === stepId) ?? null),
    }),
    modelExecutions: t.field({
      type: ModelExecutionConnection,
      description: 'The model executions this workflow execution started (models host, one call at most).',
      args: { first: t.arg.int(), after: t.arg.string() },
      complexity: pageComplexity(defaultModelExecutionsPage),
      resolve: (execution, args, context) =>
        modelExecutionsOfWorkflowExecution(execution.executionId, pageRequest(args, defaultModelExecutionsPage), context),
    }),
    cost: t.float({
      description: 'Total cost in USD of the model executions this workflow execution started; null while none has reported a cost.',
      // The call `modelExecutions` makes too; counted for each, since either may be asked alone.
      complexity: upstreamCall,
      resolve: async (execution, _args, context) => {
        const page = await firstModelExecutionsOf(execution.executionId, context);
        const costs = page.items.map((item) => item.cost).filter((cost): cost is number => cost !== null);
        if (costs.length === 0) return null;
        return Math.round(costs.reduce((sum, cost) => sum + cost, 0) * 1e6) / 1e6;
      },
    }),
  }),
});

builder.queryFields((t) => ({
  workflowExecution: t.field({
    type: WorkflowExecution,
    description: 'One workflow execution. With `workflowId` it is read through the bulk endpoint (batched with its siblings).',
    args: { executionId: t.arg.string({ required: true }), workflowId: t.arg.string() },
    complexity: upstreamCall,
    resolve: (_root, { executionId, workflowId }, context) =>
      context.upstreams.flows.loaders.execution.load({ executionId, workflowId: workflowId ?? null }),
  }),
  workflowExecutions: t.field({
    type: WorkflowExecutionConnection,
    description: 'The executions of one workflow, newest first, optionally of one bulk.',
    args: {
      workflowId: t.arg.string({ required: true }),
      bulkId: t.arg({ type: 'UUID' }),
      first: t.arg.int({ description: `Page size, 0–${maxPageSize}. @default ${defaultWorkflowPage}` }),
      after: t.arg.string(),
    },
    complexity: pageComplexity(defaultWorkflowPage),
    resolve: (_root, args, context) => workflowExecutionsOf(args.workflowId, args, context),
  }),
  workflowExecutionsByIds: t.field({
    type: [WorkflowExecution],
    nullable: { list: false, items: true },
    description: `Many executions of one workflow in one bulk call (at most ${maxPageSize} ids); order kept, a missing id is null with an error.`,
    args: {
      workflowId: t.arg.string({ required: true }),
      executionIds: t.arg.stringList({ required: true }),
    },
    // One bulk call; the selection counts per id.
    complexity: ({ executionIds }) => ({ field: upstreamCall, multiplier: itemsOf(executionIds.length, maxPageSize) }),
    resolve: (_root, { workflowId, executionIds }, context) => {
      if (executionIds.length > maxPageSize) {
        throw badUserInput(`At most ${maxPageSize} executionIds per call`, 'executionIds');
      }
      return executionIds.map((executionId) => context.upstreams.flows.loaders.execution.load({ executionId, workflowId }));
    },
  }),
}));

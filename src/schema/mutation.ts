/**
 * Mutations over the documented write endpoints (docs/upstreams.md A1, A2, B4, D4). Each is sent once,
 * never retried (none is idempotent). Arguments are checked before any upstream call. With
 * `PUBLIC_URL` set, a trigger passes the gateway's webhook URL, so the execution's completion
 * reaches `executionUpdated` subscribers by webhook rather than by the next poll.
 */
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import type { CancelResult, TriggerResult } from '../upstreams/types.ts';
import { builder } from './builder.ts';
import { upstreamCall } from './cost.ts';
import { Execution, ExecutionStatus } from './execution.ts';
import { encodeTriggerId } from './ids.ts';
import { Bulk, WorkflowExecution } from './refs.ts';
import { liveOf } from './subscription.ts';

/** The bulk trigger's documented bounds (docs/upstreams.md A2). */
const bulkInputs = { min: 1, max: 10 } as const;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Trigger extends TriggerResult {
  readonly workflowId: string;
}

interface Cancellation extends CancelResult {
  readonly source: 'MODEL' | 'TASK';
}

function required(value: string, argument: string): string {
  if (value.trim() === '') throw badUserInput(`${argument} must not be empty`, argument);
  return value;
}

const WorkflowTrigger = builder.objectRef<Trigger>('WorkflowTrigger').implement({
  description: 'What the workflows host answered to one trigger: accepted (queued, with an id) or refused (with a message).',
  fields: (t) => ({
    accepted: t.boolean({ nullable: false, resolve: (trigger) => trigger.executionId !== null }),
    executionId: t.exposeString('executionId', { description: 'Null when the trigger was refused.' }),
    id: t.id({
      description:
        'This trigger’s own global id (unique across types, as Relay needs); null when refused. `executionUpdated(id:)` ' +
        'accepts it for the execution it started; `execution { id }` is the execution’s own (for `node(id:)`).',
      resolve: (trigger) =>
        trigger.executionId === null ? null : encodeTriggerId({ workflowId: trigger.workflowId, executionId: trigger.executionId }),
    }),
    status: t.field({ type: ExecutionStatus, nullable: false, resolve: (trigger) => trigger.status }),
    upstreamStatus: t.exposeString('upstreamStatus', { nullable: false, description: '`queued` or `failed`, verbatim.' }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    message: t.exposeString('message', { description: 'Why the upstream refused this trigger.' }),
    execution: t.field({
      type: WorkflowExecution,
      description: 'The execution as the workflows host shows it now (one bulk-endpoint call, batched per workflow).',
      resolve: (trigger, _args, context) =>
        trigger.executionId === null
          ? null
          : context.upstreams.flows.loaders.execution.load({ executionId: trigger.executionId, workflowId: trigger.workflowId }),
    }),
  }),
});

const BulkTrigger = builder
  .objectRef<{ readonly workflowId: string; readonly bulkId: string; readonly items: readonly Trigger[] }>('BulkTrigger')
  .implement({
    description: 'One bulk trigger: the bulk every accepted item belongs to, and one result per input, in order.',
    fields: (t) => ({
      bulkId: t.field({ type: 'UUID', nullable: false, resolve: (bulk) => bulk.bulkId }),
      bulk: t.field({
        type: Bulk,
        nullable: false,
        description: 'Its progress and executions (`bulkProgress` subscribes to the progress).',
        resolve: (bulk) => ({ workflowId: bulk.workflowId, bulkId: bulk.bulkId }),
      }),
      items: t.field({
        type: [WorkflowTrigger],
        nullable: false,
        description: 'The upstream accepts some items and refuses others: one result per input, in request order.',
        complexity: { field: 1, multiplier: bulkInputs.max },
        resolve: (bulk) => bulk.items,
      }),
    }),
  });

const ExecutionCancellation = builder.objectRef<Cancellation>('ExecutionCancellation').implement({
  description: 'What the host answered to a cancel request.',
  fields: (t) => ({
    executionId: t.exposeString('executionId', { nullable: false }),
    status: t.field({ type: ExecutionStatus, nullable: false, resolve: (cancel) => cancel.status }),
    upstreamStatus: t.exposeString('upstreamStatus', {
      nullable: false,
      description: 'Verbatim, e.g. `pending_cancel` until a task’s worker confirms.',
    }),
    cancelledAt: t.expose('cancelledAt', { type: 'DateTime' }),
    message: t.exposeString('message'),
    execution: t.field({
      type: Execution,
      description: 'The execution as its host shows it now (one call).',
      complexity: upstreamCall,
      resolve: (cancel, _args, context) =>
        cancel.source === 'TASK'
          ? context.upstreams.tasks.loaders.execution.load(cancel.executionId)
          : context.upstreams.models.loaders.prediction.load(cancel.executionId),
    }),
  }),
});

function webhookUrl(context: Context): string | null {
  return liveOf(context).workflowWebhookUrl;
}

builder.mutationFields((t) => ({
  triggerWorkflow: t.field({
    type: WorkflowTrigger,
    description:
      'Starts one execution of a workflow (`POST /{workflowId}/trigger`). Sent once, never retried. ' +
      'Subscribe to `executionUpdated(id:)` with the returned `id` to watch it.',
    args: {
      workflowId: t.arg.string({ required: true }),
      inputs: t.arg({ type: 'JSONObject', description: "The workflow's inputs. @default {}" }),
      versionId: t.arg.string({ description: 'A version of the workflow. @default the latest' }),
    },
    complexity: upstreamCall,
    resolve: async (_root, args, context) => {
      const workflowId = required(args.workflowId, 'workflowId');
      const result = await context.upstreams.workflows.client.trigger({
        workflowId,
        inputs: args.inputs ?? {},
        versionId: args.versionId ?? null,
        webhookUrl: webhookUrl(context),
      });
      return { ...result, workflowId };
    },
  }),
  bulkTriggerWorkflow: t.field({
    type: BulkTrigger,
    description: `Starts ${bulkInputs.min}–${bulkInputs.max} executions of a workflow as one bulk (\`POST /{workflowId}/bulk-trigger\`). The upstream may refuse some inputs and accept the others: see \`items\`. Sent once, never retried.`,
    args: {
      workflowId: t.arg.string({ required: true }),
      inputs: t.arg({
        type: ['JSONObject'],
        required: true,
        description: `One object per execution, ${bulkInputs.min}–${bulkInputs.max}.`,
      }),
      versionId: t.arg.string(),
    },
    complexity: upstreamCall,
    resolve: async (_root, args, context) => {
      const workflowId = required(args.workflowId, 'workflowId');
      if (args.inputs.length < bulkInputs.min || args.inputs.length > bulkInputs.max) {
        throw badUserInput(`inputs must hold ${bulkInputs.min}–${bulkInputs.max} objects`, 'inputs');
      }
      const result = await context.upstreams.workflows.client.bulkTrigger({
        workflowId,
        inputs: args.inputs,
        versionId: args.versionId ?? null,
        webhookUrl: webhookUrl(context),
      });
      return { workflowId, bulkId: result.bulkId, items: result.items.map((item) => ({ ...item, workflowId })) };
    },
  }),
  cancelTaskExecution: t.field({
    type: ExecutionCancellation,
    description:
      'Cancels a task execution (`POST /api/v1/executions/{id}/cancel`). The task host cancels its ancestors and ' +
      'all its descendants too, not just this execution. Running executions become `pending_cancel` (status RUNNING) ' +
      'until their worker confirms, queued ones `cancelled` at once; a finished one is BAD_USER_INPUT. Sent once, never retried.',
    args: { executionId: t.arg.string({ required: true }) },
    complexity: upstreamCall,
    resolve: async (_root, { executionId }, context) => {
      if (!uuid.test(executionId)) throw badUserInput('executionId must be a UUID', 'executionId');
      const result = await context.upstreams.tasks.client.cancelExecution(executionId);
      return { ...result, source: 'TASK' as const };
    },
  }),
  cancelModelExecution: t.field({
    type: ExecutionCancellation,
    description:
      'Asks the models host to cancel a prediction (`POST /v1/prediction/{id}/cancel`). Best effort: not every provider ' +
      'can stop work, so the execution may still complete or fail; watch `execution` or `executionUpdated` for the outcome. Sent once, never retried.',
    args: { executionId: t.arg.string({ required: true }) },
    complexity: upstreamCall,
    resolve: async (_root, { executionId }, context) => {
      const result = await context.upstreams.models.client.cancelPrediction(required(executionId, 'executionId'));
      return { ...result, source: 'MODEL' as const };
    },
  }),
}));

/**
 * Bulk: the executions one bulk trigger started, and their progress.
 */
import type { Context } from '../context.ts';
import { notFound } from '../errors.ts';
import * as model from '../model.ts';
import { builder } from './builder.ts';
import { WorkflowExecutionConnection } from './connections.ts';
import { pageComplexity, upstreamCall } from './cost.ts';
import { encodeGlobalId, nodeRefOf } from './ids.ts';
import { connectionOf, fitsFirstPage, maxPageSize, pageRequest, upstreamLimit, windowOf } from './paging.ts';
import { Bulk, BulkProgress } from './refs.ts';

/** Every member of a bulk, through the request's page loader. */
function bulkMembers(bulk: model.Bulk, context: Context): Promise<model.WorkflowExecution[]> {
  return model.bulkMembers(bulk, (query) => context.upstreams.workflows.loaders.page.load(query));
}

/** Resolves a bulk only if the upstream knows executions for it. */
export async function loadBulk(bulk: model.Bulk, context: Context): Promise<model.Bulk> {
  const members = await bulkMembers(bulk, context);
  if (members.length === 0) throw notFound('workflows', `Bulk ${bulk.bulkId}`);
  return bulk;
}

BulkProgress.implement({
  fields: (t) => ({
    total: t.exposeInt('total', { nullable: false }),
    pending: t.exposeInt('pending', { nullable: false }),
    running: t.exposeInt('running', { nullable: false }),
    completed: t.exposeInt('completed', { nullable: false }),
    failed: t.exposeInt('failed', { nullable: false }),
    cancelled: t.exposeInt('cancelled', { nullable: false }),
    percentComplete: t.exposeFloat('percentComplete', { nullable: false }),
    isComplete: t.exposeBoolean('isComplete', { nullable: false }),
  }),
});

Bulk.implement({
  description: 'The executions one bulk trigger started.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'bulkId' in value && !('source' in value),
  fields: (t) => ({
    id: t.id({ nullable: false, resolve: (bulk) => encodeGlobalId(nodeRefOf(bulk)) }),
    bulkId: t.field({ type: 'UUID', nullable: false, resolve: (bulk) => bulk.bulkId }),
    workflowId: t.exposeString('workflowId', { nullable: false }),
    progress: t.field({
      type: BulkProgress,
      complexity: upstreamCall,
      resolve: async (bulk, _args, context) => model.progressOf(await bulkMembers(bulk, context)),
    }),
    executions: t.field({
      type: WorkflowExecutionConnection,
      args: { first: t.arg.int(), after: t.arg.string() },
      // Usually the call `progress` makes too; counted for each, since either may be asked alone.
      complexity: pageComplexity(maxPageSize),
      resolve: (bulk, args, context) => {
        const read = (offset: number, limit: number) =>
          context.upstreams.workflows.loaders.page.load({ workflowId: bulk.workflowId, bulkId: bulk.bulkId, offset, limit });
        return connectionOf(pageRequest(args, maxPageSize), async (window) =>
          // Inside the first 100: cut from the same call `progress` makes.
          fitsFirstPage(window) ? windowOf(await read(0, maxPageSize), window) : read(window.offset, upstreamLimit(window)),
        );
      },
    }),
  }),
});

builder.queryFields((t) => ({
  bulk: t.field({
    type: Bulk,
    description: 'One bulk operation of a workflow; NOT_FOUND when it started no executions.',
    args: { workflowId: t.arg.string({ required: true }), bulkId: t.arg({ type: 'UUID', required: true }) },
    complexity: upstreamCall,
    resolve: (_root, { workflowId, bulkId }, context) => loadBulk({ workflowId, bulkId }, context),
  }),
}));

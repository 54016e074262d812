/**
 * Relay global object identification: `node` and `nodes` over every node type. Ids carry
 * what is needed to reach the right endpoint (ids.ts), so `nodes` over many executions of one
 * workflow is one bulk call.
 */
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import type * as model from '../model.ts';
import { builder } from './builder.ts';
import { loadBulk } from './bulk.ts';
import { loadModelExecution } from './model-execution.ts';
import { itemsOf, lookupCalls, referenceOrNull, upstreamCall } from './cost.ts';
import { decodeGlobalId, type NodeRef, nodeTypes } from './ids.ts';

function loadNode(ref: NodeRef, context: Context): Promise<model.Execution | model.Bulk | model.Workflow> {
  switch (ref.typename) {
    case 'WorkflowExecution':
      return context.upstreams.flows.loaders.execution.load({ workflowId: ref.workflowId, executionId: ref.executionId });
    case 'ModelExecution':
      return loadModelExecution(ref, context);
    case 'TaskExecution':
      return context.upstreams.tasks.loaders.execution.load(ref.executionId);
    case 'Bulk':
      return loadBulk({ workflowId: ref.workflowId, bulkId: ref.bulkId }, context);
    case 'Workflow':
      return context.upstreams.workflows.loaders.workflow.load(ref.workflowId);
  }
}

/** At most this many ids per `nodes` call. */
const maxNodes = 100;

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    args: { id: t.arg.id({ required: true }) },
    complexity: upstreamCall,
    resolve: (_root, { id }, context) => loadNode(decodeGlobalId(String(id), nodeTypes), context),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Order kept; a missing id is null with its own error. At most ${maxNodes} ids.`,
    args: { ids: t.arg.idList({ required: true }) },
    // The calls its ids need (100 of one workflow are one bulk call); the selection counts per id.
    complexity: ({ ids }) => {
      const count = itemsOf(ids.length, maxNodes);
      return { field: upstreamCall * lookupCalls(ids.slice(0, count).map((id) => referenceOrNull(String(id)))), multiplier: count };
    },
    resolve: (_root, { ids }, context) => {
      if (ids.length > maxNodes) throw badUserInput(`At most ${maxNodes} ids per call`, 'ids');
      // Async per id: a malformed id is its own item's error, and costs no upstream call.
      return ids.map(async (id) => loadNode(decodeGlobalId(String(id), nodeTypes), context));
    },
  }),
}));

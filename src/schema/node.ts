/**
 * Relay global object identification: `node` and `nodes` over every node type. Ids carry
 * what is needed to reach the right endpoint, so `nodes` over many executions of one
 * workflow is one bulk call.
 */
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import { builder, decodeGlobalId } from './builder.ts';
import { loadBulk } from './bulk.ts';

/** The `[workflowId, localId]` pair a workflow-scoped global id carries. */
export function pair(id: string): [string, string] {
  try {
    const value: unknown = JSON.parse(id);
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string' && part)) {
      return [value[0] as string, value[1] as string];
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput('Malformed global id', 'id');
}

export async function loadNode(globalId: string, context: Context): Promise<unknown> {
  const { typename, id } = decodeGlobalId(globalId);
  switch (typename) {
    case 'WorkflowExecution': {
      const [workflowId, executionId] = pair(id);
      return context.upstreams.flows.loaders.execution.load({ workflowId, executionId });
    }
    case 'ModelExecution':
      return context.upstreams.models.loaders.prediction.load(id);
    case 'TaskExecution':
      return context.upstreams.tasks.loaders.execution.load(id);
    case 'Bulk': {
      const [workflowId, bulkId] = pair(id);
      return loadBulk({ workflowId, bulkId }, context);
    }
    default:
      throw badUserInput(`Unknown node type in global id`, 'id');
  }
}

/** At most this many ids per `nodes` call. */
const maxNodes = 100;

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => loadNode(String(id), context),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `Order kept; a missing id is null with its own error. At most ${maxNodes} ids.`,
    args: { ids: t.arg.idList({ required: true }) },
    resolve: (_root, { ids }, context) => {
      if (ids.length > maxNodes) throw badUserInput(`At most ${maxNodes} ids per call`, 'ids');
      // loadNode decodes before its first await: a malformed id rejects without any upstream call.
      return ids.map((id) => loadNode(String(id), context));
    },
  }),
}));

/**
 * The Relay connection types named by the contract, each with `totalCount`.
 */
import { builder } from './builder.ts';
import type { ConnectionShape } from './paging.ts';
import { ModelExecution, WorkflowExecution } from './refs.ts';

const totalCountOf = (connection: unknown) => (connection as ConnectionShape<unknown>).totalCount;

export const WorkflowExecutionConnection = builder.connectionObject(
  {
    type: WorkflowExecution,
    name: 'WorkflowExecutionConnection',
    fields: (t) => ({ totalCount: t.int({ resolve: totalCountOf }) }),
  },
  { name: 'WorkflowExecutionEdge' },
);

export const ModelExecutionConnection = builder.connectionObject(
  {
    type: ModelExecution,
    name: 'ModelExecutionConnection',
    fields: (t) => ({ totalCount: t.int({ resolve: totalCountOf }) }),
  },
  { name: 'ModelExecutionEdge' },
);

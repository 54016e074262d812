/**
 * The Execution interface shared by the three hosts' executions, its enums and error type.
 */
import type { Context } from '../context.ts';
import * as model from '../model.ts';
import { builder } from './builder.ts';
import { upstreamCall } from './cost.ts';
import { encodeGlobalId, nodeRefOf } from './ids.ts';
import { OutputItem, outputItemsOf } from './output.ts';
import { fullTaskExecution, fullWorkflowExecution, workflowExecutionError } from './resolve.ts';

export const ExecutionSource = builder.enumType('ExecutionSource', {
  description: 'Which upstream host an execution lives on.',
  values: ['WORKFLOW', 'MODEL', 'TASK'] as const,
});

export const ExecutionStatus = builder.enumType('ExecutionStatus', {
  description:
    'One status vocabulary for every host. `upstreamStatus` keeps the verbatim value; an unlisted value is UNKNOWN, never an error.',
  values: model.executionStatuses,
});

export const ErrorClassification = builder.enumType('ErrorClassification', {
  description: "The models host's canonical classification of a failed execution.",
  values: model.errorClassifications,
});

export const ExecutionError = builder.objectRef<model.ExecutionError>('ExecutionError').implement({
  fields: (t) => ({
    message: t.exposeString('message', { nullable: false }),
    cause: t.exposeString('cause'),
    classification: t.field({ type: ErrorClassification, resolve: (error) => error.classification }),
  }),
});

const typenameBySource = {
  WORKFLOW: 'WorkflowExecution',
  MODEL: 'ModelExecution',
  TASK: 'TaskExecution',
} as const satisfies Record<model.ExecutionSource, string>;

/** An execution's output, from its fuller shape when the one at hand lacks it (a list summary). */
async function outputOf(execution: model.Execution, context: Context): Promise<unknown> {
  return execution.source === 'WORKFLOW' ? (await fullWorkflowExecution(execution, context)).output : execution.output;
}

/** A run of the task host's runs list does not say when it started: the execution itself does. */
async function startOf(execution: model.Execution, context: Context): Promise<Pick<model.Execution, 'startedAt' | 'durationMs'>> {
  return execution.source === 'TASK' ? fullTaskExecution(execution, context) : execution;
}

export const Execution = builder.interfaceRef<model.Execution>('Execution').implement({
  description: 'Something that ran on one of the upstream hosts.',
  interfaces: [builder.nodeInterfaceRef()],
  resolveType: (execution) => typenameBySource[execution.source],
  fields: (t) => ({
    id: t.id({
      nullable: false,
      description: 'Opaque global id; round-trips through `node(id:)`.',
      resolve: (execution) => encodeGlobalId(nodeRefOf(execution)),
    }),
    executionId: t.exposeString('executionId', { nullable: false, description: "The upstream's own id." }),
    source: t.field({ type: ExecutionSource, nullable: false, resolve: (execution) => execution.source }),
    status: t.field({ type: ExecutionStatus, nullable: false, resolve: (execution) => execution.status }),
    upstreamStatus: t.exposeString('upstreamStatus', {
      nullable: false,
      description: 'The status exactly as the upstream sent it.',
    }),
    isTerminal: t.exposeBoolean('isTerminal', { nullable: false }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.field({ type: 'DateTime', resolve: async (execution, _args, context) => (await startOf(execution, context)).startedAt }),
    completedAt: t.expose('completedAt', { type: 'DateTime' }),
    durationMs: t.int({ resolve: async (execution, _args, context) => (await startOf(execution, context)).durationMs }),
    output: t.field({
      type: 'JSON',
      description: 'A string (text), a list of URLs (images) or an object (structured output).',
      resolve: (execution, _args, context) => outputOf(execution, context),
    }),
    outputs: t.field({
      type: [OutputItem],
      description: '`output`, typed: one item per element of a list output (text, image, file or JSON).',
      resolve: async (execution, _args, context) => outputItemsOf(await outputOf(execution, context)),
    }),
    error: t.field({
      type: ExecutionError,
      // A failed workflow execution read in bulk fetches its error with a call of its own.
      complexity: upstreamCall,
      resolve: (execution, _args, context) =>
        execution.source === 'WORKFLOW' ? workflowExecutionError(execution, context) : execution.error,
    }),
  }),
});

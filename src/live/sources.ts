/**
 * What can be watched, and how a subscriber reads its current state with its own credential: a
 * workflow execution (`GET /executions/{id}`, the same shape as its webhook), a model execution
 * (`GET /prediction/{id}`), a task (`GET /api/v1/executions/{id}`), and a bulk's progress (the
 * workflows list filtered by `bulk_id`: one call per 100 members, never one per execution).
 */
import { notFound } from '../errors.ts';
import * as model from '../model.ts';
import type { ModelsClient, TasksClient, WorkflowsClient } from '../upstreams/session.ts';
import type { Reader, Source } from './watch.ts';

export type ExecutionRef =
  | { readonly source: 'WORKFLOW'; readonly workflowId: string; readonly executionId: string }
  | { readonly source: 'MODEL' | 'TASK'; readonly executionId: string };

/**
 * What readers take of the request's upstream session (an `UpstreamSession` fits): each host's
 * client and credentialKey. Never its loaders: they cache within the request, and polls read fresh.
 */
export interface ReaderSession {
  readonly workflows: { readonly client: Pick<WorkflowsClient, 'getExecution' | 'listExecutions'>; readonly credentialKey: string };
  readonly models: { readonly client: Pick<ModelsClient, 'getPrediction'>; readonly credentialKey: string };
  readonly tasks: { readonly client: Pick<TasksClient, 'getExecution'>; readonly credentialKey: string };
}

/** Topics are the same on every replica: a webhook names an execution by its id alone. */
export const topics = {
  execution: (source: model.ExecutionSource, executionId: string) => `execution:${source.toLowerCase()}:${executionId}`,
  bulk: (workflowId: string, bulkId: string) => `bulk:${workflowId}:${bulkId.toLowerCase()}`,
} as const;

export function executionSource(ref: ExecutionRef): Source<model.Execution> {
  return {
    topic: topics.execution(ref.source, ref.executionId),
    isTerminal: (execution) => execution.isTerminal,
    // A prediction webhook says only status, output and error: the rest stays as last read.
    ...(ref.source === 'MODEL' ? { merge: (last, fields) => ({ ...last, ...fields }) } : {}),
  };
}

export function executionReader(session: ReaderSession, ref: ExecutionRef): Reader<model.Execution> {
  switch (ref.source) {
    case 'WORKFLOW': {
      const { client, credentialKey } = session.workflows;
      // The id's workflow is not checked against the answer: a trigger by slug gives an id with
      // the slug, while the execution names the workflow's uuid.
      return { credentialKey, read: () => client.getExecution(ref.executionId) };
    }
    case 'MODEL': {
      const { client, credentialKey } = session.models;
      return { credentialKey, read: () => client.getPrediction(ref.executionId) };
    }
    case 'TASK': {
      const { client, credentialKey } = session.tasks;
      return { credentialKey, read: () => client.getExecution(ref.executionId) };
    }
  }
}

export function bulkSource(bulk: model.Bulk): Source<model.BulkProgress> {
  return { topic: topics.bulk(bulk.workflowId, bulk.bulkId), isTerminal: (progress) => progress.isComplete };
}

export function bulkReader(session: ReaderSession, bulk: model.Bulk): Reader<model.BulkProgress> {
  const { client, credentialKey } = session.workflows;
  return {
    credentialKey,
    read: async () => {
      const members = await model.bulkMembers(bulk, (query) => client.listExecutions(query));
      if (members.length === 0) throw notFound('workflows', `Bulk ${bulk.bulkId}`);
      return model.progressOf(members);
    },
  };
}

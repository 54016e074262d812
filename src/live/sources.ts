/**
 * What can be watched, and the one upstream read that gives its current state: a workflow
 * execution (`GET /executions/{id}`, the same shape as its webhook), a model execution
 * (`GET /prediction/{id}`), a task (`GET /api/v1/executions/{id}`), and a bulk's progress (the
 * workflows list filtered by `bulk_id`: one call per 100 members, never one per execution).
 */
import { notFound } from '../errors.ts';
import * as model from '../model.ts';
import type { UpstreamSession } from '../upstreams/session.ts';
import type { Source } from './watch.ts';

export type ExecutionRef =
  | { readonly source: 'WORKFLOW'; readonly workflowId: string; readonly executionId: string }
  | { readonly source: 'MODEL' | 'TASK'; readonly executionId: string };

/** Topics are the same on every replica: a webhook names an execution by its id alone. */
export const topics = {
  execution: (source: model.ExecutionSource, executionId: string) => `execution:${source.toLowerCase()}:${executionId}`,
  bulk: (workflowId: string, bulkId: string) => `bulk:${workflowId}:${bulkId.toLowerCase()}`,
} as const;

export function executionSource(session: UpstreamSession, ref: ExecutionRef): Source<model.Execution> {
  const base = {
    topic: topics.execution(ref.source, ref.executionId),
    isTerminal: (execution: model.Execution) => execution.isTerminal,
  };
  switch (ref.source) {
    case 'WORKFLOW':
      return {
        ...base,
        // The id's workflow is not checked against the answer: a trigger by slug gives an id with
        // the slug, while the execution names the workflow's uuid.
        fetch: () => session.workflows.client.getExecution(ref.executionId),
      };
    case 'MODEL':
      return {
        ...base,
        fetch: () => session.models.client.getPrediction(ref.executionId),
        // A prediction webhook says only status, output and error: the rest stays as last read.
        merge: (last, fields) => ({ ...last, ...fields }) as model.Execution,
      };
    case 'TASK':
      return { ...base, fetch: () => session.tasks.client.getExecution(ref.executionId) };
  }
}

export function bulkSource(session: UpstreamSession, bulk: model.Bulk): Source<model.BulkProgress> {
  return {
    topic: topics.bulk(bulk.workflowId, bulk.bulkId),
    isTerminal: (progress) => progress.isComplete,
    fetch: async () => {
      const members = await model.bulkMembers(bulk, (query) => session.workflows.client.listExecutions(query));
      if (members.length === 0) throw notFound('workflows', `Bulk ${bulk.bulkId}`);
      return model.progressOf(members);
    },
  };
}

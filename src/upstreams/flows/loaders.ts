/**
 * The flows host's per-request loader: full workflow executions through the bulk endpoint, one
 * call per workflow (per `BULK_MAX_BATCH_SIZE` ids), realigned to the keys. A key without its
 * workflow falls back on the workflows host's detail loader.
 */
import DataLoader from 'dataloader';
import { notFound } from '../../errors.ts';
import type * as model from '../../model.ts';
import type { LoaderDeps } from '../host.ts';
import { chunk, measured } from '../loader.ts';
import type { FlowsClient, FlowsLoaders, WorkflowExecutionKey } from '../session.ts';

type Results = Map<string, model.WorkflowExecution | Error>;

/** One bulk call per batch of ids; each id gets its execution, NOT_FOUND, or the call's error. */
async function readBulk(client: FlowsClient, workflowId: string, batch: readonly string[], results: Results): Promise<void> {
  try {
    const found = await client.bulkExecutions(workflowId, batch);
    for (const id of batch) results.set(id, found.get(id) ?? notFound('flows', `Workflow execution ${id}`));
  } catch (error) {
    for (const id of batch) results.set(id, error instanceof Error ? error : new Error(String(error)));
  }
}

function byWorkflow(keys: readonly WorkflowExecutionKey[]): { grouped: Map<string, string[]>; orphans: string[] } {
  const grouped = new Map<string, string[]>();
  const orphans: string[] = [];
  for (const key of keys) {
    if (key.workflowId === null) orphans.push(key.executionId);
    else grouped.set(key.workflowId, [...(grouped.get(key.workflowId) ?? []), key.executionId]);
  }
  return { grouped, orphans };
}

export function createFlowsLoaders(client: FlowsClient, { config, observer, session }: LoaderDeps): FlowsLoaders {
  const execution = new DataLoader<WorkflowExecutionKey, model.WorkflowExecution, string>(
    measured(observer, 'workflowExecution', async (keys) => {
      const results: Results = new Map();
      const { grouped, orphans } = byWorkflow(keys);
      const calls = [...grouped].flatMap(([workflowId, ids]) =>
        chunk(ids, config.bulkMaxBatchSize).map((batch) => readBulk(client, workflowId, batch, results)),
      );
      const orphanResults = orphans.length ? session.workflows.loaders.detail.loadMany(orphans) : Promise.resolve([]);
      await Promise.all(calls);
      (await orphanResults).forEach((result, i) => results.set(orphans[i]!, result));
      return keys.map((key) => results.get(key.executionId) ?? new Error('unreachable: key without result'));
    }),
    // An execution id belongs to exactly one workflow: cache by execution id alone.
    { cacheKeyFn: (key) => key.executionId, maxBatchSize: Infinity },
  );
  return { execution };
}

/** The workflows host's per-request loaders: execution details and list pages. */
import { perKeyLoader } from '../loader.ts';
import type { LoaderDeps } from '../host.ts';
import type { WorkflowsClient, WorkflowsLoaders } from '../session.ts';

export function createWorkflowsLoaders(client: WorkflowsClient, { observer }: LoaderDeps): WorkflowsLoaders {
  return {
    // No batch endpoint keyed by execution alone (the bulk one needs the workflow).
    detail: perKeyLoader(observer, 'workflowExecutionDetail', client.getExecution),
    page: perKeyLoader(observer, 'workflowExecutionPage', client.listExecutions, {
      cacheKeyFn: (query) => JSON.stringify([query.workflowId, query.bulkId ?? null, query.offset, query.limit]),
    }),
  };
}
